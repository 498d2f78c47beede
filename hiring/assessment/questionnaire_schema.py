"""Check parsed questionnaire YAML against the format and build the dataclasses, all errors at once."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from hiring.assessment.questionnaire import (
    LIKERT_KINDS,
    Competency,
    LikertItem,
    Page,
    Questionnaire,
    QuestionnaireError,
    ResponseScale,
    Scale,
    SJTItem,
    SJTOption,
)
from hiring.store.plurals import plural

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DEFAULT_PROMPT = "What would you most likely do?"
SJT_OPTIONS = (3, 5)  # fewest and most options a scenario may offer
TOP_FIELDS = {
    "id",
    "version",
    "title",
    "description",
    "minutes",
    "response_scale",
    "sjt_key",
    "scales",
    "competencies",
    "items",
    "sjt",
    "pages",
    "synonym_pairs",
    "norms",
    "norms_label",
}
KEYS = {"plus": 1, "minus": -1}
MAX_NAMED = 30  # allowed names listed in a message about an unknown field


class _Problems:
    """Collect problems as "FILE: field.path: problem" so a writer sees them all in one go."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = []

    def add(self, path: str, problem: str) -> None:
        self.lines.append(f"{self.source}: {path}: {problem}")

    def mapping(self, raw: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        """Return ``raw`` as a dict (empty when it is not one), reporting unknown fields."""
        if not isinstance(raw, dict):
            self.add(path, f"must be a mapping of fields, got {_kind(raw)}")
            return {}
        unknown = [key for key in raw if key not in allowed]
        if unknown:
            names = ", ".join(sorted(allowed)[:MAX_NAMED])  # said once: a list may be long
            for key in unknown:
                self.add(path, f"unknown field {key!r} (allowed: {names})")
        return raw

    def text(self, raw: dict, key: str, path: str, default: str | None = None) -> str:
        where = f"{path}.{key}" if path else key
        value = raw.get(key, default)
        if isinstance(value, int | float) and not isinstance(value, bool) and key == "version":
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(where, "is required and must be non-empty text")
            return ""
        return value.strip()

    def ident(self, raw: dict, key: str, path: str) -> str:
        value = self.text(raw, key, path)
        if value and not ID_PATTERN.match(value):
            self.add(
                f"{path}.{key}" if path else key, f"{value!r} must use only a-z, 0-9, '_' and '-'"
            )
        return value

    def integer(self, value: Any, path: str, low: int, high: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"must be a whole number, got {value!r}")
            return None
        if value < low or (high is not None and value > high):
            span = f"{low}..{high}" if high is not None else f"at least {low}"
            self.add(path, f"{value} is out of range ({span})")
            return None
        return value

    def sequence(self, raw: dict, key: str, path: str, required: bool = True) -> list:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(f"{path}{key}", "is required")
            return []
        if not isinstance(value, list):
            self.add(f"{path}{key}", f"must be a list, got {_kind(value)}")
            return []
        return value


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _where(section: str, index: int, raw: Any) -> str:
    """Name an entry by its id when it has one (``items.warm_01``), else by position."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{section}.{raw['id'].strip()}"
    return f"{section}[{index}]"


def _unique(p: _Problems, entries: list[tuple[str, str]], seen: dict[str, str]) -> None:
    """Report ids used twice; ``entries`` are (path, id), ``seen`` is shared across sections."""
    for path, ident in entries:
        if ident and ident in seen:
            p.add(path, f"duplicate id {ident!r} (first used at {seen[ident]})")
        elif ident:
            seen[ident] = path


def _response_scale(p: _Problems, raw: Any) -> ResponseScale:
    body = p.mapping(raw, "response_scale", {"points", "labels"})
    points = p.integer(body.get("points"), "response_scale.points", 2, 11) or 0
    labels = body.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels):
        p.add("response_scale.labels", "must be a list of non-empty texts, one per point")
        labels = []
    elif points and len(labels) != points:
        p.add(
            "response_scale.labels",
            f"has {plural(len(labels), 'label')} for {plural(points, 'point')}",
        )
    return ResponseScale(points=points, labels=tuple(str(x).strip() for x in labels))


def _sjt_key(p: _Problems, raw: Any) -> tuple[int, int]:
    if raw is None:
        return (1, 4)
    body = p.mapping(raw, "sjt_key", {"min", "max", "labels"})
    low = p.integer(body.get("min"), "sjt_key.min", 0)
    high = p.integer(body.get("max"), "sjt_key.max", 1)
    if low is None or high is None:
        return (1, 4)
    if high <= low:
        p.add("sjt_key", f"max ({high}) must be greater than min ({low})")
    return (low, high)


def _scales(p: _Problems, raws: list) -> list[tuple[str, dict]]:
    found = []
    for index, raw in enumerate(raws):
        path = _where("scales", index, raw)
        body = p.mapping(raw, path, {"id", "name", "description", "min_answered"})
        found.append((path, body))
        p.ident(body, "id", path)
        p.text(body, "name", path)
        p.text(body, "description", path)
    return found


def _likert_item(p: _Problems, body: dict, path: str, points: int) -> LikertItem:
    kind = body.get("kind", "trait")
    if kind not in LIKERT_KINDS:
        p.add(f"{path}.kind", f"{kind!r} is not one of {', '.join(LIKERT_KINDS)}")
    keyed = 0
    expected: tuple[int, ...] = ()
    if kind in ("trait", "impression"):
        keyed = KEYS.get(body.get("keyed"), 0)  # type: ignore[arg-type]
        if not keyed:
            p.add(f"{path}.keyed", f"must be 'plus' or 'minus', got {body.get('keyed')!r}")
        if "expected" in body:
            p.add(f"{path}.expected", "only attention items have expected answers")
    if kind == "trait" and not body.get("scale"):
        p.add(f"{path}.scale", "is required for a trait item")
    if kind != "trait" and "scale" in body:
        p.add(f"{path}.scale", f"a {kind} item feeds quality flags only and has no scale")
    if kind == "attention":
        answers = body.get("expected")
        if not isinstance(answers, list) or not answers:
            p.add(f"{path}.expected", "must list the accepted answers, e.g. [2]")
        else:
            checked = [p.integer(a, f"{path}.expected", 1, points or None) for a in answers]
            expected = tuple(a for a in checked if a is not None)
    scale = body.get("scale") if kind == "trait" else None
    text = p.text(body, "text", path)
    ident = p.ident(body, "id", path)
    return LikertItem(ident, text, str(kind), scale, keyed, expected)


def _sjt_item(p: _Problems, body: dict, path: str, key: tuple[int, int]) -> SJTItem:
    options: list[SJTOption] = []
    raws = p.sequence(body, "options", f"{path}.")
    low, high = SJT_OPTIONS
    if raws and not low <= len(raws) <= high:
        p.add(
            f"{path}.options",
            f"has {plural(len(raws), 'option')}; a scenario needs {low} to {high}",
        )
    seen: dict[str, str] = {}
    for index, raw in enumerate(raws):
        where = _where(f"{path}.options", index, raw)
        option = p.mapping(raw, where, {"id", "text", "effectiveness"})
        ident = p.ident(option, "id", where)
        _unique(p, [(where, ident)], seen)
        value = p.integer(option.get("effectiveness"), f"{where}.effectiveness", *key)
        options.append(SJTOption(ident, p.text(option, "text", where), value or 0))
    values = {o.effectiveness for o in options if o.effectiveness}
    if len(options) == len(raws) and len(values) == 1:
        p.add(f"{path}.options", "every option has the same effectiveness; it cannot discriminate")
    competencies = p.sequence(body, "competencies", f"{path}.")
    if not competencies and "competencies" in body:
        p.add(f"{path}.competencies", "must name at least one competency")
    return SJTItem(
        id=p.ident(body, "id", path),
        scenario=p.text(body, "scenario", path),
        prompt=p.text(body, "prompt", path, default=DEFAULT_PROMPT),
        options=tuple(options),
        competencies=tuple(str(c) for c in competencies),
    )


def _page(p: _Problems, body: dict, path: str) -> Page:
    items = p.sequence(body, "items", f"{path}.")
    if "items" in body and not items:
        p.add(f"{path}.items", "a page needs at least one item")
    return Page(
        id=p.ident(body, "id", path),
        title=p.text(body, "title", path),
        instructions=p.text(body, "instructions", path),
        item_ids=tuple(str(i) for i in items),
    )


def _each(p: _Problems, raws: list, section: str, fields: set[str], build: Callable) -> list:
    built = []
    for index, raw in enumerate(raws):
        path = _where(section, index, raw)
        built.append((path, build(p.mapping(raw, path, fields), path)))
    return built


def _norms(p: _Problems, raw: Any, feature_ids: set[str]) -> dict[str, tuple[float, float, int]]:
    if raw is None:
        return {}
    norms = {}
    for feature, entry in p.mapping(raw, "norms", feature_ids).items():
        if feature not in feature_ids:
            continue
        path = f"norms.{feature}"
        body = p.mapping(entry, path, {"mean", "sd", "n"})
        mean, sd = body.get("mean"), body.get("sd")
        n = p.integer(body.get("n"), f"{path}.n", 2)
        ok = True
        for name, value in (("mean", mean), ("sd", sd)):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                p.add(f"{path}.{name}", f"must be a number, got {value!r}")
                ok = False
        if ok and sd <= 0:  # type: ignore[operator]
            p.add(f"{path}.sd", f"must be positive, got {sd}")
            ok = False
        if ok and n is not None:
            norms[feature] = (float(mean), float(sd), n)  # type: ignore[arg-type]
    return norms


def build_questionnaire(data: Any, source: str, digest: str) -> Questionnaire:
    """Validate parsed YAML and return the Questionnaire, or raise with every problem found."""
    p = _Problems(source)
    top = p.mapping(data, "(top level)", TOP_FIELDS)
    ident, version = p.ident(top, "id", ""), p.text(top, "version", "")
    title, description = p.text(top, "title", ""), p.text(top, "description", "")
    minutes = _minutes(p, top.get("minutes"))
    scale_rows = _scales(p, p.sequence(top, "scales", ""))
    comp_rows = _each(
        p,
        p.sequence(top, "competencies", "", False),
        "competencies",
        {"id", "name", "description", "min_answered"},
        lambda b, w: b,
    )
    has_likert = bool(top.get("items"))
    rs = ResponseScale(0, ())
    if has_likert or "response_scale" in top:
        rs = _response_scale(p, top.get("response_scale"))
    key = _sjt_key(p, top.get("sjt_key"))
    items = _each(
        p,
        p.sequence(top, "items", "", False),
        "items",
        {"id", "text", "kind", "scale", "keyed", "expected"},
        lambda b, w: _likert_item(p, b, w, rs.points),
    )
    sjt = _each(
        p,
        p.sequence(top, "sjt", "", False),
        "sjt",
        {"id", "scenario", "prompt", "options", "competencies"},
        lambda b, w: _sjt_item(p, b, w, key),
    )
    pages = _each(
        p,
        p.sequence(top, "pages", ""),
        "pages",
        {"id", "title", "instructions", "items"},
        lambda b, w: _page(p, b, w),
    )
    if not items and not sjt:
        p.add("items", "the questionnaire has no items at all")
    seen: dict[str, str] = {}
    _unique(p, [(w, b.get("id", "")) for w, b in scale_rows], {})
    _unique(p, [(w, b.get("id", "")) for w, b in comp_rows], {})
    _unique(p, [(w, i.id) for w, i in items] + [(w, s.id) for w, s in sjt], seen)
    _unique(p, [(w, pg.id) for w, pg in pages], {})
    scales = _resolve_scales(p, scale_rows, [i for _, i in items])
    competencies = _resolve_competencies(p, comp_rows, sjt)
    _check_items(p, items, sjt, {s.id for s in scales}, {c.id for c in competencies})
    _check_pages(p, pages, seen)
    pairs = _synonym_pairs(p, top.get("synonym_pairs"), {i.id: i for _, i in items})
    feature_ids = [s.id for s in scales] + [c.id for c in competencies]
    norms = _norms(p, top.get("norms"), set(feature_ids))
    label = top.get("norms_label", "")
    if norms and not (isinstance(label, str) and label.strip()):
        p.add("norms_label", "is required with norms: say who the reference sample is")
    if p.lines:
        raise QuestionnaireError(p.lines)
    return Questionnaire(
        id=ident,
        version=version,
        title=title,
        description=description,
        minutes=minutes,
        response_scale=rs,
        scales=tuple(scales),
        competencies=tuple(competencies),
        items=tuple(i for _, i in items),
        sjt_items=tuple(s for _, s in sjt),
        pages=tuple(pg for _, pg in pages),
        synonym_pairs=pairs,
        norms=norms,
        norms_label=str(label).strip(),
        content_hash=digest,
        source=source,
        sjt_key_range=key,
    )


def _minutes(p: _Problems, raw: Any) -> tuple[int, int]:
    if not (isinstance(raw, list) and len(raw) == 2):
        p.add("minutes", "must be [shortest, longest] expected minutes, e.g. [15, 25]")
        return (0, 0)
    low = p.integer(raw[0], "minutes[0]", 1)
    high = p.integer(raw[1], "minutes[1]", 1)
    if low is not None and high is not None and high < low:
        p.add("minutes", f"longest ({high}) is shorter than shortest ({low})")
    return (low or 0, high or 0)


def _resolve_scales(p: _Problems, rows: list, items: list[LikertItem]) -> list[Scale]:
    """Fill in ``min_answered`` (default two thirds of the items, rounded up) and check it."""
    scales = []
    counts = Counter(i.scale for i in items if i.kind == "trait" and isinstance(i.scale, str))
    for path, body in rows:
        ident = body.get("id", "")
        count = counts[ident] if isinstance(ident, str) else 0
        if count < 2:
            p.add(path, f"has {plural(count, 'item')}; a scale needs at least 2")
        minimum = body.get("min_answered", max(1, math.ceil(2 * count / 3)))
        minimum = p.integer(minimum, f"{path}.min_answered", 1, max(count, 1)) or 1
        scales.append(
            Scale(str(ident), str(body.get("name", "")), str(body.get("description", "")), minimum)
        )
    return scales


def _resolve_competencies(p: _Problems, rows: list, sjt: list) -> list[Competency]:
    """Fill in ``min_answered`` (default half the scenarios, rounded up) and check it."""
    built = []
    counts = Counter(c for _, s in sjt for c in set(s.competencies))
    for path, body in rows:
        ident = p.ident(body, "id", path)
        p.text(body, "name", path)
        p.text(body, "description", path)
        count = counts[ident]
        if count == 0:
            p.add(path, "no scenario informs this competency")
        minimum = body.get("min_answered", max(1, math.ceil(count / 2)))
        minimum = p.integer(minimum, f"{path}.min_answered", 1, max(count, 1)) or 1
        built.append(
            Competency(ident, str(body.get("name", "")), str(body.get("description", "")), minimum)
        )
    return built


def _check_items(p: _Problems, items: list, sjt: list, scales: set, comps: set) -> None:
    for path, item in items:
        if item.kind == "trait" and item.scale and item.scale not in scales:
            p.add(f"{path}.scale", f"unknown scale {item.scale!r}")
    for path, item in sjt:
        for comp in item.competencies:
            if comp not in comps:
                p.add(f"{path}.competencies", f"unknown competency {comp!r}")


def _check_pages(p: _Problems, pages: list, items: dict[str, str]) -> None:
    """Every item sits on exactly one page and every page names only real items."""
    placed: dict[str, str] = {}
    for path, page in pages:
        for item_id in page.item_ids:
            if item_id not in items:
                p.add(f"{path}.items", f"unknown item {item_id!r}")
            elif item_id in placed:
                p.add(f"{path}.items", f"item {item_id!r} is already on {placed[item_id]}")
            else:
                placed[item_id] = path
    for item_id, path in items.items():
        if item_id not in placed:
            p.add(path, "is on no page")


def _synonym_pairs(p: _Problems, raw: Any, items: dict[str, LikertItem]) -> tuple:
    """Pairs of same-scale, same-key items with nearly the same meaning (inconsistency flag)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add("synonym_pairs", f"must be a list of [item, item] pairs, got {_kind(raw)}")
        return ()
    pairs = []
    for index, pair in enumerate(raw):
        path = f"synonym_pairs[{index}]"
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            p.add(path, "must be a pair of item ids, e.g. [warm_02, warm_06]")
            continue
        first, second = (items.get(x) for x in pair)
        for name, item in zip(pair, (first, second), strict=True):
            if item is None or item.kind != "trait":
                p.add(path, f"{name!r} is not a trait item")
        if first and second and (first.scale, first.keyed) != (second.scale, second.keyed):
            p.add(path, "both items must belong to the same scale and be keyed the same way")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)
