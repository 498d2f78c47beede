"""A questionnaire as plain, frozen dataclasses: scales, items, scenarios, pages, its content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from hiring.assessment.ranges import score_decimals
from hiring.errors import HiringError

LIKERT_KINDS = ("trait", "attention", "impression")


class QuestionnaireError(HiringError):
    """A questionnaire file that cannot be used; ``problems`` lists every reason, one a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ResponseScale:
    """The Likert answer options; answers are the integers 1..points."""

    points: int
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    """A trait scale; scored only when at least ``min_answered`` of its items are answered."""

    id: str
    name: str
    description: str
    min_answered: int


@dataclass(frozen=True)
class Competency:
    """A service behaviour measured by the situational-judgement scenarios that inform it."""

    id: str
    name: str
    description: str
    min_answered: int = 1


@dataclass(frozen=True)
class LikertItem:
    """A statement answered on the response scale (trait, attention check or impression)."""

    id: str
    text: str
    kind: str
    scale: str | None
    keyed: int
    expected: tuple[int, ...]


@dataclass(frozen=True)
class SJTOption:
    """One course of action in a scenario, with the experts' effectiveness key."""

    id: str
    text: str
    effectiveness: int


@dataclass(frozen=True)
class SJTItem:
    """A situational-judgement scenario: pick the option you would most likely take."""

    id: str
    scenario: str
    prompt: str
    options: tuple[SJTOption, ...]
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One screen of the questionnaire."""

    id: str
    title: str
    instructions: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire; ``content_hash`` pins the exact published content."""

    id: str
    version: str
    title: str
    description: str
    minutes: tuple[int, int]
    response_scale: ResponseScale
    scales: tuple[Scale, ...]
    competencies: tuple[Competency, ...]
    items: tuple[LikertItem, ...]
    sjt_items: tuple[SJTItem, ...]
    pages: tuple[Page, ...]
    synonym_pairs: tuple[tuple[str, str], ...]
    norms: dict[str, tuple[float, float, int]]
    norms_label: str
    content_hash: str
    source: str
    sjt_key_range: tuple[int, int] = (1, 4)

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        """Every answerable item id in page order: the columns of a response matrix."""
        return tuple(item_id for page in self.pages for item_id in page.item_ids)

    @cached_property
    def feature_ids(self) -> tuple[str, ...]:
        """Scale ids then competency ids: the features the fit model sees."""
        return tuple(s.id for s in self.scales) + tuple(c.id for c in self.competencies)

    @cached_property
    def score_decimals(self) -> dict[str, int]:
        """How many decimals each feature's score is shown and judged with (see ``ranges``)."""
        scale = score_decimals(1.0, float(self.response_scale.points))
        return {s.id: scale for s in self.scales} | {
            c.id: score_decimals(0.0, 100.0) for c in self.competencies
        }

    @cached_property
    def likert_by_id(self) -> dict[str, LikertItem]:
        """Likert items by id."""
        return {item.id: item for item in self.items}

    @cached_property
    def sjt_by_id(self) -> dict[str, SJTItem]:
        """Situational-judgement items by id."""
        return {item.id: item for item in self.sjt_items}

    def scale_items(self, scale_id: str) -> tuple[LikertItem, ...]:
        """The trait items of one scale, in page order."""
        return tuple(
            self.likert_by_id[i]
            for i in self.item_ids
            if i in self.likert_by_id and self.likert_by_id[i].scale == scale_id
        )

    def competency_items(self, competency_id: str) -> tuple[SJTItem, ...]:
        """The scenarios informing one competency, in page order."""
        return tuple(
            self.sjt_by_id[i]
            for i in self.item_ids
            if i in self.sjt_by_id and competency_id in self.sjt_by_id[i].competencies
        )

    @cached_property
    def shared_scenario_groups(self) -> dict[str, tuple[str, ...]]:
        """Competencies linked by shared scenarios, each group under a model feature id.

        A scenario that counts toward two competencies makes their scores correlated by
        construction; every group of competencies linked that way (directly or through
        others) enters the fit model as one feature, the mean of the group's scores. The
        ids are ``scenario_group`` for a single group, else ``scenario_group_1``, ...
        """
        group = {c.id: {c.id} for c in self.competencies}
        for scenario in self.sjt_items:
            linked = set().union(*(group[c] for c in scenario.competencies))
            for c in linked:
                group[c] = linked
        order = [c.id for c in self.competencies]
        groups, seen = [], set()
        for c in order:
            if len(group[c]) > 1 and c not in seen:
                groups.append(tuple(m for m in order if m in group[c]))
                seen |= group[c]
        if len(groups) == 1:
            return {"scenario_group": groups[0]}
        return {f"scenario_group_{i}": members for i, members in enumerate(groups, start=1)}

    @property
    def label(self) -> str:
        """Id and version, as people refer to a questionnaire."""
        return f"{self.id} v{self.version}"


def content_hash(data: Any) -> str:
    """Hash the parsed content, so layout and comment edits keep the hash and content edits don't.

    The canonical form is JSON with sorted keys and no insignificant whitespace.
    """
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
