"""``studyrnn schema``: print the JSON Schema of the deck format."""

from __future__ import annotations

import argparse

HELP = "print the JSON Schema of the deck format (for editors)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema to FILE instead of stdout"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (a regular file only)"
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from studyrnn.decks.schema import schema_text
    from studyrnn.errors import UsageError
    from studyrnn.files import UnsafeFileError, write_output
    from studyrnn.untrusted import one_line

    text = schema_text()
    if args.output and args.output != "-":
        try:
            write_output(args.output, text, force=args.force)
        except UnsafeFileError as err:  # the -o given is the problem: a usage error
            raise UsageError(str(err)) from None
        print(f"wrote {one_line(args.output, 200)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
