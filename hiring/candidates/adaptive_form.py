"""A candidate's pages on the adaptive short form: those shown so far, the next, the fixed rest.

The statements of each adaptive page come from the item bank's ``next_items`` at the
answers before it, with the candidate's own seed, so the same answers always give the same
page. A page's statements are kept (``adaptive_pages``) when its first answer is saved:
reloading, going Back or resuming on another device shows exactly that page again. After
the adaptive pages come the statements outside the bank (attention and impression checks)
on one page, then the situations, as fixed as on the full form (or the situations first,
when the questionnaire puts them first).
"""

import json
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.records import CandidateError

ADAPTIVE_PREFIX = "adaptive_"
CHECKS_PAGE = "more_statements"


def cat_settings():
    """The stopping rule and page size of the adaptive form (the engine's defaults)."""
    from hiring.assessment.cat import CatSettings

    return CatSettings()


@dataclass(frozen=True)
class FormPlan:
    """The pages a respondent answers, and for the adaptive form how far they are."""

    pages: tuple
    adaptive: bool = False
    remaining: int = 0  # about this many more questions (adaptive form only)
    answered: int = 0  # questions answered so far (adaptive form only)
    asked: int = 0  # bank statements on the adaptive pages so far
    bank_size: int = 0  # statements in the item bank

    def is_adaptive_page(self, index: int) -> bool:
        """Whether the page at ``index`` is an adaptive one (kept once answered)."""
        return self.adaptive and self.pages[index].id.startswith(ADAPTIVE_PREFIX)


def full_plan(questionnaire) -> FormPlan:
    """The full form: every page of the questionnaire."""
    return FormPlan(pages=questionnaire.pages)


def candidate_bank(db: Database, candidate: dict, questionnaire):
    """Return the item bank version the candidate was pinned to at consent."""
    from hiring.assessment.item_banks import list_item_banks

    for bank in list_item_banks(db, questionnaire.id):
        if (
            bank.version == candidate["item_bank_version"]
            and bank.questionnaire_hash == questionnaire.content_hash
        ):
            return bank
    raise CandidateError(
        f"Item bank version {candidate['item_bank_version']} of candidate {candidate['id']} "
        "is missing; their saved answers are kept."
    )


def kept_pages(db: Database, candidate_id: int) -> list[tuple[str, ...]]:
    """Return the statements of each adaptive page already kept, in page order."""
    rows = db["adaptive_pages"].rows_where("candidate_id = ?", [candidate_id], order_by="number")
    return [tuple(json.loads(row["item_ids"])) for row in rows]


def keep_page(db: Database, candidate_id: int, number: int, item_ids: tuple[str, ...]) -> None:
    """Keep an adaptive page's statements (inside the caller's write transaction)."""
    db["adaptive_pages"].insert(
        {
            "candidate_id": candidate_id,
            "number": number,
            "item_ids": json.dumps(list(item_ids)),
            "created_at": audit.now_iso(),
        },
        ignore=True,
    )


def _page(questionnaire, page_id: str, title: str, instructions: str, item_ids):
    from hiring.assessment.questionnaire import Page

    return Page(id=page_id, title=title, instructions=instructions, item_ids=tuple(item_ids))


def _fixed_parts(questionnaire, bank_ids: set[str]) -> tuple[list, list, bool]:
    """Return the page of statements outside the bank, the situation pages, and the order."""
    likert_pages = [
        p for p in questionnaire.pages if set(p.item_ids) & set(questionnaire.likert_by_id)
    ]
    checks = [
        i
        for p in likert_pages
        for i in p.item_ids
        if i in questionnaire.likert_by_id and i not in bank_ids
    ]
    situations = [p for p in questionnaire.pages if p not in likert_pages]
    first = likert_pages[0] if likert_pages else None
    check_pages = (
        [_page(questionnaire, CHECKS_PAGE, "A few more statements", first.instructions, checks)]
        if checks and first is not None
        else []
    )
    adaptive_first = not situations or (
        first is not None
        and questionnaire.pages.index(first) < questionnaire.pages.index(situations[0])
    )
    return check_pages, situations, adaptive_first


def adaptive_plan(
    db: Database, candidate: dict, questionnaire, answers: dict[str, int]
) -> FormPlan:
    """Return the candidate's adaptive pages so far (and the next one), then the fixed pages."""
    from hiring.assessment.adaptive import keyed_categories
    from hiring.assessment.cat import expected_remaining, next_items

    bank = candidate_bank(db, candidate, questionnaire)
    settings = cat_settings()
    categories = keyed_categories(questionnaire, bank, answers)
    first = next(
        p for p in questionnaire.pages if set(p.item_ids) & set(questionnaire.likert_by_id)
    )
    title = first.title.split(" (")[0]
    kept = kept_pages(db, candidate["id"])
    pages = [
        _page(questionnaire, f"{ADAPTIVE_PREFIX}{n}", title, first.instructions, ids)
        for n, ids in enumerate(kept, start=1)
    ]
    if all(i in answers for ids in kept for i in ids):
        upcoming = next_items(bank, categories, settings, candidate["cat_seed"])
        if upcoming:
            pages.append(
                _page(
                    questionnaire,
                    f"{ADAPTIVE_PREFIX}{len(kept) + 1}",
                    title,
                    first.instructions,
                    upcoming,
                )
            )
    shown = {i for p in pages for i in p.item_ids}
    remaining_bank = expected_remaining(bank, categories, settings)
    checks, situations, adaptive_first = _fixed_parts(questionnaire, {i.id for i in bank.items})
    fixed_left = sum(1 for p in [*checks, *situations] for i in p.item_ids if i not in answers)
    ordered = [*pages, *checks, *situations] if adaptive_first else [*situations, *pages, *checks]
    return FormPlan(
        pages=tuple(ordered),
        adaptive=True,
        remaining=remaining_bank + fixed_left,
        answered=len(answers),
        asked=len(shown),
        bank_size=len(bank.items),
    )
