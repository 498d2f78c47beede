"""Hostile text in a report cannot read local files, reach the network or embed attachments."""

import re
import threading
import zlib
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from hiring.reports import (
    FitSummary,
    Flag,
    Gap,
    Module,
    ReportError,
    ScoreBar,
    Strength,
    plan_from_gaps,
    render_report,
    report_html,
)
from hiring.reports.fetcher import ASSETS_DIR, AssetFetcher, RefusedURL
from hiring.reports.pdf import html_to_pdf
from hiring.reports.render import default_worker
from hiring.reports.sample import sample_report

SENTINEL = b"SENTINEL-7f3c9e1a-do-not-embed"


class CountingHandler(BaseHTTPRequestHandler):
    """Answer every GET with a tiny stylesheet and count the requests."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """A local HTTP server on a free port, counting the requests it gets."""
    CountingHandler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], CountingHandler.hits
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "sentinel.txt"
    path.write_bytes(SENTINEL)
    return path


def payloads(sentinel: Path, port: int) -> list[str]:
    """Markup that would load the sentinel file or hit the server if it were ever parsed."""
    file_url = sentinel.as_uri()
    web = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{file_url}">',
        f'<link rel="attachment" href="{file_url}">',
        f'<a rel="attachment" href="{file_url}">cv</a>',
        f'<img src="{web}/pixel.png">',
        f'<link rel="stylesheet" href="{web}/sheet.css">',
        f'<style>@import url("{web}/import.css"); body {{ background: url({web}/bg.png) }}</style>',
        f'<p style="background: url({file_url})">x</p>',
        f'</td></tr></table><svg><image href="{web}/svg.png"/></svg>',
        f'"><object data="{file_url}"></object>',
        f"@import url({web}/bare.css);",
    ]


def hostile_report(sentinel: Path, port: int):
    """The sample report with payloads in every text a candidate, recruiter or profile supplies."""
    p = payloads(sentinel, port)
    joined = " ".join(p)
    module = Module("m1", p[5], p[6], 2, p[7], 30)
    # The manager's plan shows coaching questions, not probes: both carry the last payload.
    gaps = (Gap(p[0], 1.2, 0.4, 0.48, module, (p[8], p[9]), (p[9],)),)
    return sample_report(
        candidate_name=p[0],
        candidate_ref=p[3],
        role_title=p[1],
        model_version=p[4],
        notes=tuple(p),
        fit=FitSummary(0.5, (0.4, 0.6), p[2], joined, 50.0, (p[1],), (Flag(p[3], p[4]),)),
        scales=(
            ScoreBar("warmth", p[0], 3.0, 3.5, 4.5, 2.0, 1, 5),
            ScoreBar("empathy", p[7], 4.0, 3.5, 4.5, None, 1, 5),
        ),
        competencies=(ScoreBar("listening", p[5], 50, 60, 80, None, 0, 100),),
        strengths=(Strength(p[2], p[3], p[6]),),
        gaps=gaps,
        plan=plan_from_gaps(gaps),
    )


def inflated_streams(pdf: bytes) -> bytes:
    """Return the raw PDF followed by every stream it holds, decompressed where compressed."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        raw = match.group(1)
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            parts.append(raw)
    return b"\n".join(parts)


def embedded_files(pdf: bytes) -> list[str]:
    """List what the PDF carries as attachments: catalogue /EmbeddedFiles and page annotations."""
    reader = PdfReader(BytesIO(pdf))
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found + list(reader.attachments)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_detectors_see_what_the_default_fetcher_lets_through(server, sentinel):
    """Control: WeasyPrint's default fetcher embeds the file and calls the server."""
    port, hits = server
    before = len(hits)
    raw = "".join(payloads(sentinel, port))
    pdf = HTML(string=raw).write_pdf()
    assert SENTINEL in inflated_streams(pdf)
    assert embedded_files(pdf)
    assert len(hits) > before


@pytest.mark.slow
def test_our_renderer_refuses_the_same_raw_markup(server, sentinel):
    """Even unescaped markup cannot load anything through the report's fetcher."""
    port, hits = server
    before = len(hits)
    pdf = html_to_pdf("<p>start</p>" + "".join(payloads(sentinel, port)), "A4")
    assert SENTINEL not in inflated_streams(pdf)
    assert embedded_files(pdf) == []
    assert len(hits) == before


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["fit", "onboarding"])
def test_hostile_candidate_text_is_printed_literally_and_loads_nothing(server, sentinel, variant):
    port, hits = server
    before = len(hits)
    pdf = render_report(hostile_report(sentinel, port), variant)
    assert len(hits) == before, hits[before:]
    assert SENTINEL not in inflated_streams(pdf)
    assert embedded_files(pdf) == []
    text = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    for payload in payloads(sentinel, port):
        assert squash(payload) in text, payload


@pytest.fixture(scope="module", autouse=True)
def _stop_renderer():
    yield
    default_worker().close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x.css",
        "../../etc/passwd",
        "/etc/passwd",
        "report.css",
        "asset:../../etc/passwd",
        "asset:%2e%2e/%2e%2e/etc/passwd",
        "asset:/etc/passwd",
        "asset:sub/../../../etc/passwd",
        "asset:report.css?x=1",
        "asset:.hidden.css",
        "asset:missing.css",
        "asset:",
    ],
)
def test_fetcher_refuses_anything_but_bundled_assets(url):
    with pytest.raises(RefusedURL):
        AssetFetcher().fetch(url)


def test_fetcher_refuses_an_asset_symlink_that_leads_outside(tmp_path, sentinel):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "escape.css").symlink_to(sentinel)
    (assets / "script.py").write_text("x = 1")
    with pytest.raises(RefusedURL):
        AssetFetcher(assets).fetch("asset:escape.css")
    with pytest.raises(RefusedURL):
        AssetFetcher(assets).fetch("asset:script.py")


def test_fetcher_serves_a_bundled_asset():
    response = AssetFetcher().fetch("asset:report.css")
    try:
        assert response.read() == (ASSETS_DIR / "report.css").read_bytes()
        assert response.content_type == "text/css"
    finally:
        response.close()


@pytest.mark.parametrize(
    ("url", "body", "content_type"),
    [
        ("data:text/plain;base64,aGVsbG8=", b"hello", "text/plain"),
        ("data:image/svg+xml,%3Csvg%2F%3E", b"<svg/>", "image/svg+xml"),
    ],
)
def test_fetcher_serves_data_urls(url, body, content_type):
    response = AssetFetcher().fetch(url)
    try:
        assert response.read() == body
        assert response.content_type == content_type
    finally:
        response.close()


def test_page_size_cannot_inject_css():
    with pytest.raises(ReportError):
        report_html(replace(sample_report(), page_size="A4; } body { display: none"), "fit")
