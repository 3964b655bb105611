"""Hostile deck files and folders, in process: control characters, look-alike options, limits,
bounded diagnostics, and the one deck-file opener against real FIFOs, symlinks and devices made
inside the test's temporary folder (never the machine's /dev). Issue 13, deck side."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyrnn.decks import load_deck, load_deck_text, load_decks
from studyrnn.decks.starter import starter_deck, title_problem
from studyrnn.errors import DeckError
from studyrnn.learners import check_learner_name, learner_name_problem

# What must never reach a terminal raw (decoded text): C0 but \n, DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

GOOD_CARD = "  - id: a\n    type: flashcard\n    front: f\n    back: b\n"


def deck(*, head: str = "id: d\ntitle: T\n", cards: str = GOOD_CARD) -> str:
    return f"{head}cards:\n{cards}"


def errors_of(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck_text(text, "deck.yaml")
    return [str(d) for d in info.value.diagnostics]


def assert_safe(lines: list[str], width: int = 700) -> None:
    for line in lines:
        assert not RAW.search(line), repr(line)
        assert "\n" not in line and len(line) <= width, len(line)


# -- control characters in deck text: refused at file:line:col -----------------------------------

FORBIDDEN = [
    ("\\0", "U+0000"),
    ("\\a", "U+0007"),
    ("\\e", "U+001B"),
    ("\\r", "U+000D"),
    ("\\x7f", "U+007F"),
    ("\\x85", "U+0085"),
    ("\\x9b", "U+009B"),
    ("\\u202e", "U+202E"),
    ("\\u2066", "U+2066"),
    ("\\u200f", "U+200F"),
    ("\\ufffe", "U+FFFE"),
    ("\\uffff", "U+FFFF"),
    ("\\U0001fffe", "U+1FFFE"),
]


@pytest.mark.parametrize(("escape", "code"), FORBIDDEN)
@pytest.mark.parametrize("field", ["title", "prompt", "option", "tag", "notes", "explanation"])
def test_control_characters_in_any_deck_text_are_errors_at_their_line(
    escape: str, code: str, field: str
) -> None:
    value = f'"x{escape}y"'
    head = "id: d\ntitle: T\n"
    prompt, option, tag, explanation = '"p"', '"o1"', '"t"', '"e"'
    if field == "title":
        head = f"id: d\ntitle: {value}\n"
    elif field == "notes":
        head = f"id: d\ntitle: T\nnotes: {value}\n"
    prompt = value if field == "prompt" else prompt
    option = value if field == "option" else option
    tag = value if field == "tag" else tag
    explanation = value if field == "explanation" else explanation
    cards = (
        "  - id: c\n    type: choice\n"
        f"    prompt: {prompt}\n"
        f"    options: [{option}, o2]\n"
        "    answer: 1\n"
        f"    tags: [{tag}]\n"
        f"    explanation: {explanation}\n"
    )
    text = deck(head=head, cards=cards)
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if value in line)
    lines = errors_of(text)
    assert_safe(lines)
    hits = [line for line in lines if code in line]
    assert len(hits) == 1, lines
    assert hits[0].startswith(f"deck.yaml:{expected_line}:")
    assert "control characters" in hits[0]


def test_tab_newline_zero_width_and_emoji_are_allowed() -> None:
    d = load_deck_text(deck(head='id: d\ntitle: "a\\tb\\nc \\u200b ✓ 😀 Zoë"\n'))
    assert d.title == "a\tb\nc \u200b ✓ 😀 Zoë"


def test_an_osc52_unknown_key_card_id_and_answer_are_shown_not_sent() -> None:
    text = deck(
        cards=(
            "  - id: a\n    type: flashcard\n    front: f\n    back: b\n"
            '    "\\e]52;c;aGVsbG8=\\aevil": 1\n'
            '  - id: "b\\e[31m"\n    type: choice\n    prompt: p\n    options: [x, y]\n'
            '    answer: "\\e]0;title\\a"\n'
        )
    )
    lines = errors_of(text)
    assert_safe(lines)
    joined = "\n".join(lines)
    assert "unknown key '\\x1b]52;c;aGVsbG8=\\x07evil'" in joined
    assert "answer '\\x1b]0;title\\x07' is not one of the options" in joined
    assert "card 'b\\x1b[31m'" in joined


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_text_in_a_prompt_loads_literally_or_is_a_safe_error(s: str) -> None:
    # JSON strings are YAML double-quoted strings: every code point, escaped.
    text = deck(cards=f"  - id: a\n    type: flashcard\n    front: {json.dumps(s)}\n    back: b\n")
    try:
        d = load_deck_text(text, "deck.yaml")
    except DeckError as err:
        assert_safe([str(x) for x in err.diagnostics])
        assert str(err).count("\n") < 60
        return
    front = d.cards[0].front
    assert front == s
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", front)


# -- look-alike options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["ab", "ab"],
        ["ab", "AB"],
        ["ab", "ａｂ"],  # full-width
        ["ab", "a\u200bb"],  # a zero-width space
        ["ab", "\u00adab"],  # a soft hyphen
        ["ab", "аb"],  # Cyrillic а
        ["ab", "ab "],  # a trailing space
        ["x₁", "x1"],  # NFKC: subscript one
    ],
)
def test_look_alike_options_are_duplicates(options: list[str]) -> None:
    cards = (
        f"  - id: c\n    type: choice\n    prompt: p\n    options: {json.dumps(options)}\n"
        "    answer: 0\n"
    )
    text = deck(cards=cards)
    options_line = text.splitlines()[6]
    col = options_line.rindex(json.dumps(options[1])) + 1  # the second option, as written
    lines = errors_of(text)
    assert_safe(lines)
    assert len(lines) == 1 and lines[0].startswith(f"deck.yaml:7:{col}: error: card 'c': option")
    assert "appears twice" in lines[0] or "looks the same as option 0" in lines[0]


def test_look_alike_order_items_are_duplicates_and_greek_letters_are_not_latin() -> None:
    cards = '  - id: c\n    type: order\n    prompt: p\n    items: ["step", "ѕtep"]\n'
    assert "looks the same as item 0" in errors_of(deck(cards=cards))[0]
    ok = '  - id: c\n    type: choice\n    prompt: p\n    options: ["α", "a", "η", "n"]\n    answer: 0\n'
    assert load_deck_text(deck(cards=ok)).cards[0].options == ["α", "a", "η", "n"]


# -- limits that hold on every store (PostgreSQL varchar(200)) --------------------------------------


def test_id_tag_and_title_lengths() -> None:
    long_tag = "t" * 64
    ok = deck(
        head=f"id: {'d' * 64}\ntitle: {'T' * 200}\n",
        cards=f"  - id: {'c' * 64}\n    type: flashcard\n    front: f\n    back: b\n"
        f"    tags: [{long_tag}]\n",
    )
    d = load_deck_text(ok)
    assert (len(d.id), len(d.title), len(d.cards[0].id), len(d.cards[0].tags[0])) == (
        64,
        200,
        64,
        64,
    )
    cases = [
        (deck(head=f"id: {'d' * 65}\ntitle: T\n"), 1, "'id' is longer than 64 characters"),
        (deck(head=f"id: d\ntitle: {'T' * 201}\n"), 2, "'title' is longer than 200 characters"),
        (
            deck(cards=f"  - id: {'c' * 65}\n    type: flashcard\n    front: f\n    back: b\n"),
            4,
            "'id' is longer than 64 characters",
        ),
        (deck(cards=GOOD_CARD + f"    tags: [{'t' * 65}]\n"), 8, "is longer than 64 characters"),
    ]
    for text, line, message in cases:
        lines = errors_of(text)
        assert len(lines) == 1 and lines[0].startswith(f"deck.yaml:{line}:"), lines
        assert message in lines[0], lines


def test_notes_are_bounded_in_characters_and_lines() -> None:
    def with_notes(notes: str) -> str:
        return deck(head=f"id: d\ntitle: T\nnotes: {json.dumps(notes)}\n")

    assert len(load_deck_text(with_notes("x" * 16384)).notes) == 16384
    assert "longer than 16,384 characters" in errors_of(with_notes("x" * 16385))[0]
    assert load_deck_text(with_notes("- a\n" * 250)).notes.count("\n") == 250
    lines = errors_of(with_notes("- a\n\n" * 251))
    assert "251 non-blank lines; at most 250" in lines[0] and lines[0].startswith("deck.yaml:3:")


# -- bounded output --------------------------------------------------------------------------------


def test_100000_unknown_keys_give_50_lines_and_a_count() -> None:
    keys = "".join(f"k{i}: 1\n" for i in range(100_000))
    with pytest.raises(DeckError) as info:
        load_deck_text("id: d\ntitle: T\n" + keys + "cards:\n" + GOOD_CARD, "deck.yaml")
    diagnostics = info.value.diagnostics
    assert len(diagnostics) == 51
    assert [d.line for d in diagnostics[:50]] == list(range(3, 53))
    assert str(diagnostics[-1]) == (
        "deck.yaml:53:1: note: … and 99,950 more problems in this file (fix these first)"
    )


def test_a_2mb_value_yields_a_short_line() -> None:
    huge = "A" * 2_000_000
    cards = f"  - id: c\n    type: choice\n    prompt: p\n    options: [x, y]\n    answer: {huge}\n"
    started = time.perf_counter()
    lines = errors_of(deck(cards=cards))
    assert time.perf_counter() - started < 5  # no quadratic suggestion search on 2 MB
    assert_safe(lines, width=500)
    assert (
        len(lines) == 1
        and "answer 'AAAA" in lines[0]
        and "…' is not one of the options" in lines[0]
    )


# -- the one deck-file opener: real special files inside tmp_path --------------------------------


def write_deck(path: Path, deck_id: str = "good") -> Path:
    path.write_text(deck(head=f"id: {deck_id}\ntitle: T\n"), encoding="utf-8")
    return path


def load_with_timeout(fn, seconds: float = 10.0):
    """Run ``fn`` in a thread; a reader that blocks (on a FIFO) fails the test, not hangs it."""
    out: dict[str, object] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the deck reader blocked"
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out.get("value")


def test_a_fifo_deck_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DeckError, match=r"pipe\.yaml:1:1: error: it is a FIFO"):
        load_with_timeout(lambda: load_deck(fifo))


def test_a_symlink_out_of_the_deck_folder_is_not_read_or_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "leak.yaml").symlink_to(secret)
    for attempt in (lambda: load_deck(decks / "leak.yaml"), lambda: load_decks([decks])):
        with pytest.raises(DeckError) as info:
            attempt()
        assert "SECRETHASH" not in str(info.value) and "root:" not in str(info.value)
        assert "a symbolic link out of" in str(info.value)


def test_a_symlink_inside_the_deck_folder_is_followed(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    (decks / "real").mkdir(parents=True)
    write_deck(decks / "real" / "a.yaml", "inner")
    (decks / "link.yaml").symlink_to(decks / "real" / "a.yaml")
    assert list(load_decks([decks])) == ["inner"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_deck_is_refused(tmp_path: Path) -> None:
    device = tmp_path / "null.yaml"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # made here, never /dev's own
    with pytest.raises(DeckError, match=r"null\.yaml:1:1: error: it is a device"):
        load_with_timeout(lambda: load_deck(device))
    with pytest.raises(DeckError, match=r"it is a device"):
        load_with_timeout(lambda: load_decks([tmp_path]))


def test_a_folder_scan_reports_special_files_and_keeps_the_good_decks(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    write_deck(decks / "good.yaml")
    os.mkfifo(decks / "pipe.yaml")
    write_deck(tmp_path / "outside.yaml", "outside")
    (decks / "out.yml").symlink_to(tmp_path / "outside.yaml")  # a deck, but outside the folder
    (decks / "up.yaml").symlink_to(tmp_path)  # a link to a folder is no deck: not listed
    (decks / "dangling.yaml").symlink_to(tmp_path / "nothing")
    (decks / "sub.yaml").mkdir()  # a folder with a deck's name is not a deck
    found = load_with_timeout(lambda: load_decks([decks], strict=False))
    assert list(found) == ["good"]
    by_file = {Path(d.path).name: d.message for d in found.diagnostics}
    assert set(by_file) == {"pipe.yaml", "out.yml", "dangling.yaml"}
    assert "FIFO" in by_file["pipe.yaml"]
    assert "symbolic link out of" in by_file["out.yml"]


def test_an_oversized_deck_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(4 * 1024 * 1024 + 1)  # sparse: no 4 MB written
    with pytest.raises(DeckError, match=r"4,194,305 bytes; a deck may be at most 4,194,304"):
        load_deck(big)


# -- new --title: never a deck its own validate rejects ----------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_a_starter_deck_title_is_refused_or_validates(title: str) -> None:
    problem = title_problem(title)
    if problem is not None:
        assert not RAW.search(problem)
        with pytest.raises(ValueError):
            starter_deck("d", title=title)
        return
    d = load_deck_text(starter_deck("d", title=title), "new.yaml")
    assert d.title == " ".join(title.split())


def test_titles_new_refuses() -> None:
    assert "U+001B" in (title_problem("a\x1b[2Jb") or "")
    assert "U+202E" in (title_problem("a\u202eb") or "")
    assert "at most 200" in (title_problem("t" * 201) or "")
    assert title_problem("t" * 200) is None
    assert "empty" in (title_problem("   ") or "")


# -- learner names ---------------------------------------------------------------------------------


def test_learner_names() -> None:
    assert check_learner_name("Zoë O'Brien") == "Zoë O'Brien"
    assert learner_name_problem("a" * 100) is None
    assert "at most 100 characters, not 101" in (learner_name_problem("a" * 101) or "")
    assert "U+001B" in (learner_name_problem("\x1b]52;c;x\x07") or "")
    assert "U+0000" in (learner_name_problem("a\x00b") or "")
    assert "U+202E" in (learner_name_problem("a\u202eb") or "")
    assert "empty" in (learner_name_problem(" ") or "")
    for bad in ("\x1b]52;c;x\x07", "a\x00b"):
        assert not RAW.search(learner_name_problem(bad) or "")


@pytest.mark.parametrize(
    "name",
    ["a\x1b]0;pwned\x07.yaml", "line\nbreak.yaml", "\u202eevil.yaml", "x" * 250 + ".yaml"],
)
def test_hostile_deck_file_names_are_shown_in_diagnostics(tmp_path: Path, name: str) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / name).write_text("id: Bad Id\ntitle: T\ncards: []\n", encoding="utf-8")
    found = load_decks([decks], strict=False)
    lines = [str(d) for d in found.diagnostics]
    assert len(lines) == 2  # the id and the empty card list
    assert_safe(lines)
    assert ":1:5: error: deck id 'Bad Id'" in lines[0]


def test_many_mixed_errors_show_the_first_50_by_position_fully_worded() -> None:
    # 150 cards, each with one problem of one of three kinds, at lines known by construction.
    lines = ["id: d", "title: T", "cards:"]
    expected: list[tuple[int, int, str]] = []
    for i in range(150):
        start = len(lines) + 1
        lines += [f"  - id: c{i}", "    type: flashcard", "    front: f"]
        if i % 3 == 0:
            lines += ["    back: b", "    zz: 1"]
            expected.append((start + 4, 5, f"card 'c{i}': unknown key 'zz'"))
        elif i % 3 == 1:
            expected.append((start, 5, f"card 'c{i}': missing required key 'back'"))
        else:
            lines += ["    back: [1, 2]"]
            expected.append((start + 3, 11, f"card 'c{i}': 'back' must be text, not a list"))
    with pytest.raises(DeckError) as info:
        load_deck_text("\n".join(lines) + "\n", "deck.yaml")
    shown = info.value.diagnostics
    assert len(shown) == 51
    for d, (line, col, message) in zip(shown, expected[:50], strict=False):
        assert (d.line, d.col) == (line, col) and d.message.startswith(message), (str(d), message)
    assert str(shown[-1]) == (
        f"deck.yaml:{expected[50][0]}:{expected[50][1]}: note: "
        "… and 100 more problems in this file (fix these first)"
    )
