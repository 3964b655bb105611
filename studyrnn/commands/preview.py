"""``studyrnn preview DECK.yaml``: see a deck exactly as learners will, reloading as you edit."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "open the deck browser on a deck file; it reloads whenever the file changes"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", metavar="DECK.yaml", type=Path, help="the deck file to preview")


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.decks.yamlsafe import MAX_FILE_BYTES
    from studyrnn.errors import UsageError
    from studyrnn.files import FileTooBig, UnsafeFileError, read_bounded

    # The deck's own problems are shown in the browser (and refreshed as it is edited), but a
    # path that is no deck file at all — absent, a FIFO, a device, a link out of its folder —
    # is a usage error here, before the TUI starts. The browser reads it the same way.
    try:
        read_bounded(args.deck, MAX_FILE_BYTES)
    except FileTooBig:
        pass  # the browser reports the size at the deck
    except UnsafeFileError as err:
        raise UsageError(str(err)) from None
    from studyrnn.tui import run_preview

    return run_preview(settings_from(args), args.deck)
