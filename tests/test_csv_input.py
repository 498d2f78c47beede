"""The one CSV reader: delimiters, rows wider than the header, open quotes, limits, encodings."""

import csv
import io

import pytest

from hiring.store import csv_input
from hiring.store.csv_input import MAX_COLUMNS, MAX_FIELD_CHARS, cell_number, parse_csv
from hiring.store.text_input import InputFileError, decode_text, read_text_file


def rows_of(table):
    return [(row.number, list(row.cells), row.fields) for row in table.rows]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name,email\nAnn,ann@x.test\n", ","),
        ("name;email\nAnn;ann@x.test\n", ";"),  # Excel in many locales
        ("name\temail\nAnn\tann@x.test\n", "\t"),
        ("name;email;role\r\nAnn;ann@x.test;rep\r\n", ";"),
        ("name\nAnn\n", ","),  # one column: nothing to detect
    ],
)
def test_the_delimiter_is_the_one_the_header_uses(text, delimiter):
    table = parse_csv(text, "f.csv")
    assert table.delimiter == delimiter
    assert table.header[0] == "name" and table.rows[0].cells[0] == "Ann"


def test_a_semicolon_file_with_decimal_commas_keeps_its_commas():
    table = parse_csv("employee_id;csat\nE1;3,5\n", "f.csv")
    assert table.rows[0].cells == ("E1", "3,5")
    assert "semicolon-separated" in table.describe_header()


def test_rows_are_numbered_as_a_spreadsheet_and_blank_rows_skipped():
    table = parse_csv("\ufeffa,b\n1,2\n\n ,\n3,4\n", "f.csv")
    assert table.header == ("a", "b")  # the BOM is not part of the first name
    assert rows_of(table) == [(2, ["1", "2"], 2), (5, ["3", "4"], 2)]


def test_a_row_wider_than_the_header_is_flagged_and_short_rows_padded():
    table = parse_csv("a,b,c\n1,2,3,4\n1,2\n1,2,3,,\n", "f.csv")
    long, short, trailing = table.rows
    assert long.too_long and long.fields == 4 and long.cells == ("1", "2", "3")
    assert short.too_short and short.cells == ("1", "2", "")
    assert not trailing.too_long and trailing.fields == 3  # empty cells past the end hold nothing


def test_empty_columns_after_the_header_are_dropped():
    table = parse_csv("a,b,,\n1,2,,\n", "f.csv")
    assert table.header == ("a", "b") and table.rows[0].fields == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name,email\nAnn,"ann@x.test\nBob,bob@x.test\n',
            "f.csv: row 2: the quoted field opened on line 2 is never closed",
        ),
        (
            'name,email\nAnn,"ann@x.test\nBob,bob@x.test\nCy,cy@x.test"\nDi,di@x.test\n',
            "f.csv: row 2: a quoted field runs from line 2 to line 4; a closing quote is probably missing",
        ),
        (
            'name,email\n"Ann"x,ann@x.test\n',
            'f.csv: row 2: a quote inside a quoted field must be doubled ("")',
        ),
        ('"name,email\n', "f.csv: row 1: the quoted field opened on line 1 is never closed"),
        ("", "f.csv: is empty (expected a header row)"),
        ("\n\n", "f.csv: is empty"),
        (",,\n1,2,3\n", "f.csv: the first row (the header) is empty"),
    ],
)
def test_what_would_be_misread_is_refused_naming_the_row(text, message):
    with pytest.raises(InputFileError) as caught:
        parse_csv(text, "f.csv")
    assert caught.value.message.startswith(message), caught.value.message
    assert "\n" not in caught.value.message


def test_an_unclosed_quote_never_swallows_rows_silently():
    """Whatever follows an open quote, the file is refused rather than read short."""
    good = [["Ann", "ann@x.test"], ["Bob", "bob@x.test"], ["Cy", "cy@x.test"], ["Di", "di@x.test"]]
    for broken in range(len(good)):
        for tail in ("", '"', 'x"', '""'):
            lines = ["name,email"] + [",".join(r) for r in good]
            lines[broken + 1] = lines[broken + 1].replace(",", ',"', 1)
            lines[-1] += tail if broken + 1 < len(lines) - 1 else ""
            text = "\n".join(lines) + "\n"
            try:
                table = parse_csv(text, "f.csv")
            except InputFileError:
                continue
            assert len(table.rows) == len(good), text


def test_a_field_over_128_kb_is_refused_naming_its_row():
    text = "a,b\n1,2\n3," + "x" * (MAX_FIELD_CHARS + 1) + "\n"
    with pytest.raises(InputFileError, match=r"f\.csv: row 3: a field is longer than 131,072"):
        parse_csv(text, "f.csv")
    assert parse_csv("a,b\n1," + "x" * MAX_FIELD_CHARS + "\n", "f.csv").rows[0].fields == 2


def test_columns_and_rows_past_the_limits_are_refused():
    wide = ",".join(f"c{k}" for k in range(MAX_COLUMNS + 1)) + "\n"
    with pytest.raises(InputFileError, match="the header has 1,001 columns; at most 1,000"):
        parse_csv(wide, "f.csv")
    assert len(parse_csv(wide.rsplit(",", 1)[0], "f.csv").header) == MAX_COLUMNS
    with pytest.raises(InputFileError, match="has more than 3 rows"):
        parse_csv("a\n1\n2\n3\n4\n", "f.csv", max_rows=3)
    assert len(parse_csv("a\n1\n2\n3\n", "f.csv", max_rows=3).rows) == 3


def test_a_million_columns_are_refused_after_one_pass():
    """The issue's 7.9 MB header: refused by the column limit, read by csv once."""
    header = ",".join(f"column_{k}" for k in range(1_000_000))
    with pytest.raises(InputFileError, match="1,000,000 columns"):
        parse_csv(header + "\n", "wide.csv")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same(newline):
    table = parse_csv(newline.join(["a,b", "1,2", "3,4"]) + newline, "f.csv")
    assert rows_of(table) == [(2, ["1", "2"], 2), (3, ["3", "4"], 2)]


def test_the_reader_agrees_with_the_csv_module_on_good_files():
    rows = [["id", "name", "note"], ["1", 'Ann "Jo" Lee', "a, b"], ["2", "Ünïcødé", ""]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    table = parse_csv(buffer.getvalue(), "f.csv")
    assert [list(table.header)] + [list(r.cells) for r in table.rows] == rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "Zoë,zoe@x.test\n".encode("latin-1"),
            "f.csv: cannot be read: it is not UTF-8 text (byte 0xEB on line 1)",
        ),
        (b"a\nb\n\xff\n", "f.csv: cannot be read: it is not UTF-8 text (byte 0xFF on line 3)"),
        ("a,b\n".encode("utf-16"), "f.csv: cannot be read: it is UTF-16 text"),
        (b"\xed\xa0\x80", "f.csv: cannot be read: it is not UTF-8 text"),  # an encoded surrogate
    ],
)
def test_text_that_is_not_utf8_is_one_clear_line(data, message):
    with pytest.raises(InputFileError) as caught:
        decode_text(data, "f.csv")
    assert caught.value.message.startswith(message)
    assert "CSV UTF-8" in caught.value.message and "\n" not in caught.value.message


def test_a_bom_is_dropped_and_size_is_limited(tmp_path):
    assert decode_text("\ufeffa,b".encode(), "f.csv") == "a,b"
    with pytest.raises(InputFileError, match="larger than 100 bytes, the most we read"):
        decode_text(b"x" * 200, "f.csv", max_bytes=100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" * 100)
    with pytest.raises(InputFileError, match="big.csv: is larger than"):
        read_text_file(path, max_bytes=150)
    assert read_text_file(path, max_bytes=200).count("\n") == 100
    with pytest.raises(InputFileError, match="gone.csv: cannot be read"):
        read_text_file(tmp_path / "gone.csv")


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3.0), (" 3.5 ", 3.5), ("-0.25", -0.25), ("+7", 7.0), (".5", 0.5), ("4.", 4.0),
     ("٣", None), ("3,5", None), ("1e3", None), ("nan", None), ("inf", None), ("1_000", None),
     ("", None), (".", None), ("--1", None), ("1.2.3", None)],
)  # fmt: skip
def test_cell_numbers_are_plain_decimals(text, value):
    assert cell_number(text) == value


def test_the_documented_limits_are_the_ones_in_force():
    assert csv.field_size_limit() == csv_input.MAX_FIELD_CHARS
