"""``studyrnn import``: a deck from an Anki package, plain Q/A text, CSV (Anki's and Quizlet's
text exports included), Moodle GIFT or XML, or a studyrnn JSON export.

    studyrnn import --format qa notes.txt -o bptt-notes.yaml
    studyrnn import --format csv cards.csv -o cards.yaml --id my-cards --title "My cards"
    studyrnn import --format csv quizlet.txt --separator tab --card-separator semicolon
    studyrnn import --format gift quiz.gift -o quiz.yaml
    studyrnn import deck.apkg -o deck.yaml            # .apkg/.colpkg: Anki (format apkg)

The result validates (it is loaded back before it is written), card ids are derived from the
text where the source has none, and what had to be guessed is reported on stderr. The input is
read with ``studyrnn.files.read_bounded`` (regular files only, a size bound) and the deck is
written with ``studyrnn.files.write_output`` (never over anything but a regular file; an existing
file only with ``--force``). See docs/authoring.md for the layouts understood.
"""

from __future__ import annotations

import argparse

NAME = "import"  # the module cannot be called import.py: `import` is a Python keyword
HELP = "make a deck from an Anki package, Q/A text, CSV, Moodle GIFT or XML, or JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import ('-' for stdin)")
    parser.add_argument(
        "--format",
        "-f",
        dest="fmt",
        metavar="FORMAT",
        help="apkg, qa, csv, gift, moodle-xml or json (default: from the file's suffix: "
        ".apkg/.colpkg apkg, .txt/.md qa, .csv/.tsv csv, .gift gift, .xml moodle-xml, "
        ".json json)",
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
    parser.add_argument(
        "--separator",
        metavar="SEP",
        help="csv without a header row (Quizlet): what separates term and definition -- "
        "tab, comma, semicolon or the text itself",
    )
    parser.add_argument(
        "--card-separator",
        metavar="SEP",
        help="csv without a header row (Quizlet): what separates cards -- newline, "
        "semicolon or the text itself (default newline)",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.errors import DeckError, UsageError
    from studyrnn.files import check_output, write_output
    from studyrnn.interchange.importing import (
        ALIASES,
        IMPORT_FORMATS,
        SUFFIXES,
        NoCardsError,
        decode_import,
        import_deck,
    )
    from studyrnn.untrusted import one_line

    source = args.file
    fmt = args.fmt
    if fmt is None:
        suffix = Path(source).suffix.lower()
        if suffix not in SUFFIXES:
            raise UsageError(
                f"say which format {one_line(source, 120)} is in with "
                f"--format {'|'.join(IMPORT_FORMATS)}"
            )
        fmt = SUFFIXES[suffix]
    fmt = fmt.lower()
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in IMPORT_FORMATS:
        import difflib

        close = difflib.get_close_matches(fmt, IMPORT_FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"unknown format '{one_line(fmt, 40)}'{hint} (formats: {', '.join(IMPORT_FORMATS)})"
        )
    if (args.separator or args.card_separator) and fmt != "csv":
        raise UsageError("--separator and --card-separator are for --format csv")

    output = args.output
    target = None if output == "-" else Path(output) if output else None
    if target is not None:
        _check_name(target)
        check_output(target, force=args.force)
    shown_source = source if source != "-" else "<stdin>"
    raw = _read(source, fmt)
    try:
        data: str | bytes = raw if fmt == "apkg" else decode_import(raw, shown_source)
        result = import_deck(
            data,
            fmt,
            source=shown_source,
            deck_id=args.deck_id,
            title=args.title,
            language=args.language,
            pick_deck=args.pick_deck,
            separator=args.separator,
            card_separator=args.card_separator,
        )
    except NoCardsError as err:  # the warnings say why: print them, then the one error line
        if err.report.warnings:
            err.report.write(sys.stderr)
        raise
    except DeckError as err:  # problems in the file: one `path:line:col: error:` line each
        for diagnostic in err.diagnostics[:MAX_ERRORS]:
            print(one_line(diagnostic, 400), file=sys.stderr)
        if len(err.diagnostics) > MAX_ERRORS:
            print(f"... and {len(err.diagnostics) - MAX_ERRORS} more errors", file=sys.stderr)
        return 1
    if output is None:
        target = Path(f"{result.deck.id}.yaml")
        check_output(target, force=args.force)
    result.report.write(sys.stderr)
    n = len(result.deck.cards)
    if target is None:
        sys.stdout.write(result.yaml_for(None))
        return 0
    write_output(target, result.yaml_for(target), force=args.force)
    name = one_line(target, 120)
    print(
        f"wrote {name}: deck '{result.deck.id}', {n} card{'s' * (n != 1)}; check it with: "
        f"studyrnn validate {name}",
        file=sys.stderr,
    )
    return 0


MAX_ERRORS = 50  # a file with 10,000 broken questions prints 50 lines and a count


def _check_name(target) -> None:
    from studyrnn.errors import UsageError
    from studyrnn.untrusted import one_line

    if target.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"a deck file ends in .yaml or .yml, not {one_line(target.name, 80)!r}")


def _read(source: str, fmt: str) -> bytes:
    import sys

    from studyrnn.errors import StudyrnnError
    from studyrnn.files import FileTooBig, read_bounded
    from studyrnn.interchange.importing import MAX_IMPORT_BYTES, MAX_PACKAGE_BYTES
    from studyrnn.untrusted import one_line

    limit = MAX_PACKAGE_BYTES if fmt == "apkg" else MAX_IMPORT_BYTES
    if source == "-":
        raw = sys.stdin.buffer.read(limit + 1)
        if len(raw) > limit:
            raise StudyrnnError(f"<stdin>: more than {limit:,} bytes; split it into several files")
        return raw
    try:
        return read_bounded(source, limit, root=None)
    except FileTooBig as err:
        raise StudyrnnError(
            f"{one_line(source, 120)} is {err.size:,} bytes, larger than {limit:,}; "
            "split it into several files"
        ) from None
