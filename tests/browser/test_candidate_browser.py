"""A real browser walks the candidate journey: mouse, keyboard only, a phone, and axe-core."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from hiring.candidates import journey
from tests.browser.waits import expect
from tests.candidate_support import answers_for, questionnaire_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def start(page, link):
    page.goto(link)
    assert page.url.endswith("/assessment/")
    page.get_by_label("I have read how my answers are used").check()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/assessment/page/1")


def answer_by_clicking(page, choice=1, tap=False):
    """Choose option ``choice`` (0-based, clipped) in every group, then press Next."""
    for group in page.locator("fieldset").all():
        labels = group.locator("label")
        target = labels.nth(min(choice, labels.count() - 1))
        target.tap() if tap else target.click()
    button = page.get_by_role("button", name="Next")
    with page.expect_navigation():
        button.tap() if tap else button.click()


def finish_questions(page, tap=False):
    while "/assessment/page/" in page.url:
        answer_by_clicking(page, tap=tap)
    assert page.url.endswith("/assessment/about-you")


def result_count(live, candidate_id):
    return live.db["results"].count_where("candidate_id = ?", [candidate_id])


def test_a_new_candidate_completes_the_whole_assessment(page, live):
    link, made = live.new_candidate()
    start(page, link)
    assert "Page 1 of 21" in page.inner_text(".progress-text")
    finish_questions(page)
    page.get_by_label("Woman").check()
    page.get_by_role("button", name="Send my assessment").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")
    assert result_count(live, made.candidate_id) == 1
    q = questionnaire_of(live.db, made.candidate_id)
    assert live.db["answers"].count_where("candidate_id = ?", [made.candidate_id]) == len(
        q.item_ids
    )
    assert live.db["self_identification"].get(made.candidate_id)["sex"] == "Woman"
    page.goto(link)  # the link now only thanks
    assert page.url.endswith("/assessment/done")
    assert page.csp_errors == []


def test_closing_the_tab_halfway_and_resuming_from_the_link(browser, live):
    link, made = live.new_candidate()
    first = browser.new_context()
    tab = first.new_page()
    start(tab, link)
    answer_by_clicking(tab, choice=3)
    answer_by_clicking(tab, choice=0)
    tab.close()  # the tab is gone; so is this browser profile
    first.close()
    other = browser.new_context()  # another device
    tab = other.new_page()
    tab.goto(link)
    assert tab.url.endswith("/assessment/page/3")
    tab.get_by_role("button", name="Back").click()
    tab.wait_for_url("**/assessment/page/2")
    assert all(
        group.locator("input").nth(0).is_checked() for group in tab.locator("fieldset").all()
    )
    tab.get_by_role("button", name="Back").click()
    assert all(
        group.locator("input").nth(3).is_checked() for group in tab.locator("fieldset").all()
    )
    other.close()


def tab_to(page, condition, limit=80):
    """Press Tab until the focused element meets ``condition`` (a JS expression over ``e``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def focus_is_visible(page):
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


def test_keyboard_only_completion(page, live):
    link, made = live.new_candidate("Kim Keyboard")
    page.goto(link)
    tab_to(page, "e.name === 'consent'")
    page.keyboard.press("Space")
    tab_to(page, "e.type === 'submit'")
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    while "/assessment/page/" in page.url:
        names = page.evaluate(
            "() => [...document.querySelectorAll('fieldset')].map(f => f.querySelector('input').name)"
        )
        for position, name in enumerate(names):
            tab_to(page, f"e.name === '{name}'")
            assert focus_is_visible(page)
            page.keyboard.press("Space")
            for _ in range(position % 3):
                page.keyboard.press("ArrowDown")
        tab_to(page, "e.name === 'next'")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/assessment/about-you")
    tab_to(page, "e.name === 'send'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/assessment/done")
    assert result_count(live, made.candidate_id) == 1


def test_the_assessment_fits_a_375px_phone(browser, live):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    link, made = live.new_candidate("Pat Phone")
    tab.goto(link)
    widths = {"landing": tab.evaluate("document.documentElement.scrollWidth")}
    tab.get_by_label("I have read how my answers are used").tap()
    tab.get_by_role("button", name="Start the assessment").tap()
    tab.wait_for_url("**/assessment/page/1")
    while "/assessment/page/" in tab.url:
        kind = "sjt" if tab.locator(".scenario").count() else "likert"
        widths[kind] = max(
            widths.get(kind, 0), tab.evaluate("document.documentElement.scrollWidth")
        )
        answer_by_clicking(tab, tap=True)
    widths["about-you"] = tab.evaluate("document.documentElement.scrollWidth")
    tab.get_by_role("button", name="Send my assessment").tap()
    tab.wait_for_url("**/assessment/done")
    assert all(width <= 375 for width in widths.values()), widths
    assert set(widths) == {"landing", "likert", "sjt", "about-you"}
    assert result_count(live, made.candidate_id) == 1
    context.close()


def axe_problems(page, axe_script):
    """Run axe-core in the page and return its serious and critical violations."""
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def prefill(live, candidate_id, up_to_page):
    """Save answers for the first ``up_to_page`` pages straight into the database."""
    q = questionnaire_of(live.db, candidate_id)
    answers = answers_for(q)
    for index, page in enumerate(q.pages[:up_to_page]):
        journey.save_page(live.db, candidate_id, index, {i: answers[i] for i in page.item_ids})
    return q


def test_axe_finds_no_serious_problem_on_any_page_type(axe_page, axe_script, live):
    page = axe_page
    found = {}
    link, made = live.new_candidate("Alex Axe")
    page.goto(link)
    found["landing"] = axe_problems(page, axe_script)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#error-summary")).to_be_visible()
    found["consent error"] = axe_problems(page, axe_script)
    page.get_by_label("I have read how my answers are used").check()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/assessment/page/1")
    found["likert page"] = axe_problems(page, axe_script)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#error-summary")).to_be_visible()
    found["error summary"] = axe_problems(page, axe_script)
    q = questionnaire_of(live.db, made.candidate_id)
    first_sjt = next(n for n, p in enumerate(q.pages) if p.item_ids[0] in q.sjt_by_id)
    prefill(live, made.candidate_id, first_sjt)
    page.goto(f"{live.url}/assessment/page/{first_sjt + 1}")
    assert page.locator(".scenario").count() == 1
    found["situation page"] = axe_problems(page, axe_script)
    prefill(live, made.candidate_id, len(q.pages))
    page.goto(f"{live.url}/assessment/about-you")
    found["self-identification"] = axe_problems(page, axe_script)
    page.get_by_role("button", name="Skip these questions and send").click()
    page.wait_for_url("**/assessment/done")
    found["thank you"] = axe_problems(page, axe_script)
    expired_link, expired = live.new_candidate("Eli Expired")
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    live.db["candidates"].update(expired.candidate_id, {"token_expires_at": past})
    assert page.goto(expired_link).status == 410
    found["expired link"] = axe_problems(page, axe_script)
    assert page.goto(f"{live.url}/a/{'Z' * 43}").status == 404
    found["unknown link"] = axe_problems(page, axe_script)
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found)
