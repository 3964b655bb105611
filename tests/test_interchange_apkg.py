"""``import --format apkg``: Anki packages in.

Packages come from two independent writers: the real Anki backend (PyPI ``anki``, a TEST-only
dependency, skipped where it is not installed) in both its current (zstd ``collection.anki21b``)
and legacy (``collection.anki21``) formats, and a schema-11 ``collection.anki2`` built here with
sqlite3 by hand, following Anki's schema, so the reader is tested on every machine.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck
from studyrnn.errors import DeckError
from studyrnn.interchange import anki_import
from studyrnn.interchange.importing import import_deck

# What the Anki-built package below must become, card by card (ids derived from the text).
EXPECTED = [
    {
        "id": "bptt",
        "type": "flashcard",
        "front": "What is BPTT?",
        "back": "Backprop through time\nover the unrolled graph",
        "tags": ["ch 10", "rnn"],
    },
    {"id": "tanh-0", "type": "flashcard", "front": "tanh'(0)", "back": "1"},
    {"id": "1", "type": "flashcard", "front": "1", "back": "tanh'(0)"},  # the reverse card
    {
        "id": "capital-france",
        "type": "text",
        "prompt": "Capital of France?",
        "answers": ["Paris"],
        "tags": ["geo"],
    },
    {
        "id": "gradients-come-from-repeated-multiplication",
        "type": "text",
        "prompt": "[...] gradients come from repeated multiplication",
        "answers": ["Vanishing"],
        "explanation": "GBC 10.7",
    },
    {
        "id": "vanishing-gradients-come-from-operation",
        "type": "text",
        "prompt": "Vanishing gradients come from [operation] multiplication",
        "answers": ["repeated"],
        "explanation": "GBC 10.7",
    },
    {
        "id": "wave-image-wave-png",
        "type": "flashcard",
        "front": "Wave:\n[image: wave.png]",
        "back": "a sine & a cosine",
    },
]


def _card_dicts(result) -> list[dict]:
    return [
        c.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        | {
            "id": c.id,
            "type": c.type,
        }
        for c in result.deck.cards
    ]


def _without_empty(cards: list[dict]) -> list[dict]:
    return [{k: v for k, v in c.items() if v not in ([], None)} for c in cards]


@pytest.fixture(scope="module")
def anki_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Packages written by Anki itself: Basic (HTML, tags), reversed, type-in, cloze, media."""
    anki_collection = pytest.importorskip("anki.collection")
    from anki.decks import DeckId

    tmp = tmp_path_factory.mktemp("anki-real")
    col = anki_collection.Collection(str(tmp / "c.anki2"))
    try:
        did = DeckId(col.decks.id("Physics::Waves"))

        def add(notetype: str, fields: dict[str, str], tags: tuple[str, ...] = ()) -> None:
            note = col.new_note(col.models.by_name(notetype))
            for key, value in fields.items():
                note[key] = value
            note.tags = list(tags)
            col.add_note(note, did)

        add(
            "Basic",
            {
                "Front": "What is <b>BPTT</b>?",
                "Back": "Backprop&nbsp;through time<br>over the unrolled graph",
            },
            ("rnn", "ch_10"),
        )
        add("Basic (and reversed card)", {"Front": "tanh'(0)", "Back": "1"})
        add(
            "Basic (type in the answer)", {"Front": "Capital of France?", "Back": "Paris"}, ("geo",)
        )
        add(
            "Cloze",
            {
                "Text": "{{c1::Vanishing}} gradients come from {{c2::repeated::operation}} "
                "multiplication",
                "Back Extra": "GBC 10.7",
            },
        )
        name = col.media.write_data("wave.png", b"\x89PNG not really")
        add("Basic", {"Front": f'Wave:<br><img src="{name}">', "Back": "a sine &amp; a cosine"})
        out = {}
        for kind, legacy in (("current", False), ("legacy", True)):
            path = tmp / f"{kind}.apkg"
            options = anki_collection.ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
            )
            col.export_anki_package(out_path=str(path), options=options, limit=None)
            out[kind] = path
        return out
    finally:
        col.close()


@pytest.mark.parametrize("kind", ["current", "legacy"])
def test_a_package_written_by_anki_imports(anki_packages: dict[str, Path], kind: str) -> None:
    path = anki_packages[kind]
    with zipfile.ZipFile(path) as zf:  # the package really is the format named
        names = set(zf.namelist())
    assert ("collection.anki21b" in names) == (kind == "current")
    result = import_deck(path.read_bytes(), "apkg", source=path.name)
    assert _without_empty(_card_dicts(result)) == EXPECTED
    assert result.deck.title == "Physics::Waves"
    lines = result.report.lines()
    member = "collection.anki21b" if kind == "current" else "collection.anki21"
    assert f"{path.name}: note: 5 Anki notes read from {member}, 7 cards made" in lines
    assert (
        f"{path.name}: warning: media not imported: 1 file in the package, 1 reference in "
        "fields (shown as [image: name] / [media: name])"
    ) in lines


def test_import_by_suffix_through_the_cli(
    anki_packages: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "waves.yaml"
    assert main(["import", str(anki_packages["current"]), "-o", str(out)]) == 0
    assert len(load_deck(out).cards) == len(EXPECTED)
    assert "wrote" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# a schema-11 collection built by hand (Anki's legacy layout), so the reader runs everywhere


def _legacy_package(
    notes: list[tuple[int, str, str, list[int]]], models: dict, media: dict
) -> bytes:
    """A ``collection.anki2`` package: ``notes`` are (model id, tags, fields joined by \\x1f,
    card ords)."""
    buf = io.BytesIO()
    db_file = io.BytesIO()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.anki2"
        db = sqlite3.connect(path)
        db.executescript(
            """
            CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer,
              ver integer, dty integer, usn integer, ls integer, conf text, models text,
              decks text, dconf text, tags text);
            CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer,
              usn integer, tags text, flds text, sfld integer, csum integer, flags integer,
              data text);
            CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer,
              mod integer, usn integer, type integer, queue integer, due integer, ivl integer,
              factor integer, reps integer, lapses integer, left integer, odue integer,
              odid integer, flags integer, data text);
            """
        )
        decks = {
            "1": {"id": 1, "name": "Default", "desc": ""},
            "77": {"id": 77, "name": "Hand::Made", "desc": ""},
        }
        db.execute(
            "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
            (json.dumps(models), json.dumps(decks)),
        )
        cid = 1
        for nid, (mid, tags, flds, ords) in enumerate(notes, start=1):
            db.execute(
                "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
                (nid, f"g{nid}", mid, tags, flds),
            )
            for ord_ in ords:
                db.execute(
                    "INSERT INTO cards VALUES (?, ?, 77, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                    (cid, nid, ord_),
                )
                cid += 1
        db.commit()
        db.close()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.write(path, "collection.anki2")
            zf.writestr("media", json.dumps(media))
    del db_file
    return buf.getvalue()


MODELS = {
    "10": {
        "name": "Basic-ish",
        "type": 0,
        "flds": [{"name": "Question", "ord": 0}, {"name": "Answer", "ord": 1}],
        "tmpls": [
            {"ord": 0, "qfmt": "{{Question}}", "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}
        ],
    },
    "11": {
        "name": "Lückentext",  # a localised Cloze: recognised by its kind, not its name
        "type": 1,
        "flds": [{"name": "Text", "ord": 0}, {"name": "Extra", "ord": 1}],
        "tmpls": [{"ord": 0, "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Extra}}"}],
    },
    "12": {
        "name": "Image Occlusion-ish",
        "type": 0,
        "flds": [
            {"name": "Image", "ord": 0},
            {"name": "Header", "ord": 1},
            {"name": "Notes", "ord": 2},
        ],
        "tmpls": [{"ord": 0, "qfmt": "{{Image}}{{Header}}", "afmt": "{{Notes}}"}],
    },
}


def test_a_hand_built_legacy_collection_imports() -> None:
    data = _legacy_package(
        [
            (10, " hand made ", "2 &lt; 3?\x1fyes, <i>two</i> is less", [0]),
            (
                11,
                "",
                "{{c1::Paris}} is in {{c2::France}}, {{c1::Paris}} again\x1fsee a map",
                [0, 1],
            ),
            (12, "", "<img src='a.png'>\x1fhead\x1fnotes", [0]),
            (12, "", "<img src='b.png'>\x1fhead\x1fnotes", [0]),
        ],
        MODELS,
        {"0": "a.png", "1": "b.png"},
    )
    result = import_deck(data, "apkg", source="hand.apkg")
    assert _without_empty(_card_dicts(result)) == [
        {
            "id": "2-3",
            "type": "flashcard",
            "front": "2 < 3?",
            "back": "yes, two is less",
            "tags": ["hand", "made"],
        },
        {
            "id": "france-again",
            "type": "flashcard",  # two deletions with the same number: a flashcard
            "front": "[...] is in France, [...] again",
            "back": "Paris; Paris",
            "explanation": "see a map",
        },
        {
            "id": "paris-paris-again",
            "type": "text",
            "prompt": "Paris is in [...], Paris again",
            "answers": ["France"],
            "explanation": "see a map",
        },
    ]
    assert result.deck.title == "Hand::Made"
    lines = result.report.lines()
    assert (
        "hand.apkg: warning: 2 notes of note type 'Image Occlusion-ish' skipped (studyrnn reads "
        "Basic, reversed, type-in-the-answer and Cloze notes)"
    ) in lines
    assert "hand.apkg: note: 4 Anki notes read from collection.anki2, 3 cards made" in lines
    assert any("media not imported: 2 files in the package" in line for line in lines)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"not a zip at all", "a damaged zip file"),
        (b"PK\x05\x06" + b"\x00" * 18, "it holds no collection.anki2"),
    ],
)
def test_a_broken_package_is_one_error(data: bytes, why: str) -> None:
    with pytest.raises(DeckError) as info:
        import_deck(data, "apkg", source="bad.apkg")
    (diagnostic,) = info.value.diagnostics
    assert str(diagnostic).startswith("bad.apkg:1:1: error: not a readable Anki package: ")
    assert why in str(diagnostic)


def test_a_newer_package_version_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("meta", bytes([0x08, 9]))  # PackageMetadata{version: 9}
        zf.writestr("collection.anki21b", b"")
    with pytest.raises(DeckError, match="package version 9 is newer than this reader"):
        import_deck(buf.getvalue(), "apkg", source="new.apkg")


def test_a_collection_over_the_bound_is_refused_before_it_is_unpacked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _legacy_package([(10, "", "q\x1fa", [0])], MODELS, {})
    monkeypatch.setattr(anki_import, "MAX_COLLECTION_BYTES", 1000)
    with pytest.raises(DeckError, match=r"collection.anki2 is [\d,]+ bytes, more than 1,000"):
        import_deck(data, "apkg", source="big.apkg")


def test_protobuf_reader_against_hand_encoded_bytes() -> None:
    # field 1 varint 300 (0xAC 0x02), field 2 bytes "hi", field 3 fixed32 (skipped)
    buf = bytes([0x08, 0xAC, 0x02, 0x12, 0x02, ord("h"), ord("i"), 0x1D, 1, 2, 3, 4])
    assert anki_import.proto_fields(buf) == [(1, 300), (2, b"hi")]
    with pytest.raises(ValueError):
        anki_import.proto_fields(bytes([0x12, 0x05, 1]))  # a length past the end


def test_our_export_through_anki_and_back(tmp_path: Path) -> None:
    """studyrnn -> .apkg -> Anki imports it -> Anki exports it (current format) -> studyrnn:
    the same deck, card for card (the hidden studyrnn field and deck comment survive Anki)."""
    anki_collection = pytest.importorskip("anki.collection")
    from studyrnn.interchange.anki import export_apkg_bytes

    fixture = Path(__file__).parent / "fixtures" / "interchange" / "every-type.yaml"
    deck = load_deck(fixture)
    ours = tmp_path / "ours.apkg"
    ours.write_bytes(export_apkg_bytes([deck], 2)[0])
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        options = anki_collection.ImportAnkiPackageOptions(with_scheduling=False)
        request = anki_collection.ImportAnkiPackageRequest(package_path=str(ours), options=options)
        col.import_anki_package(request)
        theirs = tmp_path / "theirs.apkg"
        export = anki_collection.ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
        )
        col.export_anki_package(out_path=str(theirs), options=export, limit=None)
    finally:
        col.close()
    with zipfile.ZipFile(theirs) as zf:
        assert "collection.anki21b" in zf.namelist()
    back = import_deck(theirs.read_bytes(), "apkg", source="theirs.apkg").deck
    assert back.model_dump() == deck.model_dump()
