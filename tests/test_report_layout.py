"""Report layout read back from the PDFs: headings keep their content, no lonely closing words,
a running header that is never cut off, and names instead of ids in the bias audit."""

import html
import re
from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from hiring.reports import render_report, report_html
from hiring.reports.content import FEEDBACK, FeedbackData, FeedbackPoint
from hiring.reports.render import default_worker
from hiring.reports.sample import sample_report

pytestmark = pytest.mark.slow
MM = 72 / 25.4
MARGIN_TOP, MARGIN_BOTTOM = 19 * MM, 17 * MM  # report.css: the running header and footer live here
NOTES = tuple(
    f"2025-03-0{i % 9 + 1}, Rita Recruiter: note {i} on shifts and notice." for i in range(14)
)


@pytest.fixture(scope="module", autouse=True)
def stop_renderer():
    yield
    default_worker().close()


def _plain(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def headings_and_leads(markup: str) -> tuple[list[str], list[str]]:
    """Return the texts of the h2/h3 headings and of the lead paragraphs in report HTML."""
    headings = [_plain(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", markup, re.S)]
    leads = [_plain(p) for p in re.findall(r'<p class="lead">(.*?)</p>', markup, re.S)]
    return [h for h in headings if h], leads


def page_bodies(pdf: bytes) -> list[str]:
    """Return each page's body text in reading order (top to bottom), margins left out.

    Text is placed by its position on the page, not by the order pypdf extracts it in, and
    the running header and footer (in the page margins) are left out.
    """
    bodies = []
    for page in PdfReader(BytesIO(pdf)).pages:
        top, runs = float(page.mediabox.top), []

        def keep(text, cm, tm, font, size, runs=runs, top=top):
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            if text.strip() and MARGIN_BOTTOM < y < top - MARGIN_TOP:
                runs.append((-round(y), x, text))

        page.extract_text(visitor_text=keep)
        text = " ".join(text for _, _, text in sorted(runs, key=lambda run: run[:2]))
        bodies.append(re.sub(r"\s+", " ", text.replace("•", " ")).strip())
    return bodies


def feedback_sample(strengths: int = 3, areas: int = 3, measured: int = 11) -> FeedbackData:
    text = (
        "You stay calm when others are upset, and you steer a conversation towards what can "
        "be done. People notice that you listen before you answer."
    )
    points = tuple(
        FeedbackPoint(f"Quality {i}", "takes the time a person needs and makes sure of it", text)
        for i in range(11)
    )
    return FeedbackData(
        "Jordan Avery",
        "Customer Service Representative",
        date(2025, 3, 12),
        strengths=points[:strengths],
        to_develop=points[:areas],
        measured=points[:measured],
    )


def variants():
    """Report contents of many lengths, so that page breaks fall in many places."""
    data = sample_report()
    for size in ("A4", "Letter"):
        for notes in range(0, len(NOTES) + 1, 2):
            yield (
                f"fit-{size}-{notes}-notes",
                replace(data, notes=NOTES[:notes], page_size=size),
                "fit",
            )
        for gaps in range(len(data.gaps) + 1):
            for strengths in (1, 3):
                cut = replace(data, gaps=data.gaps[:gaps], strengths=data.strengths[:strengths])
                yield (
                    f"onboarding-{size}-{gaps}-{strengths}",
                    replace(cut, page_size=size),
                    "onboarding",
                )
        for strengths, areas, measured in (
            (3, 3, 11),
            (2, 3, 11),
            (3, 3, 6),
            (1, 1, 11),
            (3, 2, 9),
        ):
            sample = replace(feedback_sample(strengths, areas, measured), page_size=size)
            yield f"feedback-{size}-{strengths}-{areas}-{measured}", sample, FEEDBACK


@pytest.fixture(scope="module")
def rendered():
    """Render every variant once through the time-limited renderer."""
    out = []
    for name, data, variant in variants():
        markup = report_html(data, variant)
        out.append((name, markup, page_bodies(render_report(data, variant))))
    return out


def test_a_heading_and_its_lead_never_end_a_page_away_from_their_content(rendered):
    stranded = []
    for name, markup, bodies in rendered:
        headings, leads = headings_and_leads(markup)
        for number, body in enumerate(bodies, start=1):
            for heading in headings:
                at = body.rfind(heading)
                if at < 0:
                    continue
                rest = body[at + len(heading) :].strip()
                for lead in leads:
                    rest = rest.removeprefix(lead).strip()
                if not rest:
                    stranded.append((name, number, heading))
    assert stranded == []


def test_the_last_page_holds_more_than_the_closing_words(rendered):
    alone = []
    for name, markup, bodies in rendered:
        closing = re.findall(r'<p class="responsible">(.*?)</p>', markup, re.S) or re.findall(
            r'<section class="feedback-about">(.*?)</section>', markup, re.S
        )
        assert closing, name
        last = bodies[-1].replace(_plain(closing[0]), "").strip()
        if len(bodies) > 1 and not last:
            alone.append(name)
    assert alone == []


@pytest.mark.parametrize("variant", ["fit", "onboarding", FEEDBACK])
@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_running_header_is_never_cut_off(variant, size):
    name = ("Maximiliana Josefina " * 6)[:120].strip()  # the longest name and role allowed
    role = ", ".join(
        [
            ("Senior Customer Experience Specialist " * 4)[:120].strip(),
            ("Newcastle " * 12)[:120].strip(),
        ]
    )
    base = feedback_sample() if variant == FEEDBACK else replace(sample_report(), notes=NOTES)
    data = replace(base, candidate_name=name, role_title=role, page_size=size)
    reader = PdfReader(BytesIO(render_report(data, variant)))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = re.sub(r"\s+", " ", page.extract_text())
        assert f"{name} · {role}" in text
        ys: list[float] = []
        page.extract_text(
            visitor_text=lambda t, cm, tm, font, size, ys=ys: (
                ys.append(tm[5] * cm[3] + cm[5]) if t.strip() else None
            )
        )
        assert max(ys) < float(page.mediabox.top) - 10  # every line is printed inside the page


def test_the_bias_audit_names_the_role_and_scales_instead_of_ids(client, auth, db):
    import json

    from candidate_records import insert_candidate, make_role

    from hiring.fairness.incumbent_identity import import_identity, parse_identity_csv

    role = make_role(db, title="Night desk")
    for i in range(24):
        insert_candidate(db, role["id"], sex="Woman" if i % 2 else "Man", race="White", band="good")
    lines = ["employee_id,sex,race_ethnicity"]
    for i in range(24):
        features = {"warmth": 3 + (i % 5) / 4, "gathering_information": 40 + i}
        db["incumbents"].insert(
            {"role_id": role["id"], "employee_id": f"E{i}", "features": json.dumps(features)}
        )
        lines.append(f"E{i},{'F' if i % 2 else 'M'},White")
    import_identity(db, role["id"], parse_identity_csv("\n".join(lines)), actor="test")
    auth.login("admin")
    response = client.get(f"/admin/fairness/{role['id']}/bias-audit.pdf")
    assert response.status_code == 200
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    )
    assert "Gathering information" in text and "Night desk" in text
    assert role["slug"] not in text
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []
