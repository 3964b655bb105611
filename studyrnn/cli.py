"""The ``studyrnn`` command line.

``studyrnn`` alone opens the TUI. Every subcommand is a module in ``studyrnn.commands`` with

    HELP: str                         one line for ``studyrnn --help``
    configure(parser) -> None         adds its arguments (argparse only: keep imports light)
    run(args) -> int                  does the work; heavy imports go inside it

so ``studyrnn --help`` stays instant and a new command needs no edit here. User errors arrive as
``StudyrnnError`` and leave as one line on stderr with the error's exit code; anything else is a
bug, written to ``crash.log`` in the data directory (frames and messages, no local variables,
passwords in URLs redacted) and reported in one line, exit status 70.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
from collections.abc import Sequence

from studyrnn import __version__
from studyrnn.commands._args import db_url, existing_folder, learner_name
from studyrnn.errors import StudyrnnError
from studyrnn.untrusted import one_line, shown

PROG = "studyrnn"


class Parser(argparse.ArgumentParser):
    """argparse with no abbreviated options (``--forc`` is not ``--force``: a typo must not
    pick an option) and usage errors on one line with the user's text shown, never raw
    (``studyrnn $'\\e]52;…'`` quotes the argument back)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {one_line(message, 300)}\n")


def _add_common_options(parser: argparse.ArgumentParser, *, suppress_defaults: bool) -> None:
    """--db / --learner / --decks, accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress_defaults else None
    parser.add_argument(
        "--db",
        metavar="URL",
        type=db_url,
        default=default,
        help="progress database URL (default: $STUDYRNN_DB or SQLite in the user data dir)",
    )
    parser.add_argument(
        "--learner",
        metavar="NAME",
        type=learner_name,
        default=default,
        help="whose progress to use (default: the OS user)",
    )
    parser.add_argument(
        "--decks",
        metavar="DIR",
        action="append",
        type=existing_folder,
        default=default,
        help="an extra deck folder (repeatable; also $STUDYRNN_DECKS)",
    )


def command_names() -> list[str]:
    import studyrnn.commands as commands_pkg

    return sorted(
        m.name for m in pkgutil.iter_modules(commands_pkg.__path__) if not m.name.startswith("_")
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Study backpropagation through time: quizzes, flashcards, spaced repetition "
        "and a live NumPy RNN. With no command, opens the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common_options(parser, suppress_defaults=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        module = importlib.import_module(f"studyrnn.commands.{name}")
        cmd_name = getattr(module, "NAME", name)
        cmd = sub.add_parser(cmd_name, help=module.HELP, description=module.HELP)
        _add_common_options(cmd, suppress_defaults=True)
        module.configure(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


_URL_SECRET = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]*@")
_PASSWORD_PARAM = re.compile(r"(?i)(?P<head>\bpassword\s*[=:]\s*)('[^']*'|\"[^\"]*\"|\S+)")


def redact(text: str) -> str:
    """``text`` with the password of every URL (``postgresql://ada:secret@db``) and every
    ``password=...`` replaced by ``***``: nothing secret reaches a log."""
    text = _URL_SECRET.sub(lambda m: f"{m.group('head')}***@", text)
    return _PASSWORD_PARAM.sub(lambda m: f"{m.group('head')}***", text)


def crash_text(exc: BaseException) -> str:
    """The traceback as plain text: frames and messages, never local variables, URLs redacted."""
    import traceback

    return redact("".join(traceback.format_exception(exc)))


def _report_crash(exc: BaseException) -> str:
    """Write the traceback to crash.log; return where it went (or '' if that failed too)."""
    from studyrnn.settings import data_dir

    try:
        path = data_dir() / "crash.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(crash_text(exc))
        return str(path)
    except OSError:
        return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        run = getattr(args, "_run", None)
        if run is None:
            from studyrnn.commands._common import settings_from
            from studyrnn.tui import main as tui_main

            return tui_main(settings_from(args))
        return int(run(args) or 0)
    except StudyrnnError as err:
        # every user error passes here: deck text, paths and names in it are shown, never raw
        print(f"{PROG}: error: {shown(err)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `studyrnn generate --list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: the user gets one line, the traceback goes to the log
        where = _report_crash(exc)
        tail = f" (details in {where})" if where else ""
        print(
            f"{PROG}: internal error: {type(exc).__name__}: {one_line(redact(str(exc)), 300)}{tail}",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
