"""The ranked list: every filter, every sort and keyset pagination against a plain-Python reference."""

import random
import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiring.roles import pipeline
from hiring.roles import services as roles
from hiring.workspace import decisions, ranking
from hiring.workspace.ranking import ListError, ListFilters, ranked_page
from tests.workspace_data import bare_candidate, make_role

BANDS = ("strong", "good", "moderate", "low", "knock-out")
RANKS = {"strong": 4, "good": 3, "moderate": 2, "low": 1, "knock-out": 0}
FIRST = ("Ana", "Bo", "Chen", "Dana", "Émile", "Femi")
LAST = ("Okafor", "Smith", "Nguyen", "Smithers", "Haddad")


def seed_rows(db, role_id: int, n: int, seed: int = 7) -> list[dict]:
    """Insert ``n`` varied candidates (some uncalibrated, some not finished) and return them."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        status = rng.choice(ranking.STATUSES)
        finished = status not in ("invited", "started")
        calibrated = finished and rng.random() < 0.7
        band = rng.choice(BANDS) if finished else None
        fit = round(rng.choice((0.2, 0.35, 0.5, 0.65, rng.random())), 3) if calibrated else None
        day = date(2024, 3, 1) + timedelta(days=rng.randrange(30))
        stamp = f"{day.isoformat()}T{rng.randrange(24):02d}:00:00+00:00"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rows.append(
            bare_candidate(
                db,
                role_id,
                i,
                name=name,
                email=f"{name.split()[0].lower()}.{i}@{rng.choice(('mail', 'post'))}.test",
                status=status,
                fit=fit,
                band=band,
                band_rank=RANKS[band] if band else None,
                percentile=round(fit * 100, 1) if fit is not None else None,
                flag_count=rng.choice((0, 0, 0, 1, 2)) if finished else 0,
                invited_at=stamp
                if not finished
                else f"{date(2024, 2, 1).isoformat()}T08:00:00+00:00",
                submitted_at=stamp if finished else None,
            )  # fmt: skip
        )
    return rows


def reference_key(row: dict, sort: str):
    """The order the list promises, written independently of the SQL."""
    date_key = row["submitted_at"] or row["invited_at"]
    if sort == "fit":
        if row["fit"] is not None:
            return (2, row["fit"], row["id"])
        return (1 if row["band_rank"] is not None else 0, row["band_rank"] or 0, row["id"])
    if sort == "percentile":
        return (row["percentile"] is not None, row["percentile"] or 0, row["id"])
    if sort in ("newest", "oldest"):
        return (date_key, row["id"])
    return (row["name"].lower(), row["id"])


def fold(text: str) -> str:
    """Lower-case and drop accents, as the search index does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def reference(rows: list[dict], f: ListFilters) -> list[int]:
    def keep(row):
        date_key = (row["submitted_at"] or row["invited_at"])[:10]
        words = re.findall(r"\w+", fold(f.search))
        tokens = re.findall(r"\w+", fold(f"{row['name']} {row['email']}"))
        return (
            (not f.status or row["status"] == f.status)
            and (not f.band or row["band"] == f.band)
            and (not f.flags or (row["flag_count"] > 0) == (f.flags == "flagged"))
            and (not f.date_from or date_key >= f.date_from.isoformat())
            and (not f.date_to or date_key <= f.date_to.isoformat())
            and all(any(t.startswith(w) for t in tokens) for w in words)
        )

    descending = ranking.SORTS[f.sort].descending
    ordered = sorted(filter(keep, rows), key=lambda r: reference_key(r, f.sort), reverse=descending)
    return [r["id"] for r in ordered]


def walk(db, role_id: int, f: ListFilters, size: int) -> list[int]:
    """Follow "next page" links to the end."""
    ids, token = [], None
    while True:
        page = ranked_page(db, role_id, f, token, size=size)
        ids.extend(r["id"] for r in page.rows)
        if not page.next_token:
            return ids
        token = page.next_token


@pytest.fixture
def listed(app, db):
    role = make_role(db)
    other = make_role(db, title="Other Role")
    rows = seed_rows(db, role["id"], 180)
    seed_rows(db, other["id"], 20, seed=99)  # must never leak into the first role's list
    return role, rows


@pytest.mark.parametrize("sort", list(ranking.SORTS))
def test_every_sort_walks_all_rows_once_in_the_promised_order(db, listed, sort):
    role, rows = listed
    f = ListFilters(sort=sort)
    assert walk(db, role["id"], f, size=23) == reference(rows, f)


def test_fit_sort_puts_calibrated_first_then_profile_bands_then_unscored(db, listed):
    role, rows = listed
    ids = walk(db, role["id"], ListFilters(), size=50)
    by_id = {r["id"]: r for r in rows}
    kinds = [
        "fit" if by_id[i]["fit"] is not None else "band" if by_id[i]["band"] else "none"
        for i in ids
    ]
    assert kinds == sorted(kinds, key=["fit", "band", "none"].index)
    fits = [by_id[i]["fit"] for i in ids if by_id[i]["fit"] is not None]
    assert fits == sorted(fits, reverse=True)


@pytest.mark.parametrize(
    "filters",
    [
        ListFilters(status="shortlisted"),
        ListFilters(band="knock-out", sort="name"),
        ListFilters(flags="flagged", sort="newest"),
        ListFilters(flags="clean", sort="percentile"),
        ListFilters(date_from=date(2024, 3, 5), date_to=date(2024, 3, 9), sort="oldest"),
        ListFilters(search="smith"),
        ListFilters(search="ana sm", sort="name"),
        ListFilters(search="emile"),  # accents are folded
        ListFilters(search="post.test", status="completed"),
        ListFilters(status="completed", band="good", flags="clean", sort="newest"),
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.__dict__.items() if v),
)
def test_filters_match_the_reference(db, listed, filters):
    role, rows = listed
    expected = reference(rows, filters)
    assert walk(db, role["id"], filters, size=17) == expected
    page = ranked_page(db, role["id"], filters, size=17)
    assert (page.total, page.total_capped) == (len(expected), False)


def test_search_matches_words_of_the_name_not_the_middle_of_one(db, listed):
    role, rows = listed
    smith = walk(db, role["id"], ListFilters(search="smith"), 50)
    assert {r["name"].split()[1] for r in rows if r["id"] in smith} == {"Smith", "Smithers"}
    assert walk(db, role["id"], ListFilters(search="mith"), 50) == []


def test_previous_page_returns_the_page_before(db, listed):
    role, _ = listed
    f = ListFilters(sort="name")
    first = ranked_page(db, role["id"], f, size=10)
    second = ranked_page(db, role["id"], f, first.next_token, size=10)
    third = ranked_page(db, role["id"], f, second.next_token, size=10)
    back = ranked_page(db, role["id"], f, third.prev_token, size=10)
    assert [r["id"] for r in back.rows] == [r["id"] for r in second.rows]
    again = ranked_page(db, role["id"], f, back.prev_token, size=10)
    assert [r["id"] for r in again.rows] == [r["id"] for r in first.rows]
    assert first.prev_token is None and again.prev_token is None


@pytest.mark.parametrize(
    "token", ["garbage", "eyJ4Ijox", ranking.encode_token("name", True, "a", 1)]
)
def test_a_bad_or_foreign_page_token_is_refused(db, listed, token):
    role, _ = listed
    with pytest.raises(ListError):
        ranked_page(db, role["id"], ListFilters(sort="fit"), token)


@pytest.mark.parametrize(
    "bad",
    [{"status": "boss"}, {"flags": "maybe"}, {"sort": "salary"},
     {"date_from": date(2024, 2, 2), "date_to": date(2024, 2, 1)}],
)  # fmt: skip
def test_nonsense_filters_are_refused(bad):
    with pytest.raises(ListError):
        ListFilters(**bad)


def test_status_counts_follow_inserts_updates_and_deletes(db, listed):
    role, rows = listed
    expected = {s: sum(r["status"] == s for r in rows) for s in ranking.STATUSES}
    assert ranking.status_counts(db, role["id"]) == expected
    moved = next(r for r in rows if r["status"] == "completed")
    db["candidates"].update(moved["id"], {"status": "shortlisted", "flag_count": 3})
    db["candidates"].delete(next(r for r in rows if r["status"] == "invited")["id"])
    counts = ranking.status_counts(db, role["id"])
    assert counts["completed"] == expected["completed"] - 1
    assert counts["shortlisted"] == expected["shortlisted"] + 1
    assert counts["invited"] == expected["invited"] - 1
    live = {r["id"]: r for r in db["candidates"].rows_where("role_id = ?", [role["id"]])}
    assert ranking.count_matches(db, role["id"], ListFilters(flags="flagged"))[0] == sum(
        (r["flag_count"] or 0) > 0 for r in live.values()
    )


def test_funnel_counts_everyone_who_reached_a_stage():
    counts = dict.fromkeys(ranking.STATUSES, 0) | {"invited": 5, "started": 4, "completed": 3}
    counts |= {"shortlisted": 2, "interviewed": 1, "hired": 2, "rejected": 6}
    assert dict(pipeline.funnel_stages(counts)) == {
        "invited": 23, "started": 18, "completed": 14, "shortlisted": 5, "hired": 2,
    }  # fmt: skip


@pytest.mark.parametrize("lookup_cost", [0, 10**9], ids=["by candidate", "by change"])
def test_the_funnel_counts_stages_reached_before_moving_back(db, monkeypatch, lookup_cost):
    monkeypatch.setattr(pipeline, "LOOKUP_COST", lookup_cost)  # both ways of reading history
    role, other = make_role(db), make_role(db, title="Other Role")
    paths = {
        "shortlisted, rejected": ["shortlisted", "rejected"],
        "all the way": ["shortlisted", "interviewed", "offered", "hired"],
        "hired, then offered": ["shortlisted", "hired", "offered"],
        "rejected, shortlisted again": ["shortlisted", "rejected", "shortlisted"],
        "interviewed, undone": ["interviewed", "completed"],
        "completed": [],
    }
    for number, steps in enumerate(paths.values()):
        person = bare_candidate(db, role["id"], number)
        for status in steps:
            decisions.change_status(db, person["id"], status, user_id=1, actor="t", reason="r")
    bare_candidate(db, role["id"], 99, status="invited")
    elsewhere = bare_candidate(db, other["id"], 100)
    for status in ("shortlisted", "hired", "rejected"):
        decisions.change_status(db, elsewhere["id"], status, user_id=1, actor="t", reason="r")
    counts = roles.funnel(db, role["id"])
    assert counts == {**dict.fromkeys(ranking.STATUSES, 0), "invited": 1, "completed": 2,
                      "shortlisted": 1, "offered": 1, "hired": 1, "rejected": 1}  # fmt: skip
    assert dict(pipeline.funnel_stages(counts)) == {
        "invited": 7, "started": 6, "completed": 6, "shortlisted": 5, "hired": 2,
    }  # fmt: skip
    assert dict(pipeline.funnel_stages(roles.funnel(db, other["id"]))) == {
        "invited": 1, "started": 1, "completed": 1, "shortlisted": 1, "hired": 1,
    }  # fmt: skip


def test_count_stops_at_the_cap(db, app, monkeypatch):
    role = make_role(db)
    for i in range(12):
        bare_candidate(db, role["id"], i, submitted_at="2024-05-01T10:00:00+00:00")
    monkeypatch.setattr(ranking, "COUNT_CAP", 10)
    f = ListFilters(date_from=date(2024, 5, 1))
    assert ranking.count_matches(db, role["id"], f) == (10, True)
    assert ranking.count_matches(db, role["id"], ListFilters()) == (12, False)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(("", *ranking.STATUSES)),
    band=st.sampled_from(("", *BANDS)),
    flags=st.sampled_from(("", "flagged", "clean")),
    sort=st.sampled_from(list(ranking.SORTS)),
    size=st.integers(1, 40),
)
def test_any_filter_and_sort_pages_like_the_reference(db, listed, status, band, flags, sort, size):
    role, rows = listed
    f = ListFilters(status=status, band=band, flags=flags, sort=sort)
    assert walk(db, role["id"], f, size) == reference(rows, f)


# Through the web page


def names_on(html: str) -> list[str]:
    return re.findall(r'<a href="/candidates/\d+">([^<]+)</a>', html)


def test_the_page_filters_sorts_and_pages(auth, client, db, listed):
    role, rows = listed
    auth.login("recruiter")
    url = f"/roles/{role['id']}/candidates?status=completed&sort=name"
    html = client.get(url).get_data(as_text=True)
    expected = [r["name"] for r in sorted(
        (r for r in rows if r["status"] == "completed"), key=lambda r: (r["name"].lower(), r["id"])
    )]  # fmt: skip
    assert names_on(html) == expected[: ranking.PAGE_SIZE]
    assert f"{len(expected)} candidates match" in html
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html)
    if len(expected) > ranking.PAGE_SIZE:
        second = client.get(next_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert names_on(second) == expected[ranking.PAGE_SIZE : 2 * ranking.PAGE_SIZE]
    else:
        assert next_link is None


def test_the_page_shows_all_list_columns(auth, client, db):
    role = make_role(db)
    bare_candidate(
        db, role["id"], 1, name="Rowan Field", fit=0.734, band="good", band_rank=3,
        percentile=81.0, flag_count=2, top_strength="empathy", biggest_gap="optimism",
        submitted_at="2024-04-02T09:00:00+00:00",
    )  # fmt: skip
    auth.login("recruiter")
    html = client.get(f"/roles/{role['id']}/candidates").get_data(as_text=True)
    for text in ("Rowan Field", "73%", "band-good", ">81<", "Empathy", "Optimism", "2 flags",
                 "completed", "2024-04-02"):  # fmt: skip
        assert text in html


def test_every_value_in_a_row_is_escaped(auth, client, db):
    """The rows are written in Python (web/ranked_rows.py), so nothing escapes them for free."""
    role = make_role(db)
    bare_candidate(
        db, role["id"], 1, name='<script>alert("x")</script> & Co', email="a<b>@x.test",
        fit=None, band="knock out <i>", band_rank=0, percentile=None, flag_count=1,
        top_strength="<b>raw</b>", status="invited", submitted_at=None,
        invited_at="2024-05-06<br>T09:00:00+00:00",
    )  # fmt: skip
    auth.login("recruiter")
    html = client.get(f"/roles/{role['id']}/candidates").get_data(as_text=True)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    for text in (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co", "a&lt;b&gt;@x.test",
        'class="band band-knock-out-&lt;i&gt;">knock out &lt;i&gt;</span>', "&lt;b&gt;raw&lt;/b&gt;",
        'aria-label="Select &lt;script&gt;', "1 flag<", "2024-05-06<br><span class=\"muted\">invited",
    ):  # fmt: skip
        assert text in html, text


def test_bad_filters_and_tokens_on_the_page_fall_back_to_the_first_page(auth, client, db, listed):
    role, _ = listed
    auth.login("recruiter")
    bad = client.get(f"/roles/{role['id']}/candidates?status=boss")
    assert bad.status_code == 200 and "not understood" in bad.get_data(as_text=True)
    token = client.get(f"/roles/{role['id']}/candidates?page=xyz")
    assert token.status_code == 200 and "not valid" in token.get_data(as_text=True)


# How a search is read: from its matches, by walking the sort index, or counted on the page

SEARCH_MODES = {
    "narrow": {"NARROW_SEARCH": 10_000, "FEW_ROWS": -1},
    "broad": {"NARROW_SEARCH": 3, "FEW_ROWS": -1},
    "few rows": {"NARROW_SEARCH": 3, "FEW_ROWS": 10_000},
}
SEARCHES = [
    ListFilters(search="smith"),
    ListFilters(search="ana", sort="name"),
    ListFilters(search="test", status="completed", sort="newest"),
    ListFilters(search="mail", flags="flagged", sort="percentile"),
    ListFilters(search="post", date_from=date(2024, 3, 5), date_to=date(2024, 3, 20)),
    ListFilters(search="nobody"),
]


@pytest.fixture(params=list(SEARCH_MODES))
def search_mode(request, monkeypatch):
    for name, value in SEARCH_MODES[request.param].items():
        monkeypatch.setattr(ranking, name, value)
    return request.param


@pytest.mark.parametrize("filters", SEARCHES, ids=lambda f: f"{f.search},{f.sort}")
def test_every_way_of_reading_a_search_pages_and_counts_like_the_reference(
    db, listed, search_mode, filters
):
    role, rows = listed
    expected = reference(rows, filters)
    assert walk(db, role["id"], filters, size=7) == expected
    first = ranked_page(db, role["id"], filters, size=7)
    assert (first.total, first.total_capped) == (len(expected), False)
    if first.next_token:
        later = ranked_page(db, role["id"], filters, first.next_token, size=7)
        assert (later.total, later.total_capped) == (len(expected), False)
        back = ranked_page(db, role["id"], filters, later.prev_token, size=7)
        assert [r["id"] for r in back.rows] == expected[:7]


def test_a_broad_searchs_count_stops_at_the_cap_on_every_page(db, listed, search_mode, monkeypatch):
    role, rows = listed
    monkeypatch.setattr(ranking, "COUNT_CAP", 10)
    f = ListFilters(search="test", sort="oldest")  # every e-mail ends in .test
    expected = reference(rows, f)
    assert len(expected) == len(rows) > 10
    first = ranked_page(db, role["id"], f, size=20)
    second = ranked_page(db, role["id"], f, first.next_token, size=20)
    assert (first.total, first.total_capped) == (second.total, second.total_capped) == (10, True)
    assert [r["id"] for r in first.rows + second.rows] == expected[:40]


def test_a_search_is_read_from_its_matches_only_when_it_matches_few_rows(db, listed, monkeypatch):
    role, rows = listed  # the role's 180 candidates have the lowest ids, so they match first
    for name, value in (("NARROW_SEARCH", 50), ("COUNT_CAP", 60), ("FEW_ROWS", -1)):
        monkeypatch.setattr(ranking, name, value)
    rare, everyone = ListFilters(search="emile"), ListFilters(search="test")
    plan = ranking.search_plan(db, role["id"], rare)
    assert plan.from_matches and plan.count == (len(reference(rows, rare)), False)
    plan = ranking.search_plan(db, role["id"], everyone)
    assert not plan.from_matches and plan.count is None  # 51 looked at, not 61 passing yet
    monkeypatch.setattr(ranking, "NARROW_SEARCH", 100)
    assert ranking.search_plan(db, role["id"], everyone).count == (60, True)
    monkeypatch.setattr(ranking, "FEW_ROWS", 180)
    plan = ranking.search_plan(db, role["id"], everyone)
    assert plan.count_on_page and plan.from_matches


def filter_form(html: str) -> str:
    start = html.index('<form method="get" class="filters')
    return html[start : html.index("</form>", start)]


def test_the_filter_form_kept_between_requests_shows_each_query_as_asked(auth, client, listed):
    """The filter form is rendered once per query and worker; every query still sees its own."""
    role, rows = listed
    auth.login("recruiter")
    base = f"/roles/{role['id']}/candidates"
    plain = filter_form(client.get(base).get_data(as_text=True))
    assert 'value="smith"' not in plain and '<option selected value="">Any status' in plain
    asked = client.get(f"{base}?q=smith&status=completed&sort=name").get_data(as_text=True)
    form = filter_form(asked)
    assert 'value="smith"' in form and '<option selected value="completed">' in form
    assert '<option selected value="name">' in form
    bad = filter_form(client.get(f"{base}?date_from=2024-13-45").get_data(as_text=True))
    assert "has-error" in bad and 'value="2024-13-45"' in bad
    assert filter_form(client.get(base).get_data(as_text=True)) == plain
    again = client.get(f"{base}?q=smith&status=completed&sort=name&page=").get_data(as_text=True)
    assert filter_form(again) == form
    expected = [
        r["id"]
        for r in sorted(rows, key=lambda r: (r["name"].lower(), r["id"]))
        if r["status"] == "completed" and "smith" in r["name"].lower()
    ]
    links = re.findall(r'<a href="/candidates/(\d+)">', asked)
    assert [int(i) for i in links] == expected[: ranking.PAGE_SIZE]
    assert client.get(f"/candidates/{links[0]}").status_code == 200
