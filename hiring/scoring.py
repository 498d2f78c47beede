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

from hiring.errors import HiringError
from hiring.norms import NormGroup
from hiring.quality import (
    PageTiming,
    QualityFlag,
    QualityIndices,
    quality_flags,
    quality_indices,
)
from hiring.questionnaires import Questionnaire

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
CHUNK_ROWS = 4096  # rows checked and scored together: fits the CPU cache, big enough for numpy


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

    Reverse keying is affine: points + 1 - x for a minus-keyed item. So a scale's sum over its
    answered items is ``answers @ keyed`` plus (points + 1) per minus-keyed item answered, and
    the items answered are a product of the blank mask with ``counting``; with nothing blank,
    the counts are ``full_counts`` for everybody and that product is skipped.
    """

    trait_cols: np.ndarray
    sign: np.ndarray  # (trait items, scales): +1 plus-keyed, -1 minus-keyed, 0 not in scale
    keyed: np.ndarray  # (all items, scales): ``sign`` spread over every column
    counting: np.ndarray  # (all items, 2 * scales) float32: [minus-keyed | any] membership
    full_counts: np.ndarray  # (2 * scales,) float32: ``counting`` of a row with nothing blank
    reversal: float  # points + 1
    scale_min: np.ndarray
    sjt_cols: np.ndarray | slice  # a slice (so a view, not a copy) when scenarios are adjacent
    sjt_table: np.ndarray  # flat (scenarios, 1 + max options): 0..100 per option, [0] = NaN
    sjt_offsets: np.ndarray  # where each scenario's row starts in ``sjt_table``
    sjt_member_t: np.ndarray  # (competencies + 1, scenarios); the last row (all ones) is the total
    sjt_full_counts: np.ndarray  # the counts when every scenario is answered
    competency_min: np.ndarray  # per competency, then for the SJT total
    highest: np.ndarray  # the largest valid answer of each column


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
    """The scoring plan of ``q``, built once per questionnaire (one candidate's scores reuse it)."""
    return _cached_plan(_Identity(q))


@functools.lru_cache(maxsize=32)  # the key holds its questionnaire, so an id is never reused
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
    keyed = np.zeros((len(q.item_ids), len(q.scales)))
    keyed[trait_cols] = sign
    counting = np.hstack([keyed < 0, keyed != 0]).astype(np.float32)
    sjt_cols = np.array([column[s.id] for s in sjt], dtype=np.intp)
    highest = np.full(len(q.item_ids), float(q.response_scale.points))
    highest[sjt_cols] = [len(s.options) for s in sjt]
    return _Plan(
        trait_cols=trait_cols,
        sign=sign,
        keyed=keyed,
        counting=counting,
        full_counts=counting.sum(axis=0),
        reversal=float(q.response_scale.points + 1),
        scale_min=np.array([s.min_answered for s in q.scales], dtype=float),
        sjt_cols=_adjacent(sjt_cols),
        sjt_table=table.ravel(),
        sjt_offsets=np.arange(len(sjt)) * (1 + highest_answer),
        sjt_member_t=member.T.copy(),
        sjt_full_counts=member.sum(axis=0),
        competency_min=np.array(
            [c.min_answered for c in q.competencies]
            + [max(1, math.ceil(SJT_TOTAL_MIN_SHARE * len(sjt)))],
            dtype=float,
        ),
        highest=highest,
    )


def _adjacent(cols: np.ndarray) -> np.ndarray | slice:
    """``cols`` as a slice when they run one after another (as the scenarios of a page do)."""
    if len(cols) and (np.diff(cols) == 1).all():
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


@dataclass(frozen=True, eq=False)
class _Block:
    """A block of checked rows, ready to score."""

    filled: np.ndarray  # the answers, blanks as 0
    blank: np.ndarray | None  # where the blanks are; None when nothing is blank
    sjt_scores: np.ndarray  # (rows, scenarios) 0..100 per scenario, NaN unanswered


def _checked_block(plan: _Plan, block: np.ndarray) -> tuple[np.ndarray, _Block | None]:
    """Check a block; return its bad columns and, when none is bad, the block ready to score.

    A column is bad with an answer outside 1..points (Likert) or 1..options (SJT), or a
    fractional scenario answer (it must pick an option; a fractional Likert answer still
    scores sensibly). ``min`` and ``max`` propagate NaN, so on complete data those two passes
    both rule out blanks and check every answer's range; columns are examined one by one
    only when a whole-block check fails.
    """
    bad = np.zeros(block.shape[1], dtype=bool)
    if block.size == 0:
        return bad, _ready(plan, block, None)
    blank = None
    low, high = block.min(), block.max()
    if np.isnan(low):  # something is blank: take the range of the answers given
        blank = np.isnan(block)
        low, high = np.fmin.reduce(block, axis=None), np.fmax.reduce(block, axis=None)
    if low >= 1 and high <= plan.highest.max():  # every answer indexes the score table
        ready = _ready(plan, block, blank)
        if ready is not None:
            return bad, ready
    low, high = np.fmin.reduce(block, axis=0), np.fmax.reduce(block, axis=0)
    bad = (low < 1) | (high > plan.highest)
    chosen = np.fmax(block[:, plan.sjt_cols], 0.0)
    bad[plan.sjt_cols] |= (chosen != np.floor(chosen)).any(axis=0)
    return bad, None if bad.any() else _ready(plan, block, blank)


def _ready(plan: _Plan, block: np.ndarray, blank: np.ndarray | None) -> _Block | None:
    """The block with blanks as 0 and its scenario scores; None if a scenario answer is bad.

    Every answer must already be inside 1..the largest answer of any column (or blank).
    """
    filled = block if blank is None else np.fmax(block, 0.0)  # answers are >= 1, blanks -> 0
    chosen = filled[:, plan.sjt_cols]
    index = chosen.astype(np.intp)
    if (index != chosen).any():  # a fractional option number
        return None
    scores = np.take(plan.sjt_table, index + plan.sjt_offsets)
    if scores.size and np.fmin.reduce(scores, axis=None) < 0:  # past a scenario's last option
        return None
    return _Block(filled, blank, scores)


def _matrix(q: Questionnaire, responses: Any) -> np.ndarray:
    responses = np.atleast_2d(np.asarray(responses, dtype=float))
    if responses.ndim != 2 or responses.shape[1] != len(q.item_ids):
        raise ResponseError(
            [
                f"responses must have {len(q.item_ids)} columns (one per item of {q.label}), "
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


def _means(sums: np.ndarray, counts: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """sums / counts where counts reach the minimum, else NaN (arrays are people x features)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts >= minimum, sums / counts, np.nan)


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


def _scale_scores(plan: _Plan, block: _Block) -> tuple[np.ndarray, np.ndarray]:
    """Scale scores and items answered per scale of a checked block (people x scales)."""
    n_scales = plan.keyed.shape[1]
    sums = block.filled @ plan.keyed
    counts = plan.full_counts
    if block.blank is not None:  # float32 counts small whole numbers exactly
        counts = counts - block.blank.astype(np.float32) @ plan.counting
    counts = counts.astype(float)
    sums += plan.reversal * counts[..., :n_scales]
    answered = counts[..., n_scales:]
    return _means(sums, answered, plan.scale_min), answered


def _competency_scores(plan: _Plan, block: _Block) -> tuple[np.ndarray, np.ndarray]:
    """Competency scores then the SJT total, and scenarios answered (people x columns).

    The products keep the orientation ``member_t @ scores.T``: scenario scores are fractions,
    and this summation order gives the very numbers stored for candidates scored before.
    """
    scores, member_t = block.sjt_scores.T, plan.sjt_member_t
    sums, counts = (member_t @ scores).T, plan.sjt_full_counts
    if np.isnan(sums).any():  # a scenario is unanswered (the total column sees every one)
        answered = (~np.isnan(scores)).astype(float)
        sums, counts = (member_t @ np.fmax(scores, 0.0)).T, (member_t @ answered).T
    return _means(sums, counts, plan.competency_min), counts


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
    scale comes out of one matrix product with the plan's keyed weights, with no loop over
    respondents. A scale with fewer than ``min_answered`` answered items is NaN; nothing is
    imputed. A competency score is the mean 0..100 score of its answered scenarios, under the
    same rule.

    Speed: rows are taken in blocks of CHUNK_ROWS so that checking and scoring a block happen
    while it is in the CPU cache, the plan is built once per questionnaire, and BLAS stays on
    one thread (see ``_single_threaded_blas``). Complete data skips every missing-value pass;
    the benchmark (benchmarks/bench_scoring.py) holds this within 5x of a bare numpy mean.
    """
    responses, plan = _matrix(q, responses), _plan(q)
    n, n_scales, n_comps = len(responses), len(q.scales), len(q.competencies)
    # one array for the scores and one for the counts: fewer, larger allocations are far
    # cheaper to fault in than one per result
    scores = np.empty((n, n_scales + n_comps + 1))
    counts = np.empty((n, n_scales + n_comps + 1), dtype=int)
    scales, comps = scores[:, :n_scales], scores[:, n_scales:]
    scale_answered, comp_answered = counts[:, :n_scales], counts[:, n_scales:]
    bad = np.zeros(len(q.item_ids), dtype=bool)
    with _single_threaded_blas(n):
        for start in range(0, n, CHUNK_ROWS):
            rows = slice(start, start + CHUNK_ROWS)
            block_bad, block = _checked_block(plan, responses[rows])
            bad |= block_bad
            if block is not None and not bad.any():
                scales[rows], scale_answered[rows] = _scale_scores(plan, block)
                comps[rows], comp_answered[rows] = _competency_scores(plan, block)
    _refuse(q, plan, bad)
    return ScoreTable(
        scale_ids=tuple(s.id for s in q.scales),
        competency_ids=tuple(c.id for c in q.competencies),
        scales=scales,
        competencies=comps[:, :-1],
        sjt_total=comps[:, -1],
        scale_answered=scale_answered,
        competency_answered=comp_answered[:, :-1],
    )


def _checked(q: Questionnaire, responses: Any) -> tuple[np.ndarray, _Plan, np.ndarray]:
    """The response matrix, the plan and the scenario scores, after the same checks."""
    responses, plan = _matrix(q, responses), _plan(q)
    bad, block = _checked_block(plan, responses)
    _refuse(q, plan, bad)
    assert block is not None  # noqa: S101 (no bad column means a block ready to score)
    return responses, plan, block.sjt_scores


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
