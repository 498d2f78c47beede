"""Parse and check an incumbent CSV into features and a 0/1 success outcome (no database).

The format is documented in ``profiles/README.md``: one row per employee with an
``employee_id``, either item answers (columns named by item id) or precomputed scores
(columns named by feature id), and performance columns, one of which the user picks as the
success criterion (:class:`Criterion`). Every problem is reported with its CSV line number
(the header is line 1), the employee id and the column. Demographic and identity columns are
never imported; each one present produces a notice saying so (twenty notices are listed, the
rest counted in one more).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hiring.assessment.answers import answer_problem, answer_value
from hiring.errors import HiringError
from hiring.store.csv_input import DELIMITERS, cell_number, parse_csv
from hiring.store.text_input import InputFileError, read_text_file

ID_COLUMN = "employee_id"
RULES = ("binary", "threshold", "top_share")
YES = {"1", "yes", "y", "true", "t", "high", "high performer"}
NO = {"0", "no", "n", "false", "f", "low", "other"}
DEMOGRAPHIC_NAMES = {
    "sex", "gender", "race", "ethnicity", "ethnic_origin", "ethnic_group", "age", "age_band",
    "age_group", "dob", "date_of_birth", "birth_date", "birthdate", "birth_year", "disability",
    "disabled", "religion", "nationality", "citizenship", "marital_status", "pregnancy",
    "sexual_orientation", "veteran", "veteran_status", "national_origin",
}  # fmt: skip
IDENTITY_NAMES = {
    "name", "first_name", "last_name", "full_name", "surname", "email", "e_mail", "phone",
    "address", "postcode", "zip", "ssn", "national_id",
}  # fmt: skip
MAX_SHOWN_PROBLEMS = 20
MAX_SHOWN_NOTICES = 20  # notices about columns; the rest are counted in one more line
MAX_COLLECTED = 1_000  # stop reading a file once it has given this many problems


class IncumbentFileError(HiringError):
    """An incumbent file has problems; ``problems`` names each row and column."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"... and {more} more"] if more else [])))
        self.problems = problems


@dataclass(frozen=True)
class Criterion:
    """How the success outcome is read from a performance column.

    ``binary``: the column holds yes/no (1/0, true/false, high/low). ``threshold``: a numeric
    KPI counts as success at or beyond ``threshold``. ``top_share``: the best ``share`` of
    incumbents on the KPI (everyone tied with the last one included) count as successes.
    ``higher_is_better=False`` flips the direction for KPIs such as handle time.
    """

    column: str
    rule: str = "binary"
    threshold: float | None = None
    share: float | None = None
    higher_is_better: bool = True

    def check(self) -> None:
        """Raise :class:`HiringError` when the rule's parameters do not fit it."""
        if self.rule not in RULES:
            raise HiringError(f"Unknown success rule {self.rule!r}; use {', '.join(RULES)}.")
        if self.rule == "threshold" and self.threshold is None:
            raise HiringError("The threshold rule needs a threshold value.")
        if self.rule == "top_share" and not (self.share is not None and 0 < self.share < 1):
            raise HiringError("The top-share rule needs a share between 0 and 1 (e.g. 0.3).")

    def describe(self) -> str:
        """Say in words who counts as a high performer."""
        better = "at least" if self.higher_is_better else "at most"
        if self.rule == "threshold":
            return f"{self.column} {better} {self.threshold:g}"
        if self.rule == "top_share":
            return f"best {100 * (self.share or 0):g}% on {self.column}"
        return f"{self.column} is yes"


@dataclass(frozen=True)
class IncumbentData:
    """Checked incumbent data ready for :func:`hiring.modeling.model.calibrate`."""

    ids: tuple[str, ...]
    feature_ids: tuple[str, ...]
    features: np.ndarray  # n x len(feature_ids), NaN where a score is missing
    outcome: np.ndarray  # 0/1 ints
    criterion: Criterion
    source: str  # "items" or "scores"
    responses: np.ndarray | None
    notices: tuple[str, ...]
    questionnaire_id: str
    questionnaire_version: str

    @property
    def n_positive(self) -> int:
        """The number of high performers."""
        return int(self.outcome.sum())


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _stem(item_id: str) -> str:
    return re.sub(r"[_\-.]?\d+$", "", item_id.lower())


def read_incumbents(path: str | Path, questionnaire: Any, criterion: Criterion) -> IncumbentData:
    """Read an incumbent CSV file (UTF-8, with or without BOM); see :func:`parse_incumbents`."""
    path = Path(path)
    try:
        text = read_text_file(path)
    except InputFileError as error:
        raise IncumbentFileError([error.message]) from None
    return parse_incumbents(text, questionnaire, criterion, path.name)


def parse_incumbents(
    text: str, questionnaire: Any, criterion: Criterion, filename: str = "incumbents.csv"
) -> IncumbentData:
    """Parse and check incumbent CSV ``text``; raise :class:`IncumbentFileError` listing all problems.

    The text is read by :func:`hiring.store.csv_input.parse_csv` (comma, semicolon or tab;
    its limits on size, columns and rows), and checked in time linear in its size.
    """
    criterion.check()
    try:
        table = parse_csv(text, filename)
    except InputFileError as error:
        raise IncumbentFileError([error.message]) from None
    header = list(table.header)
    layout = _classify(header, questionnaire, criterion, filename)
    problems, notices = layout["problems"], layout["notices"]
    if table.delimiter != ",":
        notices.insert(0, f"The file was read as {DELIMITERS[table.delimiter]}-separated.")
    if not {ID_COLUMN, criterion.column} <= set(header):
        problems.append(f"{filename}: header: {table.describe_header()}")
    if layout["fatal"]:
        raise IncumbentFileError(problems)
    ids, values, outcomes = [], [], []
    seen: dict[str, int] = {}
    for row in table.rows:
        line = row.number
        if len(problems) >= MAX_COLLECTED:
            problems.append(
                f"{filename}: reading stopped at line {line} after {MAX_COLLECTED:,} problems"
            )
            break
        if row.fields != len(header):
            problems.append(
                f"{filename}: line {line}: has {row.fields} fields, the header has {len(header)}"
            )
            continue
        raw = dict(zip(header, row.cells, strict=True))
        cells = {column: cell.strip() for column, cell in raw.items()}
        person = cells[ID_COLUMN]
        where = f"{filename}: line {line} ({ID_COLUMN} {person or '?'})"
        if not person:
            problems.append(f"{where}: column {ID_COLUMN}: is empty")
        elif person in seen:
            problems.append(f"{where}: duplicate {ID_COLUMN} (also on line {seen[person]})")
        else:
            seen[person] = line
        values.append(
            [
                _value(raw[c], layout["ranges"][c], f"{where}: column {c}", problems)
                for c in layout["columns"]
            ]
        )
        outcomes.append(_outcome(cells.get(criterion.column, ""), criterion, where, problems))
        ids.append(person)
    if not ids and not problems:
        problems.append(f"{filename}: there are no incumbent rows")
    if problems:
        raise IncumbentFileError(problems)
    matrix = np.array(values, dtype=float).reshape(len(ids), len(layout["columns"]))
    y = _success(np.array(outcomes, dtype=float), criterion)
    features, responses = _features(questionnaire, layout, matrix, filename)
    return IncumbentData(
        ids=tuple(ids),
        feature_ids=tuple(questionnaire.feature_ids),
        features=features,
        outcome=y,
        criterion=criterion,
        source=layout["source"],
        responses=responses,
        notices=tuple(notices),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
    )


def _ranges(questionnaire: Any) -> dict[str, tuple[float, float, bool]]:
    """Allowed (low, high, integer) for every item and feature column."""
    points = questionnaire.response_scale.points
    out = {item.id: (1.0, float(points), True) for item in questionnaire.items}
    out.update({s.id: (1.0, float(len(s.options)), True) for s in questionnaire.sjt_items})
    out.update({s.id: (1.0, float(points), False) for s in questionnaire.scales})
    out.update({c.id: (0.0, 100.0, False) for c in questionnaire.competencies})
    return out


def _classify(
    header: list[str], questionnaire: Any, criterion: Criterion, filename: str
) -> dict[str, Any]:
    """Sort header columns into items, scores, outcome and columns never imported."""
    problems: list[str] = []
    notices: list[str] = []
    ranges = _ranges(questionnaire)
    item_ids, feature_ids = set(questionnaire.item_ids), set(questionnaire.feature_ids)
    stems = {_stem(i) for i in item_ids}
    present = set(header)
    for name in sorted(h for h, n in Counter(header).items() if n > 1):
        problems.append(f"{filename}: header: column {name!r} appears more than once")
    if ID_COLUMN not in present:
        problems.append(f"{filename}: header: the {ID_COLUMN} column is missing")
    if criterion.column not in present:
        problems.append(f"{filename}: header: the success column {criterion.column!r} is missing")
    items = [h for h in header if h in item_ids]
    scores = [h for h in header if h in feature_ids]
    for column in header:
        key = _normalise(column)
        if column in (ID_COLUMN, criterion.column) or column in item_ids or column in feature_ids:
            continue
        if key in DEMOGRAPHIC_NAMES:
            notices.append(
                f"Column {column!r} looks like a demographic attribute: it is never used as a "
                "feature and was not imported."
            )
        elif key in IDENTITY_NAMES:
            notices.append(
                f"Column {column!r} holds identity data that is not needed; it was not imported."
            )
        elif _stem(column) in stems:
            problems.append(
                f"{filename}: header: column {column!r} is not an item of {questionnaire.label}"
            )
        else:
            notices.append(
                f"Column {column!r} is not used (the success criterion is {criterion.describe()})."
            )
    if items and scores:
        problems.append(f"{filename}: header: give either item answers or scale scores, not both")
    elif not items and not scores:
        problems.append(f"{filename}: header: no item or score columns of {questionnaire.label}")
    elif scores:
        for missing in [f for f in questionnaire.feature_ids if f not in present]:
            problems.append(f"{filename}: header: score column {missing!r} is missing")
    elif len(items) < len(item_ids):
        absent = [i for i in questionnaire.item_ids if i not in present]
        notices.append(
            f"Item columns not in the file (treated as unanswered): {', '.join(absent)}."
        )
    fatal = ID_COLUMN not in present or len(present) < len(header) or not (items or scores)
    if len(notices) > MAX_SHOWN_NOTICES:
        more = len(notices) - MAX_SHOWN_NOTICES
        notices[MAX_SHOWN_NOTICES:] = [f"... and {more} more columns were not imported."]
    return {
        "fatal": fatal or bool(items and scores),
        "problems": problems,
        "notices": notices,
        "columns": items or scores,
        "source": "items" if items else "scores",
        "ranges": ranges,
    }


def _value(cell: str, allowed: tuple[float, float, bool], where: str, problems: list[str]) -> float:
    """Parse one answer (a plain whole number) or score (a plain decimal); blank is missing (NaN)."""
    if not cell.strip():
        return math.nan
    low, high, integer = allowed
    value = answer_value(cell) if integer else cell_number(cell)
    if value is None:
        problem = (
            answer_problem(cell, int(high)) if integer else f"{cell.strip()!r} is not a number"
        )
        problems.append(f"{where}: {problem}")
        return math.nan
    if not low <= value <= high:
        problems.append(f"{where}: {cell.strip()} is outside {low:g}..{high:g}")
    return float(value)


def _outcome(cell: str, criterion: Criterion, where: str, problems: list[str]) -> float:
    """Parse the success column: yes/no for ``binary``, a number otherwise."""
    text = cell.strip().lower()
    column = f"{where}: column {criterion.column}"
    if text == "":
        problems.append(f"{column}: the outcome is missing")
        return math.nan
    if criterion.rule == "binary":
        if text in YES or text in NO:
            return 1.0 if text in YES else 0.0
        problems.append(f"{column}: {cell!r} is not yes/no (or 1/0)")
        return math.nan
    value = cell_number(text)
    if value is None:
        problems.append(f"{column}: {cell!r} is not a number")
        return math.nan
    return value


def _success(values: np.ndarray, criterion: Criterion) -> np.ndarray:
    """Turn outcome values into 0/1 according to the rule."""
    if criterion.rule == "binary":
        return values.astype(int)
    signed = values if criterion.higher_is_better else -values
    if criterion.rule == "threshold":
        cut = criterion.threshold if criterion.higher_is_better else -criterion.threshold  # type: ignore[operator]
    else:
        k = max(1, math.ceil((criterion.share or 0) * values.size))
        cut = np.sort(signed)[::-1][k - 1]
    return (signed >= cut).astype(int)


def _features(
    questionnaire: Any, layout: dict[str, Any], matrix: np.ndarray, filename: str
) -> tuple[np.ndarray, np.ndarray | None]:
    """Score item answers (or reorder given scores) into the questionnaire's feature order."""
    columns = {column: k for k, column in enumerate(layout["columns"])}
    if layout["source"] == "scores":
        order = [columns[f] for f in questionnaire.feature_ids]
        return matrix[:, order], None
    from hiring.assessment.scoring import score_matrix

    responses = np.full((matrix.shape[0], len(questionnaire.item_ids)), np.nan)
    for j, item_id in enumerate(questionnaire.item_ids):
        if item_id in columns:
            responses[:, j] = matrix[:, columns[item_id]]
    features = np.asarray(score_matrix(questionnaire, responses).features, dtype=float)
    empty = [
        f
        for f, col in zip(questionnaire.feature_ids, features.T, strict=True)
        if np.isnan(col).all()
    ]
    if empty:
        raise IncumbentFileError(
            [f"{filename}: no incumbent answered enough items to score {', '.join(empty)}"]
        )
    return features, responses
