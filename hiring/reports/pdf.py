"""Turn report HTML into PDF bytes with WeasyPrint, loading nothing but bundled assets."""

from functools import cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from hiring.reports.content import PAGE_SIZES
from hiring.reports.fetcher import ASSET_SCHEME, AssetFetcher, asset_url

STYLESHEET = "report.css"


@cache
def _fetcher() -> AssetFetcher:
    return AssetFetcher()


@cache
def _font_config() -> FontConfiguration:
    """Share one font configuration per process: building it costs more than a short page."""
    return FontConfiguration()


@cache
def _stylesheets(page_size: str) -> tuple[CSS, ...]:
    """Parse the bundled stylesheet and the page size once per process."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    fetcher = _fetcher()
    return (
        CSS(url=asset_url(STYLESHEET), url_fetcher=fetcher, font_config=_font_config()),
        # page_size is one of PAGE_SIZES, never free text, so it cannot inject CSS.
        CSS(
            string=f"@page {{ size: {page_size}; }}",
            url_fetcher=fetcher,
            font_config=_font_config(),
        ),
    )


def html_to_pdf(html: str, page_size: str) -> bytes:
    """Render ``html`` to PDF on ``page_size`` paper in this process.

    WeasyPrint 70 takes the fetcher on ``HTML()`` and ``CSS()``; ``write_pdf``
    has no fetcher argument and uses the document's, which is ours, for every
    image, stylesheet, font and ``rel="attachment"`` link.
    """
    stylesheets = _stylesheets(page_size)
    document = HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=list(stylesheets), font_config=_font_config())
