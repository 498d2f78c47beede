"""A real browser checks staff pages: the ranked table fits wide screens, the Fairness pages
pass axe-core, and the fairness method is a page a signed-in admin can open."""

import json

import pytest

from hiring.accounts import users as accounts
from tests.browser.test_candidate_browser import axe_problems
from tests.browser.waits import expect
from tests.candidate_records import insert_candidate

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "browser-admin-pass-2"
STATUSES = ("completed", "shortlisted", "interviewed", "offered", "rejected", "hired")


@pytest.fixture(scope="module")
def staffed(live):
    """An admin, and candidates with the longest names, e-mails and labels the list shows."""
    accounts.add_user(live.db, "ava", PASSWORD, "admin", "Ava Admin")
    role_id = live.role["id"]
    for i in range(36):
        cid = insert_candidate(
            live.db,
            role_id,
            status=STATUSES[i % len(STATUSES)],
            sex=("Woman", "Man", "Non-binary")[i % 3],
            race=("White", "Asian", "Black or African American", "Hispanic or Latino")[i % 4],
            band=("strong", "good", "moderate", "low", "knock-out")[i % 5],
            fit=0.2 + i / 60,
            history=("shortlisted",) if i % 2 else (),
            name=f"Maximiliana-Josefina Featherstonehaugh-Okonkwo {i}",
        )
        live.db["candidates"].update(
            cid,
            {
                "email": f"maximiliana.josefina.featherstonehaugh.{i}@customer-experience.example.org",
                "percentile": 12.0 + i,
                "flag_count": i % 3,
                "top_strength": "building_relationships",
                "biggest_gap": "gathering_information",
            },
        )
        live.db["self_identification"].update(
            cid, {"age_band": ("Under 25", "40 to 54")[i % 2], "disability": ("Yes", "No")[i % 2]}
        )
    live.db["incumbents"].insert_all(
        {
            "role_id": role_id,
            "employee_id": f"E{i}",
            "features": json.dumps({"warmth": 3 + (i % 5) / 5, "listening": 50 + i}),
        }
        for i in range(30)
    )
    live.db["incumbent_self_identification"].insert_all(
        {"role_id": role_id, "employee_id": f"E{i}", "sex": ("F", "M")[i % 2], "race_ethnicity": ""}
        for i in range(30)
    )


def sign_in(page, live):
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill("ava")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_the_ranked_table_shows_status_and_date_without_scrolling_sideways(
    browser, live, staffed, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live)
    page.goto(f"{live.url}/roles/{live.role['id']}/candidates")
    assert page.locator("table.ranked tbody tr").count() >= 20
    scroll = page.locator("table.ranked").locator("xpath=..")
    overflow = scroll.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the table is {overflow}px wider than its box at {width}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = scroll.bounding_box()
    for header in ("Status", "Date"):
        cell = page.get_by_role("columnheader", name=header, exact=True).bounding_box()
        assert cell["x"] >= box["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
        assert cell["x"] + cell["width"] <= width
    # every row's last cell (the date) is inside the visible box too
    last = page.locator("table.ranked tbody tr td:last-child")
    right = max(
        b["x"] + b["width"]
        for b in last.evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.x, width: r.width}; })"
        )
    )
    assert right <= box["x"] + box["width"] + 1
    context.close()


def test_the_fairness_pages_pass_axe_and_link_to_the_method_page(
    axe_page, axe_script, live, staffed
):
    page = axe_page
    sign_in(page, live)
    found = {}
    page.goto(f"{live.url}/admin/fairness/")
    found["fairness roles"] = axe_problems(page, axe_script)
    page.get_by_role("link", name=live.role["title"]).click()
    page.get_by_role("heading", name="Findings: impact ratios below four-fifths").wait_for()
    assert page.get_by_role("heading", name="Age band").count() >= 4
    found["fairness role"] = axe_problems(page, axe_script)
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: every table scrolls
    found["fairness role on a phone"] = axe_problems(page, axe_script)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="How these figures are computed").click()
    page.wait_for_url("**/admin/fairness/method")
    expect(
        page.get_by_role("heading", name="Small cells: groups too small to show")
    ).to_be_visible()
    assert "docs/fairness.md" not in page.inner_text("main")
    found["method"] = axe_problems(page, axe_script)
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found)


def test_scrolling_tables_on_the_fairness_page_are_reachable_by_keyboard(page, live, staffed):
    sign_in(page, live)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live.url}/admin/fairness/{live.role['id']}")
    regions = page.locator(".table-scroll")
    scrollable = regions.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth).length"
    )
    assert scrollable > 0
    names = regions.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth)"
        ".map(e => [e.tabIndex, e.getAttribute('role'), e.getAttribute('aria-label')])"
    )
    assert all(tab == 0 and role == "region" and label for tab, role, label in names), names
    assert page.csp_errors == []


def test_scrolling_tables_on_other_staff_pages_pass_axe_on_a_phone(
    axe_page, axe_script, live, staffed
):
    from hiring.modeling import calibration
    from hiring.modeling.incumbents import Criterion
    from tests.calibration_data import scores_csv
    from tests.workspace_data import completed_candidate

    calibration.import_incumbents(
        live.db, live.role["id"], scores_csv(150), Criterion("high_performer")
    )
    calibration.calibrate_role(
        live.db, live.app.config["INSTANCE_PATH"], live.role["id"], repeats=1
    )
    assessed = completed_candidate(live.app, live.db, live.role, "Pat Phone", "pat@x.test", 3)
    page = axe_page
    sign_in(page, live)
    page.set_viewport_size({"width": 390, "height": 800})
    found = {}
    for name, url in (
        ("audit log", "/admin/audit/"),
        ("validity", f"/admin/validity/{live.role['id']}"),
        ("candidate", f"/candidates/{assessed['id']}"),
    ):
        page.goto(live.url + url)
        assert page.locator(".table-scroll").count() > 0, name
        found[name] = axe_problems(page, axe_script)
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found)
