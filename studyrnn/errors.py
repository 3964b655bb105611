"""The one exception type that carries user errors.

Anything a user can cause (a malformed deck, a bad option, an unreadable database) raises a
``StudyrnnError`` with a message the user can act on. The CLI prints it as one line and exits
with ``exit_code``; the TUI shows it as a notification. Nothing else should reach a user.
"""

from __future__ import annotations

from dataclasses import dataclass


class StudyrnnError(Exception):
    """A problem the user can fix; ``str(err)`` is the message shown to them."""

    exit_code: int = 1


class UsageError(StudyrnnError):
    """The command line itself is wrong (unknown deck id, bad ``--param``); exit status 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a file, printed as ``path:line:col: error: message`` (1-based line/col)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        # The one place a diagnostic becomes text: paths and messages quote deck text, so both
        # are shown with control characters made visible, on one bounded line.
        from studyrnn.limits import MESSAGE_WIDTH
        from studyrnn.untrusted import one_line

        where = one_line(self.path, 240)
        return f"{where}:{self.line}:{self.col}: {self.severity}: {one_line(self.message, MESSAGE_WIDTH)}"


class DeckError(StudyrnnError):
    """A deck file (or several) failed to load; carries every diagnostic, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class StoreError(StudyrnnError):
    """The progress store cannot be opened or written (read-only file, corrupt database, ...)."""
