"""present() and build_quiz(): what a learner sees, shuffles by seed, grading of what they type."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from studyrnn.grading import Outcome
from studyrnn.quiz import Presented, build_quiz, present, shuffled_order


def card(type_: str, id_: str = "c", **fields) -> SimpleNamespace:
    fields.setdefault("explanation", None)
    return SimpleNamespace(id=id_, type=type_, tags=[], source=None, **fields)


ORDER = card(
    "order",
    "steps",
    prompt="Order the steps of one training iteration.",
    items=["forward pass", "loss", "backward pass", "clip", "update"],
)


def test_order_items_are_shuffled_deterministically_per_seed() -> None:
    first = present(ORDER, seed=7)
    again = present(ORDER, seed=7)
    assert first.options == again.options
    assert sorted(first.options) == sorted(ORDER.items)
    shown = {tuple(present(ORDER, seed=s).options) for s in range(20)}
    assert len(shown) > 5  # different seeds give different orders


def test_order_items_are_never_shown_in_the_right_order() -> None:
    for n in (2, 3, 4):
        items = [f"item {i}" for i in range(n)]
        for seed in range(60):
            assert present(card("order", prompt="p", items=items), seed=seed).options != items
    assert shuffled_order(1, 3) == (0,)


def test_order_answer_refers_to_the_shown_numbers() -> None:
    p = present(ORDER, seed=11)
    numbers = [p.options.index(item) + 1 for item in ORDER.items]
    assert p.grade_text(" ".join(map(str, numbers))).outcome is Outcome.CORRECT
    assert p.grade([n - 1 for n in numbers]).outcome is Outcome.CORRECT
    assert p.grade_text("1 2 3 4 5").outcome is not Outcome.CORRECT


def test_present_each_kind() -> None:
    flash = present(
        card("flashcard", front="What is BPTT?", back="Backprop through the unrolled graph"), 0
    )
    assert (flash.kind, flash.prompt, flash.back) == (
        "flashcard",
        "What is BPTT?",
        "Backprop through the unrolled graph",
    )
    assert flash.grade_text("").rating is None
    assert flash.self_grade(True).outcome is Outcome.CORRECT

    choice = present(
        card("choice", prompt="Pick", options=["a", "b", "c"], answer=1, explanation="b it is"), 0
    )
    assert choice.options == ["a", "b", "c"]  # choices keep the author's order
    assert choice.explanation == "b it is"
    assert (
        choice.grade_text("2").outcome is Outcome.CORRECT
        and choice.grade(1).outcome is Outcome.CORRECT
    )

    tf = present(card("true_false", statement="tanh' ≤ 1", answer=True), 0)
    assert (tf.kind, tf.prompt, tf.options) == ("true_false", "tanh' ≤ 1", ["True", "False"])
    assert (
        tf.grade_text("t").outcome is Outcome.CORRECT and tf.grade(True).outcome is Outcome.CORRECT
    )

    multi = present(card("multi", prompt="Pick", options=["a", "b", "c"], answers=[0, 2]), 0)
    assert multi.grade_text("1,3").outcome is Outcome.CORRECT
    assert multi.grade([0]).outcome is Outcome.PARTIAL

    numeric = present(
        card("numeric", prompt="How long?", answer=12.0, tolerance=None, unit="ms"), 0
    )
    assert (numeric.kind, numeric.unit, numeric.expected) == ("numeric", "ms", "12 ms")
    assert numeric.grade_text("12.1").outcome is Outcome.CORRECT
    assert numeric.grade_text("twelve").outcome is Outcome.INVALID

    text = present(card("text", prompt="Name it", answers=["vanishing"], match="fuzzy"), 0)
    assert text.grade_text("vanishnig").message == "accepted (typo): expected 'vanishing'"


def test_deck_text_stays_literal() -> None:
    p = present(
        card("choice", prompt="[bold]x[/bold] \x1b[31m", options=["[red]a", "b"], answer=0), 0
    )
    assert p.prompt == "[bold]x[/bold] \x1b[31m"
    assert p.options[0] == "[red]a"
    assert isinstance(p, Presented)


def _deck(n: int = 8) -> SimpleNamespace:
    cards = [
        card("numeric", f"c{i}", prompt=f"q{i}", answer=float(i), tolerance=None, unit=None)
        for i in range(n)
    ]
    return SimpleNamespace(id="d", title="D", cards=cards)


def test_build_quiz_limit_seed_and_order() -> None:
    deck = _deck()
    in_order = build_quiz(deck, limit=3, seed=1, in_order=True)
    assert [item.card.id for item in in_order] == ["c0", "c1", "c2"]
    shuffled = build_quiz(deck, limit=None, seed=1)
    assert sorted(item.card.id for item in shuffled) == [f"c{i}" for i in range(8)]
    assert [i.card.id for i in shuffled] == [
        i.card.id for i in build_quiz(deck, limit=None, seed=1)
    ]
    orders = {tuple(i.card.id for i in build_quiz(deck, limit=None, seed=s)) for s in range(10)}
    assert len(orders) > 1
    assert len(build_quiz(deck, limit=100, seed=1)) == 8
    assert all(item.presented.card_id == item.card.id for item in shuffled)


def test_build_quiz_card_seeds_depend_on_quiz_seed_and_card() -> None:
    deck = _deck(3)
    a = [i.presented.seed for i in build_quiz(deck, seed=1, in_order=True)]
    b = [i.presented.seed for i in build_quiz(deck, seed=1, in_order=True)]
    c = [i.presented.seed for i in build_quiz(deck, seed=2, in_order=True)]
    assert a == b and a != c and len(set(a)) == 3


def test_build_quiz_refuses_a_negative_limit() -> None:
    with pytest.raises(ValueError):
        build_quiz(_deck(), limit=-1)


# --- the real deck models ------------------------------------------------------------------


def _option_number(options: list[str], answer: object) -> int:
    """The 1-based number shown for the author's answer (an index, or the option's text)."""
    return (options.index(answer) if isinstance(answer, str) else int(answer)) + 1


def _typed_right_answer(card, p: Presented) -> str:
    """What a learner who knows the answer types, from the deck card (or the engine's question
    of a generated card), never from the grading key under test."""
    if card.type == "generated":
        question = p.question
        if p.kind == "choice":
            return str(int(question.answer) + 1)
        return repr(float(question.answer))
    if card.type == "choice":
        return str(_option_number(p.options, card.answer))
    if card.type == "multi":
        numbers = sorted(_option_number(p.options, a) for a in card.answers)
        return ",".join(map(str, numbers)) or "none"
    if card.type == "true_false":
        return "true" if card.answer else "f"
    if card.type == "order":
        return " ".join(str(p.options.index(item) + 1) for item in card.items)
    if card.type == "numeric":
        return repr(float(card.answer))
    if card.type == "text":
        return card.answers[0]
    raise AssertionError(card.type)


def test_every_bundled_card_accepts_its_own_answer_as_shown() -> None:
    from studyrnn.decks import load_decks
    from studyrnn.settings import bundled_decks_dir

    decks = load_decks([bundled_decks_dir()])
    assert len(decks) >= 3
    count = 0
    for deck, card in decks.cards():
        for seed in (0, 1):
            p = present(card, seed)
            assert p.prompt.strip(), card.id
            if p.kind == "flashcard":
                assert p.back
                continue
            verdict = p.grade_text(_typed_right_answer(card, p))
            assert verdict.outcome is Outcome.CORRECT, (deck.id, card.id, seed, p.expected, verdict)
            assert p.grade_text("").outcome is Outcome.REVEALED
            count += 1
    assert count > 50


def test_present_a_loaded_deck_with_every_card_type() -> None:
    from pathlib import Path

    from studyrnn.decks import load_deck

    deck = load_deck(Path(__file__).parent / "fixtures" / "quiz" / "every-type.yaml")
    kinds = {item.card.type: item.presented.kind for item in build_quiz(deck, limit=None, seed=0)}
    assert kinds == {
        "flashcard": "flashcard",
        "choice": "choice",
        "multi": "multi",
        "true_false": "true_false",
        "order": "order",
        "numeric": "numeric",
        "text": "text",
        "generated": "numeric",
    }
    generated = present(deck.card("generated"), seed=4)
    assert generated.prompt.startswith("A fresh variant:\n\n")
    assert generated.question is not None and generated.question.seed == 4
    assert generated.solution == list(generated.question.solution)
    assert generated.grade(generated.question.answer).outcome is Outcome.CORRECT
    assert present(deck.card("generated"), seed=4).prompt == generated.prompt
