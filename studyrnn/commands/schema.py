"""``studyrnn schema``: print the JSON Schema of the deck format."""

from __future__ import annotations

import argparse

HELP = "print the JSON Schema of the deck format (for editors)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.decks.schema import schema_text
    from studyrnn.errors import StudyrnnError

    text = schema_text()
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise StudyrnnError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
