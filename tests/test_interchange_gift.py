"""Moodle GIFT: escaping, export -> import round trips, what GIFT cannot hold, parse errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyrnn.decks import load_deck, load_deck_text
from studyrnn.errors import DeckError
from studyrnn.interchange.gift import escape, export_gift, parse_gift, unescape
from studyrnn.interchange.importing import import_deck

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
EVERY = FIXTURES / "every-type.yaml"


@pytest.fixture(scope="module")
def deck():
    return load_deck(EVERY)


@pytest.fixture(scope="module")
def exported(deck):
    return export_gift([deck], 3)


@pytest.fixture(scope="module")
def reimported(exported):
    text, _ = exported
    return import_deck(text, "gift", source="every.gift")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "~ = # { } :",
        "a\\b",
        "\\n is not a newline",
        "two\nlines",
        "\\~ already escaped",
        "ends with backslash \\",
        "::title::",
        "{=a ~b}",
        "####",
        "50%",
        "[html]<b>x</b>",
    ],
)
def test_escape_round_trips_and_hides_every_special_character(text: str) -> None:
    escaped = escape(text)
    assert unescape(escaped) == text
    assert "\n" not in escaped
    # No special character is left bare: each is preceded by a backslash.
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 2
            continue
        assert escaped[i] not in "~=#{}:", (text, escaped)
        i += 1


def test_round_trip_keeps_every_card(deck, reimported) -> None:
    got = {c.id: c for c in reimported.deck.cards}
    for card in deck.cards:
        if card.type == "generated":
            continue
        assert card.id in got, card.id
        back = got[card.id]
        assert back.type == card.type
        a, b = card.model_dump(), back.model_dump()
        if card.type == "numeric":  # the band is kept exactly; its spelling may change
            assert b["answer"] == a["answer"]
            a.pop("tolerance"), b.pop("tolerance")
        assert a == b, card.id


def test_round_trip_keeps_notes_and_special_characters(deck, reimported) -> None:
    assert reimported.deck.notes.strip() == deck.notes.strip()
    choice = reimported.deck.card("choice-special")
    assert choice.prompt == "Which is {escaped} properly: ~a = b # c : d?"
    assert choice.options[3] == "colon: here \\ backslash"
    assert choice.options[4] == "[bold]markup[/bold] stays literal"
    assert choice.explanation == "Feedback with ####four hashes and a {brace}."


def test_generated_cards_become_variants_with_solutions(deck, exported, reimported) -> None:
    text, report = exported
    for k in (1, 2, 3):
        assert f"::gen-count-v{k}::" in text
        variant = reimported.deck.card(f"gen-count-v{k}")
        assert variant.type == "numeric"
        assert "lead-in" in variant.prompt
        assert "Worked solution" in (variant.explanation or "")
    assert reimported.deck.card("gen-choice-v1").type == "choice"
    assert any("gen-count" in m and "3 fixed variants" in m for m in report.messages())


def test_variant_answers_match_the_generator(deck, reimported) -> None:
    from studyrnn.quiz import present

    for k in range(3):
        shown = present(deck.card("gen-count"), k)
        assert reimported.deck.card(f"gen-count-v{k + 1}").answer == pytest.approx(
            shown.question.answer
        )


def test_what_gift_cannot_hold_is_reported(exported) -> None:
    _, report = exported
    lines = "\n".join(report.lines())
    for card_id, why in [
        ("order-three", "no ordering question"),
        ("order-two", "at least 3 pairs"),
        ("numeric-unit", "no unit"),
        ("text-fuzzy", "match 'fuzzy'"),
        ("short-flash", "short answer"),
        ("long-flash", "description"),
    ]:
        assert any(card_id in line and why in line for line in lines.splitlines()), (card_id, lines)
    # Each line points at the card in its deck file.
    assert all(":" in line.split(" ")[0] for line in report.lines())
    assert "every-type.yaml:" in lines


def test_numeric_tolerance_is_absolute_band(exported) -> None:
    text, _ = exported
    assert "{#0.3:0.00301 }" not in text  # sanity: no stray space before the closing brace
    assert "::numeric-default::[plain]" in text
    line = next(line for line in text.splitlines() if line.startswith("::numeric-default::"))
    assert "{#0.3:0.00301}" in line  # atol 1e-8 + rtol 1e-2 * 0.3, rounded up
    sig = next(line for line in text.splitlines() if line.startswith("::numeric-sigfigs::"))
    assert "{#0.0009765625:0.000005}" in sig  # half a unit of the 2nd significant figure
    atol = next(line for line in text.splitlines() if line.startswith("::numeric-atol::"))
    assert "{#1234:0.5}" in atol


def test_multi_weights_sum_to_100(exported) -> None:
    text, _ = exported
    line = next(line for line in text.splitlines() if line.startswith("::multi-three::"))
    assert (
        line.count("~%33.33333%") == 3 and "~%-33.33333%wrong" in line
    )  # a wrong pick undoes a right one
    line = next(line for line in text.splitlines() if line.startswith("::multi-card::"))
    assert line.count("~%50%") == 2 and line.count("~%-50%") == 2


def test_arrow_in_an_answer_is_reported_not_misread() -> None:
    deck = load_deck_text(
        "id: arrows\ntitle: Arrows\ncards:\n"
        "  - {id: c, type: choice, prompt: Flow?, options: [x -> y, y -> x], answer: 0}\n"
    )
    text, report = export_gift([deck], 0)
    assert "->" not in text.split("\n::c::")[1]
    assert any("'->'" in m for m in report.messages())
    back = import_deck(text, "gift", source="a.gift").deck
    assert back.card("c").type == "choice" and back.card("c").options == ["x → y", "y → x"]


def test_foreign_moodle_file(capsys) -> None:
    result = import_deck(
        (FIXTURES / "moodle.gift").read_text(encoding="utf-8"), "gift", source="moodle.gift"
    )
    deck = result.deck
    assert deck.title == "Moodle examples"
    types = {c.id: c.type for c in deck.cards}
    assert types["grant-s-tomb"] == "choice" and deck.card("grant-s-tomb").answer == 2
    assert types["TF1"] == "true_false" and deck.card("TF2").answer is False
    assert deck.card("Short").answers == ["four", "4"]
    assert deck.card("num-range").answer == 1822 and deck.card("num-range").tolerance.atol == 5
    assert deck.card("num-interval").answer == pytest.approx(3.1415)
    assert deck.card("Multi").answers == [1, 2]
    assert deck.card("Order").items == ["first", "second", "third"]
    assert deck.card("Escapes").options == [":", "=", "~", "{}"]
    # General feedback first, then each answer's own feedback (kept, not dropped).
    assert deck.card("Feedback").explanation == "Simple arithmetic.\n\n2: Right\n\n3: Wrong"
    # Matching: one choice card per pair, choosing among the right-hand sides.
    match = [c for c in deck.cards if c.id.startswith("match-")]
    assert [(c.id, c.prompt.split("\n\n")[1], c.options[c.answer]) for c in match] == [
        ("match-canada", "Canada", "Ottawa"),
        ("match-italy", "Italy", "Rome"),
        ("match-japan", "Japan", "Tokyo"),
    ]
    assert all(c.options == ["Ottawa", "Rome", "Tokyo"] for c in match)
    messages = "\n".join(result.report.lines())
    assert "question 'Essay': an essay question has no studyrnn card type; skipped" in messages
    assert "pencil and paper" in deck.notes


def test_malformed_gift_reports_every_error_with_line_and_column() -> None:
    with pytest.raises(DeckError) as info:
        parse_gift((FIXTURES / "malformed.gift").read_text(encoding="utf-8"), "malformed.gift")
    lines = [str(d) for d in info.value.diagnostics]
    assert len(lines) == 3
    assert lines[0].startswith("malformed.gift:3:45: error:") and "never closed" in lines[0]
    assert lines[1].startswith("malformed.gift:5:") and "numerical" in lines[1]
    assert lines[2].startswith("malformed.gift:7:") and "weight" in lines[2]


def test_every_bundled_deck_survives_gift() -> None:
    from studyrnn.decks import load_decks
    from studyrnn.settings import bundled_decks_dir

    for deck in load_decks([bundled_decks_dir()]).decks:
        text, _ = export_gift([deck], 1)
        back = {c.id: c for c in import_deck(text, "gift", source=f"{deck.id}.gift").deck.cards}
        for card in deck.cards:
            if card.type == "generated":
                assert f"{card.id}-v1" in back
                continue
            # declared mistakes travel as Moodle's 0% answers with feedback (=%0%value#fb)
            a, b = (
                card.model_dump(exclude={"tolerance"}),
                back[card.id].model_dump(exclude={"tolerance"}),
            )
            assert a == b, (deck.id, card.id)
