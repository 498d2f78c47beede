"""Importance and priority in plain words; derived and shipped profile weights on one footing."""

import html
import re

import pytest
from calibration_data import calibrated_role
from candidate_records import assessed_candidate

from hiring.assessment.profiles import (
    footing_weights,
    importance_level,
    importance_levels,
    priority_level,
)
from hiring.modeling.calibration import default_profile, derived_profile
from hiring.reports.candidate_reports import candidate_report
from hiring.reports.render import report_html

SIX = ("listening", "gathering_information", "communicating_clearly", "building_relationships",
       "defusing_conflict", "patience_caring")  # fmt: skip


def test_footing_weights_share_out_the_profiles_total_among_established_importances():
    weights = footing_weights(
        {"a": (0.03, 0.01), "b": (0.01, 0.005), "c": (0.02, 0.03), "d": (-0.01, 0.01)}, 12.0
    )
    assert weights == {"a": 9.0, "b": 3.0, "c": 0.0, "d": 0.0}  # c's spread crosses zero
    assert footing_weights({"a": (0.01, 0.02)}, 5.0) == {}  # nothing established


@pytest.mark.parametrize(
    ("weight", "level"),
    [
        (1.5, "high"),
        (1.375, "high"),
        (1.374, "medium"),
        (0.825, "medium"),
        (0.82, "low"),
        (0.01, "low"),
        (0.0, "not established"),
    ],  # fmt: skip
)
def test_levels_are_relative_to_the_average_weight(weight, level):
    assert importance_level(weight, 1.1) == level


@pytest.mark.parametrize(
    ("importance", "gap", "priority"),
    [("high", 0.5, "high"), ("high", 0.49, "medium"), ("medium", 0.8, "medium"),
     ("medium", 0.2, "low"), ("low", 2.0, "low"), ("not established", 2.0, "not established")],
)  # fmt: skip
def test_priority_combines_importance_with_a_clear_gap(importance, gap, priority):
    assert priority_level(importance, gap) == priority


@pytest.fixture
def calibrated(app, db):
    return calibrated_role(app, db)


def test_a_derived_profile_is_on_the_shipped_profiles_footing(db, calibrated):
    role, version = calibrated
    shipped, derived = default_profile(role), derived_profile(db, version)
    total = sum(t.weight for t in shipped.features)
    assert sum(t.weight for t in derived.features) == pytest.approx(total, abs=0.01)
    assert max(t.weight for t in derived.features) > 0.5  # no longer 0.00-0.02
    shared = {derived.target(f).weight for f in SIX}
    assert len(shared) == 1  # the six share one importance, split equally
    levels = importance_levels(derived)
    assert set(levels.values()) <= {"high", "medium", "low", "not established"}


def test_the_validity_page_puts_both_profiles_and_the_importances_in_words(
    client, auth, db, calibrated
):
    role, version = calibrated
    auth.login("admin")
    page = html.unescape(client.get(f"/admin/validity/{role['id']}").get_data(as_text=True))
    profiles = page.split('id="h-profiles"')[1].split("</section>")[0]
    shipped, derived = default_profile(role), derived_profile(db, version)
    words = importance_levels(shipped), importance_levels(derived)
    for t, d in zip(shipped.features, derived.features, strict=True):
        assert f"{t.weight:.2f} ({words[0][t.feature_id]})" in profiles
        assert f"{d.weight:.2f} ({words[1][d.feature_id]})" in profiles
    importance = page.split('id="h-importance"')[1].split("</section>")[0]
    assert "In plain words" in importance
    found = re.findall(r"</th><td>(high|medium|low|not established)</td>", importance)
    assert len(found) == len(version.report.importance)


def test_reports_say_importance_and_priority_in_words_and_keep_the_figures_for_the_method(
    app, db, calibrated
):
    role, _version = calibrated
    cid, _ = assessed_candidate(app, db, role, "Gale Gaps", "gale@example.test", seed=2)
    data = candidate_report(db, cid, "onboarding").data
    assert data.gaps, "the candidate should fall short somewhere"
    for gap in data.gaps:
        assert gap.importance_level in ("high", "medium", "low", "not established")
        assert gap.priority_level in ("high", "medium", "low", "not established")
    page = " ".join(html.unescape(report_html(data, "onboarding")).split())
    table = page.split("Development priorities")[1].split("</table>")[0]
    assert "Importance</th>" in table and "Priority</th>" in table
    assert not re.search(r"<td>\d+\.\d+</td>", table.replace('class="num"', ""))
    for gap in data.gaps:
        assert f"<td>{gap.importance_level}</td> <td>{gap.priority_level}</td>" in table
    method = page.split("Importance and priority in figures")[1]
    first = sorted(data.gaps, key=lambda g: -g.priority)[0]
    assert f"{first.name}: weight {first.importance:.2f}" in method
    assert "are scored from shared scenarios" in method
