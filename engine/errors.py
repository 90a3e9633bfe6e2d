"""The engine's own exceptions; webui and the CLI map them to HTTP codes and exit codes.

Every message says what is wrong and what to do about it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

# a citation of the standard's rules closing a clause: （S1）, (E13), （D3、D4）, （D6、M4）
_CITATION = re.compile(r"\s*[（(]((?:[ADEMOS]\d+)(?:\s*[、,，/]\s*[ADEMOS]\d+)*)[）)]")


class JtflowError(Exception):
    """Base of every error the engine raises on purpose.

    Messages are written with the rules they enforce cited, as the code is read; people read
    them without: the citations move to `rules`, and the message says what is wrong and what
    to do in words alone."""

    def __init__(self, message: str = "", *args: object):
        self.rules = tuple(
            rule
            for cited in _CITATION.findall(message)
            for rule in re.split(r"\s*[、,，/]\s*", cited)
        )
        super().__init__(_CITATION.sub("", message), *args)


class NotFound(JtflowError):
    """A case, task, user or definition that does not exist."""


class Removed(NotFound):
    """A record removed under retention (O4): it existed, and is gone for good."""


class PermissionDenied(JtflowError):
    """The actor's unit or role may not do this."""


class Conflict(JtflowError):
    """The request raced another change: a double or stale completion, a claimed task."""


class CaseArchived(Conflict):
    """E13: an archived case can no longer change."""


class ConfigurationError(JtflowError):
    """A JTFLOW_* setting that cannot work, such as a malformed database URL."""


class AnchorInvalid(JtflowError):
    """An anchor file that does not prove itself: a wrong signature, a line altered or lost."""


class StalledInstance(JtflowError):
    """A workflow stopped with work left and nothing that could move it on."""


@dataclass
class FieldError:
    """One field's problem. `template` and `args` (when set) are what `message` was made of,
    `template.format(*args)`, so a page can say it in the reader's language."""

    field: str
    message: str
    template: str = dataclasses.field(default="", compare=False)
    args: tuple[str, ...] = dataclasses.field(default=(), compare=False)


class InvalidInput(JtflowError):
    """Input that breaks a rule: carries one message per offending field."""

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.errors = errors or []


class FormInvalid(InvalidInput):
    """Form data that does not satisfy the step's JSON Schema."""


class CalendarError(InvalidInput):
    """A working-day calendar file that cannot be loaded."""


@dataclass
class Problem:
    """One thing wrong with a diagram, located as precisely as we can."""

    message: str
    file: str
    element_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.element_id:
            where += f" [{self.element_id}]"
        return f"{where}: {self.message}"


@dataclass
class DeploymentError(JtflowError):
    """A diagram that cannot be deployed; lists every problem found."""

    problems: list[Problem] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)
