"""A real browser takes the adaptive short form: on a 375 px phone, with axe-core on every page kind."""

import json

import pytest

from hiring.demo.adaptive import calibrate_demo_bank
from hiring.roles import services as roles
from tests.browser.test_candidate_browser import answer_by_clicking, axe_problems, result_count
from tests.candidate_support import invite

# The item bank store and the GRM fit come from branch irt (#16); until they are merged the
# journey cannot run, and these tests say so rather than pass.
pytest.importorskip(
    "hiring.assessment.item_banks", reason="item bank store (branch irt) not merged"
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def adaptive(live):
    """A role on the adaptive form, its item bank fitted to simulated answers."""
    role = roles.create_role(live.db, title="Adaptive Agent", location="", actor="test")
    calibrate_demo_bank(live.db, roles.role_questionnaire(role))
    return roles.set_role_form(live.db, role["id"], "adaptive", actor="test")


def new_link(live, role, name):
    live.count += 1
    made = invite(live.db, role, name=name, email=f"adaptive{live.count}@example.test")
    return made.link(live.url), made


def test_the_adaptive_form_on_a_375px_phone_passes_axe_and_tells_the_time_saved(
    browser, axe_script, live, adaptive
):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    tab = context.new_page()
    link, made = new_link(live, adaptive, "Sam Short")
    tab.goto(link)
    assert "short, adaptive form" in tab.inner_text("main")
    widths = {"landing": tab.evaluate("document.documentElement.scrollWidth")}
    found = {"landing": axe_problems(tab, axe_script)}
    tab.get_by_label("I have read how my answers are used").tap()
    tab.get_by_role("button", name="Start the assessment").tap()
    tab.wait_for_url("**/assessment/page/1")
    statements = 0
    while "/assessment/page/" in tab.url:
        kind = "sjt" if tab.locator(".scenario").count() else "likert"
        if kind not in found:
            found[kind] = axe_problems(tab, axe_script)
        progress = tab.inner_text(".progress-text")
        assert "left" in progress or "nearly done" in progress, progress
        widths[kind] = max(
            widths.get(kind, 0), tab.evaluate("document.documentElement.scrollWidth")
        )
        if kind == "likert":
            statements += tab.locator("fieldset").count()
        if kind == "likert" and "reloaded" not in found:
            before = [f.inner_text() for f in tab.locator("fieldset legend").all()]
            tab.reload()
            assert [f.inner_text() for f in tab.locator("fieldset legend").all()] == before
            found["reloaded"] = []
        answer_by_clicking(tab, choice=2, tap=True)
    widths["about-you"] = tab.evaluate("document.documentElement.scrollWidth")
    tab.get_by_role("button", name="Skip these questions and send").tap()
    tab.wait_for_url("**/assessment/done")
    done = tab.inner_text("main")
    found["thank you"] = axe_problems(tab, axe_script)
    assert f"you answered {statements} of 46 statements" in done
    assert all(width <= 375 for width in widths.values()), widths
    assert {"landing", "likert", "sjt", "about-you"} <= set(widths)
    assert statements < 46
    assert result_count(live, made.candidate_id) == 1
    assert live.db["results"].get(made.candidate_id)["form"] == "adaptive"
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found)
    context.close()
