"""The candidate's journey: link, consent, pages, autosave, resume, timings, self-ID."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from hiring import create_app
from hiring.candidates import invites, journey
from hiring.store.db import close_all
from tests.candidate_support import (
    SHOWN_RE,
    Walker,
    answers_for,
    invite,
    make_role,
    questionnaire_of,
)


@pytest.fixture
def role(db):
    return make_role(db)


@pytest.fixture
def made(db, role):
    return invite(db, role)


@pytest.fixture
def walker(client, made):
    return Walker(client, made.token)


@pytest.fixture
def q(db, made):
    return questionnaire_of(db, made.candidate_id)


def test_link_becomes_a_session_and_the_token_leaves_the_address(walker, made, caplog):
    caplog.set_level(logging.DEBUG)
    response = walker.open()
    assert response.status_code == 302
    assert response.headers["Location"] == "/assessment/"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    landing = walker.get("/assessment/")
    assert landing.status_code == 200 and made.token not in landing.get_data(as_text=True)
    assert landing.headers["Referrer-Policy"] == "no-referrer"
    assert landing.headers["Cache-Control"] == "no-store"
    assert made.token not in caplog.text


def test_development_server_request_lines_hide_the_token(walker, made, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('127.0.0.1 - - "%s" 302 -', f"GET /a/{made.token} HTTP/1.1")
    assert made.token not in caplog.text
    assert "GET /a/[redacted] HTTP/1.1" in caplog.text


def test_unknown_and_replaced_links_get_the_same_friendly_404(client, db, made):
    unknown = client.get("/a/" + "A" * 43)
    invites.reissue_invite(db, made.candidate_id, days=14)
    replaced = client.get(f"/a/{made.token}")
    assert unknown.status_code == replaced.status_code == 404
    assert unknown.get_data() == replaced.get_data()
    assert "This link does not work" in unknown.get_data(as_text=True)


def test_expired_link_gets_410_with_advice(client, db, made):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    db["candidates"].update(made.candidate_id, {"token_expires_at": past})
    response = client.get(f"/a/{made.token}")
    assert response.status_code == 410
    assert "Ask the person who invited you for a new link" in response.get_data(as_text=True)


def test_a_session_from_a_replaced_link_ends(walker, db, made):
    walker.open()
    assert walker.get("/assessment/").status_code == 200
    invites.reissue_invite(db, made.candidate_id, days=14)
    response = walker.get("/assessment/")
    assert response.status_code == 403
    assert "open the link in your invitation" in response.get_data(as_text=True)


def test_candidate_sessions_never_reach_staff_pages(walker, client, staff):
    walker.open()
    for path in ("/", "/roles/", "/invite/", "/invite/upload", "/auth/password"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path


def test_pages_without_a_session_send_candidates_to_their_link(client):
    for path in ("/assessment/", "/assessment/page/1", "/assessment/about-you", "/assessment/done"):
        assert client.get(path).status_code == 403


def test_landing_explains_the_assessment_and_needs_consent(walker, app, q):
    walker.open()
    html = walker.get("/assessment/").get_data(as_text=True)
    for text in (
        "Customer Service Representative",
        f"About {q.minutes[0]} to {q.minutes[1]} minutes",
        "no right or wrong answers",
        f"{app.config['RETENTION_DAYS']} days after a decision",
        "A person makes the decision",
        "Reply to your invitation e-mail to ask for extra time or another format.",
        'type="checkbox"',
    ):
        assert text in html, text
    refused = walker.client.post("/assessment/", data={"csrf_token": walker.csrf})
    assert "Tick the box to agree before you start." in refused.get_data(as_text=True)
    assert walker.get("/assessment/page/1").headers["Location"].endswith("/assessment/")


def test_accommodation_contact_is_configurable(walker, app):
    app.config["ACCOMMODATION_CONTACT"] = "Call Jo on 0123 456 789 for another format."
    walker.open()
    assert "Call Jo on 0123 456 789" in walker.get("/assessment/").get_data(as_text=True)


def test_every_form_needs_its_csrf_token(walker):
    walker.open()
    walker.get("/assessment/")
    assert walker.client.post("/assessment/", data={"consent": "y"}).status_code == 400
    walker.consent()
    assert walker.client.post("/assessment/page/1", data={"next": "Next"}).status_code == 400


def test_consent_starts_and_pins_the_questionnaire(walker, db, made, q):
    walker.open()
    assert walker.consent().headers["Location"] == "/assessment/page/1"
    row = db["candidates"].get(made.candidate_id)
    assert (
        row["status"] == "started"
        and row["consented_at"]
        and row["questionnaire_hash"] == q.content_hash
    )


def test_likert_page_is_accessible_markup_with_progress(walker, q):
    walker.open()
    walker.consent()
    html = walker.get("/assessment/page/1").get_data(as_text=True)
    page = q.pages[0]
    assert html.count("<fieldset") == len(page.item_ids) == html.count("<legend>")
    for item_id in page.item_ids:
        for k in range(q.response_scale.points):
            assert f'<label for="a_{item_id}-{k}">' in html
    total = len(q.pages) + 1
    assert f"Page 1 of {total} · {total - 1} left" in html
    assert f'<progress max="{total}" value="1"' in html
    assert 'lang="en"' in html and "style=" not in html and "<script>" not in html
    assert q.likert_by_id[page.item_ids[0]].text in html


def test_sjt_page_shows_one_scenario_and_its_options(walker, db, made, q):
    walker.open()
    walker.consent()
    answers = answers_for(q)
    first_sjt = next(n for n, p in enumerate(q.pages, 1) if p.item_ids[0] in q.sjt_by_id)
    walker.answer_pages(q, answers, pages=range(1, first_sjt))
    html = walker.get(f"/assessment/page/{first_sjt}").get_data(as_text=True)
    item = q.sjt_by_id[q.pages[first_sjt - 1].item_ids[0]]
    assert html.count("<fieldset") == 1
    assert item.scenario.split("\n\n")[0] in html
    for option in item.options:
        assert option.text in html


def test_unanswered_items_are_named_at_the_top_and_next_to_each(walker, db, made, q):
    walker.open()
    walker.consent()
    page = q.pages[0]
    given = {page.item_ids[0]: 3}
    response = walker.post_page(1, given)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    missing = page.item_ids[1:]
    for number, item_id in enumerate(page.item_ids[1:], start=2):
        assert f'href="#a_{item_id}-0"' in summary
        assert f"Choose an answer for statement {number}." in summary
        assert f'id="a_{item_id}-error"' in html
    assert len(re.findall(r'class="errors"', html)) == len(missing)
    # what was answered was kept even though the page did not validate
    assert journey.saved_answers(db, made.candidate_id) == given


def test_next_saves_back_saves_without_asking(walker, db, made, q):
    walker.open()
    walker.consent()
    answers = answers_for(q)
    walker.answer_pages(q, answers, pages=[1])
    partial = {q.pages[1].item_ids[0]: 5}
    back = walker.post_page(2, partial, button="back")
    assert back.headers["Location"] == "/assessment/page/1"
    saved = journey.saved_answers(db, made.candidate_id)
    assert saved == {**{i: answers[i] for i in q.pages[0].item_ids}, **partial}
    assert db["answers"].count_where("candidate_id = ?", [made.candidate_id]) == len(saved)
    html = walker.get("/assessment/page/1").get_data(as_text=True)
    first = q.pages[0].item_ids[0]
    assert re.search(
        rf'checked id="a_{first}-{answers[first] - 1}"|id="a_{first}-{answers[first] - 1}"[^>]*checked',
        html,
    )


def test_changing_an_answer_replaces_it(walker, db, made, q):
    walker.open()
    walker.consent()
    page = q.pages[0]
    walker.post_page(1, dict.fromkeys(page.item_ids, 2))
    walker.post_page(1, dict.fromkeys(page.item_ids, 4))
    rows = list(db["answers"].rows_where("candidate_id = ?", [made.candidate_id]))
    assert len(rows) == len(page.item_ids) and {r["value"] for r in rows} == {4}


def test_out_of_range_answers_are_refused(walker, db, made, q):
    walker.open()
    walker.consent()
    html = walker.post_page(1, dict.fromkeys(q.pages[0].item_ids, 9)).get_data(as_text=True)
    assert "Not a valid choice" in html
    assert journey.saved_answers(db, made.candidate_id) == {}


def test_no_skipping_ahead_past_unanswered_pages(walker, q):
    walker.open()
    walker.consent()
    assert walker.get("/assessment/page/5").headers["Location"] == "/assessment/page/1"
    assert walker.get("/assessment/about-you").headers["Location"] == "/assessment/page/1"
    assert walker.get(f"/assessment/page/{len(q.pages) + 1}").status_code == 404
    assert walker.get("/assessment/page/0").status_code == 404
    walker.answer_pages(q, answers_for(q), pages=[1])
    assert walker.get("/assessment/page/3").headers["Location"] == "/assessment/page/2"


def test_resume_from_another_device_after_a_restart(app, walker, made, q, tmp_path):
    walker.open()
    walker.consent()
    walker.answer_pages(q, answers_for(q), pages=[1, 2, 3])
    close_all()
    restarted = create_app(
        {k: app.config[k] for k in ("TESTING", "INSTANCE_PATH", "DATABASE", "SECRET_KEY")}
    )
    other_device = Walker(restarted.test_client(), made.token)
    response = other_device.open()
    assert response.status_code == 302
    assert other_device.get("/assessment/").headers["Location"] == "/assessment/page/4"


def test_resume_goes_to_the_first_page_with_a_gap(db, made, q):
    answers = answers_for(q)
    some = {i: answers[i] for i in q.item_ids if i not in q.pages[2].item_ids}
    assert journey.resume_page(q, some) == 2
    assert journey.resume_page(q, answers) == len(q.pages)
    assert journey.resume_page(q, {}) == 0


def test_page_timings_accumulate_from_the_signed_stamp(walker, db, made, q):
    walker.open()
    walker.consent()
    walker.answer_pages(q, answers_for(q), pages=[1])
    timing = db["page_timings"].get((made.candidate_id, q.pages[0].id))
    assert 0 <= timing["seconds"] < 30 and timing["n_items"] == len(q.pages[0].item_ids)
    walker.post_page(2, {}, shown="forged.stamp")  # a forged stamp records no time
    assert db["page_timings"].count_where("page_id = ?", [q.pages[1].id]) == 0


def test_page_seconds_are_capped_and_added(db, made, q):
    journey.give_consent(db, made.candidate_id)
    journey.save_page(db, made.candidate_id, 0, {}, seconds=5000, advance=False)
    journey.save_page(db, made.candidate_id, 0, {}, seconds=12.5, advance=False)
    assert (
        journey.page_seconds(db, made.candidate_id)[q.pages[0].id][0]
        == journey.MAX_PAGE_SECONDS + 12.5
    )


def test_a_stamp_from_another_page_records_no_time(walker, db, made, q):
    walker.open()
    walker.consent()
    page_one = walker.get("/assessment/page/1").get_data(as_text=True)
    stamp = SHOWN_RE.search(page_one).group(1)
    walker.answer_pages(q, answers_for(q), pages=[1])
    walker.post_page(2, {}, shown=stamp)
    assert db["page_timings"].count_where("page_id = ?", [q.pages[1].id]) == 0


def test_autosave_keeps_answers_without_moving_on(walker, db, made, q):
    walker.open()
    walker.consent()
    walker.get("/assessment/page/1")
    item = q.pages[0].item_ids[0]
    response = walker.client.post(
        "/assessment/page/1/autosave",
        data={"csrf_token": walker.csrf, f"a_{item}": "4", "a_zzz": "2"},
    )
    assert response.status_code == 204
    assert journey.saved_answers(db, made.candidate_id) == {item: 4}
    assert db["candidates"].get(made.candidate_id)["current_page"] == 0


def test_self_identification_page_is_optional_and_prefilled(walker, q):
    walker.open()
    walker.consent()
    walker.answer_pages(q, answers_for(q))
    html = walker.get("/assessment/about-you").get_data(as_text=True)
    assert html.count("<fieldset") == 4
    assert html.count("Prefer not to say") >= 4
    assert (
        len(
            re.findall(
                r'checked[^>]*value="Prefer not to say"|value="Prefer not to say"[^>]*checked|checked id="[a-z_]+-\d+" name="[a-z_]+" type="radio" value="Prefer not to say"',
                html,
            )
        )
        == 4
    )
    assert "never used to score you" in html and "Skip these questions" in html


def test_self_identification_is_stored_apart(walker, db, made, q):
    walker.complete(q, answers_for(q), self_id={"sex": "Woman", "age_band": "40 to 54"})
    row = db["self_identification"].get(made.candidate_id)
    assert (row["sex"], row["age_band"], row["race_ethnicity"]) == (
        "Woman",
        "40 to 54",
        "Prefer not to say",
    )
    result = db["results"].get(made.candidate_id)
    assert "Woman" not in result["scores"] and "40 to 54" not in (result["fit"] or "")


def test_skipping_self_identification_stores_nothing(walker, db, made, q):
    response = walker.complete(q, answers_for(q))
    assert response.headers["Location"] == "/assessment/done"
    assert db["self_identification"].count == 0


def test_a_bad_self_identification_value_is_refused(db, made):
    journey.give_consent(db, made.candidate_id)
    with pytest.raises(journey.CandidateError):
        journey.save_self_identification(db, made.candidate_id, {"sex": "Robot"})


def test_after_submitting_the_link_only_shows_thank_you(walker, client, db, made, q):
    walker.complete(q, answers_for(q))
    assert "Thank you, Pat Example" in walker.get("/assessment/done").get_data(as_text=True)
    for path in ("/assessment/", "/assessment/page/1", "/assessment/about-you"):
        assert walker.get(path).headers["Location"] == "/assessment/done", path
    fresh = Walker(client.application.test_client(), made.token)
    assert fresh.open().status_code == 302
    assert fresh.get("/assessment/").headers["Location"] == "/assessment/done"
    # even once the link's date has passed, the candidate still reaches the thank-you page
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    db["candidates"].update(made.candidate_id, {"token_expires_at": past})
    assert walker.get("/assessment/done").status_code == 200


def _first_items(q):
    """The first Likert item and the first SJT item, with their page indexes and tops."""
    likert = next(
        (index, item) for index, page in enumerate(q.pages) for item in page.item_ids
        if item not in q.sjt_by_id
    )  # fmt: skip
    sjt = next(
        (index, item) for index, page in enumerate(q.pages) for item in page.item_ids
        if item in q.sjt_by_id
    )  # fmt: skip
    return {
        "likert": (*likert, q.response_scale.points),
        "sjt": (*sjt, len(q.sjt_by_id[sjt[1]].options)),
    }


@pytest.mark.parametrize("kind", ["likert", "sjt"])
@pytest.mark.parametrize(
    "value", [lambda top: top + 1, lambda top: 0, lambda top: -1, lambda top: True,
              lambda top: str(top), lambda top: float(top), lambda top: None],
    ids=["top+1", "zero", "negative", "bool", "text", "float", "none"],
)  # fmt: skip
def test_the_journey_itself_refuses_an_answer_outside_the_item_scale(db, made, q, kind, value):
    """The use case checks the range, not only the form: a 6 on a 1-5 item is never stored."""
    journey.give_consent(db, made.candidate_id)
    index, item, top = _first_items(q)[kind]
    with pytest.raises(journey.CandidateError, match="out of range"):
        journey.save_page(db, made.candidate_id, index, {item: value(top)}, seconds=10.0)
    assert journey.saved_answers(db, made.candidate_id) == {}
    assert db["page_timings"].count == 0


@pytest.mark.parametrize("kind", ["likert", "sjt"])
def test_the_journey_accepts_both_ends_of_the_item_scale(db, made, q, kind):
    journey.give_consent(db, made.candidate_id)
    index, item, top = _first_items(q)[kind]
    for value in (1, top):
        journey.save_page(db, made.candidate_id, index, {item: value}, advance=False)
        assert journey.saved_answers(db, made.candidate_id) == {item: value}
    assert top == (5 if kind == "likert" else top)


def checked_items(html: str) -> dict[str, int]:
    """Which option of each question the page shows as chosen (1-based)."""
    return {
        item: int(option) + 1
        for item, option in re.findall(r'<input checked id="a_([^"]+)-(\d+)"', html)
    }


def test_questions_kept_between_candidates_show_each_their_own_answers_and_errors(
    app, db, role, made, q
):
    """A page's questions are rendered once per process for each set of answers and errors."""
    first, second = made, invite(db, role, email="second@example.test")
    one, two = Walker(app.test_client(), first.token), Walker(app.test_client(), second.token)
    for walker in (one, two):
        walker.open()
        walker.consent()
    page = q.pages[0]
    fresh = two.get("/assessment/page/1").get_data(as_text=True)
    assert checked_items(fresh) == {} and 'class="errors"' not in fresh
    given = {page.item_ids[0]: 4}
    refused = one.post_page(1, given).get_data(as_text=True)
    assert checked_items(refused) == given
    assert len(re.findall(r'class="errors"', refused)) == len(page.item_ids) - 1
    again = two.get("/assessment/page/1").get_data(as_text=True)
    assert checked_items(again) == {} and 'class="errors"' not in again
    answers = {item: 1 + number % 5 for number, item in enumerate(page.item_ids)}
    assert one.post_page(1, answers).status_code == 302
    assert checked_items(one.get("/assessment/page/1").get_data(as_text=True)) == answers
    assert checked_items(two.get("/assessment/page/1").get_data(as_text=True)) == {}
