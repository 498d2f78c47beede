"""Load questionnaire YAML files, validated, and find the installed bank."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hiring.assessment.questionnaire import Questionnaire, QuestionnaireError, content_hash
from hiring.assessment.questionnaire_schema import build_questionnaire
from hiring.store.paths import data_dir
from hiring.store.text_input import InputFileError
from hiring.store.yaml_input import load_yaml_file


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file; raise QuestionnaireError with every problem.

    The file is read under the limits of :mod:`hiring.store.yaml_input` (size, nesting,
    aliases), so a hostile file is refused in time proportional to its size.
    """
    path = Path(path)
    try:
        data = load_yaml_file(path)
    except InputFileError as error:
        raise QuestionnaireError([error.message]) from None
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
