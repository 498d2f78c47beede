"""The candidate's own feedback report, as a page and a PDF: written to them, no staff-only content."""

import json
import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from pypdf import PdfReader

from hiring.assessment.profiles import ProfileError, load_profile
from hiring.candidates.data_rights import GENERAL_STRENGTH, GENERAL_TO_DEVELOP, explain
from hiring.reports.cache import cached_feedback
from hiring.reports.feedback import feedback_report
from hiring.reports.render import default_worker
from hiring.reports.wording import BAND_LABELS
from hiring.roles.profiles import feature_names, role_profile, shipped_profiles
from hiring.store.paths import data_dir
from tests.candidate_records import assessed_candidate
from tests.workspace_data import completed_candidate, fast_hashing, make_role  # noqa: F401

# Words and marks that belong to staff reports: a candidate's feedback never holds any of them.
STAFF_ONLY = (
    *BAND_LABELS.values(),
    "knock-out",
    "knockout",
    "probability",
    "percentile",
    "%",
    "weight",
    "importance",
    "priority",
    "Confidential",
    "onboarding",
    "reject",
    "shortlist",
    "interview",
    "offered",
    "hired",
    "decision",
    "coaching",
    "incumbent",
    "calibrat",
    "model",
    "30/60/90",
    "not taken forward",
)
# Band ids as whole words ("strong", "good", ...), SD units and any figure such as 3.4 or 72.
STAFF_PATTERNS = (
    r"\b(strong|good|moderate|low|fit|band)\b",
    r"\bSD\b",
    r"\d+\.\d+",
    r"\b\d{2,3}\b",
)


class _Text(HTMLParser):
    """Collect the visible text of a page (scripts and styles have none here)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def staff_items_in(text: str, *, brand: bool = False) -> list[str]:
    """Return every staff-only item found in ``text`` (the site's name allowed when ``brand``)."""
    if brand:
        text = text.replace("Frontline Fit", "")
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", "", text)  # the date the report was made
    found = [item for item in STAFF_ONLY if item.lower() in text.lower()]
    found += [m.group(0) for pattern in STAFF_PATTERNS for m in re.finditer(pattern, text, re.I)]
    return found


@pytest.fixture(scope="module", autouse=True)
def stop_renderer():
    yield
    default_worker().close()


@pytest.fixture
def role(db):
    return make_role(db, "Chat Agent")


def open_link(client, db, candidate_id):
    """Open the candidate's link in ``client`` (a token set here, as the invitation holds one)."""
    from hiring.candidates.invites import hash_token

    token = f"feedback-test-link-{candidate_id}"
    db["candidates"].update(candidate_id, {"token_hash": hash_token(token)})
    assert client.get(f"/a/{token}").status_code == 302


def make_calibrated(db, candidate_id, role_id):
    """Make the stored fit look like a calibrated one, with every staff-only figure set."""
    version = (
        db["model_versions"]
        .insert(
            {"role_id": role_id, "label": "Spring calibration", "status": "active", "report": "{}"}
        )
        .last_pk
    )
    fit = json.loads(db["results"].get(candidate_id)["fit"])
    fit.update(probability=0.6234, percentile=71.4, band="good", band_basis="probability")
    fit.update(base_rate=0.5, factors=[["warmth", 1.2345]])
    db["results"].update(candidate_id, {"fit": json.dumps(fit), "model_version_id": version})


CASES = {
    # level of the answers, the decision, and whether a calibrated model scored them
    "knock-out, rejected": (1, "rejected", False),
    "mixed, shortlisted": (3, "shortlisted", False),
    "high, hired, calibrated": (4, "hired", True),
    "mixed, offered, calibrated": (2, "offered", True),
    "just sent": (3, "completed", False),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_feedback_page_and_pdf_hold_no_staff_only_item(app, client, db, role, case):
    level, status, calibrated = CASES[case]
    person = completed_candidate(app, db, role, "Sam Candidate", "sam@x.test", level, seed=7)
    cid = person["id"]
    if calibrated:
        make_calibrated(db, cid, role["id"])
    db["candidates"].update(cid, {"status": status})
    if case.startswith("knock-out"):
        assert json.loads(db["results"].get(cid)["fit"])["band"] == "knock-out"
    open_link(client, db, cid)

    page = client.get("/my-data/feedback")
    assert page.status_code == 200
    text = page_text(page.get_data(as_text=True))
    assert "Your feedback report" in text and "Your strengths" in text
    assert staff_items_in(text, brand=True) == []

    pdf = client.get("/my-data/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = pdf_text(pdf.data)
    assert "Your feedback report" in words and "Sam Candidate" in words
    assert staff_items_in(words.replace(person["name"], "")) == [], words

    feedback = feedback_report(db, cid).data
    for point in feedback.strengths + feedback.to_develop:
        assert point.name in text and point.name in words
        assert point.text[:40] in text and point.text[:40] in words


def test_the_feedback_speaks_to_the_candidate_with_something_to_try_for_each_area(app, db, role):
    person = completed_candidate(app, db, role, "Ria Reader", "ria@x.test", 3, seed=3)
    feedback = feedback_report(db, person["id"]).data
    profile = role_profile(db, role)
    assert feedback.strengths and feedback.to_develop
    fit = json.loads(db["results"].get(person["id"])["fit"])
    names = feature_names(role)
    expected_areas = [g["feature_id"] for g in fit["onboarding_gaps"]][:3]
    assert [p.name for p in feedback.to_develop] == [names[f] for f in expected_areas]
    for point, fid in zip(feedback.to_develop, expected_areas, strict=True):
        assert point.text == profile.target(fid).feedback_to_develop
    for point in feedback.strengths:
        assert re.match(r"You\b", point.text), point.text
    for point in feedback.strengths + feedback.to_develop:
        assert re.search(r"\byou(r)?\b", point.text, re.I), point.text


def test_the_feedback_is_the_same_whatever_the_decision(app, db, role):
    person = completed_candidate(app, db, role, "Dee Cision", "dee@x.test", 2, seed=4)
    before = feedback_report(db, person["id"])
    for status in ("shortlisted", "rejected", "hired"):
        db["candidates"].update(person["id"], {"status": status, "decided_at": "2025-01-01"})
        after = feedback_report(db, person["id"])
        assert after.data == before.data and after.state == before.state


def test_with_no_quality_on_target_the_highest_ones_are_named_as_relative_strengths(app, db, role):
    person = completed_candidate(app, db, role, "Lou Lowe", "lou@x.test", 1, seed=5)
    fit = json.loads(db["results"].get(person["id"])["fit"])
    fit["strengths"] = []
    db["results"].update(person["id"], {"fit": json.dumps(fit)})
    explanation = explain(db, person["id"])
    assert explanation.relative_strengths and explanation.strengths
    areas = {e.name for e in explanation.to_develop}
    assert not areas & {e.name for e in explanation.strengths}


def test_a_derived_profile_without_candidate_texts_takes_them_from_its_shipped_file(app, db, role):
    person = completed_candidate(app, db, role, "Old Version", "old@x.test", 3, seed=6)
    base = max(
        (p for (pid, _), p in shipped_profiles().items() if pid == role["profile_id"]),
        key=lambda p: p.version,
    )
    body = base.to_dict()
    for feature in body["features"]:  # as a profile derived before these texts existed
        del feature["feedback_strength"], feature["feedback_to_develop"]
    version = db["profile_versions"].insert({"body": json.dumps(body)}).last_pk
    db["job_roles"].update(role["id"], {"profile_version_id": version})
    feedback = feedback_report(db, person["id"]).data
    assert feedback.to_develop
    assert all(p.text not in (GENERAL_STRENGTH, GENERAL_TO_DEVELOP) for p in feedback.to_develop)


def test_a_profile_without_candidate_texts_gets_general_ones(app, db, role, monkeypatch):
    person = completed_candidate(app, db, role, "Gen Eral", "gen@x.test", 3, seed=8)
    monkeypatch.setattr("hiring.candidates.data_rights.feedback_texts", lambda db, role: {})
    feedback = feedback_report(db, person["id"]).data
    assert {p.text for p in feedback.to_develop} == {GENERAL_TO_DEVELOP}


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ("feedback: nope", "feedback: must be a mapping with strength and to_develop"),
        ("feedback: {strength: You shine.}", "feedback.to_develop: must be a non-empty text"),
        ("feedback: {strength: '', to_develop: Try it.}", "feedback.strength: must be"),
    ],
)
def test_a_broken_feedback_block_is_named(tmp_path, block, problem):
    text = (data_dir("profiles") / "contact-center-rep.yaml").read_text(encoding="utf-8")
    start = text.index("    feedback:\n")
    end = text.index("    module:\n", start)
    path = tmp_path / "broken.yaml"
    path.write_text(text[:start] + "    " + block + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape(f"features.warmth.{problem}")):
        load_profile(path)


def test_every_shipped_profile_speaks_to_the_candidate_on_every_feature():
    for profile in shipped_profiles().values():
        for target in profile.features:
            for text in (target.feedback_strength, target.feedback_to_develop):
                assert text and re.search(r"\byou(r)?\b", text, re.I), target.feature_id
                assert staff_items_in(text) == [], (target.feature_id, text)


@pytest.mark.slow
def test_the_feedback_pdf_is_cached_and_erased_with_the_candidate(app, db, role):
    from hiring.candidates.erasure import erase_candidate

    person = completed_candidate(app, db, role, "Cay Ched", "cay@x.test", 3, seed=9)
    instance = app.config["INSTANCE_PATH"]
    first = cached_feedback(db, instance, person["id"])
    assert not first.hit and first.path.name.startswith(f"{person['id']}-feedback-")
    assert cached_feedback(db, instance, person["id"]).hit
    db["candidates"].update(person["id"], {"status": "rejected"})  # the decision changes nothing
    assert cached_feedback(db, instance, person["id"]).hit
    erase_candidate(db, instance, person["id"], actor="test")
    assert not first.path.exists()


def test_results_page_texts_are_written_for_the_reader(app, client, db, role):
    cid, _token = assessed_candidate(app, db, role, "Rae Reader", "rae@x.test", seed=4)
    open_link(client, db, cid)
    html = client.get("/my-data/").get_data(as_text=True)
    explanation = explain(db, cid)
    assert explanation.strengths and explanation.to_develop
    assert "training covers" not in html
    items = re.findall(r'<ul class="(?:strengths|to-develop)">(.*?)</ul>', html, re.S)
    lines = [page_text(li) for block in items for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    assert len(lines) == len(explanation.strengths) + len(explanation.to_develop)
    for line in lines:
        name, _, rest = line.partition(". ")
        # After the quality's name, whole sentences to the reader: no capital mid-sentence
        for sentence in re.split(r"(?<=[.!?])[\"”)]?\s+", rest):
            words = sentence.split()
            assert not [w for w in words[1:] if w[0].isupper() and w not in ("I",)], sentence
        assert re.search(r"\byou(r)?\b", rest, re.I), line
    measured = re.findall(r"<li><strong>[^<]+</strong>: (\S)", html)
    assert measured and all(first.islower() for first in measured)
    assert "/my-data/feedback" in html
