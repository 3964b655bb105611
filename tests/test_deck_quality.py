"""Deck-level quality of the bundled question bank: nothing about a card's form gives its answer away.

A learner who always picks the longest option, always the same position or always "false" must
not score well; no two cards ask the same thing; every card tells the learner why and where to
read more; every numeric tolerance tells a 10 % slip from the right answer. The decks are read with
`yaml.safe_load`, independently of the app's loader, and the tolerance rule is written out here
(numpy.isclose's rule, as docs/authoring.md states it).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DECK_FILES = sorted((REPO / "content" / "decks").glob("*.yaml"))
DECKS: dict[str, dict[str, Any]] = {
    p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in DECK_FILES
}

# Thresholds (issue 14). Every bundled deck must have enough choice and true/false cards for the
# shares to mean something; a new deck with fewer fails here rather than being skipped.
MIN_CHOICE_FOR_POSITION = 6
MAX_POSITION_SHARE = 0.5
MIN_CHOICE_FOR_LENGTH = 5
MAX_LONGEST_SHARE = 0.4
MAX_LENGTH_RANK_SHARE = 0.4
MIN_TRUE_FALSE = 4
TRUE_SHARE = (0.35, 0.65)
NEAR_DUPLICATE_RATIO = 0.85
# two numeric cards with the same answer are the same exercise once their prompts are this alike
SAME_ANSWER_RATIO = 0.45


def _cards(deck_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [(d, c) for d, deck in DECKS.items() if deck_id in (None, d) for c in deck["cards"]]


def _choice(deck_id: str | None = None) -> list[dict[str, Any]]:
    return [c for _, c in _cards(deck_id) if c["type"] == "choice"]


def _right_is_longest(card: dict[str, Any]) -> bool:
    """The right option is strictly longer than every other option."""
    options = card["options"]
    right = len(options[card["answer"]])
    return all(right > len(o) for i, o in enumerate(options) if i != card["answer"])


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_right_position_carries_no_signal(deck_id: str) -> None:
    choice = _choice(deck_id)
    assert len(choice) >= MIN_CHOICE_FOR_POSITION, f"{deck_id}: too few choice cards to measure"
    positions = Counter(c["answer"] for c in choice)
    worst, count = positions.most_common(1)[0]
    assert count <= MAX_POSITION_SHARE * len(choice), (
        f"{deck_id}: option {worst} is right in {count} of {len(choice)} choice cards"
    )


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_right_option_is_not_usually_the_longest(deck_id: str) -> None:
    choice = _choice(deck_id)
    assert len(choice) >= MIN_CHOICE_FOR_LENGTH, f"{deck_id}: too few choice cards to measure"
    longest = [c["id"] for c in choice if _right_is_longest(c)]
    assert len(longest) <= MAX_LONGEST_SHARE * len(choice), (
        f"{deck_id}: the right option is the longest in {len(longest)} of {len(choice)}: {longest}"
    )


def test_right_option_is_not_usually_the_longest_overall() -> None:
    choice = _choice()
    longest = [c for c in choice if _right_is_longest(c)]
    assert len(longest) <= MAX_LONGEST_SHARE * len(choice), (len(longest), len(choice))
    positions = Counter(c["answer"] for c in choice)
    assert max(positions.values()) <= MAX_POSITION_SHARE * len(choice), positions


def _length_rank(card: dict[str, Any]) -> int | None:
    """Rank of the right option by length among the options (0 = shortest), or None when another
    option has the same length (then length says nothing about which is right)."""
    lengths = [len(o) for o in card["options"]]
    right = lengths[card["answer"]]
    if lengths.count(right) > 1:
        return None
    return sorted(lengths).index(right)


def test_length_rank_of_right_option_carries_no_signal() -> None:
    """Not only 'never the longest': a bank whose right answers are mostly the second-longest option
    rewards that guess just as well. Over all four-option choice cards, no length rank may hold the
    right answer in more than 40 % of them (chance is 25 %)."""
    ranks = [r for c in _choice() if len(c["options"]) == 4 and (r := _length_rank(c)) is not None]
    counts = Counter(ranks)
    worst, count = counts.most_common(1)[0]
    assert count <= MAX_LENGTH_RANK_SHARE * len(ranks), (
        f"the right option has length rank {worst} in {count} of {len(ranks)} cards: {counts}"
    )


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_true_false_balanced_in_each_deck(deck_id: str) -> None:
    answers = [c["answer"] for _, c in _cards(deck_id) if c["type"] == "true_false"]
    assert len(answers) >= MIN_TRUE_FALSE, f"{deck_id}: too few true/false cards to measure"
    share = sum(answers) / len(answers)
    assert TRUE_SHARE[0] <= share <= TRUE_SHARE[1], (
        f"{deck_id}: {sum(answers)} of {len(answers)} true/false cards are true"
    )


def test_true_false_balanced_overall() -> None:
    answers = [c["answer"] for _, c in _cards() if c["type"] == "true_false"]
    share = sum(answers) / len(answers)
    assert TRUE_SHARE[0] <= share <= TRUE_SHARE[1], (sum(answers), len(answers))


def _question_text(card: dict[str, Any]) -> str:
    """What the card asks, normalised: case, punctuation, spacing and quote styles do not count."""
    text = card.get("prompt") or card.get("front") or card.get("statement") or ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\W+", " ", text).strip()


def test_no_two_cards_ask_the_same_thing() -> None:
    # compared within one language: the German deck may teach what an English one does
    asked = [
        (f"{d}/{c['id']}", DECKS[d]["language"], _question_text(c))
        for d, c in _cards()
        if c["type"] != "generated"
    ]
    clashes = []
    for i, (where_a, lang_a, a) in enumerate(asked):
        for where_b, lang_b, b in asked[i + 1 :]:
            if lang_a != lang_b:
                continue
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if matcher.real_quick_ratio() < NEAR_DUPLICATE_RATIO:
                continue
            if matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= (
                NEAR_DUPLICATE_RATIO
            ):
                clashes.append((where_a, where_b, round(matcher.ratio(), 2)))
    assert not clashes, clashes


def test_no_two_numeric_cards_are_the_same_exercise() -> None:
    numeric = [
        (f"{d}/{c['id']}", DECKS[d]["language"], float(c["answer"]), _question_text(c))
        for d, c in _cards()
        if c["type"] == "numeric"
    ]
    clashes = []
    for i, (where_a, lang_a, ans_a, a) in enumerate(numeric):
        for where_b, lang_b, ans_b, b in numeric[i + 1 :]:
            if lang_a == lang_b and math.isclose(ans_a, ans_b, rel_tol=1e-3):
                ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
                if ratio >= SAME_ANSWER_RATIO:
                    clashes.append((where_a, where_b, round(ratio, 2)))
    assert not clashes, clashes


def _effective_params(deck_id: str, card: dict[str, Any]) -> dict[str, Any]:
    """The card's params as the generator receives them: a deck in another language passes its
    language to a generator that writes it (docs/authoring.md, "German"), unless the card sets it."""
    from engine import generators

    params = dict(card.get("params") or {})
    language = DECKS[deck_id]["language"].split("-")[0].lower()
    spec = generators.get_spec(card["generator"])
    choices = getattr(spec.params.get("language"), "choices", None) or ()
    if language != "en" and language in choices:
        params.setdefault("language", language)
    return params


def test_no_two_generated_cards_ask_the_same_thing() -> None:
    # the same generator with the same params draws the same variants, wherever the card is; the
    # same numbers in another language are another card (compared within a language, as above)
    seen: dict[str, str] = {}
    for d, c in _cards():
        if c["type"] != "generated":
            continue
        key = repr((c["generator"], sorted(_effective_params(d, c).items())))
        assert key not in seen, f"{d}/{c['id']} draws the same variants as {seen[key]}"
        seen[key] = f"{d}/{c['id']}"


def test_no_fixed_generated_card_repeats_a_static_card() -> None:
    """A generated card whose params fix every number asks one question; it must not be a numeric
    card of the bank in disguise (same answer)."""
    from engine import generators

    static = {(d, c["id"]): float(c["answer"]) for d, c in _cards() if c["type"] == "numeric"}
    for d, c in _cards():
        if c["type"] != "generated":
            continue
        params = c.get("params") or {}
        answers = {
            repr(generators.generate(c["generator"], seed=s, params=params).answer)
            for s in (0, 1, 2, 3)
        }
        if len(answers) > 1:
            continue  # the numbers vary: a fresh question at every review
        answer = float(generators.generate(c["generator"], seed=0, params=params).answer)
        same = [k for k, v in static.items() if math.isclose(v, answer, rel_tol=1e-3)]
        assert not same, f"{d}/{c['id']} asks the same number as {same}"


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_every_card_has_source_and_explanation(deck_id: str) -> None:
    for _, card in _cards(deck_id):
        where = f"{deck_id}/{card['id']}"
        explanation = card.get("explanation")
        source = card.get("source")
        assert isinstance(explanation, str) and len(explanation.strip()) >= 20, where
        assert isinstance(source, str) and source.strip(), where
        # a learner must be able to look the source up: no internal files
        assert not re.search(r"FACTS|DESIGN|\.md\b|content-review", source), where


def _accepts(given: float, expected: float, tol: dict[str, Any]) -> bool:
    """The deck format's tolerance rule (docs/authoring.md), written out independently."""
    if "sigfigs" in tol:
        n = int(tol["sigfigs"])
        if expected == 0:
            return abs(given) <= 1e-8
        half_unit = 0.5 * 10 ** (math.floor(math.log10(abs(expected))) - n + 1)
        return abs(given - expected) <= half_unit
    rtol = tol.get("rtol", 1e-2)
    atol = tol.get("atol", 1e-8)
    return abs(given - expected) <= atol + rtol * abs(expected)


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_numeric_tolerance_rejects_a_ten_percent_error(deck_id: str) -> None:
    for _, card in _cards(deck_id):
        if card["type"] != "numeric":
            continue
        answer, tol = float(card["answer"]), card.get("tolerance") or {}
        where = f"{deck_id}/{card['id']}"
        assert _accepts(answer, answer, tol), where
        if answer == 0:
            assert not _accepts(0.1, answer, tol), where
            continue
        for slip in (1.1, 0.9):
            assert not _accepts(answer * slip, answer, tol), f"{where}: accepts {answer * slip}"
