"""The Textual app. ``main(args)`` is what ``studyrnn`` with no command runs."""

from __future__ import annotations

import argparse


def main(args: argparse.Namespace) -> int:
    from studyrnn.errors import StudyrnnError

    raise StudyrnnError("the terminal app is not built yet; try `studyrnn --help`")
