"""Benchmark: load and validate a 5,000-card deck (goal: under 1 s).

    .venv/bin/python benchmarks/bench_validate.py [--cards N] [--repeat R]

Writes a deck mixing all eight card types (with explanations, tags and sources, like the
bundled decks) to a temporary file, then times ``load_deck`` (read, safe YAML, pydantic
validation, generator params checked against the registry) R times and prints the best and the
median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

CARDS = {
    "flashcard": """\
  - id: card-{i}
    type: flashcard
    front: What does unrolling an RNN over {i} steps produce?
    back: A feed-forward graph with one copy of the cell per step, all sharing their weights.
""",
    "choice": """\
  - id: card-{i}
    type: choice
    prompt: Which remedy treats exploding gradients (variant {i})?
    options: [gradient norm clipping, a larger learning rate, removing the bias]
    answer: gradient norm clipping
""",
    "multi": """\
  - id: card-{i}
    type: multi
    prompt: Which values does the backward pass reuse (variant {i})?
    options: [h_t, x_t, the learning rate, h_(t-1)]
    answers: [0, 1, 3]
""",
    "true_false": """\
  - id: card-{i}
    type: true_false
    statement: Clipping the gradient norm cures vanishing gradients (variant {i}).
    answer: false
""",
    "order": """\
  - id: card-{i}
    type: order
    prompt: Order the steps of BPTT (variant {i}).
    items: [forward pass, per-step losses, backward pass through time, weight update]
""",
    "numeric": """\
  - id: card-{i}
    type: numeric
    prompt: The per-step losses are 0.2, 0.5, 0.1 and 0.4. What is their mean ({i})?
    answer: 0.3
    tolerance: {{rtol: 0.01, atol: 1e-8}}
""",
    "text": """\
  - id: card-{i}
    type: text
    prompt: Name the remedy for exploding gradients (variant {i}).
    answers: [gradient clipping, clipping]
    match: fuzzy
""",
    "generated": """\
  - id: card-{i}
    type: generated
    generator: clip_by_norm
    params: {{max_norm: 1.0}}
""",
}
COMMON = """\
    explanation: Every card carries an explanation, shown after answering; this one is number {i}.
    tags: [bptt, benchmark]
    source: "GBC §10.2"
"""


def make_deck(n: int) -> str:
    kinds = list(CARDS)
    parts = [
        "id: bench\ntitle: Benchmark deck\nlanguage: en\nnotes: |\n  # Benchmark\n  Generated.\ncards:\n"
    ]
    for i in range(n):
        parts.append(CARDS[kinds[i % len(kinds)]].format(i=i))
        parts.append(COMMON.format(i=i))
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    import yaml

    from studyrnn.decks import load_deck
    from studyrnn.decks.generators import known_generators

    text = make_deck(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(text, encoding="utf-8")
        deck = load_deck(path)  # warm-up: imports, the generator registry, pydantic's first call
        assert len(deck.cards) == args.cards
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            load_deck(path)
            times.append(time.perf_counter() - started)

    best, median = min(times), statistics.median(times)
    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    libyaml = "libyaml" if loader is not yaml.SafeLoader else "pure-Python YAML"
    registry = "generator registry" if known_generators() else "no generator registry"
    print(
        f"validate {args.cards:,} cards ({len(text.encode()) / 1e6:.2f} MB, {libyaml}, {registry}): "
        f"best {best * 1000:.0f} ms, median {median * 1000:.0f} ms over {args.repeat} runs "
        f"(goal < 1000 ms: {'met' if best < 1.0 else 'MISSED'})"
    )

    # Context for the figure: the YAML parser's own event stream (the floor for any loader built
    # on PyYAML), and how fast this machine runs plain Python right now (shared CI boxes vary).
    floor = []
    for _ in range(3):
        started = time.perf_counter()
        parser = loader(text)
        while parser.get_event() is not None:
            pass
        floor.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(10_000_000):
        pass
    loop = time.perf_counter() - started
    print(
        f"  of which the YAML event stream alone: {min(floor) * 1000:.0f} ms; "
        f"this machine runs an empty 10M-step Python loop in {loop * 1000:.0f} ms "
        f"(~150-250 ms on an idle modern CPU)"
    )
    return 0 if best < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
