"""The voluntary self-identification questions of a deployment, read from a YAML file.

The same file decides what candidates are asked after the assessment and which
characteristics the Fairness page, its exports and the bias audit analyse. The shipped
default (``self_identification_us_eeo.yaml`` beside this module) follows the US EEO
categories; ``HIRING_SELF_ID_FILE`` points at a deployment's own copy.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hiring.errors import HiringError
from hiring.store.plurals import plural

DEFAULT_FILE = Path(__file__).resolve().parent / "self_identification_us_eeo.yaml"
# The characteristics the database has a column for, in the order they are asked.
STORED = ("sex", "race_ethnicity", "age_band", "disability")
MAX_TEXT = 200
MAX_CHOICE = 80
MAX_CHOICES = 40


class SelfIdFileError(HiringError):
    """The self-identification file cannot be used as given."""


@dataclass(frozen=True)
class SelfIdQuestion:
    """One characteristic: its short name for tables, the question and its answers."""

    id: str  # one of STORED
    name: str  # "Sex", "Age band": how the Fairness page and exports name it
    question: str  # what the candidate reads
    choices: tuple[str, ...]  # the answers, "prefer not to say" left out


@dataclass(frozen=True)
class SelfIdQuestions:
    """Every question of a deployment, and the answer that means "prefer not to say"."""

    questions: tuple[SelfIdQuestion, ...]
    prefer_not: str = "Prefer not to say"
    source: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        """The characteristics asked, in order."""
        return tuple(q.id for q in self.questions)

    def choices(self, question_id: str) -> tuple[str, ...]:
        """Return the answers a candidate may give, "prefer not to say" last."""
        return (*self.question(question_id).choices, self.prefer_not)

    def question(self, question_id: str) -> SelfIdQuestion:
        """Return the question for ``question_id`` (KeyError when it is not asked)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def _text(data: dict, key: str, where: str, problems: list[str], limit: int = MAX_TEXT) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        problems.append(f"{where}{key}: must be a text of 1 to {plural(limit, 'character')}")
        return ""
    return value.strip()


def _choices(data: dict, where: str, prefer_not: str, problems: list[str]) -> tuple[str, ...]:
    value = data.get("choices")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_CHOICES:
        problems.append(f"{where}choices: must be a list of 1 to {MAX_CHOICES} answers")
        return ()
    choices: list[str] = []
    for i, choice in enumerate(value):
        if not isinstance(choice, str) or not choice.strip() or len(choice) > MAX_CHOICE:
            hint = " (put yes and no in quotes)" if isinstance(choice, bool) else ""
            problems.append(
                f"{where}choices[{i}]: must be a text of 1 to {MAX_CHOICE} characters{hint}"
            )
        elif choice.strip().casefold() in {c.casefold() for c in choices}:
            problems.append(f"{where}choices[{i}]: {choice.strip()!r} is listed twice")
        elif choice.strip().casefold() == prefer_not.casefold():
            problems.append(f"{where}choices[{i}]: {prefer_not!r} is added to every question")
        else:
            choices.append(choice.strip())
    return tuple(choices)


def parse_self_id(data: Any, source: str = "") -> SelfIdQuestions:
    """Check parsed YAML and return the questions; raise ``SelfIdFileError`` naming every problem."""
    name = Path(source).name or "self-identification file"
    if not isinstance(data, dict):
        raise SelfIdFileError(
            f"{name}: must be a mapping with prefer_not_to_say and characteristics."
        )
    problems: list[str] = []
    prefer_not = _text(data, "prefer_not_to_say", "", problems, MAX_CHOICE)
    characteristics = data.get("characteristics")
    if not isinstance(characteristics, dict) or not characteristics:
        problems.append("characteristics: must be a mapping of one or more characteristics")
        characteristics = {}
    questions = []
    for key, entry in characteristics.items():
        where = f"characteristics.{key}."
        if key not in STORED:
            problems.append(f"characteristics.{key}: is not one of {', '.join(STORED)}")
            continue
        if not isinstance(entry, dict):
            problems.append(
                f"characteristics.{key}: must be a mapping with name, question and choices"
            )
            continue
        questions.append(
            SelfIdQuestion(
                key,
                _text(entry, "name", where, problems),
                _text(entry, "question", where, problems),
                _choices(entry, where, prefer_not, problems),
            )
        )
    if problems:
        raise SelfIdFileError(f"{name}: " + "; ".join(problems) + ".")
    ordered = sorted(questions, key=lambda q: STORED.index(q.id))
    return SelfIdQuestions(tuple(ordered), prefer_not, source)


def load_self_id(path: str | Path | None = None) -> SelfIdQuestions:
    """Read the self-identification file at ``path`` (empty: the shipped US EEO list)."""
    path = Path(path) if path else DEFAULT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SelfIdFileError(
            f"The self-identification file {path} cannot be read: {error}."
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SelfIdFileError(f"{path.name}: is not valid YAML ({error}).") from None
    return parse_self_id(data, str(path))


@cache
def default_self_id() -> SelfIdQuestions:
    """The shipped questions (the US EEO list), read once."""
    return load_self_id(DEFAULT_FILE)
