import re
from pathlib import Path

import click
import pytest

from hiring.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.S)


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "hiring demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = quick_start_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def _commands(group: click.Group, prefix: str = "hiring"):
    context = click.Context(group)
    for name in sorted(group.list_commands(context)):  # the lazy group loads each one here
        command, path = group.get_command(context, name), f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


CLI_SECTION = (ROOT / "README.md").read_text().split("## CLI reference", 1)[1].split("\n## ")[0]


@pytest.mark.parametrize("path, command", list(_commands(cli)), ids=lambda x: getattr(x, "name", x))
def test_every_command_and_option_is_in_the_readme_cli_reference(path, command):
    rows = [
        line
        for line in CLI_SECTION.splitlines()
        if line.startswith("| ") and re.search(re.escape(f"`{path}") + r"[ `]", line)
    ]
    assert rows, f"{path} is missing from the README's CLI reference table"
    for option in command.params:
        if isinstance(option, click.Option) and "--help" not in option.opts:
            assert any(name in row for name in option.opts for row in rows), (
                f"{path}: {option.opts[0]} is not in its README row"
            )
