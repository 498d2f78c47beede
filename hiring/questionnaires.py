"""Load and validate questionnaire YAML files into plain, frozen dataclasses."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from hiring.errors import HiringError
from hiring.paths import data_dir

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


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file; raise QuestionnaireError with every problem."""
    from hiring.questionnaire_schema import build_questionnaire

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireError([f"{path.name}: cannot be read ({error})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f"line {where.line + 1}" if where is not None else "file"
        problem = getattr(error, "problem", None) or "is not valid YAML"
        raise QuestionnaireError([f"{path.name}: {line}: not valid YAML ({problem})"]) from None
    return build_questionnaire(data, source=path.name, digest=content_hash(data))


def load_bank(directory: str | Path | None = None) -> dict[tuple[str, str], Questionnaire]:
    """Load every questionnaire in a folder (default: the shipped ones) keyed by (id, version)."""
    folder = Path(directory) if directory is not None else data_dir("questionnaires")
    bank: dict[tuple[str, str], Questionnaire] = {}
    problems: list[str] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireError as error:
            problems.extend(error.problems)
            continue
        key = (questionnaire.id, questionnaire.version)
        if key in bank:
            problems.append(
                f"{path.name}: id: {questionnaire.label} is also defined in {bank[key].source}"
            )
            continue
        bank[key] = questionnaire
    if problems:
        raise QuestionnaireError(problems)
    return bank


def check_published(q: Questionnaire, published: Mapping[tuple[str, str], str]) -> None:
    """Refuse a file whose content differs from what was published under the same version.

    ``published`` maps (id, version) to the content hash recorded when that version was first
    used. A published version is immutable because stored answers are scored against it.
    """
    recorded = published.get((q.id, q.version))
    if recorded is not None and recorded != q.content_hash:
        raise QuestionnaireError(
            [
                f"{q.source}: version: {q.label} was already published with different content "
                f"({recorded}, this file is {q.content_hash}); a published version never "
                "changes, so give the edited questionnaire a new version"
            ]
        )
