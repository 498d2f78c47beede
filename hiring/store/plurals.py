"""Counted nouns that agree with their number: 1 person, 2 people; 1 attention check, 3 checks."""

IRREGULAR = {"person": "people", "criterion": "criteria", "analysis": "analyses"}


def _regular_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def noun(n: float, singular: str, many: str | None = None) -> str:
    """Return the form of ``singular`` that agrees with ``n``: its last word, inflected.

    ``many`` overrides the guessed plural; irregular words (person, criterion) are known.
    """
    if n == 1:
        return singular
    if many is not None:
        return many
    head, _, last = singular.rpartition(" ")
    inflected = IRREGULAR.get(last) or _regular_plural(last)
    return f"{head} {inflected}" if head else inflected


def plural(n: float, singular: str, many: str | None = None) -> str:
    """Return ``n`` and the noun that agrees with it: ``plural(1, "person")`` is "1 person"."""
    shown = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{shown} {noun(n, singular, many)}"
