"""The audit log is append-only, kept six months, and admins can browse and filter it."""

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from hiring.accounts import audit
from hiring.accounts.audit_search import AuditFilters, search
from hiring.store.migrations import AUDIT_REDACTION


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


@pytest.fixture
def event(db):
    audit.record(db, "riley", "candidate.view", "candidate", 7, page="detail")
    return db.execute("SELECT max(id) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "someone-else"),
        ("action", "candidate.hide"),
        ("at", "2000-01-01T00:00:00+00:00"),
        ("target_id", "8"),
        ("target_type", "user"),
        ("detail", '{"page": "other"}'),
        ("detail", None),
    ],
)
def test_no_column_can_be_changed(db, event, column, value):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(f"UPDATE audit_log SET [{column}] = ? WHERE id = ?", [value, event])


def test_the_only_change_allowed_is_the_erasure_redaction_of_detail(db, event):
    db.execute("UPDATE audit_log SET detail = ? WHERE id = ?", [AUDIT_REDACTION, event])
    row = db["audit_log"].get(event)
    assert (row["actor"], row["action"], row["target_id"]) == ("riley", "candidate.view", "7")
    with pytest.raises(sqlite3.IntegrityError):  # not together with another column
        db.execute(
            "UPDATE audit_log SET detail = ?, actor = 'x' WHERE id = ?", [AUDIT_REDACTION, event]
        )


@pytest.mark.parametrize("days", [0, 30, 182])
def test_rows_younger_than_six_months_cannot_be_deleted(db, days):
    db["audit_log"].insert({"at": _ago(days), "actor": "a", "action": "young"})
    with pytest.raises(sqlite3.IntegrityError, match="six months"):
        db.execute("DELETE FROM audit_log WHERE action = 'young'")


def test_rows_older_than_six_months_can_be_cleaned_up(db):
    db["audit_log"].insert({"at": _ago(184), "actor": "a", "action": "old"})
    db.execute("DELETE FROM audit_log WHERE action = 'old'")
    assert not db["audit_log"].count_where("action = 'old'")


def test_a_row_with_an_unreadable_time_is_kept(db):
    db["audit_log"].insert({"at": "yesterday", "actor": "a", "action": "odd"})
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit_log WHERE action = 'odd'")


@pytest.fixture
def history(db):
    """150 events over 30 days from three people."""
    rows = []
    for i in range(150):
        rows.append(
            {
                "at": (datetime(2031, 1, 1, tzinfo=UTC) + timedelta(hours=5 * i)).isoformat(),
                "actor": ("avery", "riley", "morgan")[i % 3],
                "action": ("candidate.view", "candidate.status", "role.create")[i % 3],
                "target_type": "role" if i % 3 == 2 else "candidate",
                "target_id": str(i % 10),
                "detail": "{}",
            }
        )
    db["audit_log"].insert_all(rows)
    return rows


def test_search_filters_combine(db, history):
    page = search(db, AuditFilters(actor="Riley", target_type="candidate", target_id="4"))
    expected = [r for r in history if r["actor"] == "riley" and r["target_id"] == "4"]
    assert [r["at"] for r in page.rows] == [r["at"] for r in reversed(expected)]


def test_date_range_is_inclusive_of_the_end_day(db, history):
    from datetime import date

    page = search(db, AuditFilters(date_from=date(2031, 1, 2), date_to=date(2031, 1, 3)), size=500)
    days = {r["at"][:10] for r in page.rows}
    assert days == {"2031-01-02", "2031-01-03"}
    expected = [r for r in history if "2031-01-02" <= r["at"][:10] <= "2031-01-03"]
    assert len(page.rows) == len(expected)


def test_pages_follow_on_without_gaps(db, history):
    seen, before = [], None
    while True:
        page = search(db, AuditFilters(action="candidate.view"), before=before, size=20)
        seen += [r["id"] for r in page.rows]
        if page.older is None:
            break
        before = page.older
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 50


def test_admin_page_lists_filters_and_pages(client, auth, db, history):
    auth.login("admin")
    first = client.get("/admin/audit/").get_data(as_text=True)
    assert first.count("<tr>") == 51  # header row + one page of 50
    assert "Older events" in first
    older = re.search(r'href="(/admin/audit/\?before=\d+)"', first).group(1)
    second = client.get(older).get_data(as_text=True)
    assert "Newest" in second
    filtered = client.get("/admin/audit/?actor=morgan&action=role.create&target_type=role")
    text = filtered.get_data(as_text=True)
    # exactly one page of 50 matches: no link to an empty next page
    assert text.count("<code>role.create</code>") == 50 and "Older events" not in text
    assert "candidate.view</code>" not in text.split("<tbody>")[1]


def test_admin_page_refuses_a_backwards_date_range(client, auth, history):
    auth.login("admin")
    response = client.get("/admin/audit/?date_from=2031-01-05&date_to=2031-01-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_details_are_escaped(client, auth, db):
    audit.record(db, "x", "odd.event", "role", 1, note="<b>bold</b>")
    auth.login("admin")
    page = client.get("/admin/audit/?action=odd.event").get_data(as_text=True)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_only_admins_browse_the_log(client, auth, who):
    auth.login(who)
    assert client.get("/admin/audit/").status_code == 403


def test_admins_find_fairness_audit_and_erasure_from_the_start_page(client, auth):
    auth.login("admin")
    home = client.get("/").get_data(as_text=True)
    for url in ('href="/admin/fairness/"', 'href="/admin/audit/"', 'href="/admin/erasure/"'):
        assert url in home
    auth.logout()
    auth.login("recruiter")
    home = client.get("/").get_data(as_text=True)
    assert "/admin/fairness/" not in home and "/admin/audit/" not in home
