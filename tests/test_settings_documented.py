from pathlib import Path

import pytest

from hiring.store.config import SETTINGS, from_environment

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.env}`" in README


def test_environment_values_are_typed():
    values = from_environment(
        {"HIRING_PORT": "9001", "HIRING_HTTPS": "yes", "HIRING_SMTP_HOST": "mail"}
    )
    assert values["PORT"] == 9001
    assert values["HTTPS"] is True
    assert values["SMTP_HOST"] == "mail"


def test_bad_number_in_environment_is_a_clear_error():
    with pytest.raises(SystemExit, match="HIRING_PORT='eighty'"):
        from_environment({"HIRING_PORT": "eighty"})
