"""Load the YAML files we are given (questionnaires, profiles) safely and under limits.

PyYAML's safe loader still expands aliases: a few hundred bytes of anchors that each repeat
the one before ("billion laughs") unfold into gigabytes. Here an alias may only repeat a
text or a number, at most ``MAX_ALIASES`` times and ``MAX_ALIASED_CHARS`` characters in all,
and lists and mappings may nest at most ``MAX_DEPTH`` deep, so loading takes time and memory
in proportion to the file (itself at most ``MAX_YAML_BYTES``).
"""

from pathlib import Path
from typing import Any

import yaml

from hiring.store.text_input import InputFileError, read_text_file

MAX_YAML_BYTES = 1024 * 1024
MAX_DEPTH = 20
MAX_ALIASES = 100
MAX_ALIASED_CHARS = MAX_YAML_BYTES


class _Refused(yaml.YAMLError):
    """Something the limits refuse, with the line it is on."""

    def __init__(self, mark: Any, problem: str) -> None:
        super().__init__(problem)
        self.problem_mark, self.problem = mark, problem


class _LimitedLoader(yaml.SafeLoader):
    """The safe loader, refusing deep nesting and aliases of anything but a plain value."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = self.aliases = self.aliased_chars = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node (PyYAML's hook), counting depth and aliases first."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if self.depth >= MAX_DEPTH:
                raise _Refused(
                    event.start_mark, f"lists and mappings nest more than {MAX_DEPTH} deep"
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        node = self.anchors.get(event.anchor)  # an unknown alias is PyYAML's own error
        if node is not None and not isinstance(node, yaml.ScalarNode):
            raise _Refused(
                event.start_mark,
                f"the alias *{event.anchor} repeats a list or mapping; an alias may only "
                "repeat a text or a number",
            )
        self.aliases += 1
        self.aliased_chars += len(node.value) if node is not None else 0
        if self.aliases > MAX_ALIASES or self.aliased_chars > MAX_ALIASED_CHARS:
            raise _Refused(
                event.start_mark,
                f"more than {MAX_ALIASES} aliases (*name), or more than "
                f"{MAX_ALIASED_CHARS:,} characters repeated by them",
            )


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML ``text``; raise :class:`InputFileError` naming the line of any problem."""
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as error:
        line = error.problem_mark.line + 1
        raise InputFileError(f"{source}: line {line}: refused: {error.problem}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        problem = getattr(error, "problem", None) or "is not valid YAML"
        raise InputFileError(f"{source}: {where}: not valid YAML ({problem})") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file of at most ``MAX_YAML_BYTES``; see :func:`load_yaml_text`."""
    path = Path(path)
    return load_yaml_text(read_text_file(path, MAX_YAML_BYTES), path.name)
