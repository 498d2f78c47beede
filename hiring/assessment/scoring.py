"""Turn answers into scale scores, situational-judgement scores and quality flags (numpy)."""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from hiring.assessment.norms import NormGroup
from hiring.assessment.quality import (
    PageTiming,
    QualityFlag,
    QualityIndices,
    quality_flags,
    quality_indices,
)
from hiring.assessment.questionnaire import Questionnaire
from hiring.errors import HiringError
from hiring.store.plurals import plural

__all__ = [
    "CandidateScores",
    "PageTiming",
    "QualityFlag",
    "ResponseError",
    "ScoreTable",
    "all_candidate_scores",
    "candidate_scores",
    "keyed_trait_items",
    "score_answers",
    "score_matrix",
    "sjt_item_scores",
]

SJT_TOTAL_MIN_SHARE = 0.5  # the overall SJT score needs at least half of the scenarios answered
# rows checked and scored together: the block stays in the CPU cache, numpy's per-call cost is
# spread over enough rows, and the products stay small enough for OpenBLAS's small-matrix
# kernels (measured: 4,096 rows of the shipped questionnaire take a path twice as slow)
CHUNK_ROWS = 2048


class ResponseError(HiringError):
    """Answers that do not fit the questionnaire; ``problems`` names each bad answer."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Scores of many respondents; one row each, NaN where a score could not be computed."""

    scale_ids: tuple[str, ...]
    competency_ids: tuple[str, ...]
    scales: np.ndarray  # (n, scales) on the 1..points metric
    competencies: np.ndarray  # (n, competencies) 0..100
    sjt_total: np.ndarray  # (n,) 0..100
    scale_answered: np.ndarray  # (n, scales) items answered
    competency_answered: np.ndarray  # (n, competencies) scenarios answered

    @property
    def features(self) -> np.ndarray:
        """Scale scores then competency scores, in ``q.feature_ids`` order."""
        return np.hstack([self.scales, self.competencies])

    def __len__(self) -> int:
        return self.scales.shape[0]


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass
class CandidateScores:
    """One candidate's scores and quality flags, ready to store as JSON."""

    scales: dict[str, float | None]
    competencies: dict[str, float | None]
    sjt_total: float | None
    flags: list[QualityFlag]
    questionnaire: str = ""
    version: str = ""
    content_hash: str = ""
    quality: dict[str, float | None] = field(default_factory=dict)

    @property
    def features(self) -> np.ndarray:
        """Scale then competency scores (``q.feature_ids`` order), NaN where missing."""
        values = [*self.scales.values(), *self.competencies.values()]
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CandidateScores:
        """Rebuild scores stored with ``to_dict``."""
        values = dict(data)
        values["flags"] = [QualityFlag(**f) for f in values.get("flags", [])]
        return cls(**values)


@dataclass(frozen=True, eq=False)
class _Plan:
    """The questionnaire as matrices, so that scoring a block of rows is a few array operations.

    Reverse keying is affine (points + 1 - x), so a scale's sum over its answered items is
    ``answers @ weights`` plus (points + 1) per minus-keyed item answered. The items answered
    are a product of the blank mask with ``counting``; when nothing is blank they are
    ``full_counts`` for everybody and that product is skipped.
    """

    trait_cols: np.ndarray
    sign: np.ndarray  # (trait items, scales): +1 plus-keyed, -1 minus-keyed, 0 not in scale
    # (items, scales + 1): ``sign`` spread over every column, then 1 for each scenario, whose
    # sum of option numbers shows whether any of them was fractional
    weights: np.ndarray
    trait_span: slice  # the columns from the first trait item to the last
    counting: np.ndarray  # (trait span, 2 * scales) float32: [minus-keyed | any] membership
    full_counts: np.ndarray  # (2 * scales, 1): ``counting`` of a row with nothing blank
    reversal: float  # points + 1
    full_reversal: np.ndarray  # (scales, 1): (points + 1) per minus-keyed item, all answered
    scale_min: np.ndarray  # (scales, 1)
    sjt_cols: np.ndarray | slice  # a slice (a view, not a copy) when scenarios are adjacent
    sjt_table: np.ndarray  # flat (scenarios, 1 + max options): 0..100 per option, [0] = NaN
    sjt_offsets: np.ndarray  # (scenarios, 1): where each scenario starts in ``sjt_table``
    sjt_member_t: np.ndarray  # (competencies + 1, scenarios); the last row (all ones) is the total
    sjt_full_counts: np.ndarray  # (competencies + 1, 1): counts when every scenario is answered
    competency_min: np.ndarray  # (competencies + 1, 1): per competency, then the SJT total
    highest: np.ndarray  # the largest valid answer of each column
    highest_any: float  # the largest valid answer of any column


class _Identity:
    """A questionnaire as a cache key: the same object, not an equal one (its norms are a dict)."""

    __slots__ = ("q",)

    def __init__(self, q: Questionnaire) -> None:
        self.q = q

    def __hash__(self) -> int:
        return id(self.q)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.q is self.q


def _plan(q: Questionnaire) -> _Plan:
    """The scoring plan of ``q``, built once per questionnaire (each candidate's scores reuse it)."""
    return _cached_plan(_Identity(q))


@functools.lru_cache(maxsize=32)  # each key holds its questionnaire, so no id is reused
def _cached_plan(key: _Identity) -> _Plan:
    q = key.q
    column = {item_id: j for j, item_id in enumerate(q.item_ids)}
    traits = [q.likert_by_id[i] for i in trait_item_ids(q)]
    scale_index = {s.id: k for k, s in enumerate(q.scales)}
    sign = np.zeros((len(traits), len(q.scales)))
    for row, item in enumerate(traits):
        sign[row, scale_index[item.scale]] = item.keyed  # type: ignore[index]
    sjt = [q.sjt_by_id[i] for i in q.item_ids if i in q.sjt_by_id]
    highest_answer = max([q.response_scale.points, *(len(s.options) for s in sjt)])
    # column 0 (blank) is NaN; numbers past a scenario's last option hold -1, so one minimum
    # over the looked-up scores reveals any impossible choice
    table = np.full((len(sjt), 1 + highest_answer), -1.0)
    table[:, 0] = np.nan
    member = np.zeros((len(sjt), len(q.competencies) + 1))
    member[:, -1] = 1.0
    comp_index = {c.id: k for k, c in enumerate(q.competencies)}
    for row, scenario in enumerate(sjt):
        keys = np.array([o.effectiveness for o in scenario.options], dtype=np.float64)
        table[row, 1 : 1 + len(keys)] = (keys - keys.min()) / (keys.max() - keys.min()) * 100.0
        for comp in scenario.competencies:
            member[row, comp_index[comp]] = 1.0
    trait_cols = np.array([column[i.id] for i in traits], dtype=np.intp)
    sjt_cols = np.array([column[s.id] for s in sjt], dtype=np.intp)
    weights = np.zeros((len(q.item_ids), len(q.scales) + 1))
    weights[trait_cols, :-1] = sign
    weights[sjt_cols, -1] = 1.0
    span = slice(int(trait_cols.min()), int(trait_cols.max()) + 1) if traits else slice(0, 0)
    keyed = weights[span, :-1]
    counting = np.hstack([keyed < 0, keyed != 0]).astype(np.float32)
    full_counts = counting.sum(axis=0, dtype=float)[:, None]
    highest = np.full(len(q.item_ids), float(q.response_scale.points))
    highest[sjt_cols] = [len(s.options) for s in sjt]
    return _Plan(
        trait_cols=trait_cols,
        sign=sign,
        weights=weights,
        trait_span=span,
        counting=counting,
        full_counts=full_counts,
        reversal=float(q.response_scale.points + 1),
        full_reversal=(q.response_scale.points + 1) * full_counts[: len(q.scales)],
        scale_min=np.array([[max(1, s.min_answered)] for s in q.scales], dtype=float),
        sjt_cols=_adjacent(sjt_cols),
        sjt_table=table.ravel(),
        sjt_offsets=np.arange(len(sjt))[:, None] * (1 + highest_answer),
        sjt_member_t=member.T.copy(),
        sjt_full_counts=member.sum(axis=0)[:, None],
        competency_min=np.array(
            [[max(1, c.min_answered)] for c in q.competencies]
            + [[max(1, math.ceil(SJT_TOTAL_MIN_SHARE * len(sjt)))]],
            dtype=float,
        ),
        highest=highest,
        highest_any=float(highest_answer),
    )


def _adjacent(cols: np.ndarray) -> np.ndarray | slice:
    """``cols`` as a slice when they run one after another (as the scenarios of a page do)."""
    if len(cols) and (np.diff(cols) == 1).all():
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


@dataclass(frozen=True, eq=False)
class _Scratch:
    """Working arrays for one block, allocated once per call and reused block after block.

    Fresh memory is expensive (the kernel maps it in page by page), so the per-block arrays
    are written in place rather than allocated anew for every block.
    """

    sums: np.ndarray  # (rows, scales + 1): answers @ weights
    index: np.ndarray  # (scenarios, rows) intp: positions in the flat SJT score table
    sjt_scores: np.ndarray  # (scenarios, rows): 0..100 per scenario, NaN unanswered
    # only used when something is blank:
    filled: np.ndarray  # (rows, items): answers with blanks as 0
    blank: np.ndarray  # (rows, items) bool
    trait_blank: np.ndarray  # (rows, trait span) float32: ``blank`` as numbers, for a product
    counts: np.ndarray  # (2 * scales, rows): minus-keyed items answered, then all answered
    sjt_filled: np.ndarray  # (scenarios, rows): ``sjt_scores`` with blanks as 0
    sjt_blank: np.ndarray  # (scenarios, rows): 1 where a scenario is blank

    @classmethod
    def for_rows(cls, plan: _Plan, rows: int) -> _Scratch:
        """Working arrays for blocks of up to ``rows`` rows."""
        scenarios, items = len(plan.sjt_offsets), len(plan.highest)
        return cls(
            sums=np.empty((rows, plan.weights.shape[1])),
            index=np.empty((scenarios, rows), dtype=np.intp),
            sjt_scores=np.empty((scenarios, rows)),
            filled=np.empty((rows, items)),
            blank=np.empty((rows, items), dtype=bool),
            trait_blank=np.empty((rows, len(plan.counting)), dtype=np.float32),
            counts=np.empty((plan.counting.shape[1], rows)),
            sjt_filled=np.empty((scenarios, rows)),
            sjt_blank=np.empty((scenarios, rows)),
        )


@dataclass(frozen=True, eq=False)
class _Block:
    """A block of checked rows, ready to score (its arrays are views of a ``_Scratch``)."""

    sums: np.ndarray  # (rows, scales + 1): keyed scale sums over the answers given, then SJT
    blank: np.ndarray | None  # (rows, items): where the blanks are; None when nothing is blank
    sjt_scores: np.ndarray  # (scenarios, rows): 0..100 per scenario, NaN unanswered


def _checked_block(
    plan: _Plan, block: np.ndarray, scratch: _Scratch
) -> tuple[np.ndarray, _Block | None]:
    """Check a block; return its bad columns and, when none is bad, the block ready to score.

    A column is bad with an answer outside 1..points (Likert) or 1..options (SJT), or a
    fractional scenario answer (it must pick an option; a fractional Likert answer still
    scores sensibly). ``min`` propagates NaN, so one pass over complete data both rules out
    blanks and finds the lowest answer; columns are examined one by one only when a
    whole-block check fails.
    """
    bad = np.zeros(block.shape[1], dtype=bool)
    if block.size == 0:
        return bad, _ready(plan, block, None, scratch)
    low, blank, filled = block.min(), None, block
    if np.isnan(low):  # something is blank: fill blanks with 0 and check the answers given
        blank = np.isnan(block, out=scratch.blank[: len(block)])
        filled = np.fmax(block, 0.0, out=scratch.filled[: len(block)])
        low = np.fmin.reduce(block, axis=None)
    if low >= 1 and filled.max() <= plan.highest_any:  # every answer indexes the score table
        ready = _ready(plan, filled, blank, scratch)
        if ready is not None:
            return bad, ready
    low, high = np.fmin.reduce(block, axis=0), np.fmax.reduce(block, axis=0)
    bad = (low < 1) | (high > plan.highest)
    chosen = np.fmax(block[:, plan.sjt_cols], 0.0)
    bad[plan.sjt_cols] |= (chosen != np.floor(chosen)).any(axis=0)
    return bad, None if bad.any() else _ready(plan, filled, blank, scratch)


def _ready(
    plan: _Plan, filled: np.ndarray, blank: np.ndarray | None, scratch: _Scratch
) -> _Block | None:
    """The block's sums and scenario scores; None if a scenario answer is not an option.

    ``filled`` holds the answers with blanks as 0; every answer must already be inside
    1..``plan.highest_any``.
    """
    rows = len(filled)
    sums = np.matmul(filled, plan.weights, out=scratch.sums[:rows])
    index = scratch.index[:, :rows]
    np.copyto(index, filled[:, plan.sjt_cols].T, casting="unsafe")  # truncates
    if index.sum() != sums[:, -1].sum():  # truncation lowered a fractional option number
        return None
    index += plan.sjt_offsets
    scores = np.take(plan.sjt_table, index, out=scratch.sjt_scores[:, :rows], mode="clip")
    if scores.size and np.fmin.reduce(scores, axis=None) < 0:  # past a scenario's last option
        return None
    return _Block(sums, blank, scores)


def _matrix(q: Questionnaire, responses: Any) -> np.ndarray:
    responses = np.atleast_2d(np.asarray(responses, dtype=float))
    if responses.ndim != 2 or responses.shape[1] != len(q.item_ids):
        raise ResponseError(
            [
                f"responses must have {plural(len(q.item_ids), 'column')} (one per item of {q.label}), "
                f"got shape {responses.shape}"
            ]
        )
    return responses


def _refuse(q: Questionnaire, plan: _Plan, bad: np.ndarray) -> None:
    if bad.any():
        raise ResponseError(
            [
                f"column {q.item_ids[j]}: answers must be whole numbers 1..{plan.highest[j]:.0f}"
                for j in np.flatnonzero(bad)
            ]
        )


def _means(sums: np.ndarray, counts: np.ndarray, minimum: np.ndarray) -> None:
    """Turn ``sums`` in place into sums / counts, NaN where counts fall short of the minimum.

    Minimums are at least 1, so a count of 0 is always too few.
    """
    too_few = counts < minimum
    if not too_few.any():
        np.divide(sums, counts, out=sums)
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(sums, counts, out=sums)
    np.copyto(sums, np.nan, where=too_few)


@functools.cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def _single_threaded_blas(n: int) -> contextlib.AbstractContextManager:
    """Keep BLAS on one thread while scoring many rows.

    The products here are small (a few thousand rows by a few dozen items); spreading each
    over threads costs more than it saves, and many times more on a busy machine.
    """
    if n <= CHUNK_ROWS:
        return contextlib.nullcontext()
    return _threadpools().limit(limits=1, user_api="blas")


def _scale_scores(plan: _Plan, block: _Block, scratch: _Scratch, scores: np.ndarray) -> np.ndarray:
    """Write a checked block's scale scores (scales x people); return the items answered."""
    n_scales = len(scores)
    if block.blank is None:
        counts, reversal = plan.full_counts, plan.full_reversal
    else:  # float32 counts small whole numbers exactly
        rows = len(block.blank)
        blank = scratch.trait_blank[:rows]
        np.copyto(blank, block.blank[:, plan.trait_span])
        missing = blank @ plan.counting
        counts = np.subtract(plan.full_counts, missing.T, out=scratch.counts[:, :rows])
        reversal = plan.reversal * counts[:n_scales]
    np.add(block.sums[:, :n_scales].T, reversal, out=scores)
    _means(scores, counts[n_scales:], plan.scale_min)
    return counts[n_scales:]


def _competency_scores(
    plan: _Plan, block: _Block, scratch: _Scratch, scores: np.ndarray
) -> np.ndarray:
    """Write a checked block's competency scores then SJT total; return scenarios answered.

    The product keeps the orientation ``member_t @ scenario scores``: scenario scores are
    fractions, and this order of summation reproduces the scores stored for candidates.
    """
    item_scores, member_t = block.sjt_scores, plan.sjt_member_t
    np.matmul(member_t, item_scores, out=scores)
    counts = plan.sjt_full_counts
    if block.blank is not None and np.isnan(scores).any():  # a scenario is unanswered
        rows = len(block.blank)
        filled = np.fmax(item_scores, 0.0, out=scratch.sjt_filled[:, :rows])
        np.matmul(member_t, filled, out=scores)
        unanswered = scratch.sjt_blank[:, :rows]
        np.copyto(unanswered, np.isnan(item_scores))
        counts = counts - member_t @ unanswered
    _means(scores, counts, plan.competency_min)
    return counts


class _Answered:
    """Items answered per score (rows) and person (columns), built as blocks are scored.

    Complete rows all have the full counts, so the matrix is only allocated (and its memory
    mapped in) when a block with a blank turns up; data without blanks gets a read-only
    broadcast of one column instead.
    """

    def __init__(self, full: np.ndarray, n: int) -> None:
        self.full = full.astype(int)
        self.n = n
        self.counts: np.ndarray | None = None

    def record(self, rows: slice, counts: list[np.ndarray], complete: bool) -> None:
        """Keep a block's counts (each of ``counts`` one column when ``complete``)."""
        if self.counts is None:
            if complete:
                return
            self.counts = np.empty((len(self.full), self.n), dtype=int)
            self.counts[:, : rows.start] = self.full
        top = 0
        for part in counts:
            self.counts[top : top + len(part), rows] = part
            top += len(part)

    def result(self) -> np.ndarray:
        """Every count, features x people."""
        if self.counts is None:
            return np.broadcast_to(self.full, (len(self.full), self.n))
        return self.counts


def score_matrix(q: Questionnaire, responses: np.ndarray) -> ScoreTable:
    """Score many respondents at once.

    Parameters
    ----------
    q : Questionnaire
    responses : ndarray, shape (n, len(q.item_ids))
        Answers in ``q.item_ids`` order: Likert 1..points, SJT the 1-based chosen option,
        NaN for an unanswered item.

    Notes
    -----
    A scale score is the mean of its answered items after reverse keying (points + 1 - x for
    minus-keyed items). Because sum(points + 1 - x) = (points + 1) * answered - sum(x), every
    scale comes out of one matrix product with the plan's weights, with no loop over
    respondents. A scale with fewer than ``min_answered`` answered items is NaN; nothing is
    imputed. A competency score is the mean 0..100 score of its answered scenarios, under the
    same rule.

    This runs on every bulk import and simulation, so it is built for speed (within 5x of a
    bare numpy mean over the same matrix, see benchmarks/bench_scoring.py). The plan is built
    once per questionnaire. Rows are taken in blocks of CHUNK_ROWS, so that checking and
    scoring a block happen while it is in the CPU cache, and a block with nothing blank
    skips every missing-value pass. Results are kept features x people, so that the
    arithmetic on them runs along long rows, and products and quotients are written in place
    (into working arrays reused from block to block, or straight into the result), because
    fresh memory costs more than the arithmetic. BLAS stays on one thread.
    """
    responses, plan = _matrix(q, responses), _plan(q)
    n, n_scales, width = len(responses), len(q.scales), len(q.scales) + len(q.competencies) + 1
    scores = np.empty((width, n))
    answered = _Answered(np.vstack([plan.full_counts[n_scales:], plan.sjt_full_counts]), n)
    scratch = _Scratch.for_rows(plan, min(n, CHUNK_ROWS))
    bad = np.zeros(len(q.item_ids), dtype=bool)
    with _single_threaded_blas(n):
        for start in range(0, n, CHUNK_ROWS):
            rows = slice(start, min(start + CHUNK_ROWS, n))
            block_bad, block = _checked_block(plan, responses[rows], scratch)
            bad |= block_bad
            if block is not None and not bad.any():
                block_counts = [
                    _scale_scores(plan, block, scratch, scores[:n_scales, rows]),
                    _competency_scores(plan, block, scratch, scores[n_scales:, rows]),
                ]
                answered.record(rows, block_counts, complete=block.blank is None)
    _refuse(q, plan, bad)
    counts = answered.result()
    return ScoreTable(
        scale_ids=tuple(s.id for s in q.scales),
        competency_ids=tuple(c.id for c in q.competencies),
        scales=scores[:n_scales].T,
        competencies=scores[n_scales:-1].T,
        sjt_total=scores[-1],
        scale_answered=counts[:n_scales].T,
        competency_answered=counts[n_scales:-1].T,
    )


def _checked(q: Questionnaire, responses: Any) -> tuple[np.ndarray, _Plan, np.ndarray]:
    """The response matrix, the plan and the scenario scores, after the same checks."""
    responses, plan = _matrix(q, responses), _plan(q)
    bad, block = _checked_block(plan, responses, _Scratch.for_rows(plan, len(responses)))
    _refuse(q, plan, bad)
    assert block is not None  # noqa: S101 (no bad column means a block ready to score)
    return responses, plan, block.sjt_scores.T


def sjt_item_scores(q: Questionnaire, responses: np.ndarray) -> np.ndarray:
    """Per-scenario 0..100 scores, columns in page order (for reliability analysis)."""
    return _checked(q, responses)[2]


def keyed_trait_items(q: Questionnaire, responses: np.ndarray) -> np.ndarray:
    """Trait answers with minus-keyed items reversed, columns in page order (NaN kept)."""
    responses, plan, _ = _checked(q, responses)
    x = responses[:, plan.trait_cols]
    reverse = plan.sign.sum(axis=1) < 0
    return np.where(reverse, q.response_scale.points + 1 - x, x)


def trait_item_ids(q: Questionnaire) -> tuple[str, ...]:
    """Trait item ids in page order: the columns of ``keyed_trait_items``."""
    return tuple(i for i in q.item_ids if i in q.likert_by_id and q.likert_by_id[i].kind == "trait")


def answers_to_row(q: Questionnaire, answers: Mapping[str, int | None]) -> np.ndarray:
    """One response row from ``{item_id: answer}``; unknown items and bad answers are refused."""
    row = np.full(len(q.item_ids), np.nan)
    column = {item_id: j for j, item_id in enumerate(q.item_ids)}
    problems = []
    for item_id, answer in answers.items():
        if item_id not in column:
            problems.append(f"{item_id}: not an item of {q.label}")
            continue
        if answer is None:
            continue
        highest = (
            len(q.sjt_by_id[item_id].options) if item_id in q.sjt_by_id else q.response_scale.points
        )
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= highest:
            problems.append(f"{item_id}: {answer!r} is outside 1..{highest}")
            continue
        row[column[item_id]] = answer
    if problems:
        raise ResponseError(problems)
    return row


def score_answers(
    q: Questionnaire,
    answers: Mapping[str, int | None],
    page_seconds: Sequence[PageTiming] = (),
    norm_group: NormGroup | None = None,
) -> CandidateScores:
    """Score one candidate's answers and attach the response-quality flags.

    The outlier flag compares the scale scores with ``norm_group`` (e.g. the role's
    incumbents); without one it uses the questionnaire's norm table, if it has one.
    """
    row = answers_to_row(q, answers)[None, :]
    table = score_matrix(q, row)
    group = norm_group if norm_group is not None else (NormGroup.from_table(q) if q.norms else None)
    return candidate_scores(q, table, row, 0, page_seconds, group)


def candidate_scores(
    q: Questionnaire,
    table: ScoreTable,
    responses: np.ndarray,
    row: int,
    page_seconds: Sequence[PageTiming] = (),
    norm_group: NormGroup | None = None,
) -> CandidateScores:
    """Package one row of a ScoreTable with its quality flags."""
    one = slice(row, row + 1)
    indices = quality_indices(q, responses[one], table.scales[one], _reference(table, norm_group))
    return _packaged(q, table, indices, row, 0, page_seconds)


def all_candidate_scores(
    q: Questionnaire, table: ScoreTable, responses: np.ndarray, norm_group: NormGroup | None = None
) -> list[CandidateScores]:
    """Every row of a ScoreTable with its quality flags (quality indices computed at once)."""
    indices = quality_indices(q, responses, table.scales, _reference(table, norm_group))
    return [_packaged(q, table, indices, k, k) for k in range(len(table))]


def _reference(table: ScoreTable, norm_group: NormGroup | None):
    return norm_group.reference(table.scale_ids) if norm_group is not None else None


def _packaged(
    q: Questionnaire,
    table: ScoreTable,
    indices: QualityIndices,
    row: int,
    index_row: int,
    page_seconds: Sequence[PageTiming] = (),
) -> CandidateScores:
    flags = _incomplete_flags(q, table, row)
    flags += quality_flags(indices, index_row, q.response_scale.points, page_seconds)
    return CandidateScores(
        scales={s: _number(v) for s, v in zip(table.scale_ids, table.scales[row], strict=True)},
        competencies={
            c: _number(v)
            for c, v in zip(table.competency_ids, table.competencies[row], strict=True)
        },
        sjt_total=_number(table.sjt_total[row]),
        flags=flags,
        questionnaire=q.id,
        version=q.version,
        content_hash=q.content_hash,
        quality={
            "longest_run": _number(indices.longest_run[index_row]),
            "attention_failed": _number(indices.attention_failed[index_row]),
            "impression_share": _number(indices.impression_share[index_row]),
            "synonym_gap": _number(indices.synonym_gap[index_row]),
            "mahalanobis": _number(indices.mahalanobis[index_row]),
        },
    )


def _incomplete_flags(q: Questionnaire, table: ScoreTable, row: int) -> list[QualityFlag]:
    """Name every score left out because too few of its items were answered."""
    missing = [
        f"{s.name} ({table.scale_answered[row, k]} of {len(q.scale_items(s.id))} answered, "
        f"{s.min_answered} needed)"
        for k, s in enumerate(q.scales)
        if math.isnan(table.scales[row, k])
    ] + [
        f"{c.name} ({table.competency_answered[row, k]} of {len(q.competency_items(c.id))} "
        f"answered, {c.min_answered} needed)"
        for k, c in enumerate(q.competencies)
        if math.isnan(table.competencies[row, k])
    ]
    if not missing:
        return []
    detail = "Not scored, too few answers: " + "; ".join(missing) + "."
    return [QualityFlag("incomplete", "Too few answers to score", detail)]
