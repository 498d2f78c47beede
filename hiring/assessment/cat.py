"""Computerized adaptive testing over an item bank: five interleaved unidimensional CATs.

Each scale is its own CAT: its θ is the EAP estimate (standard normal prior) from the scale's
answered items, the next item is one of the ``randomesque`` most informative unused items at
that θ (drawn with a seeded generator, so the same seed and answers give the same page), and
the scale stops once its SE reaches ``target_se`` after at least ``min_items_per_scale`` items,
or at ``max_items_per_scale``, or when its items run out. A page takes one item from each of
the scales that have asked least so far (content balancing), so the five scales advance in
step. Answers are keyed categories ``0..K-1`` (minus-keyed items already reversed).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hiring.assessment.irt import GRMItem, eap, item_information, posterior


@dataclass(frozen=True)
class CatSettings:
    """The stopping rule, the exposure control and the page size of the adaptive form."""

    target_se: float = 0.4
    max_items_per_scale: int | None = None
    min_items_per_scale: int = 2
    randomesque: int = 3
    items_per_page: int = 3


@dataclass(frozen=True)
class ItemBank:
    """Calibrated items of one questionnaire content (``questionnaire_hash``), versioned."""

    version: int
    questionnaire_hash: str
    items: tuple[GRMItem, ...]

    @cached_property
    def _scales(self) -> dict[str, tuple[GRMItem, ...]]:
        grouped: dict[str, list[GRMItem]] = {}
        for item in self.items:
            grouped.setdefault(item.scale, []).append(item)
        return {scale: tuple(items) for scale, items in grouped.items()}

    def by_scale(self) -> dict[str, tuple[GRMItem, ...]]:
        """The bank's items per scale, scales and items in bank order."""
        return dict(self._scales)


def _answered_in(items: tuple[GRMItem, ...], answered: Mapping[str, int]) -> list[GRMItem]:
    return [item for item in items if item.id in answered]


def scale_estimates(bank: ItemBank, answered: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Return each scale's EAP θ and SE from the answered keyed categories (prior N(0, 1))."""
    estimates = {}
    for scale, items in bank.by_scale().items():
        asked = _answered_in(items, answered)
        estimates[scale] = eap(asked, [int(answered[item.id]) for item in asked])
    return estimates


def _limit(settings: CatSettings, size: int) -> int:
    if settings.max_items_per_scale is None:
        return size
    return min(size, settings.max_items_per_scale)


def _has_stopped(settings: CatSettings, size: int, asked: int, se: float) -> bool:
    """The stopping rule, shared by the page choice and the estimate of what is left."""
    if asked >= _limit(settings, size):
        return True
    return asked >= settings.min_items_per_scale and se <= settings.target_se


def stopped_scales(
    bank: ItemBank, answered: Mapping[str, int], settings: CatSettings
) -> frozenset[str]:
    """Return the scales whose CAT has stopped (SE reached after the minimum, or the maximum)."""
    estimates = scale_estimates(bank, answered)
    return frozenset(
        scale
        for scale, items in bank.by_scale().items()
        if _has_stopped(
            settings, len(items), len(_answered_in(items, answered)), estimates[scale][1]
        )
    )


def _rng(seed: int, answered: Mapping[str, int]) -> np.random.Generator:
    """A generator fixed by the seed and the answers (in any order), so a page can be re-made."""
    key = ";".join(f"{item_id}={int(answered[item_id])}" for item_id in sorted(answered))
    return np.random.default_rng([int(seed) % 2**32, zlib.crc32(key.encode("utf-8"))])


def next_items(
    bank: ItemBank, answered: Mapping[str, int], settings: CatSettings, seed: int
) -> list[str]:
    """Return the next page's item ids; ``[]`` once every scale has stopped.

    Scales still running take turns, those that have asked fewest items first (ties in bank
    order); each turn picks at random among the ``randomesque`` unused items most informative
    at the scale's current θ. A scale gives a page a second item only when fewer scales than
    ``items_per_page`` are still running.
    """
    groups = bank.by_scale()
    estimates = scale_estimates(bank, answered)
    stopped = stopped_scales(bank, answered, settings)
    asked = {scale: len(_answered_in(items, answered)) for scale, items in groups.items()}
    running = [s for s in groups if s not in stopped]
    rng = _rng(seed, answered)
    page: list[str] = []
    taken = {scale: 0 for scale in running}
    while len(page) < settings.items_per_page:
        open_scales = [
            s
            for s in running
            if asked[s] + taken[s] < _limit(settings, len(groups[s]))
            and (taken[s] == 0 or all(taken[t] > 0 for t in running))
        ]
        if not open_scales:
            break
        scale = min(open_scales, key=lambda s: (taken[s], asked[s], running.index(s)))
        unused = [i for i in groups[scale] if i.id not in answered and i.id not in page]
        theta = np.array([estimates[scale][0]])
        information = np.array([item_information(item, theta)[0] for item in unused])
        best = np.argsort(-information, kind="stable")[: max(1, settings.randomesque)]
        page.append(unused[int(best[rng.integers(len(best))])].id)
        taken[scale] += 1
    return page


def expected_remaining(bank: ItemBank, answered: Mapping[str, int], settings: CatSettings) -> int:
    """Return about how many more items the CAT will ask ("about N more").

    For each running scale, the posterior precision ``1 / SE²`` is grown, item by item, by the
    information its unused items are expected to give (averaged over the current posterior of
    θ, and over the ``randomesque`` candidates a turn draws from) until the SE reaches the
    target (after the minimum) or the scale's maximum.
    """
    total = 0
    for items in bank.by_scale().values():
        asked = _answered_in(items, answered)
        se = eap(asked, [int(answered[i.id]) for i in asked])[1]
        gains = _expected_gains(items, answered, settings.randomesque)
        precision = 1.0 / max(se, 1e-9) ** 2
        more = 0
        while not _has_stopped(settings, len(items), len(asked) + more, precision**-0.5):
            precision += gains[more]
            more += 1
        total += more
    return total


def _expected_gains(
    items: tuple[GRMItem, ...], answered: Mapping[str, int], randomesque: int
) -> list[float]:
    """The information each further item of a scale is expected to add, in the order asked."""
    asked = _answered_in(items, answered)
    nodes, weights = posterior(asked, [int(answered[i.id]) for i in asked])
    unused = [i for i in items if i.id not in answered]
    expected = sorted((float(weights @ item_information(i, nodes)) for i in unused), reverse=True)
    width = max(1, randomesque)
    return [float(np.mean(expected[k : k + width])) for k in range(len(expected))]
