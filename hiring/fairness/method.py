"""The fairness method explained: docs/fairness.md turned into HTML for the Fairness pages.

The Markdown file stays the one source; it ships with the app (in a wheel under
``hiring/_data/docs``) and is converted with markdown-it, raw HTML switched off, and
re-read only when the file changes.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from hiring.store.paths import data_dir

FILE_NAME = "fairness.md"
_cache: dict[tuple[str, int], "MethodPage"] = {}


@dataclass(frozen=True)
class MethodPage:
    """The page's title (the file's first heading) and its body as HTML, headings anchored."""

    title: str
    html: str


def method_path() -> Path:
    """Return where the fairness explanation is kept (checkout or installed wheel)."""
    return data_dir("docs") / FILE_NAME


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _render(text: str) -> MethodPage:
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = markdown.parse(text)
    title = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1].content
            title = title or inline
            token.attrSet("id", _anchor(inline))
    body = markdown.renderer.render(tokens, markdown.options, {})
    # The first heading becomes the page's own heading.
    body = re.sub(r"^<h1[^>]*>.*?</h1>\n", "", body, count=1, flags=re.S)
    return MethodPage(title, body)


def method_page() -> MethodPage:
    """Return the fairness explanation as HTML, converted again only when the file changed."""
    path = method_path()
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _render(path.read_text(encoding="utf-8"))
    return _cache[key]
