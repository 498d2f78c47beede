"""Rendered page parts kept per worker: each key renders once, and only so many are kept."""

from hiring.web.fragments import Fragments


def test_a_key_renders_once_and_the_least_recently_used_goes_first():
    rendered: list[str] = []

    def render(text: str):
        return lambda: rendered.append(text) or f"<p>{text}</p>"

    kept = Fragments(size=2)
    assert kept.get("a", render("a")) == "<p>a</p>"
    assert kept.get("a", render("a")) == "<p>a</p>" and rendered == ["a"]
    kept.get("b", render("b"))
    kept.get("a", render("a"))  # "a" is now the most recently used
    kept.get("c", render("c"))  # so "b" goes
    assert list(kept.entries) == ["a", "c"]
    kept.get("b", render("b"))
    assert rendered == ["a", "b", "c", "b"]
