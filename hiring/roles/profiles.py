"""The hiring profile a role is judged against: its derived version, else the shipped one."""

import json
from pathlib import Path

from sqlite_utils import Database

from hiring.assessment.profiles import (
    DevelopmentModule,
    FeatureTarget,
    HiringProfile,
    load_profiles,
)
from hiring.roles.services import role_questionnaire
from hiring.store.paths import data_dir

_profile_cache: dict[tuple, dict] = {}


def shipped_profiles() -> dict:
    """Return the shipped profiles, re-read only when a file in the folder changes."""
    directory = data_dir("profiles")
    key = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in Path(directory).glob("*.yaml")))
    if key not in _profile_cache:
        _profile_cache.clear()
        _profile_cache[key] = load_profiles(directory)
    return _profile_cache[key]


def _profile_from_dict(data: dict) -> HiringProfile:
    """Rebuild a stored (derived) profile from its ``to_dict()`` form."""
    features = tuple(
        FeatureTarget(
            **{
                **f,
                "interview_probes": tuple(f["interview_probes"]),
                "coaching_questions": tuple(f["coaching_questions"]),
                "module": DevelopmentModule(**f["module"]),
            }
        )
        for f in data["features"]
    )
    return HiringProfile(**{**data, "features": features})


def role_profile(db: Database, role: dict) -> HiringProfile | None:
    """Return the profile a role is judged against: its derived version, else the shipped one."""
    if role.get("profile_version_id"):
        rows = list(db["profile_versions"].rows_where("id = ?", [role["profile_version_id"]]))
        if rows and rows[0]["body"]:
            return _profile_from_dict(json.loads(rows[0]["body"]))
    versions = [p for (pid, _), p in shipped_profiles().items() if pid == role["profile_id"]]
    return max(versions, key=lambda p: p.version) if versions else None


def feedback_texts(db: Database, role: dict) -> dict[str, tuple[str, str]]:
    """Map each feature of the role's profile to its texts for the candidate (strength, to develop).

    A profile derived before these texts existed takes them from the shipped file it is based
    on; a feature without any has empty texts.
    """
    profile = role_profile(db, role)
    if profile is None:
        return {}
    shipped = [p for (pid, _), p in shipped_profiles().items() if pid == profile.id]
    base = max(shipped, key=lambda p: p.version) if shipped else None
    texts = {}
    for target in profile.features:
        strength, to_develop = target.feedback_strength, target.feedback_to_develop
        if not (strength and to_develop) and base and target.feature_id in base.feature_ids:
            fallback = base.target(target.feature_id)
            strength = strength or fallback.feedback_strength
            to_develop = to_develop or fallback.feedback_to_develop
        texts[target.feature_id] = (strength, to_develop)
    return texts


def feature_names(role: dict) -> dict[str, str]:
    """Map feature ids of the role's questionnaire (and the model's scenario groups) to names."""
    q = role_questionnaire(role)
    names = {s.id: s.name for s in q.scales} | {c.id: c.name for c in q.competencies}
    for group, members in q.shared_scenario_groups.items():
        if len(members) == len(q.competencies):
            names[group] = f"All {len(members)} service behaviours, averaged"
        else:
            names[group] = " + ".join(names[m] for m in members) + ", averaged"
    return names
