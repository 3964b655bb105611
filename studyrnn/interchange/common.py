"""Pieces every format shares: the report, atomic writes, generated variants, tolerances."""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import IO, Any

from studyrnn.errors import Diagnostic, StudyrnnError

DEFAULT_VARIANTS = 5


@dataclass
class Report:
    """What an exporter could not hold, or what an importer had to guess.

    Each entry is a ``Diagnostic`` whose severity is ``warning`` (something is lost or skipped)
    or ``note`` (a guess that is probably right, said out loud).
    """

    entries: list[Diagnostic] = field(default_factory=list)
    summary: str = ""  # one line on what was written, for the command to print last

    def warn(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        """Something lost or skipped; ``line`` 0: about the whole file."""
        self.entries.append(Diagnostic(path, line, col, message, "warning"))

    def note(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        """A guess said out loud; ``line`` 0: about the whole file."""
        self.entries.append(Diagnostic(path, line, col, message, "note"))

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.entries if d.severity == "warning"]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.entries if d.severity == "note"]

    def messages(self) -> list[str]:
        return [d.message for d in self.entries]

    def extend(self, other: Report) -> None:
        self.entries.extend(other.entries)

    def lines(self) -> list[str]:
        """``path:line:col: severity: message`` (``path: severity: message`` for the whole file)."""
        return [str(d) if d.line else f"{d.path}: {d.severity}: {d.message}" for d in self.entries]

    def write(self, stream: IO[str] | None = None) -> None:
        stream = stream if stream is not None else sys.stderr
        for line in self.lines():
            print(line, file=stream)


def card_where(deck: Any, card: Any) -> tuple[str, int, int]:
    """``(path, line, col)`` of a card in its deck file, for report lines an editor can jump to."""
    line, col = deck.card_location(card.id) or (1, 1)
    return str(deck.path or deck.id), line, col


def variants(card: Any, count: int) -> list[Any]:
    """``count`` concrete variants (seeds 0..count-1) of a generated card, as ``Presented``."""
    from studyrnn.quiz import present

    return [present(card, seed) for seed in range(count)]


def absolute_tolerance(answer: float, tolerance: Any) -> float:
    """The half-width of the accepted band around ``answer``, for formats that only know an
    absolute error (Moodle's ``{#answer:tolerance}``).

    rtol/atol: ``atol + rtol·|answer|`` (a side left out takes its default, rtol 1e-2 and
    atol 1e-8, as in grading). sigfigs n: half a unit of the n-th significant figure, which is
    what "right to n figures" accepts; an answer of 0 has no figures and keeps atol 1e-8.
    """
    from studyrnn.grading.numbers import DEFAULT_ATOL, NumericRule

    rule = NumericRule.from_tolerance(tolerance)
    if rule.sigfigs is not None:
        if answer == 0:
            return DEFAULT_ATOL
        exponent = math.floor(math.log10(abs(answer)))
        return 0.5 * 10.0 ** (exponent - rule.sigfigs + 1)
    return rule.atol + rule.rtol * abs(answer)


def format_number(value: float) -> str:
    """The shortest text that reads back as ``value`` exactly (``3`` for 3.0, ``0.1`` for 0.1)."""
    value = float(value) + 0.0
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_tolerance(tol: float) -> str:
    """A tolerance rounded UP to 3 significant figures: never narrower than the real band."""
    if tol <= 0:
        return "0"
    d = Decimal(repr(tol))
    quantum = Decimal(1).scaleb(d.adjusted() - 2)
    rounded = d.quantize(quantum, rounding=ROUND_CEILING).normalize()
    text = format(rounded, "f") if -6 <= rounded.adjusted() < 15 else format(rounded, "e")
    return text


def write_atomic(path: Path, write: Callable[[Path], None], *, overwrite: bool = True) -> None:
    """Write ``path`` through ``write(temp_path)`` and rename into place: a reader never sees a
    half-written file, and a failure leaves the old file as it was. ``overwrite=False``: an
    existing file is never replaced, even one that appears while writing."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StudyrnnError(f"cannot write {path}: no such folder {folder}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        if path.exists():
            try:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except FileExistsError:
        raise StudyrnnError(
            f"{path} already exists; not overwriting it (use --force to replace it)"
        ) from None
    except OSError as exc:
        raise StudyrnnError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _link_new(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` unless something is there: a hard link fails if the path exists,
    leaving no window for a race. Where hard links are not supported, check, then rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)


def write_text_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    write_atomic(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"), overwrite=overwrite
    )
