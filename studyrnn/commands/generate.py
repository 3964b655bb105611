"""``studyrnn generate``: list the numeric question generators, or make one question.

    studyrnn generate --list
    studyrnn generate NAME --describe
    studyrnn generate NAME [--seed N] [--param key=value ...] [--json]

A ``--param`` value is read as JSON when it parses (``losses=[0.2,0.5]``, ``max_norm=1``), else
as a plain string (``reduction=sum``). Without ``--seed`` a random seed is chosen and printed, so
the question can be made again. Bad names and params are usage errors (exit 2).
"""

from __future__ import annotations

import argparse
from typing import Any

from studyrnn.limits import MAX_SEED

NAME = "generate"
HELP = "make a numeric question from a generator (--list shows them; --json for tools)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", nargs="?", help="the generator (see --list)")
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the generators (live: numbers from a training run)",
    )
    parser.add_argument(
        "--describe",
        action="store_true",
        help="show NAME's params, their types, ranges and defaults",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="N",
        help="the variant to make, a whole number >= 0 (default: random, printed)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="fix a param (repeatable); VALUE is JSON when it parses, else a string",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the question as JSON (generator, seed, params, prompt, answer, tolerance, solution, ...)",
    )


def _seed(text: str) -> int:
    from studyrnn.untrusted import one_line

    value = None
    if len(text) <= 30:  # digits are capped before any conversion
        try:
            value = int(text)
        except ValueError:
            pass
    if value is None:
        raise argparse.ArgumentTypeError(f"not a whole number: '{one_line(text, 40)}'")
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SEED:,} (2**63 - 1)")
    return value


def parse_params(items: list[str]) -> dict[str, Any]:
    """``["key=value", ...]`` → a dict; values as JSON when they parse, else strings."""
    import json

    from studyrnn.errors import UsageError
    from studyrnn.untrusted import one_line

    params: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--param expects KEY=VALUE, got '{one_line(item, 60)}'")
        if key in params:
            raise UsageError(f"--param {one_line(key, 60)} given twice")
        try:
            params[key] = json.loads(text)
        except ValueError:
            params[key] = text
    return params


def run(args: argparse.Namespace) -> int:
    import json
    import secrets

    from engine.generators import GENERATORS, GeneratorParamError, generate, get_spec
    from studyrnn.errors import UsageError
    from studyrnn.limits import MESSAGE_WIDTH
    from studyrnn.untrusted import json_shown, one_line, shown

    if args.list:
        width = max(len(n) for n in GENERATORS)
        for spec in GENERATORS.values():
            print(f"{spec.name:<{width}}  {'live' if spec.live else '    '}  {spec.summary}")
        return 0
    if not args.name:
        raise UsageError("give a generator NAME, or --list to see them")
    try:
        spec = get_spec(args.name)
        if args.describe:
            print(spec.describe())
            return 0
        params = parse_params(args.param)
        seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
        question = generate(spec.name, seed, params)
    except GeneratorParamError as err:  # it quotes the params given: shortened, shown
        raise UsageError(one_line(err, MESSAGE_WIDTH)) from None
    # A question quotes its params; whatever a param held, nothing reaches the terminal raw.
    if args.json:
        print(json_shown(json.dumps(question.to_json(), ensure_ascii=False, indent=2)))
        return 0
    print(shown(_render(question, seed_given=args.seed is not None)))
    return 0


def _render(q: Any, *, seed_given: bool) -> str:
    lines = [
        f"{q.generator} (seed {q.seed})"
        + ("" if seed_given else f" — make it again with --seed {q.seed}"),
        "",
    ]
    lines.append(q.prompt)
    if q.kind == "choice":
        lines += [f"  {i}. {option}" for i, option in enumerate(q.options, start=1)]
    lines.append("")
    if q.kind == "choice":
        lines.append(f"Answer: {int(q.answer) + 1}. {q.answer_text}")
    else:
        unit = f" {q.unit}" if q.unit else ""
        tol = q.tolerance
        lines.append(
            f"Answer: {q.answer_text}{unit}   (exact {q.answer!r}; tolerance rtol {tol['rtol']:g}, atol {tol['atol']:g})"
        )
    lines.append("Solution:")
    lines += [f"  {i}. {step}" for i, step in enumerate(q.solution, start=1)]
    if q.source:
        lines.append(f"Source: {q.source}")
    return "\n".join(lines)
