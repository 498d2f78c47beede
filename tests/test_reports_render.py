"""Candidate reports: what the PDFs say, their layout, the charts and the render time limit."""

import base64
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from hiring.reports import (
    FitSummary,
    Gap,
    Module,
    ReportError,
    ScoreBar,
    plan_from_gaps,
    render_report,
    report_html,
)
from hiring.reports.charts import FIGURE_EM, TICK_SIZE, chart_legend, score_chart
from hiring.reports.render import default_worker, ordinal
from hiring.reports.sample import GAPS, sample_report
from hiring.reports.sample import SCALES as SAMPLE_SCALES
from hiring.reports.worker import RenderWorker

SVG = "{http://www.w3.org/2000/svg}"


def pdf_pages(pdf: bytes) -> list[str]:
    """Return each page's text with runs of whitespace made single spaces."""
    reader = PdfReader(BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def rendered():
    """Render both variants of the sample once, through the time-limited worker."""
    data = sample_report()
    pdfs = {
        "fit": render_report(data, "fit"),
        "onboarding": render_report(replace(data, page_size="Letter"), "onboarding"),
    }
    yield data, pdfs
    default_worker().close()


@pytest.mark.slow
def test_fit_report_has_every_section_and_the_input_numbers(rendered):
    data, pdfs = rendered
    text = " ".join(pdf_pages(pdfs["fit"]))
    for heading in (
        "Summary",
        "Trait profile",
        "Strengths",
        "Onboarding gaps",
        "Interview probes",
        "Recruiter notes",
        "Method and responsible use",
    ):
        assert heading in text
    # 0.64 with interval (0.52, 0.75) and percentile 58, written out by hand.
    assert "64%" in text and "52% and 75%" in text
    assert "58th percentile" in text and "Likely fit" in text
    assert "Quick answering" in text
    for bar in data.scales:
        assert f"{bar.name} {bar.score:.1f} target {bar.low:.1f}–{bar.high:.1f}" in text
    for bar in data.competencies:
        assert f"{bar.name} {bar.score:.0f} target {bar.low:.0f}–{bar.high:.0f}" in text
    assert "Scale score (1 = low, 5 = high)" in text and "Minimum (knock-out)" in text
    for strength in data.strengths:
        assert strength.name in text and strength.score_text in text
    assert "AUC 0.74" in text and "0.67 to 0.80" in text and "212 current employees" in text
    assert "0.041" in text and "Brier skill score 0.14" in text
    assert "does not make one" in text and "Self-identification data" in text
    assert all(note in text for note in data.notes)


@pytest.mark.slow
def test_gaps_are_ranked_by_priority_with_their_modules(rendered):
    data, pdfs = rendered
    text = " ".join(pdf_pages(pdfs["fit"]))
    rows = [
        "1 Conscientiousness 1.35 high high Closing the loop",
        "2 Defusing conflict 1.10 high high Calm under fire",
        "3 Empathy 0.80 medium low Reading the customer",
        "4 Gathering information 0.45 medium low Asking the right questions",
    ]
    positions = [text.index(row) for row in rows]
    assert positions == sorted(positions)
    # the figures behind the words are in the method section, not in the table
    method = text[text.index("Importance and priority in figures") :]
    assert "Conscientiousness: weight 0.31, gap 1.35 SD, priority 0.42" in method


@pytest.mark.slow
def test_interview_probes_cover_the_three_largest_gaps_only(rendered):
    data, pdfs = rendered
    text = " ".join(pdf_pages(pdfs["fit"]))
    by_size = sorted(data.gaps, key=lambda gap: gap.gap_sd, reverse=True)
    for gap in by_size[:3]:
        assert gap.interview_probes[0] in text
    assert by_size[3].interview_probes[0] not in text
    assert data.gaps[0].coaching_questions[0] not in text  # coaching is the manager's


@pytest.mark.slow
def test_onboarding_plan_lists_modules_by_phase_with_owners_and_days(rendered):
    data, pdfs = rendered
    text = " ".join(pdf_pages(pdfs["onboarding"]))
    first, second, third = (
        text.index("First 30 days ("),
        text.index("Days 31 to 60"),
        text.index("Days 61 to 90"),
    )
    assert first < second < third
    # Hand-summed days: 30-day phase holds Closing the loop (3) and Reading the customer (2).
    assert "First 30 days (5 days of development)" in text
    assert (
        "Closing the loop Case notes, callbacks promised and kept, checklists for handovers. Conscientiousness Team lead 3"
        in text
    )
    # The gap table above also names the modules, so search from each phase's heading on.
    assert text.index("Reading the customer Noticing", first) < second
    assert text.index("Calm under fire Acknowledging", second) < third
    assert text.index("Asking the right questions Open and closed", first) > third
    for gap in data.gaps:
        assert gap.coaching_questions[0] in text
        assert gap.interview_probes[0] not in text


@pytest.mark.slow
def test_onboarding_plan_leaves_out_the_fit_probability(rendered):
    data, pdfs = rendered
    text = " ".join(pdf_pages(pdfs["onboarding"]))
    assert "64%" not in text and "52%" not in text
    assert "Profile band: Likely fit." in text
    assert data.fit.band_meaning not in text  # it speaks of the probability and the base rate


@pytest.mark.slow
def test_every_page_has_header_and_footer_and_page_count_is_sane(rendered):
    data, pdfs = rendered
    for variant, pdf in pdfs.items():
        pages = pdf_pages(pdf)
        assert 2 <= len(pages) <= 6, variant
        for number, text in enumerate(pages, start=1):
            assert f"{data.candidate_name} · {data.role_title}" in text
            assert f"Generated 2025-03-12 · Model {data.model_version}" in text
            assert f"Page {number} of {len(pages)}" in text


@pytest.mark.slow
def test_page_size_is_a4_or_letter(rendered):
    _, pdfs = rendered
    a4 = PdfReader(BytesIO(pdfs["fit"])).pages[0].mediabox
    letter = PdfReader(BytesIO(pdfs["onboarding"])).pages[0].mediabox
    # 210 x 297 mm and 8.5 x 11 in, in points (1 in = 72 pt = 25.4 mm).
    assert (float(a4.width), float(a4.height)) == pytest.approx(
        (210 / 25.4 * 72, 297 / 25.4 * 72), abs=0.5
    )
    assert (float(letter.width), float(letter.height)) == pytest.approx((612, 792), abs=0.5)


@pytest.mark.slow
def test_charts_are_vectors_not_images(rendered):
    data, pdfs = rendered
    reader = PdfReader(BytesIO(pdfs["fit"]))
    kinds = [
        xobject.get_object().get("/Subtype")
        for page in reader.pages
        for xobject in (page["/Resources"].get("/XObject") or {}).values()
    ]
    assert "/Image" not in kinds
    # Each target band is a path filled in the band colour (#cfe8e6) in the page content.
    content = "".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    runs = [run.split("\nQ\n", 1)[0] for run in content.split("0.811765 0.909804 0.901961 rg\n")]
    band_paths = [run for run in runs[1:] if "BT" not in run and run.endswith("\nh\nf")]
    assert len(band_paths) == len(data.scales) + len(data.competencies)


@pytest.mark.slow
def test_insufficient_evidence_shows_no_probability():
    data = sample_report(
        method=replace(sample_report().method, evidence_sufficient=False),
        fit=FitSummary(
            None,
            None,
            "Insufficient evidence",
            "Too few answers to place this candidate.",
            None,
            ("Conscientiousness is below the minimum",),
        ),
    )
    text = " ".join(pdf_pages(render_report(data, "fit")))
    assert "No estimate" in text and "not enough evidence to give a fit probability" in text
    assert "No percentile against incumbents is available." in text
    assert "Conscientiousness is below the minimum" in text
    assert not re.search(r"\d+% (and|calibrated)", text)
    assert "calibrated probability of meeting" not in text
    assert "not strong enough to support fit probabilities" in text


def test_unknown_variant_or_page_size_is_a_report_error():
    with pytest.raises(ReportError, match="Unknown report type"):
        report_html(sample_report(), "summary")
    with pytest.raises(ReportError, match="Unknown page size"):
        report_html(sample_report(page_size="A5"), "fit")


def test_html_escapes_user_text():
    html = report_html(
        sample_report(candidate_name="<b>Ann & Co</b>", notes=('"quoted" <i>',)), "fit"
    )
    assert "<b>Ann" not in html and "&lt;b&gt;Ann &amp; Co&lt;/b&gt;" in html
    assert "&#34;quoted&#34; &lt;i&gt;" in html


def test_plan_groups_modules_by_phase_once_each_in_priority_order():
    shared = Module("m1", "Shared module", "x", 2, "Lead", 30)
    gaps = [
        Gap("Low", 0.5, 0.1, 0.05, shared),
        Gap("High", 1.0, 0.5, 0.50, shared),
        Gap("Later", 0.9, 0.3, 0.27, Module("m2", "Later module", "y", 1, "Coach", 90)),
        Gap("Mid", 0.8, 0.4, 0.32, Module("m3", "Mid module", "z", 1, "Coach", 30)),
    ]
    plan = plan_from_gaps(gaps)
    assert [item.module.id for item in plan[30]] == ["m1", "m3"]
    assert plan[30][0].gap_names == ("High", "Low")
    assert plan[60] == () and [item.module.id for item in plan[90]] == ["m2"]


def test_plan_rejects_a_phase_other_than_30_60_90():
    with pytest.raises(ValueError, match="phase 45"):
        plan_from_gaps([Gap("X", 1, 1, 1, Module("m", "M", "c", 1, "Lead", 45))])


def test_sample_plan_matches_its_gaps():
    assert sample_report().plan == plan_from_gaps(GAPS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (57.6, "58th"),
        (100, "100th"),
    ],
)
def test_percentiles_read_as_ordinals(value, expected):
    assert ordinal(value) == expected


def chart_svg(markup: str) -> ET.Element:
    """Decode and parse the SVG that a chart carries as a data: URL image."""
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup).group(1)
    return ET.fromstring(base64.b64decode(encoded))


def tick_label_centres(svg: ET.Element) -> dict[str, float]:
    """Map each one-letter tick label of a chart to the x of its centre."""
    (label,) = svg.iter(f"{SVG}text")
    lefts = [float(x) for x in label.get("x").split()]
    return {
        char: left + FIGURE_EM * TICK_SIZE / 2 for char, left in zip(label.text, lefts, strict=True)
    }


def test_chart_centres_numbers_of_several_letters_under_their_ticks():
    bars = [ScoreBar("l", "Listening", 70.0, 60.0, 80.0, None, 0, 100)]
    svg = chart_svg(str(score_chart(bars, title="T", axis_label="A", ticks=[0, 50, 100])))
    (label,) = svg.iter(f"{SVG}text")
    lefts = [float(x) for x in label.get("x").split()]
    width = FIGURE_EM * TICK_SIZE
    assert label.text == "050100" and len(lefts) == 6
    # Every letter follows the one before it, and each number's middle is its tick.
    assert lefts[2] - lefts[1] == pytest.approx(width, abs=0.1)
    assert lefts[5] - lefts[4] == pytest.approx(width, abs=0.1)
    grid = [float(x) for x in re.findall(r"M(\d+) 0V", svg.find(f"{SVG}path").get("d"))]
    centres = [lefts[0] + width / 2, lefts[1] + width, lefts[3] + 1.5 * width]
    assert centres == pytest.approx(grid, abs=0.1)


def test_chart_places_scores_on_the_axis_and_escapes_names():
    bars = [
        ScoreBar("a", "<script>x</script> & Co", 1.0, 2.0, 4.0, 1.5, 1, 5),
        ScoreBar("b", "Middle", 3.0, 2.0, 4.0, None, 1, 5),
        ScoreBar("c", "Top", 5.0, 2.0, 4.0, None, 1, 5),
        ScoreBar("d", "Missing", None, 2.0, 4.0, None, 1, 5),
    ]
    markup = str(score_chart(bars, title="T", axis_label="Axis <b>", ticks=[1, 3, 5]))
    assert "<script>" not in markup and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in markup
    assert "Axis &lt;b&gt;" in markup
    assert "Middle\t<b>3.0</b> <span>target 2.0–4.0</span>" in markup
    assert "Missing\t<b>–</b> <span>not scored · target 2.0–4.0</span>" in markup
    svg = chart_svg(markup)
    dots = [float(c.get("cx")) for c in svg.iter(f"{SVG}circle")]
    assert len(dots) == 3  # the unscored row has no marker
    # Scores 1, 3, 5 sit exactly over the tick labels 1, 3, 5, in row order.
    centres = tick_label_centres(svg)
    assert centres == pytest.approx({"1": dots[0], "3": dots[1], "5": dots[2]}, abs=0.1)
    rows = [float(c.get("cy")) for c in svg.iter(f"{SVG}circle")]
    assert rows == sorted(rows) and len(set(rows)) == 3


def test_chart_marks_the_minimum_only_where_there_is_one():
    with_min = chart_svg(str(score_chart(SAMPLE_SCALES, title="T", axis_label="A", ticks=[1, 5])))
    (dashed,) = [path for path in with_min.iter(f"{SVG}path") if path.get("stroke-dasharray")]
    assert dashed.get("d").count("M") == sum(bar.minimum is not None for bar in SAMPLE_SCALES)
    no_min = [replace(bar, minimum=None) for bar in SAMPLE_SCALES]
    svg = chart_svg(str(score_chart(no_min, title="T", axis_label="A", ticks=[1, 5])))
    assert not [path for path in svg.iter(f"{SVG}path") if path.get("stroke-dasharray")]
    assert "Minimum" in str(chart_legend(True)) and "Minimum" not in str(chart_legend(False))


def test_chart_of_nothing_is_empty():
    assert str(score_chart([], title="T", axis_label="A", ticks=[0])) == ""


@pytest.mark.slow
def test_render_over_the_time_limit_is_stopped_with_a_report_error():
    html = report_html(sample_report(), "fit")
    worker = RenderWorker()
    try:
        with pytest.raises(ReportError, match="longer than 0.001 seconds"):
            worker.render(html, "A4", timeout=0.001)
        # The overrunning child was killed; the next request gets a fresh one.
        assert worker.render(html, "A4", timeout=60).startswith(b"%PDF-")
    finally:
        worker.close()


@pytest.mark.slow
def test_rendering_failure_in_the_child_is_a_report_error():
    worker = RenderWorker()
    try:
        with pytest.raises(ReportError, match="could not be rendered"):
            worker.render("<p>x</p>", "A5", timeout=60)
    finally:
        worker.close()


@pytest.mark.slow
def test_a_forked_copy_of_the_process_starts_its_own_renderer():
    """A server or test runner that forks after a report: each copy renders with its own child."""
    html = report_html(sample_report(), "fit")
    worker = RenderWorker()
    try:
        assert worker.render(html, "A4", timeout=60).startswith(b"%PDF-")
        parents_child = worker._process.pid
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: render, say whether it worked and with which child, leave
            status = 1
            try:
                os.close(reader)
                pdf = worker.render(html, "A4", timeout=60)
                os.write(writer, f"{pdf[:5].decode()} {worker._process.pid}".encode())
                worker.close()
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        said = os.read(reader, 100).decode()
        os.close(reader)
        assert os.waitpid(pid, 0)[1] == 0, said
        prefix, child = said.split()
        assert prefix == "%PDF-" and int(child) != parents_child
        # the parent's child was left alone: it still renders
        assert worker.render(html, "A4", timeout=60).startswith(b"%PDF-")
        assert worker._process.pid == parents_child
    finally:
        worker.close()
