"""Loading, validating and pinning questionnaire files."""

import copy
from pathlib import Path

import pytest
import yaml

from hiring.assessment.questionnaire import QuestionnaireError, content_hash
from hiring.assessment.questionnaires import check_published, load_bank, load_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny.yaml"


def tiny_data() -> dict:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def write(tmp_path: Path, data, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    return caught.value.problems


def test_tiny_questionnaire_loads_into_the_contract_dataclasses():
    q = load_questionnaire(TINY)
    assert (q.id, q.version, q.minutes) == ("tiny", "1", (1, 2))
    assert q.response_scale.points == 5 and len(q.response_scale.labels) == 5
    assert q.item_ids == ("a1", "b1", "a2", "chk", "b2", "a3", "im1", "b3", "im2", "s1", "s2", "s3")
    assert q.feature_ids == ("alpha", "beta", "calm", "clear")
    a2 = q.likert_by_id["a2"]
    assert (a2.kind, a2.scale, a2.keyed, a2.expected) == ("trait", "alpha", -1, ())
    assert q.likert_by_id["chk"].expected == (4,) and q.likert_by_id["chk"].scale is None
    assert q.likert_by_id["im2"].keyed == -1
    s2 = q.sjt_by_id["s2"]
    assert s2.prompt == "What would you do first?"
    assert q.sjt_by_id["s1"].prompt == "What would you most likely do?"
    assert [o.effectiveness for o in s2.options] == [2, 4, 1]
    assert s2.competencies == ("calm", "clear")
    assert q.synonym_pairs == (("a1", "a3"), ("b1", "b2"))
    assert q.norms["calm"] == (50.0, 20.0, 80)
    assert q.source == "tiny.yaml" and q.content_hash.startswith("sha256:")


def test_minimum_answered_defaults_to_two_thirds_of_a_scale_and_half_the_scenarios(tmp_path):
    data = tiny_data()
    for scale in data["scales"]:
        del scale["min_answered"]
    q = load_questionnaire(write(tmp_path, data, "defaults.yaml"))
    assert [s.min_answered for s in q.scales] == [2, 2]  # ceil(2 * 3 / 3)
    assert [c.min_answered for c in q.competencies] == [1, 1]  # ceil(2 / 2)


def test_the_engine_is_not_tied_to_wetco_a_six_point_big_five_loads():
    q = load_questionnaire(FIXTURES / "bigfive-25.yaml")
    assert q.response_scale.points == 6
    assert len(q.items) == 25 and q.sjt_items == () and q.competencies == ()
    assert sum(1 for i in q.items if i.keyed < 0) == 10


def test_layout_and_comment_edits_keep_the_hash_and_content_edits_change_it(tmp_path):
    original = TINY.read_text(encoding="utf-8")
    reformatted = "# a new comment\n" + original.replace("\n", "\n\n").replace(
        "{id: a1,", "{ id:  a1,"
    )
    same = load_questionnaire(write(tmp_path, reformatted, "same.yaml"))
    changed = load_questionnaire(
        write(tmp_path, original.replace("Alpha one.", "Alpha 1."), "x.yaml")
    )
    assert same.content_hash == load_questionnaire(TINY).content_hash
    assert changed.content_hash != same.content_hash


def test_content_hash_ignores_key_order_but_not_values():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1, "b": [1, 2]}) != content_hash({"a": 1, "b": [2, 1]})


def test_a_published_version_cannot_change(tmp_path):
    q = load_questionnaire(TINY)
    check_published(q, {})
    check_published(q, {("tiny", "1"): q.content_hash, ("tiny", "0"): "sha256:old"})
    edited = load_questionnaire(
        write(tmp_path, TINY.read_text().replace("Beta one.", "B1."), "t.yaml")
    )
    with pytest.raises(QuestionnaireError) as caught:
        check_published(edited, {("tiny", "1"): q.content_hash})
    message = caught.value.message
    assert message.startswith("t.yaml: version: tiny v1 was already published")
    assert "new version" in message and q.content_hash in message


def test_the_default_bank_holds_the_shipped_questionnaire():
    bank = load_bank()
    assert ("wetco-service", "1") in bank


def test_a_bank_reports_every_broken_file_and_duplicate_versions(tmp_path):
    write(tmp_path, TINY.read_text(), "one.yaml")
    write(tmp_path, TINY.read_text(), "two.yaml")
    broken = tiny_data()
    broken["items"][0]["scale"] = "gamma"
    write(tmp_path, broken, "three.yaml")
    with pytest.raises(QuestionnaireError) as caught:
        load_bank(tmp_path)
    problems = caught.value.problems
    assert any(p.startswith("three.yaml: items.a1.scale: unknown scale 'gamma'") for p in problems)
    assert "two.yaml: id: tiny v1 is also defined in one.yaml" in problems


def test_every_problem_is_reported_at_once_each_naming_file_and_path(tmp_path):
    data = tiny_data()
    data["items"][0]["scale"] = "gamma"
    data["items"][1]["id"] = "a1"
    data["sjt"][0]["options"][0]["effectiveness"] = 9
    problems = problems_of(write(tmp_path, data))
    assert len(problems) >= 3
    assert all(p.startswith("broken.yaml: ") for p in problems)
    assert "broken.yaml: items.a1.scale: unknown scale 'gamma'" in problems
    assert any("duplicate id 'a1'" in p for p in problems)
    assert "broken.yaml: sjt.s1.options.a.effectiveness: 9 is out of range (1..4)" in problems


def _set(path: str, value):
    """A mutation that sets a dotted path (list indexes as numbers); None deletes it."""

    def mutate(data):
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key = int(last) if last.isdigit() else last
        if value is None:
            del node[key]
        else:
            node[key] = value

    return mutate


BROKEN = [
    (_set("items.0.scale", "gamma"), "items.a1.scale: unknown scale 'gamma'"),
    (_set("items.1.id", "a1"), "items.a1: duplicate id 'a1' (first used at items.a1)"),
    (_set("sjt.0.id", "a1"), "sjt.a1: duplicate id 'a1'"),
    (_set("sjt.0.options.1.effectiveness", 0), "sjt.s1.options.b.effectiveness: 0 is out of range"),
    (_set("sjt.0.options.1.effectiveness", "high"), "must be a whole number, got 'high'"),
    (_set("items.0.keyed", "up"), "items.a1.keyed: must be 'plus' or 'minus', got 'up'"),
    (_set("items.0.kind", "trick"), "items.a1.kind: 'trick' is not one of trait, attention"),
    (_set("items.6.expected", [7]), "items.chk.expected: 7 is out of range (1..5)"),
    (_set("items.6.expected", None), "items.chk.expected: must list the accepted answers"),
    (_set("items.7.scale", "alpha"), "items.im1.scale: a impression item feeds quality flags"),
    (_set("response_scale.labels", ["a", "b"]), "response_scale.labels: has 2 labels for 5 points"),
    (_set("response_scale.points", 1), "response_scale.points: 1 is out of range (2..11)"),
    (_set("scales.0.min_answered", 4), "scales.alpha.min_answered: 4 is out of range (1..3)"),
    (_set("scales.0.colour", "red"), "scales.alpha: unknown field 'colour'"),
    (_set("titel", "Typo"), "(top level): unknown field 'titel'"),
    (_set("title", None), "broken.yaml: title: is required and must be non-empty text"),
    (_set("id", "Tiny Test"), "broken.yaml: id: 'Tiny Test' must use only a-z, 0-9"),
    (_set("minutes", [20, 10]), "minutes: longest (10) is shorter than shortest (20)"),
    (_set("pages.0.items", ["a1", "zz"]), "pages.p1.items: unknown item 'zz'"),
    (_set("pages.1.items", ["a1", "im1", "b3", "im2"]), "pages.p2.items: item 'a1' is already on"),
    (_set("pages.1.items", ["im1", "b3", "im2"]), "items.a3: is on no page"),
    (_set("pages.0.instructions", ""), "pages.p1.instructions: is required"),
    (_set("sjt.0.competencies", ["calm", "kindness"]), "sjt.s1.competencies: unknown competency"),
    (_set("sjt.0.options", [{"id": "a", "text": "x", "effectiveness": 1}]), "has 1 option;"),
    (_set("sjt.1.options.1.effectiveness", 2), None),  # options 2, 2, 1 still discriminate
    (_set("sjt.0.options.2.id", "a"), "sjt.s1.options.a: duplicate id 'a'"),
    (_set("synonym_pairs", [["a1", "a2"]]), "synonym_pairs[0]: both items must belong to the same"),
    (_set("synonym_pairs", [["a1", "b1"]]), "synonym_pairs[0]: both items must belong to the same"),
    (_set("synonym_pairs", [["a1", "chk"]]), "synonym_pairs[0]: 'chk' is not a trait item"),
    (_set("synonym_pairs", [["a1"]]), "synonym_pairs[0]: must be a pair of item ids"),
    (_set("norms.empathy", {"mean": 1, "sd": 1, "n": 9}), "norms: unknown field 'empathy'"),
    (_set("norms.alpha.sd", -1), "norms.alpha.sd: must be positive, got -1"),
    (_set("norms.alpha.n", 1), "norms.alpha.n: 1 is out of range (at least 2)"),
    (_set("norms_label", None), "norms_label: is required with norms"),
    (_set("sjt_key", {"min": 4, "max": 1}), "sjt_key: max (1) must be greater than min (4)"),
    (_set("competencies.1.id", "patience"), "competencies.patience: no scenario informs"),
]


@pytest.mark.parametrize(("mutate", "fragment"), BROKEN)
def test_a_broken_file_is_refused_with_a_message_naming_the_problem(tmp_path, mutate, fragment):
    data = copy.deepcopy(tiny_data())
    mutate(data)
    path = write(tmp_path, data)
    if fragment is None:
        load_questionnaire(path)
        return
    problems = problems_of(path)
    assert any(fragment in p for p in problems), problems
    assert all(p.startswith("broken.yaml: ") for p in problems)


def test_all_equal_keys_cannot_discriminate(tmp_path):
    data = tiny_data()
    for option in data["sjt"][0]["options"]:
        option["effectiveness"] = 3
    assert "broken.yaml: sjt.s1.options: every option has the same effectiveness; it cannot " \
        "discriminate" in problems_of(write(tmp_path, data))  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("id: [unclosed", "broken.yaml: line 1: not valid YAML"),
        ("- just\n- a list\n", "broken.yaml: (top level): must be a mapping of fields, got list"),
        ("", "broken.yaml: (top level): must be a mapping of fields, got nothing"),
    ],
)
def test_files_that_are_not_a_questionnaire_at_all_are_refused(tmp_path, text, fragment):
    assert any(p.startswith(fragment) for p in problems_of(write(tmp_path, text)))


def test_a_numeric_version_is_read_as_text(tmp_path):
    data = tiny_data()
    data["version"] = 2
    assert load_questionnaire(write(tmp_path, data, "v2.yaml")).version == "2"
