"""Anki's and Quizlet's text exports, and text encodings, through ``import``."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck
from studyrnn.errors import DeckError, UsageError
from studyrnn.interchange.csv_io import separator_from
from studyrnn.interchange.importing import decode_import, import_deck

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"

ANKI_CARDS = [
    {
        "id": "bptt",
        "type": "flashcard",
        "front": "What is BPTT?",
        "back": "Backpropagation through time,\nthe chain rule on the unrolled graph",
        "tags": ["ch 10", "rnn"],
    },
    {
        "id": "field-quote-line-break",
        "type": "flashcard",
        "front": 'A field with a "quote" and a line break',  # HTML: a newline is a space
        "back": "its back & more",
        "tags": ["rnn"],
    },
    {
        "id": "bptt-cuts-backward-pass-after-k",
        "type": "text",
        "prompt": "[...] BPTT cuts the backward pass after k steps",
        "answers": ["Truncated"],
        "explanation": "GBC §10.2.5",
        "tags": ["cloze"],
    },
    {
        "id": "truncated-bptt-cuts-backward-pass-after",
        "type": "text",
        "prompt": "Truncated BPTT cuts the backward pass after [...] steps",
        "answers": ["k"],
        "explanation": "GBC §10.2.5",
        "tags": ["cloze"],
    },
]


def _dicts(deck) -> list[dict]:
    out = []
    for card in deck.cards:
        data = card.model_dump(mode="json", exclude_none=True)
        data.pop("match", None)
        out.append({k: v for k, v in data.items() if v != []})
    return out


@pytest.mark.parametrize("fmt", ["csv", "qa"])
def test_anki_plain_text_export(fmt: str) -> None:
    text = (FIXTURES / "anki-notes.txt").read_text(encoding="utf-8")
    result = import_deck(text, fmt, source="anki-notes.txt")
    assert _dicts(result.deck) == ANKI_CARDS  # qa no longer makes one junk card of it
    if fmt == "csv":  # the deck column names the deck
        assert result.deck.title == "Study::RNN"
    assert (
        "anki-notes.txt: note: 4 cards from Anki's plain-text export (separator '\\t', html on)"
        in result.report.lines()
    )


def test_anki_headers_columns_and_html_off() -> None:
    text = (
        "#separator:Semicolon\n#html:false\n#columns:Tags;Front;Back\n#tags column:1\n"
        "#tags:shared\n"
        'one;"a; b";<b>literal</b>\n'
        'two;"multi\nline";back\n'
    )
    deck = import_deck(text, "csv", source="anki.csv").deck
    assert _dicts(deck) == [
        {
            "id": "b",
            "type": "flashcard",
            "front": "a; b",
            "back": "<b>literal</b>",
            "tags": ["one", "shared"],
        },
        {
            "id": "multi-line",
            "type": "flashcard",
            "front": "multi\nline",
            "back": "back",
            "tags": ["shared", "two"],
        },
    ]


def test_quizlet_multi_line_definitions_by_default() -> None:
    text = (FIXTURES / "quizlet.txt").read_text(encoding="utf-8")
    for fmt, extra in (("qa", {}), ("csv", {"separator": "tab"})):
        deck = import_deck(text, fmt, source="quizlet.txt", **extra).deck
        assert [(c.front, c.back) for c in deck.cards] == [
            ("gradient", "the vector of partial derivatives"),
            (
                "unrolling",
                "writing the recurrence out in time:\none copy of the cell per step,\n"
                "all sharing weights",
            ),
            ("BPTT", "backpropagation through time"),
        ], fmt


def test_quizlet_custom_separators_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.yaml"
    argv = ["import", "--format", "csv", str(FIXTURES / "quizlet-custom.txt"), "-o", str(out)]
    assert main([*argv, "--separator", " - ", "--card-separator", ";;"]) == 0
    deck = load_deck(out)
    assert [(c.front, c.back) for c in deck.cards] == [
        ("gradient", "the vector of partial derivatives"),
        ("unrolling", "writing the recurrence out\nin time"),
        ("BPTT", "backpropagation through time"),
    ]
    assert (
        "from Quizlet's export (term ' - ' definition, cards separated by ';;')"
        in capsys.readouterr().err
    )


def test_quizlet_semicolon_between_cards() -> None:
    deck = import_deck(
        "a,first;b,second\nline;c,third", "csv", source="q.txt", separator="comma",
        card_separator="semicolon",
    ).deck  # fmt: skip
    assert [(c.front, c.back) for c in deck.cards] == [
        ("a", "first"),
        ("b", "second\nline"),
        ("c", "third"),
    ]


def test_separator_names() -> None:
    assert [separator_from(n) for n in ("tab", "Comma", "semicolon", "newline", "\\t", "::")] == [
        "\t", ",", ";", "\n", "\t", "::"
    ]  # fmt: skip
    with pytest.raises(UsageError):
        separator_from("")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_read(codec: str, tmp_path: Path) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    raw = bom + "front\tback\nGröße\tsize ∂\n".encode(codec)
    assert decode_import(raw, "x.txt") == "front\tback\nGröße\tsize ∂\n"
    path = tmp_path / "excel.txt"
    path.write_bytes(raw)
    out = tmp_path / "excel.yaml"
    assert main(["import", "--format", "csv", str(path), "-o", str(out)]) == 0
    assert [(c.front, c.back) for c in load_deck(out).cards] == [("Größe", "size ∂")]


def test_not_utf8_is_one_line_with_one_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("front,back\nGr\xf6\xdfe,size\n".encode("latin-1"))
    assert main(["import", str(path), "-o", "-"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == f"studyrnn: error: {path}:2:3: not UTF-8 text (save the file as UTF-8 or UTF-16)"


def test_a_separator_option_needs_csv() -> None:
    assert main(["import", "--format", "gift", "x.gift", "--separator", "tab"]) == 2


def test_a_bad_anki_separator_is_an_error() -> None:
    with pytest.raises(DeckError, match="must be one character"):
        import_deck("#separator:ab\nx\n", "csv", source="a.txt")
