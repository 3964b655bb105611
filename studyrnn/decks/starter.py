"""The commented starter deck written by ``studyrnn new``: one card of each common type."""

from __future__ import annotations

import re

from studyrnn.decks.models import DECK_ID_PATTERN
from studyrnn.limits import MAX_DECK_ID, MAX_TITLE
from studyrnn.untrusted import describe_char, forbidden_char

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A studyrnn deck. Check it with:  studyrnn validate {filename}
# Every key is documented in the schema above (`studyrnn schema` prints it); editors with the
# YAML language server complete and check keys as you type.

id: {deck_id}                 # stable: progress is keyed by deck id + card id, so don't rename it
title: {title}
language: en                   # BCP 47 tag: en, de, pt-BR, ...
notes: |                       # Markdown study notes, read before quizzing
  # {heading}

  Write the study notes for this deck here. Learners read them before they quiz.

cards:
  # flashcard: the learner reveals the back and rates how well they knew it.
  - id: what-is-bptt
    type: flashcard
    front: What is backpropagation through time (BPTT)?
    back: Backpropagation applied to the network unrolled over the time steps of a sequence.
    source: "GBC §10.2"
    tags: [bptt]

  # choice: `answer` is the right option's index (from 0) or its exact text.
  - id: shared-weights
    type: choice
    prompt: What do the copies of an unrolled RNN share?
    options:
      - Nothing; each time step has its own weights
      - The same weight matrices at every time step
      - Only the output layer
    answer: 1
    explanation: Unrolling copies the cell once per step, and every copy uses the same weights.
    source: "GBC §10.2"

  # multi: every right option, by index or text.
  - id: stored-values
    type: multi
    prompt: Which values does the backward pass reuse from the forward pass?
    options: [the hidden states h_t, the inputs x_t, the learning rate]
    answers: [0, the inputs x_t]
    explanation: The gradients need h_t, h_(t-1) and x_t; the learning rate is not part of backprop.

  # true_false: a statement and whether it is true.
  - id: clipping-vanishing
    type: true_false
    statement: Gradient norm clipping fixes vanishing gradients.
    answer: false
    explanation: Clipping only limits exploding gradients; it cannot make a small gradient larger.
    source: "Pascanu et al. 2013"

  # order: items listed in the correct order; learners see them shuffled.
  - id: bptt-steps
    type: order
    prompt: Put the steps of one BPTT update in order.
    items:
      - Run the forward pass over the sequence, storing the states
      - Compute the loss at each step
      - Propagate the error backwards through time
      - Update the shared weights with the summed gradients

  # numeric: a number, checked with a tolerance ({{rtol, atol}} or {{sigfigs}}).
  - id: mean-loss
    type: numeric
    prompt: The per-step losses are 0.2, 0.5, 0.1 and 0.4. What is their mean?
    answer: 0.3
    tolerance: {{rtol: 0.01}}
    explanation: (0.2 + 0.5 + 0.1 + 0.4) / 4 = 0.3.

  # text: short answers; match is exact, casefold (the default) or fuzzy.
  - id: remedy-name
    type: text
    prompt: Name the usual remedy for exploding gradients.
    answers: [gradient clipping, clipping]
    match: fuzzy

  # generated: a fresh numeric question at every review (see `studyrnn generate --list`).
  # - id: clip-example
  #   type: generated
  #   generator: clip_by_norm
  #   params: {{max_norm: 1.0}}
"""


def is_deck_id(deck_id: str) -> bool:
    return len(deck_id) <= MAX_DECK_ID and re.match(DECK_ID_PATTERN, deck_id) is not None


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot be a deck title (the rules ``validate`` applies), or None."""
    index = forbidden_char(title)
    if index is not None:
        return (
            f"the title holds {describe_char(title[index])}; a deck title may not contain "
            "control characters, bidi overrides or noncharacters"
        )
    if len(" ".join(title.split())) > MAX_TITLE:
        return f"a deck title may be at most {MAX_TITLE} characters"
    if not title.strip():
        return "the title must not be empty"
    return None


def suggest_deck_id(text: str) -> str:
    """A valid id close to ``text``: ``"My Deck!"`` -> ``"my-deck"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64].strip("-") or "my-deck"


def starter_deck(
    deck_id: str,
    *,
    title: str | None = None,
    schema: str = "deck.schema.json",
    filename: str | None = None,
) -> str:
    """The YAML text of a starter deck (``deck_id`` must be valid; see ``is_deck_id``)."""
    if not is_deck_id(deck_id):
        raise ValueError(f"not a deck id: {deck_id!r}")
    if title is not None and title_problem(title) is not None:
        raise ValueError(f"not a deck title: {title_problem(title)}")
    title = " ".join((title or deck_id.replace("-", " ").capitalize()).split())
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return _TEMPLATE.format(
        schema=schema,
        deck_id=deck_id,
        title=quoted,
        heading=title,
        filename=filename or f"{deck_id}.yaml",
    )
