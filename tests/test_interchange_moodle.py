"""Moodle: GIFT and Moodle XML samples in (written after Moodle's documentation and its own
fixtures), and exports checked against Moodle's documented format: element names, question
types, fraction values from Moodle's grade list, tolerances, ids and tags.

No real Moodle parser runs here (php-cli is not installed); the checks encode Moodle's rules
as documented: qformat_xml's element names, question_bank::fraction_options, GIFT's
``// [id:] [tag:]`` comment syntax and its ``*`` wildcard in short answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck, load_deck_text, load_decks
from studyrnn.errors import DeckError
from studyrnn.interchange.gift import export_gift
from studyrnn.interchange.importing import import_deck
from studyrnn.interchange.moodle_xml import export_moodle_xml
from studyrnn.settings import bundled_decks_dir

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
EVERY = FIXTURES / "every-type.yaml"

# Moodle's grade list, written out by hand from question_bank::fraction_options (the test's
# own copy, not the exporter's): 100%, 90%, 83.33333%, ..., 5%, and their negatives.
MOODLE_PERCENTS = [
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
]  # fmt: skip


def _is_moodle_grade(percent: float) -> bool:
    return any(abs(abs(percent) - p) < 1e-4 for p in MOODLE_PERCENTS)


def _import(name: str, fmt: str):
    return import_deck((FIXTURES / name).read_text(encoding="utf-8"), fmt, source=name)


# --------------------------------------------------------------------------------------------
# GIFT in


def test_moodle_documentation_examples_import() -> None:
    result = _import("moodle-docs.gift", "gift")
    deck = result.deck
    cards = {c.id: c for c in deck.cards}
    assert deck.title == "GIFT documentation examples"
    assert cards["Q1"].type == "true_false" and cards["Q1"].answer is True
    assert cards["Q2"].options == ["yellow", "red", "blue"] and cards["Q2"].answer == 0
    assert cards["Q2"].explanation == (
        "yellow: right; good!\n\nred: wrong, it's yellow\n\nblue: wrong, it's yellow"
    )
    assert cards["Q3"].prompt == "Two plus _____ equals four." and cards["Q3"].answers == [
        "two",
        "2",
    ]
    assert [(c.id, c.options[c.answer]) for c in deck.cards if c.id.startswith("q4-")] == [
        ("q4-cat", "cat food"),
        ("q4-dog", "dog food"),
        ("q4-cow", "grass"),
    ]
    # {#3:2} and {#1..5} are both 3 ± 2 ("a number from 1 to 5"), an absolute band
    for name in ("Q5", "Q6"):
        assert (cards[name].answer, cards[name].tolerance.rtol, cards[name].tolerance.atol) == (
            3,
            0,
            2,
        )
    assert (cards["Q7"].answer, cards["Q7"].tolerance.atol) == (1822, 0)  # the 100% answer
    assert cards["Q7"].explanation == (
        "Correct! Full credit.\n\n1822 ± 2 (50%): He was born in 1822. Half credit for being close."
    )
    assert "Q8" not in cards  # essay
    assert cards["Q9"].type == "multi" and cards["Q9"].answers == [1, 2]
    assert cards["Q10"].prompt == "Grant is _____ in Grant's tomb." and cards["Q10"].answer == 1
    assert cards["Q11"].answers == ["blue"]  # {blue}: one answer without '='
    assert cards["Q12"].answer is False
    assert cards["Q12"].explanation == (
        "Think of the compass.\n\nRight.\n\nIf you answered true: No: it rises in the east."
    )
    assert cards["capital-fr"].tags == ["geography", "europe"]  # [id:] and [tag:]
    assert cards["Q14"].options == ["\\:", "\\=", "none"]
    assert deck.notes.strip() == "You can use your pencil and paper for these next math questions."
    lines = result.report.lines()
    assert (
        "moodle-docs.gift:31:1: warning: question 'Q8': an essay question has no studyrnn card type; skipped"
        in lines
    )
    assert (
        "moodle-docs.gift:25:1: warning: question 'Q7': 2 numerical answers: kept the one with "
        "the highest weight (a studyrnn numeric card has one answer)"
    ) in lines


def test_moodle_fixture_style_file_imports() -> None:
    result = _import("moodle-fixture-style.gift", "gift")
    cards = {c.id: c for c in result.deck.cards}
    tools = [c for c in result.deck.cards if c.id.startswith("tools-")]
    assert [c.prompt.split("\n\n")[1] for c in tools] == [
        "Measures length.",  # [html] <i> dropped
        "Joins two boards.",  # [moodle]
        "Cuts wood.",  # [plain]
        "Turns screws.",  # [markdown] ** dropped
    ]
    assert all(c.options == ["Ruler", "Nail", "Saw", "Screwdriver", "Hammer"] for c in tools)
    assert [c.options[c.answer] for c in tools] == ["Ruler", "Nail", "Saw", "Screwdriver"]
    assert tools[0].prompt.startswith("Match the tool to its purpose.")  # [html] <b> dropped
    assert cards["Colour"].explanation.split("\n\n")[1] == "red: wrong, it's yellow"
    assert cards["Colours"].answers == [0, 2] and cards["Colours"].options[3] == "navy"
    assert (cards["Number"].answer, cards["Number"].tolerance.atol) == (3, 2)
    assert "Completely wrong" in cards["Number"].explanation
    assert (cards["bare-tilde"].answer, cards["bare-tilde"].tolerance.atol) == (15, 5)
    assert cards["exported-numerical"].explanation == "Right.\n\nAny other answer: Count again."
    assert cards["Shortanswer"].answers == ["Cow"]
    assert cards["tf-general"].answer is False
    assert cards["same-name"].statement.startswith("Water boils")
    assert cards["same-name-2"].statement.startswith("Water freezes")
    assert cards["Star"].answers == ["*"]  # "\*" is a literal star
    lines = result.report.lines()
    assert any("'Shortanswer': wildcard answer '*' not kept" in line for line in lines)
    assert any("'Cattle' earns 50%: partial credit is not kept" in line for line in lines)


def test_moodle_html_editor_export_becomes_plain_text() -> None:
    result = _import("moodle-html.gift", "gift")
    waves = result.deck.card("Waves")
    assert (
        waves.prompt
        == "Which quantity is the number of wave crests per second?\n\n[image: wave.png]"
    )
    assert waves.options == ["frequency", "wavelength", "amplitude"]
    assert (
        waves.explanation
        == "frequency: Yes — measured in hertz.\n\nwavelength: That is a distance."
    )
    assert result.deck.card("speed-light").prompt.endswith("to 3 significant figures is:")
    assert result.deck.card("Metal").statement == "Iron is a metal."
    assert (
        "moodle-html.gift: warning: 1 image or media file not imported (shown as [image: name])"
        in result.report.lines()
    )
    for card in result.deck.cards:
        text = " ".join(str(v) for v in card.model_dump().values())
        assert "<" not in text and "&nbsp;" not in text and "@@PLUGINFILE@@" not in text


def test_no_cards_found_only_mentions_warnings_that_were_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    essay = tmp_path / "essay.gift"
    essay.write_text("::E:: Write an essay. {}\n", encoding="utf-8")
    assert main(["import", str(essay), "-o", "-"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        f"{essay}:1:1: warning: question 'E': an essay question has no studyrnn card type; skipped"
        in err
    )
    assert err[-1] == f"studyrnn: error: {essay}: no cards found to import (see the warnings above)"
    empty = tmp_path / "empty.csv"
    empty.write_text("front,back\n", encoding="utf-8")
    assert main(["import", str(empty), "-o", "-"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"studyrnn: error: {empty}: no cards found to import"
    assert all(line.count("error:") == 1 for line in err if "error" in line)


# --------------------------------------------------------------------------------------------
# GIFT out


@pytest.fixture(scope="module")
def every_gift() -> str:
    return export_gift([load_deck(EVERY)], 3)[0]


def test_gift_export_writes_moodle_id_and_tag_lines(every_gift: str) -> None:
    blocks = every_gift.split("\n\n")
    short = next(b for b in blocks if "::short-flash::" in b)
    assert short.splitlines()[0] == "// [id:short-flash] [tag:bptt] [tag:names]"
    # Every question has its id line, and Moodle's id regex reads exactly our id from it.
    for block in blocks:
        title = re.search(r"^::(.+?)::", block, re.M)
        if title and "study notes" not in title.group(1):
            comments = "\n".join(line for line in block.splitlines() if line.startswith("//"))
            assert re.search(r"\[id:((?:\\\]|[^\]])+)\]", comments).group(1) == title.group(1)


def test_gift_short_answer_star_is_escaped() -> None:
    deck = load_deck_text(
        "version: 1\nid: stars\ntitle: Stars\ncards:\n"
        "  - {id: s, type: text, prompt: 'Multiply?', answers: ['a*b']}\n"
    )
    text, report = export_gift([deck], 0)
    assert "{=a\\*b}" in text
    assert any("'*' in the short answer 'a*b' written as '\\*'" in m for m in report.messages())
    back = import_deck(text, "gift", source="stars.gift").deck
    assert back.card("s").answers == ["a*b"]


def _multi_deck(n_right: int, n_wrong: int = 2) -> str:
    options = [f"right {i}" for i in range(n_right)] + [f"wrong {i}" for i in range(n_wrong)]
    return (
        "version: 1\nid: many\ntitle: Many\ncards:\n  - id: m\n    type: multi\n"
        "    prompt: Pick the right ones\n"
        f"    options: [{', '.join(repr(o) for o in options)}]\n"
        f"    answers: [{', '.join(str(i) for i in range(n_right))}]\n"
    )


@pytest.mark.parametrize("n_right", [2, 3, 7, 11, 13, 20])
def test_gift_multi_weights_come_from_moodles_list_and_sum_to_100(n_right: int) -> None:
    deck = load_deck_text(_multi_deck(n_right))
    text, report = export_gift([deck], 0)
    weights = [float(w) for w in re.findall(r"~%(-?[\d.]+)%", text)]
    assert len(weights) == n_right + 2
    assert all(_is_moodle_grade(w) for w in weights), weights
    assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=1e-4)
    assert all(w < 0 for w in weights[n_right:])
    rounded = any("Moodle takes only the grades of its list" in m for m in report.messages())
    assert rounded == (not _is_moodle_grade(100 / n_right))  # 1/11 and 1/13 are not listed
    # and it comes back as the same multi card
    assert import_deck(text, "gift", source="m.gift").deck.card("m").answers == list(range(n_right))


FIXED_DECK = """\
version: 1
id: fixed
title: Fixed
cards:
  - id: step-fixed
    type: generated
    generator: hidden_state_step
    params: {W_x: 0.5, W_s: 0.8, x: 1.0, s_prev: 0.25}
  - id: step-fixed-again
    type: generated
    generator: hidden_state_step
    params: {W_x: 0.5, W_s: 0.8, x: 1.0, s_prev: 0.25}
  - id: step-free
    type: generated
    generator: hidden_state_step
"""


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "anki"])
def test_generated_variants_are_distinct_and_fixed_cards_export_once(fmt: str) -> None:
    from studyrnn.interchange.anki import build_package
    from studyrnn.quiz import present

    decks = [*load_decks([bundled_decks_dir()]).decks, load_deck_text(FIXED_DECK)]
    fixed = load_deck_text(FIXED_DECK)
    # The premise, checked with the quiz's own presentation: every seed asks the same thing.
    assert len({present(fixed.card("step-fixed"), seed).prompt for seed in range(11)}) == 1
    if fmt == "gift":
        text, report = export_gift(decks, 5)
        blocks = [b.split("\n")[-1] for b in text.strip().split("\n\n")]
        questions = [(b.split("::")[1], b.split("::", 2)[2]) for b in blocks if b.startswith("::")]
    elif fmt == "moodle-xml":
        text, report, _ = export_moodle_xml(decks, 5)
        root = ET.fromstring(text)
        questions = [
            (q.findtext("name/text"), q.findtext("questiontext/text"))
            for q in root.findall("question")
            if q.get("type") != "category"
        ]
    else:
        package, report, _ = build_package(decks, 5)
        questions = [
            (n.fields[[f["name"] for f in n.model.fields].index("Card id")], n.fields[0])
            for d in package.decks
            for n in d.notes
        ]
    names = [name for name, _ in questions]
    texts = [text for _, text in questions]
    assert len(texts) == len(set(texts))  # no question asked twice
    assert sum(1 for n in names if n.startswith("step-fixed-v") or n == "step-fixed") == 1
    assert not any(n.startswith("step-fixed-again") for n in names)  # repeats step-fixed
    assert sum(1 for n in names if n.startswith("step-free")) == 5
    assert any(
        "card 'step-fixed-again': skipped: every variant repeats a question already exported" in m
        for m in report.messages()
    )
    generated = [c for d in decks[:-1] for c in d.cards if c.type == "generated"]
    for card in generated:  # the bundled cards all vary: each gets its 5 variants
        assert sum(1 for n in names if n.startswith(f"{card.id}-v") or n == card.id) == 5


# --------------------------------------------------------------------------------------------
# Moodle XML out: checked against the documented format

QUESTION_TYPES = {
    "category", "multichoice", "truefalse", "shortanswer", "numerical", "matching",
    "description", "essay",
}  # fmt: skip
TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}


@pytest.fixture(scope="module")
def bundled_xml() -> ET.Element:
    decks = [*load_decks([bundled_decks_dir()]).decks, load_deck(EVERY)]
    text, _, _ = export_moodle_xml(decks, 3)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    return ET.fromstring(text)


def test_moodle_xml_structure(bundled_xml: ET.Element) -> None:
    assert bundled_xml.tag == "quiz"
    questions = bundled_xml.findall("question")
    assert {q.get("type") for q in questions} <= QUESTION_TYPES
    for q in questions:
        kind = q.get("type")
        if kind == "category":
            assert q.findtext("category/text").startswith("$course$/top/")
            continue
        assert q.findtext("name/text").strip()
        assert q.findtext("idnumber") == q.findtext("name/text")
        assert q.find("questiontext").get("format") in TEXT_FORMATS
        assert q.find("questiontext/text") is not None
        assert q.find("generalfeedback/text") is not None
        assert q.findtext("defaultgrade") == "1"
        for answer in q.findall("answer"):
            assert _is_moodle_grade(float(answer.get("fraction"))), answer.get("fraction")
            assert answer.find("text") is not None and answer.find("feedback/text") is not None
        if kind == "multichoice":
            single = q.findtext("single")
            assert single in ("true", "false")
            fractions = [float(a.get("fraction")) for a in q.findall("answer")]
            if single == "true":
                assert sorted(fractions)[-1] == 100 and sorted(fractions)[:-1] == [0] * (
                    len(fractions) - 1
                )
            else:
                assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-4)
        if kind == "numerical":
            answer, *mistakes = q.findall("answer")
            assert answer.get("fraction") == "100"
            for mistake in mistakes:  # declared mistakes: 0% with their own feedback
                assert mistake.get("fraction") == "0" and mistake.findtext("feedback/text")
                float(mistake.findtext("text"))
            float(answer.findtext("text"))
            assert float(answer.findtext("tolerance")) >= 0
            # Moodle's numerical tolerance is absolute; tolerance types (relative, nominal,
            # geometric) belong to calculated questions, which are never written.
            assert q.find("tolerancetype") is None and answer.find("tolerancetype") is None
            for unit in q.findall("units/unit"):
                assert unit.findtext("multiplier") == "1" and unit.findtext("unit_name")
        if kind == "truefalse":
            assert [a.findtext("text") for a in q.findall("answer")] == ["true", "false"]
        if kind == "shortanswer":
            assert q.findtext("usecase") in ("0", "1")
        if kind == "matching":
            assert len(q.findall("subquestion")) >= 2
            for sub in q.findall("subquestion"):
                assert sub.findtext("answer/text")
        for tag in q.findall("tags/tag"):
            assert tag.findtext("text")


def test_moodle_xml_numeric_tolerance_unit_and_tags(bundled_xml: ET.Element) -> None:
    deck = load_deck(EVERY)
    card = deck.card("numeric-unit")
    q = next(
        q for q in bundled_xml.findall("question") if q.findtext("name/text") == "numeric-unit"
    )
    answer = q.find("answer")
    # The band at the answer, atol + rtol·|answer|, rounded UP (never narrower than studyrnn's).
    band = (card.tolerance.atol or 1e-8) + (card.tolerance.rtol or 0) * abs(card.answer)
    assert float(answer.findtext("text")) == card.answer
    assert band <= float(answer.findtext("tolerance")) <= band * 1.01
    assert q.findtext("units/unit/unit_name") == card.unit
    short = next(
        q for q in bundled_xml.findall("question") if q.findtext("name/text") == "short-flash"
    )
    assert [t.text for t in short.findall("tags/tag/text")] == ["bptt", "names"]


def test_moodle_xml_imports_an_html_editor_export() -> None:
    result = _import("moodle-html.xml", "moodle-xml")
    cards = {c.id: c for c in result.deck.cards}
    waves = cards["waves-frequency"]  # <idnumber>
    assert (
        waves.prompt
        == "Which quantity is the number of wave crests per second?\n\n[image: wave.png]"
    )
    assert waves.options == ["frequency", "wavelength", "amplitude"] and waves.answer == 0
    assert waves.explanation == "Frequency = crests per second.\n\nfrequency: Yes, in hertz."
    assert waves.tags == ["waves", "physics"]
    light = cards["speed-light"]
    assert (light.answer, light.tolerance.atol, light.unit) == (300000, 500, "km/s")
    assert light.explanation == "300000 ± 5000 (50%): Close.\n\nAny other answer: Far off."
    assert cards["Metal"].answer is True
    assert cards["unit-force"].answers == ["newton"]
    assert [
        (c.prompt.split("\n\n")[1], c.options[c.answer])
        for c in result.deck.cards
        if c.type == "choice" and c.id.startswith("quantities")
    ] == [("force", "newton"), ("energy", "joule")]
    lines = result.report.lines()
    assert (
        "moodle-html.xml: warning: 1 question of type 'essay' skipped (no studyrnn card type)"
        in lines
    )
    assert "moodle-html.xml: warning: 1 image or media file not imported" in lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<quiz><question", "not well-formed XML"),
        ('<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>', "DOCTYPE or ENTITY"),
        ("<html></html>", "expected a Moodle XML <quiz>, found <html>"),
    ],
)
def test_bad_moodle_xml_is_one_error(text: str, message: str) -> None:
    with pytest.raises(DeckError) as info:
        import_deck(text, "moodle-xml", source="bad.xml")
    (diagnostic,) = info.value.diagnostics
    assert message in str(diagnostic) and str(diagnostic).startswith("bad.xml:")


def test_export_by_suffix_and_import_back(tmp_path: Path) -> None:
    out = tmp_path / "quiz.xml"
    assert main(["export", str(EVERY), "-o", str(out)]) == 0
    assert ET.parse(out).getroot().tag == "quiz"
    deck_file = tmp_path / "back.yaml"
    assert main(["import", str(out), "-o", str(deck_file)]) == 0
    assert (
        load_deck(deck_file).card("choice-special").options
        == load_deck(EVERY).card("choice-special").options
    )


def test_declared_mistakes_are_moodles_zero_percent_answers_with_feedback() -> None:
    deck = load_deck_text(
        "version: 1\nid: m\ntitle: M\ncards:\n"
        "  - id: deriv\n    type: numeric\n    prompt: tanh'(a) when h = 0.6?\n"
        "    answer: 0.64\n    tolerance: {atol: 0.005, rtol: 0}\n"
        "    mistakes:\n      - {answer: 0.4, feedback: 'that is 1 - h; square h first'}\n"
    )
    gift_text, _ = export_gift([deck], 0)
    assert "{#=0.64:0.005 =%0%0.4:0.005#that is 1 - h; square h first}" in gift_text
    xml_text, _, _ = export_moodle_xml([deck], 0)
    q = next(q for q in ET.fromstring(xml_text).findall("question") if q.get("type") == "numerical")
    assert [
        (a.get("fraction"), a.findtext("text"), a.findtext("feedback/text"))
        for a in q.findall("answer")
    ] == [
        ("100", "0.64", ""),
        ("0", "0.4", "that is 1 - h; square h first"),
    ]
    # And from Moodle itself (no studyrnn marker): a 0% answer with feedback is a mistake.
    plain = (
        "::d::tanh'(a) when h = 0.6?{#=0.64:0.005 =%0%0.4:0.005#square h first =%50%0.6:0.01#close}"
    )
    back = import_deck(plain, "gift", source="d.gift")
    card = back.deck.card("d")
    assert [(m.answer, m.feedback) for m in card.mistakes] == [(0.4, "square h first")]
    assert card.explanation == "0.6 ± 0.01 (50%): close"  # partial credit: in the explanation
