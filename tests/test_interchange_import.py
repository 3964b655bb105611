"""Importing plain Q/A text and CSV, the YAML written, ids, and every command error as one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck, load_deck_text
from studyrnn.interchange.common import absolute_tolerance, format_tolerance
from studyrnn.interchange.ids import IdAllocator, deck_id_from, slugify, stable_int
from studyrnn.interchange.importing import import_deck
from studyrnn.interchange.yaml_out import dump_deck

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"


def _import(tmp_path: Path, name: str, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "out.yaml"
    code = main(["import", str(FIXTURES / name), "-o", str(out), *extra])
    assert code == 0
    return out, ""


@pytest.mark.parametrize(
    "name, layout",
    [
        ("alternating.txt", "alternating question and answer"),
        ("prefixed.txt", "'Q:' and 'A:'"),
        ("tabbed.txt", "question<TAB>answer"),
        ("line-one.txt", "took line 1 of each block as the question"),
    ],
)
def test_qa_import_gives_a_deck_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, layout: str
) -> None:
    out = tmp_path / "deck.yaml"
    assert main(["import", "--format", "qa", str(FIXTURES / name), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert layout in err and "derived from the file name" in err
    deck = load_deck(out)
    assert deck.id == Path(name).stem and all(c.type == "flashcard" for c in deck.cards)
    assert out.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_qa_pairs_and_multi_line_text(tmp_path: Path) -> None:
    result = import_deck(
        (FIXTURES / "prefixed.txt").read_text(encoding="utf-8"), "qa", source="p.txt"
    )
    cards = result.deck.cards
    assert len(cards) == 3
    assert cards[1].front == "Why do RNN gradients vanish?\nThe question goes on here."
    assert cards[1].back == "The error is multiplied once per step.\n\nFactors below 1 shrink it."
    assert "|-" in result.yaml  # multi-line text as a block scalar
    alt = import_deck(
        (FIXTURES / "alternating.txt").read_text(encoding="utf-8"), "qa", source="a.txt"
    )
    assert [c.id for c in alt.deck.cards] == [
        "bptt-stand",
        "rnn-gradients-vanish",
        "gradient-clipping-limit",
    ]
    assert alt.deck.cards[1].back.startswith("The error is multiplied")


def test_qa_odd_block_is_reported() -> None:
    result = import_deck("Q one?\n\nA one.\n\nOrphan?\n", "qa", source="o.txt")
    assert len(result.deck.cards) == 1
    assert any("no answer" in line for line in result.report.lines())


def test_csv_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cards.yaml"
    assert (
        main(
            [
                "import",
                str(FIXTURES / "cards.csv"),
                "-o",
                str(out),
                "--id",
                "my-cards",
                "--title",
                "My cards",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "'Difficulty' not used" in err  # extra column reported
    assert "cards.csv:6:1: warning:" in err and "no front" in err
    deck = load_deck(out)
    assert deck.id == "my-cards" and deck.title == "My cards"
    assert [c.front for c in deck.cards] == [
        "What is BPTT?",
        "Multi-line, with comma",
        "What is T?",
    ]  # BOM gone
    assert deck.cards[0].tags == ["bptt", "basics"] and deck.cards[1].tags == ["a", "b"]
    assert deck.cards[1].back == "line one\nline two"


def test_csv_semicolons_and_missing_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = import_deck(
        (FIXTURES / "semicolons.csv").read_text(encoding="utf-8"), "csv", source="s.csv"
    ).deck
    assert deck.cards[0].front == "What is h_0?" and deck.cards[0].tags == ["state"]
    bad = tmp_path / "noheader.csv"
    bad.write_text("What is T?,The length\n", encoding="utf-8")
    assert main(["import", str(bad), "-o", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}:1:1: error:") and "'front'" in err[0]


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deck.yaml"
    out.write_text("keep me", encoding="utf-8")
    assert main(["import", str(FIXTURES / "tabbed.txt"), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "keep me"
    assert "--force" in capsys.readouterr().err
    assert main(["import", str(FIXTURES / "tabbed.txt"), "-o", str(out), "--force"]) == 0
    assert load_deck(out).id == "tabbed"


def test_default_output_is_deck_id_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "line-one.txt", tmp_path / "My Notes.txt")
    assert main(["import", "My Notes.txt"]) == 0
    assert load_deck(tmp_path / "my-notes.yaml").title == "My notes"


def test_ids_are_stable_slugs() -> None:
    assert slugify("What does unrolling an RNN produce?") == "unrolling-rnn-produce"
    assert slugify("Größe der Gradienten") == "grosse-der-gradienten"
    assert slugify("???") == "card"
    ids = IdAllocator()
    assert [ids.from_text("Same?"), ids.from_text("Same?"), ids.from_text("Same?")] == [
        "same",
        "same-2",
        "same-3",
    ]
    assert deck_id_from("BPTT Notes (v2)") == "bptt-notes-v2"
    # Pinned values (sha256-derived, worked out by hand from the documented rule), so a
    # dependence on the process (hash() and PYTHONHASHSEED) or a changed derivation shows:
    # Anki ids already in users' collections depend on them.
    assert stable_int("studyrnn-deck", "x") == 1292192444
    assert stable_int("a") == 1243332042
    assert stable_int("studyrnn-deck", "interchange-fixture") == 1850226447


def test_tolerance_bands() -> None:
    assert absolute_tolerance(0.3, None) == pytest.approx(1e-8 + 0.003)
    assert absolute_tolerance(10, {"atol": 0.5}) == pytest.approx(
        0.5 + 0.1
    )  # rtol keeps its default
    assert absolute_tolerance(10, {"rtol": 0, "atol": 0.5}) == 0.5
    assert absolute_tolerance(0.000976, {"sigfigs": 2}) == pytest.approx(5e-6)
    assert format_tolerance(0.00300001) == "0.00301"  # rounded up, never narrower


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "true",
        "null",
        "1e3",
        "0o17",
        "12:30",
        "- dash",
        "a: b",
        "x #y",
        "#hash",
        "'q'",
        '"dq"',
        "[list]",
        "{map}",
        "*star",
        "&amp",
        "!bang",
        "%pct",
        "@at",
        "`tick",
        "|pipe",
        ">gt",
        "  lead",
        "trail  ",
        "two\nlines",
        "  indented\nfirst line",
        "\nleading newline",
        "ends\n",
        "ends twice\n\n",
        "tab\there",
        # control characters (BEL, CR) are not deck text since issue 13: validate refuses them
        "blank line\n\nin the middle",
        "spaces only line\n   \nbelow",
        "…unicode ✓",
    ],
)
def test_yaml_writer_keeps_text_exactly(text: str) -> None:
    deck = {
        "version": 1,
        "id": "t",
        "title": "T",
        "cards": [
            {
                "id": "c",
                "type": "flashcard",
                "front": text if text.strip() else "x",
                "back": "b",
                "tags": [text.replace("\n", " ").strip() or "t"],
            },
            {"id": "d", "type": "choice", "prompt": "p", "options": [text, "other"], "answer": 0},
        ],
    }
    loaded = load_deck_text(dump_deck(deck, schema="s.json"))
    assert loaded.cards[0].front == deck["cards"][0]["front"]
    assert loaded.cards[0].tags == deck["cards"][0]["tags"]
    assert loaded.cards[1].options[0] == text


@pytest.mark.parametrize(
    "argv, code, words",
    [
        (["export", "--format", "gift", "no-such-deck"], 2, "unknown deck 'no-such-deck'"),
        (["export", "--format", "gift", "bptt-basic"], 2, "did you mean 'bptt-basics'"),
        (["export", "--format", "pdf"], 2, "unknown format 'pdf'"),
        (["export", "bptt-basics"], 2, "--format"),
        (["export", "--format", "anki", "bptt-basics"], 2, "-o FILE.apkg"),
        (["export", "--format", "anki", "bptt-basics", "-o", "-"], 2, "stdout"),
        (["export", "--format", "gift", "missing.yaml"], 2, "no such deck file"),
        (["import", "missing.txt", "-o", "x.yaml"], 1, "no such file"),
        (["import", "--format", "docx", "x.txt"], 2, "unknown format 'docx'"),
        (["import", "notes.pdf"], 2, "--format"),
        (
            ["import", "--format", "qa", "{fixtures}/tabbed.txt", "--id", "Bad Id"],
            2,
            "not a valid deck id",
        ),
        (["import", "--format", "qa", "{fixtures}/tabbed.txt", "-o", "deck.txt"], 2, ".yaml"),
        (["import", "--format", "qa", "{fixtures}/empty.txt", "-o", "x.yaml"], 1, "no cards"),
        (["import", "--format", "gift", "{fixtures}/binary.gift", "-o", "x.yaml"], 1, "not UTF-8"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "binary.gift").write_bytes(b"::t::ok {=a}\n\xff\xfe")
    argv = [
        a.replace("{fixtures}/tabbed.txt", str(FIXTURES / "tabbed.txt")).replace("{fixtures}/", "")
        for a in argv
    ]
    assert main(argv) == code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("studyrnn: error:") and words in lines[0], lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert not list(tmp_path.glob("*.yaml"))


def test_a_negative_variant_count_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "json", "bptt-basics", "--variants", "-1"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --variants: must be from 0 to 1,000, not -1" in err and "Traceback" not in err


def test_broken_deck_file_is_reported_not_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\ncards: []\n", encoding="utf-8")
    assert main(["export", "--format", "gift", str(bad), "-o", str(tmp_path / "x.gift")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "Traceback" not in err
    assert not (tmp_path / "x.gift").exists()
