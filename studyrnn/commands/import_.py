"""``studyrnn import``: a deck from plain Q/A text, CSV, Moodle GIFT or a studyrnn JSON export.

    studyrnn import --format qa notes.txt -o bptt-notes.yaml
    studyrnn import --format csv cards.csv -o cards.yaml --id my-cards --title "My cards"
    studyrnn import --format gift quiz.gift -o quiz.yaml

The result validates (it is loaded back before it is written), card ids are derived from the
text where the source has none, and what had to be guessed is reported on stderr. An existing
file is never replaced without ``--force``. See docs/authoring.md for the layouts understood.
"""

from __future__ import annotations

import argparse

NAME = "import"  # the module cannot be called import.py: `import` is a Python keyword
HELP = "make a deck from plain Q/A text, CSV, Moodle GIFT or JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import ('-' for stdin)")
    parser.add_argument(
        "--format",
        "-f",
        dest="fmt",
        metavar="FORMAT",
        help="qa, csv, gift or json (default: from the file's suffix: .txt/.md qa, "
        ".csv/.tsv csv, .gift gift, .json json)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="DECK.yaml",
        help="where to write the deck (default: DECK_ID.yaml here; '-' for stdout)",
    )
    parser.add_argument(
        "--id",
        dest="deck_id",
        metavar="DECK_ID",
        help="the deck's id (default: from the file name)",
    )
    parser.add_argument("--title", help="the deck's title (default: from the file or its name)")
    parser.add_argument(
        "--language", metavar="TAG", help="the deck's language, a BCP 47 tag (default en)"
    )
    parser.add_argument(
        "--deck",
        dest="pick_deck",
        metavar="ID",
        help="json: which deck to take from an export holding several",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.errors import DeckError, UsageError
    from studyrnn.interchange.common import write_text_atomic
    from studyrnn.interchange.importing import IMPORT_FORMATS, SUFFIXES, import_deck

    source = args.file
    fmt = args.fmt
    if fmt is None:
        suffix = Path(source).suffix.lower()
        if suffix not in SUFFIXES:
            raise UsageError(
                f"say which format {source} is in with --format {'|'.join(IMPORT_FORMATS)}"
            )
        fmt = SUFFIXES[suffix]
    fmt = fmt.lower()
    if fmt not in IMPORT_FORMATS:
        import difflib

        close = difflib.get_close_matches(fmt, IMPORT_FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown format '{fmt}'{hint} (formats: {', '.join(IMPORT_FORMATS)})")

    text = _read(source)
    output = args.output
    target = None if output == "-" else Path(output) if output else None
    if target is not None:
        _check_target(target, args.force)
    try:
        result = import_deck(
            text,
            fmt,
            source=source if source != "-" else "<stdin>",
            deck_id=args.deck_id,
            title=args.title,
            language=args.language,
            pick_deck=args.pick_deck,
        )
    except DeckError as err:  # problems in the file: one `path:line:col: error:` line each
        for diagnostic in err.diagnostics:
            print(diagnostic, file=sys.stderr)
        return 1
    if output is None:
        target = Path(f"{result.deck.id}.yaml")
        _check_target(target, args.force)
    result.report.write(sys.stderr)
    n = len(result.deck.cards)
    if target is None:
        sys.stdout.write(result.yaml_for(None))
        return 0
    write_text_atomic(target, result.yaml_for(target), overwrite=args.force)
    print(
        f"wrote {target}: deck '{result.deck.id}', {n} card{'s' * (n != 1)}; check it with: "
        f"studyrnn validate {target}",
        file=sys.stderr,
    )
    return 0


def _check_target(target, force: bool) -> None:
    from pathlib import Path

    from studyrnn.errors import UsageError

    if target.is_dir():
        raise UsageError(
            f"{target} is a folder; give a file name such as {Path(target) / 'deck.yaml'}"
        )
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; not overwriting it (use --force to replace it)")
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise UsageError(f"no such folder: {target.parent}")
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"a deck file ends in .yaml or .yml, not {target.name!r}")


def _read(source: str) -> str:
    import sys
    from pathlib import Path

    from studyrnn.decks import MAX_FILE_BYTES
    from studyrnn.errors import StudyrnnError, UsageError

    if source == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(source)
        if not path.exists():
            raise UsageError(f"no such file: {source}")
        if path.is_dir():
            raise UsageError(f"{source} is a folder, not a file")
        try:
            with path.open("rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise StudyrnnError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise StudyrnnError(
            f"{source} is larger than {MAX_FILE_BYTES:,} bytes; split it into several files"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StudyrnnError(
            f"{source}:{line}:{col}: error: not UTF-8 text (save the file as UTF-8)"
        ) from None
