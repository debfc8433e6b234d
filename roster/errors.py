"""Bad input, as every front end reports it.

One exception type for everything a caller gave wrong: a scenario file, a
roster, a what-if change, an argument. Each problem has a location and a
message. Locations and the names of inputs in messages are the library's own
neutral words (``absent``, ``vary``, ``history``, ``max_gap``), never a front
end's spelling: the command line renders them as its flags (``--absent``) by
passing ``names`` to ``render``. A message names another input in braces,
``{max_gap}``, so that it is rendered the same way.

This module imports nothing from the project, so any layer may raise it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: a reference to another input inside a message: {max_gap}
_REFERENCE = re.compile(r"\{([a-z][a-z_]*)\}")


class InputError(Exception):
    """Bad input: ``problems`` as (location, message) pairs.

    ``source`` is the file (or folder) read, if any; ``what`` the kind of
    input (``"scenario"``, ``"arguments"``...), which heads a list of
    problems; None renders each problem on its own line with no heading.
    """

    def __init__(
        self,
        problems: list[tuple[str, str]],
        source: str | None = None,
        what: str | None = "input",
    ) -> None:
        self.problems = problems
        self.source = source
        self.what = what
        super().__init__(self.render())

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its fields (a worker process's error is pickled)
        return _rebuild, (type(self), self.problems, self.source, self.what)

    def __str__(self) -> str:
        return self.render()

    def render(self, names: Mapping[str, str] | None = None) -> str:
        """The problems as text, with each neutral name a front end knows
        written its way (``names``: neutral name -> e.g. ``--absent``)."""
        names = names or {}
        head = f"{self.source}: " if self.source else ""
        lines = [self._line(loc, msg, names) for loc, msg in self.problems]
        if self.what is None:
            return "\n".join(head + line for line in lines)
        what = names.get(self.what, self.what)
        return "\n".join(
            [f"{head}{len(self.problems)} problem(s) in the {what}:", *(f"  {x}" for x in lines)]
        )

    @property
    def neutral(self) -> bool:
        """Whether locations and braces are the library's names of inputs
        (a scenario's field paths and the text quoted from it are not)."""
        return True

    def _line(self, location: str, message: str, names: Mapping[str, str]) -> str:
        if self.neutral:
            message = _REFERENCE.sub(lambda m: names.get(m.group(1), m.group(1)), message)
            first, sep, rest = location.partition(" ")  # 'absent' in "absent 'N01:x'"
            location = names.get(first, first) + sep + rest
        return f"{location}: {message}" if location else message


def _rebuild(
    cls: type[InputError], problems: list[tuple[str, str]], source: str | None, what: str | None
) -> InputError:
    exc = cls.__new__(cls)
    InputError.__init__(exc, problems, source, what)
    return exc
