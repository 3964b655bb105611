"""Anki .apkg: a real package (zip + SQLite collection), one note per card, stable GUIDs."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck
from studyrnn.interchange.anki import BASIC_MODEL_ID, CHOICE_MODEL_ID, text_html
from studyrnn.interchange.ids import stable_int

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
EVERY = FIXTURES / "every-type.yaml"
VARIANTS = 2


def _collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as zf:
        assert "collection.anki2" in zf.namelist()
        zf.extract("collection.anki2", tmp_path / "unzipped")
    return sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")


def _expected_guids(deck) -> list[str]:
    guids = []
    for card in deck.cards:
        if card.type == "generated":
            guids += [genanki.guid_for(deck.id, card.id, k) for k in range(VARIANTS)]
        else:
            guids.append(genanki.guid_for(deck.id, card.id))
    return guids


@pytest.fixture(scope="module")
def apkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("anki") / "deck.apkg"
    assert (
        main(
            ["export", "--format", "anki", str(EVERY), "-o", str(out), "--variants", str(VARIANTS)]
        )
        == 0
    )
    return out


def test_apkg_is_an_anki_package_with_one_note_per_card(apkg: Path, tmp_path: Path) -> None:
    deck = load_deck(EVERY)
    db = _collection(apkg, tmp_path)
    guids = [g for (g,) in db.execute("SELECT guid FROM notes ORDER BY id")]
    assert sorted(guids) == sorted(_expected_guids(deck))
    assert len(set(guids)) == len(guids)
    n_cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
    assert n_cards == len(guids)  # one Anki card per note


def test_deck_and_note_type_ids_are_fixed(apkg: Path, tmp_path: Path) -> None:
    db = _collection(apkg, tmp_path)
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    ours = [d for d in decks.values() if d["name"].startswith("Interchange")]
    assert len(ours) == 1 and ours[0]["id"] == stable_int("studyrnn-deck", "interchange-fixture")
    assert "<h1>Study notes</h1>" in ours[0]["desc"]  # the notes, as HTML
    assert "&lt;b&gt;not bold&lt;/b&gt;" in ours[0]["desc"]  # raw HTML in notes stays text
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    assert {int(k) for k in models} == {BASIC_MODEL_ID, CHOICE_MODEL_ID}
    mids = {mid for (mid,) in db.execute("SELECT DISTINCT mid FROM notes")}
    assert mids == {BASIC_MODEL_ID, CHOICE_MODEL_ID}


def test_re_export_gives_the_same_guids(apkg: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.apkg"
    assert (
        main(
            [
                "export",
                "--format",
                "anki",
                str(EVERY),
                "-o",
                str(again),
                "--variants",
                str(VARIANTS),
            ]
        )
        == 0
    )
    first = sorted(
        g for (g,) in _collection(apkg, tmp_path / "a").execute("SELECT guid FROM notes")
    )
    second = sorted(
        g for (g,) in _collection(again, tmp_path / "b").execute("SELECT guid FROM notes")
    )
    assert first == second


def test_fields_are_escaped_and_solutions_kept(apkg: Path, tmp_path: Path) -> None:
    db = _collection(apkg, tmp_path)
    fields = {g: f.split("\x1f") for g, f in db.execute("SELECT guid, flds FROM notes")}
    choice = fields[genanki.guid_for("interchange-fixture", "choice-special")]
    assert "&#91;bold&#93;markup&#91;/bold&#93;" in choice[1]  # literal, not Anki/HTML markup
    assert "3. #hash and {braces}" in choice[2]  # the right answer on the back
    variant = fields[genanki.guid_for("interchange-fixture", "gen-count", 0)]
    assert variant[2].startswith("<ol><li>")  # the worked solution
    assert text_html("<script>[sound:x.mp3]\nnext") == "&lt;script&gt;&#91;sound:x.mp3&#93;<br>next"


def test_export_every_bundled_deck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.apkg"
    assert main(["export", "-o", str(out), "--variants", "1"]) == 0
    err = capsys.readouterr().err
    assert "studyrnn: exported 7 decks" in err or "studyrnn: exported" in err
    db = _collection(out, tmp_path)
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] > 100
