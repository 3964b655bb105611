"""``studyrnn validate``, ``schema`` and ``new``: output, files and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.decks import load_deck
from studyrnn.decks.schema import schema_text
from studyrnn.settings import bundled_decks_dir

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "decks"
SCHEMA_FILE = REPO / "content" / "schema" / "deck.schema.json"

BROKEN = """\
id: broken
title: Broken
cards:
  - id: a
    type: choice
    promt: Which?
    options: [x, y]
    answer: 7
"""


def test_validate_clean_files_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--variants", "2", str(FIXTURES)]) == 0
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "2 decks, 10 cards: ok"


def test_validate_reports_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", "--variants", "0", str(bad), str(FIXTURES / "second.yaml")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"{bad}:4:5: error: card 'a': missing required key 'prompt' (a choice card needs: id, prompt, options, answer)",
        f"{bad}:6:5: error: card 'a': unknown key 'promt'; did you mean 'prompt'?",
        "1 deck, 1 card: 2 errors",
    ]


def test_validate_nonexistent_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "Traceback" not in err


def test_validate_without_paths_checks_the_bundled_and_user_decks(
    capsys: pytest.CaptureFixture[str], _isolated_data_dir: Path
) -> None:
    user_decks = _isolated_data_dir / "decks"
    user_decks.mkdir()
    (user_decks / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    assert main(["validate", "--variants", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{user_decks / 'broken.yaml'}:6:5: error:" in err
    bundled = len(list(bundled_decks_dir().glob("*.yaml")))
    assert err.strip().splitlines()[-1].startswith(f"{bundled} decks, ")


def test_validate_lints_generated_cards_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyrnn.decks import generators

    registry = generators.Registry(
        names={"clip_by_norm": object()},
        validate=lambda name, params: None,
        lint=lambda name, params, variants: (
            [f"{name}: answer is NaN [seed 3]"] if params.get("bad") else []
        ),
    )
    deck = tmp_path / "gen.yaml"
    deck.write_text(
        "id: gen\ntitle: G\ncards:\n"
        "  - {id: fine, type: generated, generator: clip_by_norm}\n"
        "  - id: nan\n    type: generated\n    generator: clip_by_norm\n    params: {bad: 1}\n",
        encoding="utf-8",
    )
    with generators.use_registry(registry):
        assert main(["validate", str(deck)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"{deck}:5:5: error: card 'nan': clip_by_norm: answer is NaN [seed 3]",
        "1 deck, 2 cards: 1 error",
    ]


def test_schema_prints_valid_json_with_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["additionalProperties"] is False
    choice = schema["$defs"]["ChoiceCard"]
    assert choice["description"] and choice["properties"]["answer"]["description"]
    assert choice["required"][:2] == ["id", "type"]
    assert set(schema["properties"]["cards"]["items"]["discriminator"]["mapping"]) == {
        "flashcard",
        "choice",
        "multi",
        "true_false",
        "order",
        "numeric",
        "text",
        "generated",
    }


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "content/schema/deck.schema.json is stale: run `studyrnn schema --force -o content/schema/deck.schema.json`"
    )


def test_schema_output_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_new_writes_a_starter_deck_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-deck", "--title", "My deck"]) == 0
    path = tmp_path / "my-deck.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    schema_ref = text.splitlines()[0].split("$schema=", 1)[1]
    assert Path(schema_ref).is_file()
    deck = load_deck(path)
    assert (deck.id, deck.title) == ("my-deck", "My deck")
    assert {c.type for c in deck.cards} >= {
        "flashcard",
        "choice",
        "multi",
        "true_false",
        "order",
        "numeric",
        "text",
    }
    assert main(["validate", str(path)]) == 0


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "deck.yaml"
    target.write_text("mine", encoding="utf-8")
    assert main(["new", "some-deck", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "mine"
    assert "already exists" in capsys.readouterr().err


def test_new_rejects_a_bad_id_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "My Deck!", "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "'My Deck!' is not a valid deck id" in err and "'my-deck'" in err
    assert not (tmp_path / "x.yaml").exists()


def test_new_beside_the_bundled_decks_uses_a_relative_schema_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import studyrnn.settings

    content = tmp_path / "content"
    (content / "decks").mkdir(parents=True)
    (content / "schema").mkdir()
    (content / "schema" / "deck.schema.json").write_text(schema_text(), encoding="utf-8")
    monkeypatch.setattr(studyrnn.settings, "bundled_content_dir", lambda: content)
    assert main(["new", "fresh", "-o", str(content / "decks" / "fresh.yaml")]) == 0
    first = (content / "decks" / "fresh.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/deck.schema.json"


def test_every_fixture_deck_copy_validates_from_a_user_folder(
    tmp_path: Path, _isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = _isolated_data_dir / "decks"
    shutil.copytree(FIXTURES, user)
    assert main(["validate", "--variants", "0", str(user)]) == 0


def test_validate_bounds_lint_problems_per_file_and_counts_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studyrnn.decks import generators

    registry = generators.Registry(
        names={"clip_by_norm": object()},
        validate=lambda name, params: None,
        lint=lambda name, params, variants: [f"\x1b[2Jproblem {i}" for i in range(80)],
    )
    deck = tmp_path / "gen.yaml"
    deck.write_text(
        "id: gen\ntitle: G\ncards:\n  - {id: g, type: generated, generator: clip_by_norm}\n",
        encoding="utf-8",
    )
    with generators.use_registry(registry):
        assert main(["validate", str(deck)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 52 and "\x1b" not in "".join(lines)
    assert lines[0] == f"{deck}:4:5: error: card 'g': \\x1b[2Jproblem 0"
    assert lines[49].endswith("problem 49")
    assert lines[50] == f"{deck}:4:5: note: … and 30 more problems in this file (fix these first)"
    assert lines[51] == "1 deck, 1 card: 80 errors"
