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


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from studyrnn.decks.starter import is_deck_id, starter_deck, suggest_deck_id
    from studyrnn.errors import StudyrnnError, UsageError
    from studyrnn.settings import bundled_content_dir

    deck_id = args.deck_id
    if not is_deck_id(deck_id):
        raise UsageError(
            f"'{deck_id}' is not a valid deck id: use lowercase letters, digits and hyphens, "
            f"up to 64 characters (for example '{suggest_deck_id(deck_id)}')"
        )
    schema_file = (bundled_content_dir() / "schema" / "deck.schema.json").resolve()

    if args.output == "-":
        sys.stdout.write(starter_deck(deck_id, title=args.title, schema=schema_file.as_posix()))
        return 0
    target = Path(args.output) if args.output else Path(f"{deck_id}.yaml")
    if target.exists():
        raise UsageError(
            f"{target} already exists; not overwriting it (choose another file with -o)"
        )
    if not target.parent.exists():
        raise UsageError(f"no such folder: {target.parent}")
    # Beside the bundled decks a relative path keeps the repo portable; elsewhere, absolute.
    content = bundled_content_dir().resolve()
    folder = target.parent.resolve()
    if folder == content or content in folder.parents:
        schema = Path(os.path.relpath(schema_file, folder)).as_posix()
    else:
        schema = schema_file.as_posix()
    text = starter_deck(deck_id, title=args.title, schema=schema, filename=str(target))
    try:
        with target.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise UsageError(
            f"{target} already exists; not overwriting it (choose another file with -o)"
        ) from None
    except OSError as exc:
        raise StudyrnnError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {target}; check it with: studyrnn validate {target}", file=sys.stderr)
    return 0
