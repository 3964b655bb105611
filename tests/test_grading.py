"""Verdicts per card type: right, wrong, partial, invalid, revealed; suggested ratings; typos."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from studyrnn.grading import (
    AGAIN,
    GOOD,
    HARD,
    ChoiceKey,
    FlashcardKey,
    MultiKey,
    NumericKey,
    NumericRule,
    OrderKey,
    Outcome,
    TextKey,
    TrueFalseKey,
    grade,
    match_text,
    numeric_key,
    osa_distance,
    suggested_rating,
)

CHOICE = ChoiceKey(options=("tanh", "ReLU", "sigmoid", "identity"), answer=2)
MULTI = MultiKey(options=("a", "b", "c", "d", "e"), answers=frozenset({0, 2, 3}))


# --- ratings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "score", "revealed", "retried", "rating"),
    [
        (Outcome.CORRECT, 1.0, False, False, GOOD),
        (Outcome.CORRECT, 1.0, True, False, HARD),
        (Outcome.CORRECT, 1.0, False, True, HARD),
        (Outcome.INCORRECT, 0.0, False, False, AGAIN),
        (Outcome.REVEALED, 0.0, False, False, AGAIN),
        (Outcome.PARTIAL, 0.5, False, False, HARD),
        (Outcome.PARTIAL, 0.49, False, False, AGAIN),
        (Outcome.PARTIAL, 0.9, False, True, AGAIN),
        (Outcome.INVALID, 0.0, False, False, None),
    ],
)
def test_suggested_ratings(
    outcome: Outcome, score: float, revealed: bool, retried: bool, rating: int | None
) -> None:
    assert suggested_rating(outcome, score, revealed=revealed, retried=retried) == rating


def test_a_right_answer_after_a_retry_suggests_hard() -> None:
    assert CHOICE.grade_text("3").rating == GOOD
    assert CHOICE.grade_text("3", retried=True).rating == HARD
    assert CHOICE.grade_text("3", revealed=True).rating == HARD


def test_empty_answer_reveals_and_counts_as_wrong() -> None:
    for key in (
        CHOICE,
        MULTI,
        TrueFalseKey(answer=True),
        OrderKey(items=("x", "y")),
        numeric_key(0.3),
        TextKey(answers=("tanh",)),
    ):
        for response in ("", "   ", None):
            verdict = key.grade(response)
            assert verdict.outcome is Outcome.REVEALED
            assert verdict.score == 0 and verdict.rating == AGAIN
            assert verdict.expected and verdict.expected in verdict.message


# --- choice ----------------------------------------------------------------------------------


def test_choice_by_number_from_one() -> None:
    right = CHOICE.grade_text("3")
    assert (right.outcome, right.score, right.rating) == (Outcome.CORRECT, 1.0, GOOD)
    wrong = CHOICE.grade_text(" 1 ")
    assert (wrong.outcome, wrong.score, wrong.rating) == (Outcome.INCORRECT, 0.0, AGAIN)
    assert "sigmoid" in wrong.expected and "sigmoid" in wrong.message


def test_choice_by_option_text() -> None:
    assert CHOICE.grade_text("Sigmoid").outcome is Outcome.CORRECT
    assert CHOICE.grade_text("relu").outcome is Outcome.INCORRECT


@pytest.mark.parametrize("text", ["0", "5", "-1", "1.5", "softmax", "1,2"])
def test_choice_invalid_input_says_why(text: str) -> None:
    verdict = CHOICE.grade_text(text)
    assert verdict.outcome is Outcome.INVALID and verdict.rating is None
    assert "1 to 4" in verdict.message


def test_choice_structured_response_is_a_zero_based_index() -> None:
    assert CHOICE.grade(2).outcome is Outcome.CORRECT
    assert CHOICE.grade(0).outcome is Outcome.INCORRECT
    assert CHOICE.grade(4).outcome is Outcome.INVALID
    assert CHOICE.grade(True).outcome is Outcome.INVALID


# --- multi -----------------------------------------------------------------------------------


def test_multi_exact_set_is_correct_in_any_order_and_separator() -> None:
    for text in ("1,3,4", "4 3 1", "1, 3, 4", "1;3;4", "1 1 3 4"):
        assert MULTI.grade_text(text).outcome is Outcome.CORRECT, text
    assert MULTI.grade([3, 0, 2]).outcome is Outcome.CORRECT


def test_multi_partial_credit_is_right_minus_wrong_over_right_options() -> None:
    two_of_three = MULTI.grade_text("1,3")
    assert two_of_three.outcome is Outcome.PARTIAL
    assert two_of_three.score == pytest.approx(2 / 3) and two_of_three.rating == HARD
    with_a_wrong = MULTI.grade_text("1,3,4,5")
    assert with_a_wrong.score == pytest.approx(2 / 3)
    one_right_one_wrong = MULTI.grade_text("1 2")
    assert one_right_one_wrong.outcome is Outcome.INCORRECT and one_right_one_wrong.score == 0
    one_of_three = MULTI.grade_text("1")
    assert one_of_three.outcome is Outcome.PARTIAL and one_of_three.rating == AGAIN
    everything = MULTI.grade_text("1 2 3 4 5")
    assert everything.score == pytest.approx(1 / 3)
    nothing_right = MULTI.grade_text("2,5")
    assert nothing_right.outcome is Outcome.INCORRECT and nothing_right.score == 0


@pytest.mark.parametrize("text", ["0", "6", "1,x", "a", "1..3"])
def test_multi_invalid(text: str) -> None:
    verdict = MULTI.grade_text(text)
    assert verdict.outcome is Outcome.INVALID and "1 to 5" in verdict.message


def test_multi_none_picks_nothing() -> None:
    assert MULTI.grade_text("none").outcome is Outcome.INCORRECT
    assert (
        MultiKey(options=("a", "b"), answers=frozenset()).grade_text("none").outcome
        is Outcome.CORRECT
    )


# --- true/false ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["true", "True", "T", "yes", "y", "1", "wahr", " TRUE "])
def test_true_false_accepts_true_words(text: str) -> None:
    assert TrueFalseKey(answer=True).grade_text(text).outcome is Outcome.CORRECT
    assert TrueFalseKey(answer=False).grade_text(text).outcome is Outcome.INCORRECT


@pytest.mark.parametrize("text", ["false", "F", "no", "n", "2", "falsch", "nein"])
def test_true_false_accepts_false_words(text: str) -> None:
    assert TrueFalseKey(answer=False).grade_text(text).outcome is Outcome.CORRECT


@pytest.mark.parametrize("text", ["0", "3", "maybe", "tru e"])
def test_true_false_invalid(text: str) -> None:
    verdict = TrueFalseKey(answer=True).grade_text(text)
    assert verdict.outcome is Outcome.INVALID and "true or false" in verdict.message


def test_true_false_structured() -> None:
    key = TrueFalseKey(answer=False)
    assert key.grade(False).outcome is Outcome.CORRECT
    assert key.grade(True).outcome is Outcome.INCORRECT
    assert key.grade(1).outcome is Outcome.CORRECT  # index 1 of the shown options: "False"
    assert key.expected == "False"


# --- order -----------------------------------------------------------------------------------

ITEMS = ("forward pass", "loss", "backward pass", "clip", "update")


def test_order_identity_shown() -> None:
    key = OrderKey(items=ITEMS)
    assert key.grade_text("1 2 3 4 5").outcome is Outcome.CORRECT
    assert key.grade_text("12345").outcome is Outcome.CORRECT
    assert key.grade([0, 1, 2, 3, 4]).outcome is Outcome.CORRECT


def test_order_answers_refer_to_the_shown_numbers() -> None:
    # shown: 1 update, 2 forward pass, 3 clip, 4 loss, 5 backward pass
    key = OrderKey(items=ITEMS, shown=(4, 0, 3, 1, 2))
    assert key.shown_items == ["update", "forward pass", "clip", "loss", "backward pass"]
    assert key.expected_numbers == [2, 4, 5, 3, 1]
    assert key.grade_text("2 4 5 3 1").outcome is Outcome.CORRECT
    assert key.grade_text("2,4,5,3,1").outcome is Outcome.CORRECT
    assert key.grade([1, 3, 4, 2, 0]).outcome is Outcome.CORRECT
    assert key.expected.startswith("2 4 5 3 1")


def test_order_partial_credit_counts_pairs_in_order() -> None:
    key = OrderKey(items=ITEMS)
    last_first = key.grade_text("5 1 2 3 4")  # 4 of 10 pairs wrong
    assert last_first.outcome is Outcome.PARTIAL
    assert last_first.score == pytest.approx(6 / 10) and last_first.rating == HARD
    one_swap = key.grade_text("2 1 3 4 5")
    assert one_swap.score == pytest.approx(9 / 10)
    reversed_ = key.grade_text("5 4 3 2 1")
    assert reversed_.outcome is Outcome.INCORRECT and reversed_.score == 0


@pytest.mark.parametrize(
    "text", ["1 2 3 4", "1 2 3 4 4", "1 2 3 4 6", "0 1 2 3 4", "a b c d e", "1 2 3 4 5 1"]
)
def test_order_invalid_needs_each_number_once(text: str) -> None:
    verdict = OrderKey(items=ITEMS).grade_text(text)
    assert verdict.outcome is Outcome.INVALID and "each once" in verdict.message


def test_order_of_two_swapped_is_wrong() -> None:
    assert OrderKey(items=("a", "b")).grade_text("2 1").outcome is Outcome.INCORRECT


# --- numeric ---------------------------------------------------------------------------------


def test_numeric_right_wrong_invalid() -> None:
    key = numeric_key(0.3)
    assert key.grade_text("3/10").outcome is Outcome.CORRECT
    assert key.grade_text("\u2212.3").outcome is Outcome.INCORRECT
    assert key.grade_text("0.303").outcome is Outcome.CORRECT  # within 1%
    assert key.grade_text("0.304").outcome is Outcome.INCORRECT
    invalid = key.grade_text("zero point three")
    assert invalid.outcome is Outcome.INVALID and invalid.rating is None
    assert invalid.message.startswith("not a number")
    assert key.grade(0.3).outcome is Outcome.CORRECT
    assert key.grade(float("nan")).outcome is Outcome.INVALID


def test_numeric_accepts_the_unit_after_the_number() -> None:
    key = numeric_key(12.0, None, "ms")
    assert key.grade_text("12 ms").outcome is Outcome.CORRECT
    assert key.grade_text("12ms").outcome is Outcome.CORRECT
    assert key.expected == "12 ms"
    assert key.grade_text("12 s").outcome is Outcome.INVALID


def test_numeric_sigfigs() -> None:
    key = NumericKey(answer=0.1251, rule=NumericRule(sigfigs=2))
    assert key.expected == "0.13"
    assert key.grade_text("0.13").outcome is Outcome.CORRECT
    assert key.grade_text("0.1251").outcome is Outcome.CORRECT
    assert key.grade_text("0.12").outcome is Outcome.INCORRECT


def test_numeric_wrong_answer_message_has_the_answer() -> None:
    verdict = numeric_key(2.5, {"rtol": 0, "atol": 0.01}).grade_text("2.6")
    assert verdict.expected == "2.5"
    assert "2.5" in verdict.message and "2.6" in verdict.message


# --- text ------------------------------------------------------------------------------------


def test_text_exact_casefold_fuzzy() -> None:
    exact = TextKey(answers=("BPTT",), match="exact")
    assert exact.grade_text("BPTT").outcome is Outcome.CORRECT
    assert exact.grade_text("  BPTT ").outcome is Outcome.CORRECT
    assert exact.grade_text("bptt").outcome is Outcome.INCORRECT
    casefold = TextKey(answers=("Vanishing gradient",), match="casefold")
    assert casefold.grade_text("vanishing   GRADIENT").outcome is Outcome.CORRECT
    assert casefold.grade_text("vanishing gradeint").outcome is Outcome.INCORRECT


def test_fuzzy_accepts_a_one_letter_typo_but_not_a_different_word() -> None:
    key = TextKey(answers=("vanishing", "vanishing gradient"), match="fuzzy")
    typo = key.grade_text("vanishnig")
    assert typo.outcome is Outcome.CORRECT and typo.rating == GOOD
    assert typo.message == "accepted (typo): expected 'vanishing'"
    assert key.grade_text("vanising").outcome is Outcome.CORRECT
    assert key.grade_text("exploding").outcome is Outcome.INCORRECT
    assert key.grade_text("vanishing").message == ""


def test_fuzzy_is_strict_for_short_answers_and_digits() -> None:
    assert not match_text("tan", ["tanh"], "fuzzy").matched
    assert not match_text("elu", ["relu"], "fuzzy").matched
    assert match_text("ReLU", ["relu"], "fuzzy").matched
    assert not match_text("lstm-3", ["LSTM-2"], "fuzzy").matched
    assert match_text(
        "backpropagaton through time", ["backpropagation through time"], "fuzzy"
    ).matched


def test_casefold_folds_unicode() -> None:
    assert match_text("STRASSE", ["Straße"], "casefold").matched
    assert match_text("Gro\u0308\u00dfe", ["Größe"], "exact").matched  # NFC: ö composed or not


def test_osa_distance() -> None:
    assert osa_distance("abc", "abc") == 0
    assert osa_distance("abc", "acb") == 1
    assert osa_distance("kitten", "sitting") == 3
    assert osa_distance("", "abc") == 3


# --- flashcards ------------------------------------------------------------------------------


def test_flashcard_shows_the_back_and_lets_the_learner_rate() -> None:
    key = FlashcardKey(back="the chain rule, over time")
    for response in ("", "I think: chain rule", None):
        verdict = key.grade(response)
        assert verdict.outcome is Outcome.REVEALED and verdict.rating is None
        assert verdict.expected == "the chain rule, over time"
    assert key.self_grade(True).outcome is Outcome.CORRECT
    assert key.self_grade(False).outcome is Outcome.INCORRECT
    assert key.grade(True).score == 1.0


# --- grade(card, response) on card-like objects ------------------------------------------------


def test_grade_reads_cards_by_their_fields() -> None:
    card = SimpleNamespace(
        type="numeric",
        answer=0.5,
        tolerance=SimpleNamespace(rtol=0, atol=0.1, sigfigs=None),
        unit=None,
    )
    assert grade(card, "0.59").outcome is Outcome.CORRECT
    assert grade(card, "0.61").outcome is Outcome.INCORRECT
    order = SimpleNamespace(type="order", items=["a", "b", "c"])
    assert grade(order, [0, 1, 2]).outcome is Outcome.CORRECT
    assert grade(order, "3 2 1").outcome is Outcome.INCORRECT
    text = SimpleNamespace(type="text", answers=["tanh"], match="casefold")
    assert grade(text, "TANH", retried=True).rating == HARD
