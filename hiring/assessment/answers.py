"""The answer values a questionnaire documents: whole numbers written in plain ASCII digits.

A statement's answer is 1..points and a scenario's the number of the chosen option, written
as the form sends it: "3", never "٣", " 3", "3.0", "+3" or "03", which ``int()`` would all
read as 3. The web journey, autosave and the CSV imports accept only this form.
"""

from __future__ import annotations

MAX_DIGITS = 9  # answers are 1..11; nine digits still read as the number they are


def answer_value(raw: object) -> int | None:
    """Return the answer ``raw`` stands for, or None when it is not written as one.

    An ``int`` (an answer already stored) is returned as is; ``True``/``False`` are not answers.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    plain = isinstance(raw, str) and raw.isascii() and raw.isdigit() and raw[0] != "0"
    return int(raw) if plain and len(raw) <= MAX_DIGITS else None  # type: ignore[arg-type]


def answer_problem(raw: str, highest: int) -> str | None:
    """Say what is wrong with ``raw`` as an answer on 1..``highest`` (None when it is fine)."""
    value = answer_value(raw)
    if value is None:
        try:
            value = int(raw)  # what a lenient reader would have taken
        except ValueError:
            return f"{raw!r} is not a whole number"
        if 1 <= value <= highest:
            return f"{raw!r} is not written as a plain whole number (write {value})"
    if not 1 <= value <= highest:
        return f"{raw!r} is outside 1..{highest}"
    return None
