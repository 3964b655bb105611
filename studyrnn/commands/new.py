"""``studyrnn new DECK_ID``: write a commented starter deck that validates."""

from __future__ import annotations

import argparse

HELP = "write a commented starter deck (DECK_ID.yaml) to edit"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "deck_id", metavar="DECK_ID", help="the new deck's id: lowercase letters, digits, hyphens"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write it (default: DECK_ID.yaml here; '-' for stdout)",
    )
    parser.add_argument("--title", help="the deck's title (default: from the id)")
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (a regular file only)"
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from studyrnn.decks.starter import is_deck_id, starter_deck, suggest_deck_id, title_problem
    from studyrnn.errors import UsageError
    from studyrnn.files import UnsafeFileError, write_output
    from studyrnn.settings import bundled_content_dir
    from studyrnn.untrusted import one_line

    deck_id = args.deck_id
    if not is_deck_id(deck_id):
        raise UsageError(
            f"'{one_line(deck_id, 60)}' is not a valid deck id: use lowercase letters, digits and "
            f"hyphens, up to 64 characters (for example '{suggest_deck_id(deck_id)}')"
        )
    if args.title is not None:
        problem = title_problem(args.title)
        if problem is not None:
            raise UsageError(f"--title: {problem}")
    schema_file = (bundled_content_dir() / "schema" / "deck.schema.json").resolve()

    if args.output == "-":
        sys.stdout.write(starter_deck(deck_id, title=args.title, schema=schema_file.as_posix()))
        return 0
    target = Path(args.output) if args.output else Path(f"{deck_id}.yaml")
    # Beside the bundled decks a relative path keeps the repo portable; elsewhere, absolute.
    content = bundled_content_dir().resolve()
    try:
        folder = target.parent.resolve()
    except (OSError, ValueError, RuntimeError):
        folder = target.parent
    if folder == content or content in folder.parents:
        schema = Path(os.path.relpath(schema_file, folder)).as_posix()
    else:
        schema = schema_file.as_posix()
    text = starter_deck(deck_id, title=args.title, schema=schema, filename=str(target))
    try:
        write_output(target, text, force=args.force)
    except UnsafeFileError as err:  # the -o given is the problem: a usage error
        raise UsageError(str(err)) from None
    shown = one_line(target, 200)
    print(f"wrote {shown}; check it with: studyrnn validate {shown}", file=sys.stderr)
    return 0
