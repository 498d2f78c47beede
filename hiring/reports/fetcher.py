"""The only URL fetcher PDF rendering uses: bundled assets and ``data:`` URLs, nothing else."""

import re
from pathlib import Path
from urllib.parse import unquote
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "asset:"
# One or more plain path segments; none may start with a dot, so ".." and hidden files fail.
ASSET_NAME = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9]+)*(?:/[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9]+)*)*"
)
ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedURL(ValueError):
    """A URL the report renderer will not load; WeasyPrint logs it and leaves the resource out."""


def asset_url(name: str) -> str:
    """Return the URL under which the fetcher serves the bundled asset ``name``."""
    return ASSET_SCHEME + name


class AssetFetcher(URLFetcher):
    """Serve ``asset:NAME`` from the bundled assets folder and ``data:`` URLs; refuse the rest.

    WeasyPrint's default fetcher opens any URL, including ``file://`` (which
    ``<link rel="attachment">`` would embed in the PDF) and the local network.
    Overriding ``fetch`` means no urllib handler is ever reached: no network, no
    files outside the assets folder, no redirects.
    """

    def __init__(self, assets_dir: Path = ASSETS_DIR) -> None:
        super().__init__(allowed_protocols=("asset", "data"), allow_redirects=False)
        self.assets_dir = assets_dir.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the asset or data for ``url``, or raise ``RefusedURL``."""
        if url.startswith(ASSET_SCHEME):
            return self._asset(url)
        if url.lower().startswith("data:"):
            return self._data(url)
        raise RefusedURL(f"reports load only bundled assets, not {url[:80]!r}")

    def _asset(self, url: str) -> URLFetcherResponse:
        name = unquote(url[len(ASSET_SCHEME) :])
        if not ASSET_NAME.fullmatch(name):
            raise RefusedURL(f"not a bundled asset name: {name[:80]!r}")
        path = (self.assets_dir / name).resolve()
        content_type = ASSET_TYPES.get(path.suffix.lower())
        # resolve() follows symlinks, so a link pointing out of the folder fails here too.
        if not path.is_relative_to(self.assets_dir) or not path.is_file() or not content_type:
            raise RefusedURL(f"no such bundled asset: {name!r}")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
        # Only reached for data: URLs; DataHandler decodes them without any I/O.
        with DataHandler().data_open(Request(url)) as response:  # noqa: S310
            body = response.read()
            content_type = response.headers.get("Content-Type", "text/plain")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
