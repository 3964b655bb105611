"""``studyrnn validate [PATH ...]``: check deck files and report every problem.

Each problem is one line on stderr, ``path:line:col: error: message``, followed by a summary.
Exit status: 0 when every deck is clean, 1 when any has a problem, 2 on a usage error (a path
that does not exist). Generated cards are also linted: their generator is run over many seeds
and every broken variant is reported at the card.
"""

from __future__ import annotations

import argparse

from studyrnn.commands._args import bounded_int
from studyrnn.limits import MAX_LINT_VARIANTS

HELP = "check deck files (default: the bundled and your own decks); exit 1 on any problem"

LINT_VARIANTS = 200


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders of decks")
    parser.add_argument(
        "--variants",
        type=bounded_int(0, MAX_LINT_VARIANTS),
        default=LINT_VARIANTS,
        metavar="N",
        help=f"seeds to try per generated card (default {LINT_VARIANTS}; 0 skips the lint)",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.decks.loader import problem_count
    from studyrnn.errors import Diagnostic, UsageError
    from studyrnn.untrusted import one_line

    if args.paths:
        paths = [Path(p) for p in args.paths]
        missing = [one_line(p, 120) for p in paths if not _exists(p)]
        if missing:
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise UsageError(f"no such file or folder: {', '.join(missing[:5])}{more}")
        dirs = [p for p in paths if p.is_dir()]
        files = [p for p in paths if not p.is_dir()]
    else:
        dirs, files = list(settings_from(args).deck_dirs), []

    decks = load_decks(dirs, extra_files=files, strict=False)
    diagnostics: list[Diagnostic] = list(decks.diagnostics)
    if args.variants:
        diagnostics += lint_generated(decks, args.variants)

    for diagnostic in per_file_bounded(diagnostics):
        print(diagnostic, file=sys.stderr)
    n_decks, n_cards = len(decks), decks.card_count
    summary = f"{n_decks} deck{'s' * (n_decks != 1)}, {n_cards} card{'s' * (n_cards != 1)}"
    if diagnostics:
        n = problem_count(diagnostics)
        print(f"{summary}: {n:,} error{'s' * (n != 1)}", file=sys.stderr)
        return 1
    print(f"{summary}: ok", file=sys.stderr)
    return 0


def per_file_bounded(diagnostics):  # type: ignore[no-untyped-def]
    """Each file's diagnostics (loading and lint together) bounded as the loader bounds one
    file's: the first ``MAX_DIAGNOSTICS_PER_FILE``, then one note counting the rest."""
    from studyrnn.decks.loader import More, problem_count
    from studyrnn.limits import MAX_DIAGNOSTICS_PER_FILE

    by_file: dict[str, list] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    out = []
    for items in by_file.values():
        plain = [d for d in items if not isinstance(d, More)]
        kept = plain[:MAX_DIAGNOSTICS_PER_FILE]
        hidden = problem_count(items) - len(kept)
        out += kept
        if hidden:
            at = (plain[len(kept) :] or [d for d in items if isinstance(d, More)])[0]
            more = (
                f"… and {hidden:,} more problem{'s' * (hidden != 1)} in this file (fix these first)"
            )
            out.append(More(at.path, at.line, at.col, more, "note", hidden))
    return out


def _exists(path) -> bool:  # type: ignore[no-untyped-def]
    """Whether anything (a dangling symlink too: the opener reports it) is at ``path``."""
    import os

    try:
        os.lstat(path)
    except (OSError, ValueError):  # absent, a name too long, a NUL byte
        return False
    return True


def lint_generated(decks, variants: int):
    """Run every generated card's generator over ``variants`` seeds; a Diagnostic per problem."""
    import json
    import sys

    from studyrnn.decks.generators import lint_problems
    from studyrnn.decks.models import GeneratedCard
    from studyrnn.errors import Diagnostic

    generated = [(deck, card) for deck, card in decks.cards() if isinstance(card, GeneratedCard)]
    if (
        generated and sys.stderr.isatty()
    ):  # live generators train a model per variant: say why we wait
        print(
            f"checking {len(generated)} generated cards over {variants} variants each…",
            file=sys.stderr,
        )
    # Generators are deterministic, so cards sharing a generator and params share one lint run.
    problems_for: dict[tuple[str, str], list[str]] = {}
    out = []
    for deck, card in generated:
        key = (card.generator, json.dumps(card.params, sort_keys=True, default=str))
        if key not in problems_for:
            problems_for[key] = lint_problems(card.generator, card.params, variants=variants)
        line, col = deck.card_location(card.id) or (1, 1)
        for problem in problems_for[key]:
            out.append(
                Diagnostic(str(deck.path or deck.id), line, col, f"card '{card.id}': {problem}")
            )
    return out
