"""The fairness explanation (docs/fairness.md) is a page of the app, linked from the Fairness pages."""

import html
import re

import pytest
from candidate_records import make_role

from hiring.fairness.method import method_page, method_path
from hiring.store.paths import data_dir


def test_the_method_page_serves_the_whole_explanation(client, auth):
    auth.login("admin")
    response = client.get("/admin/fairness/method")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    source = method_path().read_text(encoding="utf-8")
    assert "<h1>Adverse-impact monitoring: methods and thresholds</h1>" in page
    shown = [
        html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    ]
    assert shown == [h.replace("`", "") for h in re.findall(r"^## (.+)$", source, re.M)]
    assert "<table>" in page and "<code>MIN_GROUP_SIZE</code>" in page
    assert 'style="' not in page


def test_raw_html_in_the_markdown_is_shown_as_text(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "fairness.md").write_text("# T\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr("hiring.fairness.method.data_dir", lambda name: folder)
    page = method_page()
    assert page.title == "T" and "<script>" not in page.html and "&lt;script&gt;" in page.html


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_only_admins_see_the_method_page(client, auth, who):
    auth.login(who)
    assert client.get("/admin/fairness/method").status_code == 403


def test_the_fairness_pages_link_to_the_method_page_not_to_a_repository_path(client, auth, db):
    role = make_role(db, title="Night desk")
    auth.login("admin")
    for url in ("/admin/fairness/", f"/admin/fairness/{role['id']}"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/admin/fairness/method"' in page, url
        assert "docs/fairness.md" not in page, url


def test_the_explanation_ships_with_the_app():
    assert method_path() == data_dir("docs") / "fairness.md"
    assert method_path().is_file()
