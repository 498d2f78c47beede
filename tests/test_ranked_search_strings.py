"""Every search string works on the ranked list and in its CSV export: property-tested over
arbitrary Unicode (lone surrogates and control characters too) through the web client."""

import base64
import csv
import io
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.test import create_environ
from werkzeug.wrappers import Request

from hiring.workspace import ranking
from hiring.workspace.exports import LIST_HEADER
from tests.workspace_data import bare_candidate, fast_hashing, make_role  # noqa: F401

PEOPLE = ("Ann O'Brien", "Zoë Ng", 'Bo "Bobby" Lee', "Émile Durand", "Chen 😀 Wu", "Dana (D) Smith")
FTS_SYNTAX = ['"', "*", "(", ")", "%", "^", ":", "-", "+", "NEAR", "AND", "OR", "NOT", "{", "}"]
# arbitrary Unicode, surrogates included (hypothesis leaves those out of text() by default)
ANY_CHARACTER = st.characters(exclude_categories=())
SEARCHES = st.lists(
    st.one_of(st.sampled_from(FTS_SYNTAX), st.text(ANY_CHARACTER, max_size=6)), max_size=5
).map("".join)


@pytest.fixture
def listed(db, auth):
    role = make_role(db)
    for number, name in enumerate(PEOPLE):
        first = re.sub(r"\W", "", name.split()[0]).lower()
        bare_candidate(db, role["id"], number, name=name, email=f"{first}@example.test")
    auth.login("recruiter")
    return role


def encoded(text: str) -> str:
    """``text`` as a query value: UTF-8 bytes, even invalid ones (a lone surrogate), escaped."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def address(role_id: int, text: str, export: bool = False) -> str:
    """The list's address with ``text`` as the search, as a browser or a script sends it."""
    return f"/roles/{role_id}/candidates{'.csv' if export else ''}?q={encoded(text)}"


def as_received(text: str) -> str:
    """The search the app reads (Werkzeug keeps bytes that are not UTF-8 as %XX escapes)."""
    return Request(create_environ(query_string=f"q={encoded(text)}")).args["q"]


def page_count(html: str) -> int:
    return int(re.search(r"([\d,]+) candidates? match", html).group(1).replace(",", ""))


def check_search(client, role_id: int, text: str) -> tuple[int, list[list[str]]]:
    """Ask the page and the export; both answer, and they agree."""
    page = client.get(address(role_id, text))
    assert page.status_code == 200, text
    html = page.get_data(as_text=True)
    export = client.get(address(role_id, text, export=True))
    assert export.status_code == 200, text
    body = export.get_data(as_text=True)  # a break mid-stream raises here
    assert body.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == LIST_HEADER
    assert len(rows) - 1 == page_count(html), text
    received = as_received(text)
    if received.strip() and not ranking.search_query(received):
        assert "this search has none, so no candidate matches it" in html
    return page_count(html), rows[1:]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=SEARCHES)
@example(text='"')
@example(text="*")
@example(text="(")
@example(text=")")
@example(text="%")
@example(text="😀")
@example(text="\ud800")
@example(text="\x00\x01\x1f\x7f")
@example(text='ann"')
@example(text="NEAR(ann, bo)")
@example(text="%25%00")
@example(text="\u202e\ufeff\u200b")
def test_every_search_string_answers_on_the_page_and_in_the_export(client, listed, text):
    check_search(client, listed["id"], text)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    junk=st.text(
        st.characters(exclude_categories=("L", "N", "Cs"), exclude_characters="_"), max_size=8
    ),
    person=st.sampled_from(range(len(PEOPLE))),
)
def test_a_name_among_symbols_still_finds_that_person(client, listed, junk, person):
    surname = PEOPLE[person].split()[-1]
    total, rows = check_search(client, listed["id"], f"{junk}{surname}{junk}")
    assert PEOPLE[person] in [row[1] for row in rows]


def test_a_search_without_letters_or_digits_matches_nobody_and_says_why(client, listed):
    html = client.get(address(listed["id"], "(*)")).get_data(as_text=True)
    assert page_count(html) == 0 and ranking.UNSEARCHABLE in html.replace("&#39;", "'")
    assert 'value="(*)"' in html  # what was typed stays in the box


def test_a_search_longer_than_the_limit_is_refused_before_the_export_starts(client, listed):
    text = "ann " * 30
    page = client.get(address(listed["id"], text)).get_data(as_text=True)
    assert "A search is at most 100 characters." in page
    export = client.get(address(listed["id"], text, export=True))
    assert export.status_code == 400 and not export.get_data(as_text=True).startswith("id,")


def test_an_oversized_or_deeply_nested_page_token_is_refused(client, listed):
    nested = base64.urlsafe_b64encode(b"[" * 100_000).decode()  # json.loads: RecursionError
    for token in (nested, "W" * 5_000):
        response = client.get(f"/roles/{listed['id']}/candidates?page={token}")
        assert response.status_code == 200 and "not valid" in response.get_data(as_text=True)
        with pytest.raises(ranking.ListError):
            ranking.decode_token(token, "fit")
