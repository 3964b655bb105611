"""``studyrnn validate [PATH ...]``: check deck files and report every problem.

Each problem is one line on stderr, ``path:line:col: error: message``, followed by a summary.
Exit status: 0 when every deck is clean, 1 when any has a problem, 2 on a usage error (a path
that does not exist). Generated cards are also linted: their generator is run over many seeds
and every broken variant is reported at the card.
"""

from __future__ import annotations

import argparse

HELP = "check deck files (default: the bundled and your own decks); exit 1 on any problem"

LINT_VARIANTS = 200


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders of decks")
    parser.add_argument(
        "--variants",
        type=int,
        default=LINT_VARIANTS,
        metavar="N",
        help=f"seeds to try per generated card (default {LINT_VARIANTS}; 0 skips the lint)",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.errors import Diagnostic, UsageError

    if args.variants < 0:
        raise UsageError("--variants must be 0 or more")
    if args.paths:
        paths = [Path(p) for p in args.paths]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        dirs = [p for p in paths if p.is_dir()]
        files = [p for p in paths if not p.is_dir()]
    else:
        dirs, files = list(settings_from(args).deck_dirs), []

    decks = load_decks(dirs, extra_files=files, strict=False)
    diagnostics: list[Diagnostic] = list(decks.diagnostics)
    if args.variants:
        diagnostics += lint_generated(decks, args.variants)

    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    n_decks, n_cards = len(decks), decks.card_count
    summary = f"{n_decks} deck{'s' * (n_decks != 1)}, {n_cards} card{'s' * (n_cards != 1)}"
    if diagnostics:
        n = len(diagnostics)
        print(f"{summary}: {n} error{'s' * (n != 1)}", file=sys.stderr)
        return 1
    print(f"{summary}: ok", file=sys.stderr)
    return 0


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
