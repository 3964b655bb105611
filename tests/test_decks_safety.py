"""The loader is safe on hostile input: no code runs, nothing but DeckError ever escapes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyrnn.decks import load_deck, load_deck_bytes, load_deck_text
from studyrnn.decks.generators import Registry, use_registry
from studyrnn.decks.yamlsafe import parse_yaml
from studyrnn.errors import DeckError

FIXTURE = Path(__file__).parent / "fixtures" / "decks" / "every-type.yaml"


def test_python_object_tag_is_refused_and_no_code_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        "id: d\n"
        "title: T\n"
        f"notes: !!python/object/apply:os.system ['touch {marker}']\n"
        "cards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    with pytest.raises(DeckError) as info:
        load_deck_text(text)
    d = info.value.diagnostics[0]
    assert (d.line, d.col) == (3, 8)
    assert "YAML tags aren't allowed (found '!!python/object/apply:os.system')" in d.message
    assert not marker.exists()


def test_python_name_and_module_tags_are_refused(tmp_path: Path) -> None:
    for tag in (
        "!!python/name:os.system",
        "!!python/module:os",
        "!!binary",
        "!!set",
        "!!timestamp",
    ):
        with pytest.raises(DeckError, match="YAML tags aren't allowed"):
            load_deck_text(f"id: d\ntitle: {tag} x\ncards: []\n")


def test_yaml_1_2_scalars() -> None:
    """Only true/false are booleans ('no' stays text), 1e-3 is a number, dates stay text."""
    parsed = parse_yaml(
        "a: [no, yes, on, true, False, 1e-3, 0x10, 0o17, 2024-01-01, ~, '1', .inf]\n"
    )
    assert parsed.data["a"] == [
        "no",
        "yes",
        "on",
        True,
        False,
        0.001,
        16,
        15,
        "2024-01-01",
        None,
        "1",
        float("inf"),
    ]
    assert not parsed.problems


def test_numbers_keep_their_spelling_where_text_is_expected() -> None:
    deck = load_deck_text(
        "id: d\ntitle: 2024\ncards:\n"
        "  - {id: c, type: choice, prompt: p, options: [1e-3, 0.10, 7], answer: '0.10'}\n"
    )
    assert deck.title == "2024"
    assert deck.cards[0].options == ["1e-3", "0.10", "7"]
    assert deck.cards[0].answer == 1


# -- fuzzing: whatever the input, only DeckError ---------------------------------------------

BASE = FIXTURE.read_text(encoding="utf-8")
FRAGMENTS = [
    "\n",
    " ",
    "  ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!x ",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">\n",
    "#",
    "\t",
    "\x00",
    "\ufeff",
    "é",
    "type: choice\n",
    "answer: 99\n",
    "id: fc\n",
    "options: []\n",
    "tolerance: {sigfigs: 0}\n",
    "params: 3\n",
    "- 1\n",
    "answers: [zzz]\n",
    "cards:\n",
    "~",
    "null",
    "true",
    "1e999",
    "0x",
    "%YAML 1.1\n",
    "<<: *a\n",
]


def mutate_text(text: str, rnd: random.Random, edits: int) -> str:
    for _ in range(edits):
        pos = rnd.randrange(len(text) + 1)
        action = rnd.randrange(4)
        if action == 0:
            text = text[:pos] + rnd.choice(FRAGMENTS) + text[pos:]
        elif action == 1:
            text = text[:pos] + text[pos + rnd.randrange(1, 40) :]
        elif action == 2:
            lines = text.splitlines(keepends=True)
            if lines:
                i = rnd.randrange(len(lines))
                lines.insert(rnd.randrange(len(lines) + 1), lines.pop(i))
                text = "".join(lines)
        else:
            text = text[:pos] + chr(rnd.randrange(0x20, 0x250)) + text[pos:]
    return text


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
KEYS = [
    "id",
    "type",
    "title",
    "cards",
    "prompt",
    "options",
    "answer",
    "answers",
    "tolerance",
    "params",
    "generator",
    "items",
    "statement",
    "front",
    "back",
    "match",
    "tags",
    "version",
    "zzz",
]


def mutate_structure(data, rnd: random.Random, junk) -> object:
    """Replace, delete or add one value somewhere in the parsed deck."""
    if isinstance(data, dict) and data and rnd.random() < 0.7:
        key = rnd.choice(list(data))
        choice = rnd.randrange(4)
        if choice == 0:
            del data[key]
        elif choice == 1:
            data[rnd.choice(KEYS)] = junk
        elif choice == 2:
            data[key] = junk
        else:
            data[key] = mutate_structure(data[key], rnd, junk)
        return data
    if isinstance(data, list) and data and rnd.random() < 0.7:
        i = rnd.randrange(len(data))
        choice = rnd.randrange(3)
        if choice == 0:
            data[i] = junk
        elif choice == 1:
            data.append(data[i])
        else:
            data[i] = mutate_structure(data[i], rnd, junk)
        return data
    return junk


def assert_only_deck_errors(load) -> None:
    try:
        load()
    except DeckError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.line >= 1 and d.col >= 1
            assert "internal error" not in d.message, d.message
            assert "Traceback" not in d.message


REGISTRY = Registry(names={"clip_by_norm": object()}, validate=lambda name, params: None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 8))
def test_text_mutations_only_ever_raise_deck_error(seed: int, edits: int) -> None:
    text = mutate_text(BASE, random.Random(seed), edits)
    with use_registry(REGISTRY):
        assert_only_deck_errors(lambda: load_deck_text(text))
        assert_only_deck_errors(lambda: load_deck_bytes(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), junk=JUNK, rounds=st.integers(1, 3))
def test_structure_mutations_only_ever_raise_deck_error(seed: int, junk, rounds: int) -> None:
    rnd = random.Random(seed)
    data = yaml.safe_load(BASE)
    for _ in range(rounds):
        data = mutate_structure(data, rnd, junk)
    text = yaml.safe_dump(data, allow_unicode=True)
    with use_registry(REGISTRY):
        assert_only_deck_errors(lambda: load_deck_text(text))


@settings(max_examples=50, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes_only_ever_raise_deck_error(raw: bytes) -> None:
    assert_only_deck_errors(lambda: load_deck_bytes(raw))


def test_unreadable_paths_are_deck_errors(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="missing.yaml:1:1: error: no such file"):
        load_deck(tmp_path / "missing.yaml")
    with pytest.raises(DeckError, match="is a folder"):
        load_deck(tmp_path)
