"""JSON export: the validated deck plus generated variants; importing it gives the deck back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck
from studyrnn.interchange.importing import import_deck
from studyrnn.interchange.json_io import export_json

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
EVERY = FIXTURES / "every-type.yaml"


def test_json_export_is_the_deck_with_variants() -> None:
    deck = load_deck(EVERY)
    text, _ = export_json([deck], 2)
    doc = json.loads(text)
    assert doc["format"] == "studyrnn-decks" and doc["version"] == 1
    (data,) = doc["decks"]
    assert data["id"] == deck.id and data["notes"] == deck.notes
    gen = next(c for c in data["cards"] if c["id"] == "gen-count")
    assert [v["seed"] for v in gen["variants"]] == [0, 1]
    assert {"prompt", "answer", "tolerance", "solution", "kind"} <= set(gen["variants"][0])
    plain = [{k: v for k, v in c.items() if k != "variants"} for c in data["cards"]]
    assert plain == deck.model_dump(mode="json", exclude_none=True)["cards"]


def test_json_round_trip_keeps_every_card() -> None:
    deck = load_deck(EVERY)
    text, _ = export_json([deck], 3)
    result = import_deck(text, "json", source="every.json")
    assert result.deck.model_dump() == deck.model_dump()
    assert any("variants dropped" in m for m in result.report.messages())


def test_json_with_several_decks_needs_a_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.json"
    assert (
        main(
            [
                "export",
                "--format",
                "json",
                "bptt-basics",
                "remedies",
                "-o",
                str(out),
                "--variants",
                "1",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["import", str(out), "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--deck" in err[0] and "bptt-basics, remedies" in err[0]
    assert main(["import", str(out), "--deck", "remedies", "-o", str(tmp_path / "r.yaml")]) == 0
    assert load_deck(tmp_path / "r.yaml").id == "remedies"


def test_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", str(EVERY), "--variants", "0"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["decks"][0]["id"] == "interchange-fixture"


def test_bad_json_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"decks": [\n  {"id": "x",, }\n]}\n', encoding="utf-8")
    assert main(["import", str(bad), "-o", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}:2:") and "not valid JSON" in err[0]
