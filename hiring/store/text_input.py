"""Read the text files and uploads we are given: a size limit, strict UTF-8, one-line errors."""

from pathlib import Path

from hiring.errors import HiringError

MAX_FILE_BYTES = 8 * 1024 * 1024  # the web upload limit too (MAX_CONTENT_LENGTH)
SAVE_AS_UTF8 = "save it as UTF-8 (in Excel: “CSV UTF-8”) and try again"


class InputFileError(HiringError):
    """A file we were given cannot be read; the message names the file and the place."""


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size:,} bytes"


def decode_text(data: bytes, source: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Return ``data`` as text (a leading BOM dropped); refuse too much data or non-UTF-8."""
    if len(data) > max_bytes:
        raise InputFileError(f"{source}: is larger than {_size(max_bytes)}, the most we read")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{source}: cannot be read: it is UTF-16 text; {SAVE_AS_UTF8}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputFileError(
            f"{source}: cannot be read: it is not UTF-8 text (byte 0x{data[error.start]:02X} "
            f"on line {line}); {SAVE_AS_UTF8}"
        ) from None
    return text.removeprefix("\ufeff")


def read_text_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file of at most ``max_bytes``; see :func:`decode_text`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # one byte more tells a file that is too large
    except OSError as error:
        raise InputFileError(f"{path.name}: cannot be read ({error.strerror})") from None
    return decode_text(data, path.name, max_bytes)
