"""``studyrnn export``: decks out to Anki (.apkg), Moodle GIFT, Moodle XML or JSON.

    studyrnn export --format anki -o bptt.apkg               # every deck
    studyrnn export --format gift bptt-basics -o basics.gift  # one deck, by id
    studyrnn export --format json my-deck.yaml -o -           # a deck file, to stdout
    studyrnn export --format moodle-xml -o quiz.xml --force   # replace quiz.xml

Generated cards become up to ``--variants N`` distinct concrete questions with their worked
solutions. What a format cannot hold is reported on stderr, one line per card, never dropped
silently. The output file is written by ``studyrnn.files.write_output``: atomically, only over a
regular file, never over the progress database, and over an existing file only with ``--force``.
"""

from __future__ import annotations

import argparse

from studyrnn.commands._args import bounded_int

NAME = "export"
HELP = "export decks to Anki (.apkg), Moodle GIFT, Moodle XML or JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "deck_refs",
        nargs="*",
        metavar="DECK",
        help="deck ids or deck YAML files (default: every deck in the deck folders)",
    )
    parser.add_argument(
        "--format",
        "-f",
        dest="fmt",
        metavar="FORMAT",
        help="anki (or apkg), gift, moodle-xml or json (default: from the -o file's suffix: "
        ".apkg, .gift, .xml, .json)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write ('-' for stdout; not for anki). Required for anki",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument(
        "--variants",
        type=bounded_int(0, 1000),
        default=5,
        metavar="N",
        help="distinct concrete variants per generated card (default 5)",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.errors import DeckError, UsageError
    from studyrnn.interchange.exporting import ALIASES, EXPORT_FORMATS, SUFFIXES, export_decks
    from studyrnn.untrusted import one_line

    fmt = args.fmt
    output = args.output
    if fmt is None:
        suffix = Path(output).suffix.lower() if output and output != "-" else ""
        if suffix not in SUFFIXES:
            raise UsageError(
                "say which format with --format anki|gift|moodle-xml|json (or use an -o file "
                "ending in .apkg, .gift, .xml or .json)"
            )
        fmt = SUFFIXES[suffix]
    fmt = fmt.lower()
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in EXPORT_FORMATS:
        import difflib

        close = difflib.get_close_matches(fmt, EXPORT_FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"unknown format '{one_line(fmt, 40)}'{hint} (formats: {', '.join(EXPORT_FORMATS)})"
        )
    if args.variants < 0:
        raise UsageError("--variants must be 0 or more")
    if output is None and fmt == "anki":
        raise UsageError("an Anki package is a binary file: say where with -o FILE.apkg")
    if output == "-" and fmt == "anki":
        raise UsageError("an Anki package cannot go to stdout: give a file with -o FILE.apkg")
    target = None if output in (None, "-") else Path(output)
    protect = _protected(args)
    if target is not None:
        from studyrnn.files import check_output

        if target.suffix.lower() in (".yaml", ".yml"):
            raise UsageError(
                f"refusing to write a {fmt} export over {one_line(target, 120)}: "
                "that name is for deck files"
            )
        check_output(target, force=args.force, protect=protect)  # before the work, not after

    try:
        decks = resolve_decks(args, args.deck_refs)
    except DeckError as err:  # a deck that does not load: one `path:line:col: error:` line each
        for diagnostic in err.diagnostics:
            print(one_line(diagnostic, 400), file=sys.stderr)
        print(
            "studyrnn: error: fix the decks above (see `studyrnn validate`); nothing exported",
            file=sys.stderr,
        )
        return 1
    report = export_decks(decks, fmt, target, args.variants, force=args.force, protect=protect)
    report.write(sys.stderr)
    print(f"studyrnn: {one_line(report.summary, 400)}", file=sys.stderr)
    return 0


def _protected(args: argparse.Namespace) -> list:
    """The progress database's file, when it is one: never an output."""
    from pathlib import Path

    from studyrnn.commands._common import settings_from

    url = settings_from(args).db_url
    if url.startswith("sqlite:///"):
        name = url[len("sqlite:///") :].split("?", 1)[0]
        if name and name != ":memory:":
            return [Path(name)]
    return []


def resolve_decks(args: argparse.Namespace, refs: list[str]) -> list:
    """DECK arguments (ids or YAML files) -> decks, in the order given; no arguments: every deck
    of the deck folders. Unknown ids are one error naming each, with a close match."""
    import difflib
    from pathlib import Path

    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_deck, load_decks
    from studyrnn.errors import UsageError

    if not refs:
        decks = load_decks(settings_from(args).deck_dirs)
        if not len(decks):
            raise UsageError("no decks found in the deck folders; name a deck file to export")
        return decks.decks

    chosen: list = []
    ids_wanted: list[tuple[int, str]] = []
    for i, ref in enumerate(refs):
        path = Path(ref).expanduser()
        looks_like_a_file = path.suffix.lower() in (".yaml", ".yml") or "/" in ref or "\\" in ref
        if path.is_file() or looks_like_a_file:
            if not path.is_file():
                raise UsageError(f"no such deck file: {ref}")
            chosen.append((i, load_deck(path)))
        else:
            ids_wanted.append((i, ref))
    if ids_wanted:
        decks = load_decks(settings_from(args).deck_dirs)
        unknown = []
        for i, ref in ids_wanted:
            if ref in decks:
                chosen.append((i, decks[ref]))
            else:
                close = difflib.get_close_matches(ref, list(decks), n=1, cutoff=0.6)
                unknown.append(f"'{ref}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        if unknown:
            known = ", ".join(decks) or "none found"
            raise UsageError(f"unknown deck {', '.join(unknown)}; decks: {known}")
    chosen.sort(key=lambda pair: pair[0])
    out, seen = [], set()
    for _, deck in chosen:
        if deck.id in seen:
            continue  # the same deck named twice
        seen.add(deck.id)
        out.append(deck)
    return out
