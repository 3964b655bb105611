"""Every kind of deck mistake is reported at its line and column, in words an author can act on."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from studyrnn.decks import MAX_FILE_BYTES, load_deck, load_deck_bytes, load_deck_text, load_decks
from studyrnn.decks.generators import Registry, use_registry
from studyrnn.errors import DeckError, Diagnostic


def problems(text: str, path: str = "deck.yaml") -> list[Diagnostic]:
    with pytest.raises(DeckError) as info:
        load_deck_text(textwrap.dedent(text), path)
    assert info.value.diagnostics, "a DeckError must carry diagnostics"
    return info.value.diagnostics


def only(text: str) -> Diagnostic:
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


HEAD = """\
id: d
title: T
cards:
"""


def test_unknown_key_points_at_the_key_and_suggests_the_close_match() -> None:
    d = only(
        HEAD
        + """\
  - id: c1
    type: choice
    promt: What?
    prompt: What?
    options: [a, b]
    answer: 0
"""
    )
    assert (d.line, d.col) == (6, 5)
    assert d.message == "card 'c1': unknown key 'promt'; did you mean 'prompt'?"


def test_unknown_top_level_key_without_close_match_lists_the_allowed_keys() -> None:
    d = only(
        "id: d\ntitle: T\nzzz: 1\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    assert (d.line, d.col) == (3, 1)
    assert "unknown key 'zzz'" in d.message and "title" in d.message


def test_wrong_type_points_at_the_value() -> None:
    d = only(
        HEAD
        + """\
  - id: n1
    type: numeric
    prompt: How much?
    answer: [1, 2]
"""
    )
    assert (d.line, d.col) == (7, 13)
    assert d.message == "card 'n1': 'answer' must be a number, not a list"


def test_text_given_a_boolean_suggests_quotes() -> None:
    d = only(HEAD + "  - {id: f, type: flashcard, front: true, back: b}\n")
    assert (d.line, d.col) == (4, 37)
    assert "'front' must be text, not true; put it in quotes" in d.message


def test_duplicate_card_id_points_at_the_second_id() -> None:
    d = only(
        HEAD
        + """\
  - id: same
    type: true_false
    statement: s
    answer: true
  - id: same
    type: true_false
    statement: t
    answer: false
"""
    )
    assert (d.line, d.col) == (8, 9)
    assert d.message == "duplicate card id 'same' (first used by card #1)"


def test_duplicate_card_id_is_found_even_when_other_cards_are_broken() -> None:
    found = problems(
        HEAD
        + """\
  - {id: same, type: true_false, statement: s, answer: true}
  - {id: same, type: true_false, statement: s}
"""
    )
    assert {(d.line, d.col) for d in found} == {(5, 10), (5, 5)}
    assert any("duplicate card id 'same'" in d.message for d in found)
    assert any("missing required key 'answer'" in d.message for d in found)


def test_out_of_range_answer() -> None:
    d = only(
        HEAD
        + """\
  - id: x
    type: choice
    prompt: Which?
    options: [a, b, c]
    answer: 5
"""
    )
    assert (d.line, d.col) == (8, 13)
    assert d.message == "card 'x': answer 5 is out of range (3 options, numbered from 0)"


def test_out_of_range_multi_answer_points_at_the_item() -> None:
    d = only(
        HEAD
        + """\
  - id: m
    type: multi
    prompt: Which?
    options: [a, b, c]
    answers: [0, -1]
"""
    )
    assert (d.line, d.col) == (8, 18)
    assert "answer -1 is out of range" in d.message


def test_answer_text_not_among_the_options_suggests_one() -> None:
    d = only(
        HEAD
        + """\
  - id: x
    type: choice
    prompt: Which?
    options: [tanh, relu]
    answer: tahn
"""
    )
    assert (d.line, d.col) == (8, 13)
    assert d.message == "card 'x': answer 'tahn' is not one of the options; did you mean 'tanh'?"


def test_duplicate_option() -> None:
    d = only(
        HEAD
        + """\
  - id: x
    type: choice
    prompt: Which?
    options:
      - a
      - b
      - a
    answer: 0
"""
    )
    assert (d.line, d.col) == (10, 9)
    assert d.message == "card 'x': option 'a' appears twice (options 0 and 2)"


def test_unknown_card_type_suggests_the_close_match() -> None:
    d = only(
        HEAD
        + """\
  - id: x
    type: choise
    prompt: Which?
"""
    )
    assert (d.line, d.col) == (5, 11)
    assert d.message == "card 'x': unknown card type 'choise'; did you mean 'choice'?"


def test_missing_required_field_points_at_the_card() -> None:
    d = only(
        HEAD
        + """\
  - id: ok
    type: true_false
    statement: s
    answer: true
  - id: x
    type: choice
    prompt: Which?
    answer: 0
"""
    )
    assert (d.line, d.col) == (8, 5)
    assert d.message.startswith("card 'x': missing required key 'options'")


def test_missing_deck_title() -> None:
    d = only("id: d\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n")
    assert (d.line, d.col) == (1, 1)
    assert d.message == "missing required key 'title'"


def test_tolerance_with_both_kinds() -> None:
    d = only(
        HEAD
        + """\
  - id: n
    type: numeric
    prompt: p
    answer: 1
    tolerance: {rtol: 0.1, sigfigs: 2}
"""
    )
    assert (d.line, d.col) == (8, 16)
    assert d.message == "card 'n': give either rtol/atol or sigfigs, not both"


def test_bad_match_mode_suggests_one() -> None:
    d = only(HEAD + "  - {id: t, type: text, prompt: p, answers: [a], match: fuzy}\n")
    assert (d.line, d.col) == (4, 57)
    assert (
        "'match' must be one of exact, casefold, fuzzy" in d.message
        and "did you mean 'fuzzy'" in d.message
    )


def test_bad_ids_and_language() -> None:
    found = problems(
        "id: Bad_Id\ntitle: T\nlanguage: english\ncards: [{id: 'a b', type: true_false, statement: s, answer: true}]\n"
    )
    where = {(d.line, d.col): d.message for d in found}
    assert "deck id 'Bad_Id'" in where[(1, 5)]
    assert "language 'english'" in where[(3, 11)]
    assert "card id 'a b'" in where[(4, 14)]


def test_version_other_than_one() -> None:
    d = only(
        "version: 2\nid: d\ntitle: T\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    assert (d.line, d.col) == (1, 10)
    assert "'version' must be 1" in d.message


def test_every_error_in_a_file_is_reported_not_just_the_first() -> None:
    found = problems("""\
id: d
title: T
langauge: en
cards:
  - {id: a, type: choise, prompt: p}
  - {id: b, type: choice, prompt: p, options: [x, y], answer: 9}
  - {id: c, type: numeric, prompt: p, answer: lots}
  - {id: a, type: flashcard, front: f}
""")
    lines = sorted(d.line for d in found)
    assert lines == [3, 5, 6, 7, 8, 8], "\n".join(map(str, found))


def test_diagnostics_print_as_path_line_col() -> None:
    d = only(HEAD + "  - {id: x, type: true_false, statement: s, answer: maybe}\n")
    assert (
        str(d)
        == "deck.yaml:4:53: error: card 'x': 'answer' must be true or false, not the text 'maybe'"
    )


# -- generators (a registry injected here; the real one is tested in test_decks_generators) ----

FAKE = Registry(
    names={"clip_by_norm": object(), "bptt_cost": object()},
    validate=lambda name, params: _fake_validate(params),
)


def _fake_validate(params: dict) -> None:
    for key in params:
        if key != "max_norm":
            raise ValueError(f"unknown param '{key}'; did you mean 'max_norm'?")


def test_unknown_generator_suggests_the_close_match() -> None:
    with use_registry(FAKE):
        d = only(
            HEAD
            + """\
  - id: g
    type: generated
    generator: clip_by_nrm
"""
        )
    assert (d.line, d.col) == (6, 16)
    assert d.message == "card 'g': unknown generator 'clip_by_nrm'; did you mean 'clip_by_norm'?"


def test_bad_generator_params_point_at_the_params() -> None:
    with use_registry(FAKE):
        d = only(
            HEAD
            + """\
  - id: g
    type: generated
    generator: clip_by_norm
    params:
      max_nrm: 2
"""
        )
    assert (d.line, d.col) == (8, 7)
    assert d.message == (
        "card 'g': bad params for generator 'clip_by_norm': unknown param 'max_nrm'; did you mean 'max_norm'?"
    )


# -- YAML-level problems -----------------------------------------------------------------------


def test_yaml_syntax_error_has_its_mark() -> None:
    d = only("id: d\ntitle: [unclosed\ncards: []\n")
    assert d.message.startswith("YAML syntax error:")
    assert (d.line, d.col) == (3, 6)


def test_duplicate_mapping_key() -> None:
    d = only(
        "id: d\ntitle: T\ntitle: U\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    assert (d.line, d.col) == (3, 1)
    assert d.message == "duplicate key 'title' (first given on line 2)"


def test_any_explicit_tag_is_refused_even_str() -> None:
    d = only(
        "id: d\ntitle: !!str T\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    assert (d.line, d.col) == (2, 8)
    assert "YAML tags aren't allowed (found '!!str')" in d.message


def test_local_tag_is_refused() -> None:
    d = only(
        "id: d\ntitle: T\ncards: !cards [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    assert (d.line, d.col) == (3, 8)
    assert "found '!cards'" in d.message


def test_non_utf8_reports_the_byte_position() -> None:
    raw = b"id: d\ntitle: Caf" + b"\xe9" + b"\ncards: []\n"
    with pytest.raises(DeckError) as info:
        load_deck_bytes(raw, "latin1.yaml")
    (d,) = info.value.diagnostics
    assert (d.line, d.col) == (2, 11)
    assert "not UTF-8: byte 0xe9 at offset 16" in d.message


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    started = time.perf_counter()
    with pytest.raises(DeckError) as info:
        load_deck(big)
    assert time.perf_counter() - started < 0.5
    (d,) = info.value.diagnostics
    assert (d.path, d.line, d.col) == (str(big), 1, 1)
    assert "a deck may be at most" in d.message


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    d = only(BOMB)
    assert time.perf_counter() - started < 0.25
    assert "aliases expand to more than" in d.message
    assert (d.line, d.col) == (5, 8)  # the first *d: b, c and d already used 8,289


def test_small_aliases_are_fine_and_positions_follow_them() -> None:
    deck = load_deck_text(
        HEAD
        + """\
  - id: a
    type: true_false
    statement: s
    answer: true
    tags: &common [bptt, basics]
  - id: b
    type: true_false
    statement: t
    answer: false
    tags: *common
"""
    )
    assert deck.cards[1].tags == ["bptt", "basics"]
    assert deck.location("cards", 1, "tags") == (13, 11)
    assert deck.location("cards", 1, "tags", 1) == (8, 26)


def test_merge_keys_are_explained() -> None:
    found = problems(
        HEAD
        + """\
  - &base {id: a, type: true_false, statement: s, answer: true}
  - <<: *base
    id: b
"""
    )
    d = found[0]
    assert (d.line, d.col) == (5, 5)
    assert d.message == "YAML merge keys ('<<') aren't supported in decks; write the keys out"


def test_deep_nesting_is_refused_quickly() -> None:
    """Whichever layer stops it (our depth check or the YAML parser's own), the deck is refused
    fast, on the line that nests, with a message about nesting."""
    started = time.perf_counter()
    d = only("id: d\ntitle: " + "[" * 200_000 + "\n")
    assert time.perf_counter() - started < 0.5
    assert d.line == 2
    assert "nest" in d.message.lower()


def test_nesting_past_our_limit_names_the_limit() -> None:
    # 100 levels: under any parser's own limit, over ours. With the deck mapping below them,
    # 63 brackets fill the 64 levels, so the 64th bracket (column 8 + 63) is refused.
    d = only("id: d\ntitle: " + "[" * 100 + "\n")
    assert (d.line, d.col) == (2, 8 + 63)
    assert "64 levels" in d.message
    block = "id: d\ncards:\n" + "".join("  " * i + "- \n" for i in range(100))
    d = only(block)
    # line 3 + i opens level 3 + i (deck mapping, the cards list, i nested lists): line 66 is level 65
    assert d.line == 3 + 63 and "64 levels" in d.message


def test_empty_file_and_non_mapping() -> None:
    assert only("").message.startswith("the file is empty")
    d = only("- a\n- b\n")
    assert (d.line, d.col) == (1, 1)
    assert d.message == "a deck is a mapping (id: ..., title: ..., cards: ...), not a list"


def test_two_documents_are_refused() -> None:
    d = only("id: d\n---\nid: e\n")
    assert (d.line, d.col) == (2, 1)
    assert "one YAML document" in d.message


def test_duplicate_deck_ids_across_files_are_reported_at_both(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(
        "id: same\ntitle: One\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    (tmp_path / "two.yml").write_text(
        "title: Two\nid:   same\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    with pytest.raises(DeckError) as info:
        load_decks([tmp_path])
    found = {(Path(d.path).name, d.line, d.col): d.message for d in info.value.diagnostics}
    assert set(found) == {("one.yaml", 1, 5), ("two.yml", 2, 7)}
    assert (
        found[("two.yml", 2, 7)]
        == f"duplicate deck id 'same' (also used by {tmp_path / 'one.yaml'}:1:5)"
    )
    assert (
        found[("one.yaml", 1, 5)]
        == f"duplicate deck id 'same' (also used by {tmp_path / 'two.yml'}:2:7)"
    )
