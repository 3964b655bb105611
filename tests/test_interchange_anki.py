"""Anki .apkg out: a real package (zip + SQLite collection), one note per card, stable GUIDs,
decks by id, versioned note types; checked with the SQLite file and, where the real Anki
backend (PyPI ``anki``, a test-only dependency) is installed, with Anki's own importer."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck, load_decks
from studyrnn.interchange.anki import (
    BASIC_MODEL_ID,
    CHOICE_MODEL_ID,
    text_html,
)
from studyrnn.settings import bundled_decks_dir

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
    argv = ["export", "--format", "anki", str(EVERY), "-o", str(out), "--variants", str(VARIANTS)]
    assert main(argv) == 0
    return out


def test_apkg_is_an_anki_package_with_one_note_per_card(apkg: Path, tmp_path: Path) -> None:
    deck = load_deck(EVERY)
    db = _collection(apkg, tmp_path)
    guids = [g for (g,) in db.execute("SELECT guid FROM notes ORDER BY id")]
    assert sorted(guids) == sorted(_expected_guids(deck))
    assert len(set(guids)) == len(guids)
    n_cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
    assert n_cards == len(guids)  # one Anki card per note


def test_deck_is_named_by_its_id_and_note_types_are_versioned(apkg: Path, tmp_path: Path) -> None:
    db = _collection(apkg, tmp_path)
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    ours = [d for d in decks.values() if d["name"] != "Default"]
    assert [d["name"] for d in ours] == ["studyrnn::interchange-fixture"]
    # Pinned: the id is sha256-derived, so a change of derivation (or PYTHONHASHSEED) shows.
    assert ours[0]["id"] == 1850226447
    # The title, in the description.
    assert ours[0]["desc"].startswith("<h2>Interchange: every type / {special} characters</h2>")
    assert "<h1>Study notes</h1>" in ours[0]["desc"]  # the notes, as HTML
    assert "&lt;b&gt;not bold&lt;/b&gt;" in ours[0]["desc"]  # raw HTML in notes stays text
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    assert {int(k): m["name"] for k, m in models.items()} == {
        BASIC_MODEL_ID: "studyrnn Basic v2",
        CHOICE_MODEL_ID: "studyrnn Choice v2",
    }
    assert (BASIC_MODEL_ID, CHOICE_MODEL_ID) == (1265752908, 1377543473)  # pinned
    fields = [f["name"] for f in models[str(BASIC_MODEL_ID)]["flds"]]
    assert fields == [
        "Front",
        "Back",
        "Solution",
        "Explanation",
        "Source",
        "Card id",
        "studyrnn",
        "Extra 1",
        "Extra 2",
    ]
    mids = {mid for (mid,) in db.execute("SELECT DISTINCT mid FROM notes")}
    assert mids == {BASIC_MODEL_ID, CHOICE_MODEL_ID}


def test_re_export_gives_the_same_guids(apkg: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.apkg"
    argv = ["export", "--format", "anki", str(EVERY), "-o", str(again), "--variants", str(VARIANTS)]
    assert main(argv) == 0
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
    assert main(["export", "-o", str(out), "--variants", "2"]) == 0
    err = capsys.readouterr().err
    decks = load_decks([bundled_decks_dir()]).decks
    n_cards = sum(len(d.cards) for d in decks)
    assert len(decks) == len(list(bundled_decks_dir().glob("*.yaml")))
    db = _collection(out, tmp_path)
    n_notes = db.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert f"studyrnn: exported {len(decks)} decks ({n_cards} cards) as {n_notes} Anki notes" in err
    guids = {g for (g,) in db.execute("SELECT guid FROM notes")}
    for deck in decks:  # every fixed card is there, once
        for card in deck.cards:
            if card.type != "generated":
                assert genanki.guid_for(deck.id, card.id) in guids
    # No two notes of a note type share a first field: Anki would flag them as duplicates.
    firsts = [(mid, f.split("\x1f")[0]) for mid, f in db.execute("SELECT mid, flds FROM notes")]
    assert len(set(firsts)) == len(firsts)
    fixed = sum(1 for d in decks for c in d.cards if c.type != "generated")
    generated = n_cards - fixed
    # two variants per generated card, fewer only where the report says so
    fewer = err.count("distinct variant of 2") + 2 * err.count("skipped: every variant repeats")
    assert n_notes == fixed + 2 * generated - fewer
    assert n_notes > n_cards  # so the summary's count of notes is not the count of cards


def test_an_existing_output_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"keep me")
    assert main(["export", str(EVERY), "-o", str(out)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert main(["export", str(EVERY), "-o", str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)


# --------------------------------------------------------------------------------------------
# Anki's own importer (test-only dependency: skipped where `anki` is not installed)


def _anki_import(col, apkg: Path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False)
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    return col.import_anki_package(request).log


def test_anki_imports_updates_in_place_across_a_retitle(tmp_path: Path) -> None:
    anki_collection = pytest.importorskip("anki.collection")
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        first = tmp_path / "first.apkg"
        assert main(["export", "-o", str(first), "--variants", "3"]) == 0
        log = _anki_import(col, first)
        n_notes = col.note_count()
        assert len(log.new) == n_notes > 100
        assert len(log.first_field_match) == 0  # no two notes ask the same thing
        assert len(log.conflicting) == 0
        decks_before = sorted(d.name for d in col.decks.all_names_and_ids())

        # The same deck, retitled and with an edited card: Anki must update, not add.
        text = (EVERY).read_text(encoding="utf-8")
        retitled = tmp_path / "every-type.yaml"
        retitled.write_text(
            text.replace('title: "Interchange: every', 'title: "Renamed: every'),
            encoding="utf-8",
        )
        assert load_deck(retitled).title.startswith("Renamed")
        one = tmp_path / "one.apkg"
        assert main(["export", str(EVERY), "-o", str(one), "--variants", "3"]) == 0
        _anki_import(col, one)
        n_after_first = col.note_count()
        two = tmp_path / "two.apkg"
        assert main(["export", str(retitled), "-o", str(two), "--variants", "3"]) == 0
        log = _anki_import(col, two)
        assert len(log.new) == 0
        assert len(log.conflicting) == 0
        assert col.note_count() == n_after_first
        decks_after = sorted(d.name for d in col.decks.all_names_and_ids())
        assert decks_after == sorted(set(decks_before) | {"studyrnn::interchange-fixture"})
    finally:
        col.close()


def test_anki_updates_in_place_after_a_template_change_but_not_a_field_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the fields are frozen per note-type version: Anki takes a new template or CSS in its
    stride, but reads any change of fields under the same id as a new note type and marks every
    note 'conflicting' -- so a field change must come with a new version (new ids)."""
    anki_collection = pytest.importorskip("anki.collection")
    from studyrnn.interchange import anki

    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        first = tmp_path / "first.apkg"
        assert main(["export", str(EVERY), "-o", str(first)]) == 0
        n_new = len(_anki_import(col, first).new)
        assert n_new == col.note_count() > 0

        monkeypatch.setattr(anki, "CSS", anki.CSS + "\n.card { font-size: 22px; }\n")
        monkeypatch.setattr(anki, "_EXTRAS", anki._EXTRAS + "\n<div>{{Extra 1}}</div>")
        restyled = tmp_path / "restyled.apkg"
        assert main(["export", str(EVERY), "-o", str(restyled)]) == 0
        log = _anki_import(col, restyled)
        assert (len(log.new), len(log.conflicting)) == (0, 0)
        assert col.note_count() == n_new

        # A field added without a new version: exactly what the frozen schema prevents.
        monkeypatch.setattr(anki, "_FIELDS_TAIL", [*anki._FIELDS_TAIL, {"name": "Extra 3"}])
        make_note = anki._note

        def note_with_one_more_field(*args, **kwargs):
            note = make_note(*args, **kwargs)
            note.fields.append("")
            return note

        monkeypatch.setattr(anki, "_note", note_with_one_more_field)
        changed = tmp_path / "changed.apkg"
        assert main(["export", str(EVERY), "-o", str(changed)]) == 0
        log = _anki_import(col, changed)
        assert len(log.conflicting) == n_new  # every note: hence the version rule
    finally:
        col.close()
