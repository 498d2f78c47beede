"""YAML we load (questionnaires, profiles): no alias bombs, no deep nesting, bounded size."""

from pathlib import Path

import pytest

from hiring.assessment.profiles import ProfileError, load_profile
from hiring.assessment.questionnaire import QuestionnaireError
from hiring.assessment.questionnaires import load_questionnaire
from hiring.store import yaml_input
from hiring.store.text_input import InputFileError
from hiring.store.yaml_input import MAX_ALIASES, MAX_DEPTH, load_yaml_text

TINY_FILE = Path(__file__).parent / "fixtures" / "tiny.yaml"
# The 324-byte questionnaire: nine levels of nine aliases, 9**9 strings when expanded.
BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + k)}: &{chr(98 + k)} [" + ",".join([f"*{chr(97 + k)}"] * 9) + "]"
        for k in range(8)
    ]
)


def test_the_alias_bomb_is_refused_before_it_unfolds():
    assert len(BOMB.encode()) < 400
    with pytest.raises(InputFileError) as caught:
        load_yaml_text(BOMB, "bomb.yaml")
    assert caught.value.message == (
        "bomb.yaml: line 2: refused: the alias *a repeats a list or mapping; an alias may only "
        "repeat a text or a number"
    )


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {weight: 1}\nwarmth: *b\n",  # an alias of a mapping
        "base: &b {weight: 1}\nwarmth: {<<: *b, minimum: 2}\n",  # a merge key
        "items: &i [1, 2]\nmore: [*i]\n",  # an alias of a list
        "loop: &l [*l]\n",  # a list holding itself
    ],
)
def test_aliases_of_lists_and_mappings_are_refused(text):
    with pytest.raises(InputFileError, match="an alias may only repeat a text or a number"):
        load_yaml_text(text, "f.yaml")


def test_aliases_of_plain_values_are_kept_within_a_small_limit():
    text = "help: &h Choose one.\npages:\n" + "".join(
        f"  - {{id: p{k}, instructions: *h}}\n" for k in range(MAX_ALIASES)
    )
    data = load_yaml_text(text, "f.yaml")
    assert {page["instructions"] for page in data["pages"]} == {"Choose one."}
    more = text + "  - {id: last, instructions: *h}\n"
    with pytest.raises(InputFileError, match=f"more than {MAX_ALIASES} aliases"):
        load_yaml_text(more, "f.yaml")


def test_repeating_a_long_text_by_alias_is_bounded():
    text = f"t: &t {'x' * 200_000}\n" + "".join(f"k{k}: *t\n" for k in range(6))
    with pytest.raises(InputFileError, match="characters repeated by them"):
        load_yaml_text(text, "f.yaml")


def test_nesting_is_limited():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_yaml_text(ok, "f.yaml") is not None
    deep = "[" * 100_000 + "]" * 100_000  # would exhaust the recursion of PyYAML's composer
    with pytest.raises(InputFileError, match=f"nest more than {MAX_DEPTH} deep"):
        load_yaml_text(deep, "f.yaml")
    block = "".join(f"{'  ' * k}k{k}:\n" for k in range(MAX_DEPTH + 1)) + f"{'  ' * 21}v: 1\n"
    with pytest.raises(InputFileError, match="line 21: refused"):
        load_yaml_text(block, "f.yaml")


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_input, "MAX_YAML_BYTES", 1_000)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 1_000 + "\n")
    with pytest.raises(QuestionnaireError, match="big.yaml: is larger than"):
        load_questionnaire(path)


def test_python_tags_stay_refused():
    with pytest.raises(InputFileError, match="not valid YAML"):
        load_yaml_text("- !!python/object/apply:os.system [echo hi]\n", "f.yaml")


def test_questionnaire_check_refuses_the_bomb_in_one_line(run, tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    result = run("questionnaire", "check", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "bomb.yaml: line 2: refused: the alias *a repeats a list or mapping; an alias may only "
        "repeat a text or a number\n"
    )


def test_a_questionnaire_that_nests_too_deep_is_one_line(run, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(TINY_FILE.read_text() + "extra: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = run("questionnaire", "check", str(path))
    assert result.exit_code == 2 and "nest more than 20 deep" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_profile_bomb_is_a_profile_error(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(ProfileError, match="bomb.yaml: cannot be read as YAML .*alias"):
        load_profile(path)


def test_the_shipped_questionnaire_keeps_its_content_hash():
    """Its page instructions use plain-value aliases, which stay allowed."""
    from hiring.store.paths import data_dir

    q = load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")
    assert q.content_hash.startswith("sha256:")
    assert q.pages[1].instructions == q.pages[2].instructions


def test_many_scales_and_items_are_checked_without_quadratic_work():
    """Counting each scale's items once per scale took time in scales x items."""
    from hiring.assessment.questionnaire_schema import build_questionnaire

    n = 3_000
    data = {
        "id": "big", "version": "1", "title": "Big", "description": "Big.", "minutes": [1, 2],
        "response_scale": {"points": 2, "labels": ["No", "Yes"]},
        "scales": [{"id": f"s{k}", "name": "S", "description": "S."} for k in range(n)],
        "items": [
            {"id": f"i{k}{j}", "scale": f"s{k}", "keyed": "plus", "text": "T."}
            for k in range(n) for j in "ab"
        ],
        "pages": [{"id": "p", "title": "P", "instructions": "I.",
                   "items": [f"i{k}{j}" for k in range(n) for j in "ab"]}],
    }  # fmt: skip
    q = build_questionnaire(data, source="big.yaml", digest="sha256:x")
    assert len(q.scales) == n and {s.min_answered for s in q.scales} == {2}
