"""Recognise the passwords attackers try first: a shipped list and the obvious patterns.

The list, ``common-passwords.txt.gz`` (19,640 passwords, lower case), is the one Django
ships for its ``CommonPasswordValidator`` (BSD licence, see ``common-passwords.LICENSE``),
compiled by Royce Williams from breach corpora. Patterns a list cannot hold are generated
here instead: one character or a short unit repeated, runs of the alphabet or the digits,
keyboard walks, and list words with digits or symbols stuck to either end.
"""

import functools
import gzip
import re
from pathlib import Path

LIST_FILE = Path(__file__).with_name("common-passwords.txt.gz")
# Rows and columns of a US keyboard, each also read backwards, for walks like "qwerty" or "1qaz2wsx".
KEYBOARD_LINES = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0['-]=",
)
LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"})  # fmt: skip
MIN_PIECE = 3  # a walk or a run shorter than this is not a pattern
MAX_PATTERN_LENGTH = 64


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list, read once."""
    with gzip.open(LIST_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _is_run(piece: str) -> bool:
    """Tell whether ``piece`` steps through characters by -1, 0 or +1 ("aaaa", "4567", "fedc")."""
    steps = {ord(b) - ord(a) for a, b in zip(piece, piece[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def _is_walk(piece: str) -> bool:
    return any(piece in line or piece in line[::-1] for line in KEYBOARD_LINES)


def is_pattern(text: str) -> bool:
    """Tell whether ``text`` is made only of keyboard walks and runs of 3 or more characters."""
    n = len(text)
    if n > MAX_PATTERN_LENGTH:  # longer ones are caught as repeats, if at all
        return False
    covered = [True] + [False] * n  # covered[i]: text[:i] splits into pattern pieces
    for end in range(MIN_PIECE, n + 1):
        for start in range(0, end - MIN_PIECE + 1):
            piece = text[start:end]
            if covered[start] and (_is_run(piece) or _is_walk(piece)):
                covered[end] = True
                break
    return n >= MIN_PIECE and covered[n]


def repeated_unit(text: str) -> str | None:
    """Return the unit ``text`` repeats ("abab" -> "ab"), or None when it repeats nothing."""
    for size in range(1, len(text) // 2 + 1):
        if all(text[i] == text[i - size] for i in range(size, len(text))):
            return text[:size]
    return None


def _core(text: str) -> str:
    """Drop the digits and symbols stuck to either end ("password12!" -> "password")."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)


def weakness(password: str, username: str = "") -> str | None:
    """Return why ``password`` is one attackers try early, in words for its owner, or None."""
    lowered = password.lower()
    name = username.strip().lower()
    rest = lowered.replace(name, "").replace(name[::-1], "") if len(name) >= 3 else lowered
    if rest != lowered and len(re.sub(r"[\W\d_]", "", rest)) < 4:
        return "It is mostly your user name; choose something else."
    common = common_passwords()
    if lowered in common or lowered.translate(LEET) in common:
        return "It is on a list of the 20,000 most common passwords, which attackers try first."
    core = _core(lowered)
    if core != lowered and len(core) >= 3 and (core in common or core.translate(LEET) in common):
        return (
            "It is a common password with digits or symbols added, "
            "one of the first things attackers try."
        )
    if is_pattern(lowered) or is_pattern(core):
        return "It is a keyboard pattern or a run of letters or digits (like qwerty or 1234)."
    unit = repeated_unit(lowered)
    if unit is not None and (len(unit) <= 4 or unit in common or is_pattern(unit)):
        return "It repeats a short pattern; a password needs more variety than that."
    return None
