"""Hostile input: whatever the file holds, import ends in a deck that loads back unchanged or in
a USER error -- a ``DeckError`` with ``path:line:col`` diagnostics, or a one-line
``StudyrnnError`` -- never the internal-error path ("internal error: the imported deck does not
load back"), which exists for real bugs only, and never a raw control character in a message."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyrnn.cli import main
from studyrnn.decks import load_deck_text
from studyrnn.errors import DeckError, StudyrnnError
from studyrnn.interchange import importing
from studyrnn.interchange.importing import import_deck

GIFT_ALPHABET = st.sampled_from(
    list("ab =~#{}:\\%-> \n\tT F 0.5..1[]/$*") + ["::", "{=", "####", "//", "\n\n", "[html]", "<p>"]
)
TEXT_ALPHABET = st.sampled_from(
    list("ab?:\t\n ,;\"'#-|>") + ["Q:", "A:", "\n\n", "\ufeff", "yes", "1e3", "#separator:tab\n"]
)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DIAGNOSTIC = re.compile(r"^fuzz\.[a-z-]+:\d+:\d+: (error|warning): \S")


def _check(text: str, fmt: str) -> None:
    """The property: a deck that loads back the same, or a user error of the right shape."""
    try:
        result = import_deck(text, fmt, source=f"fuzz.{fmt}")
    except DeckError as err:
        assert any(d.severity == "error" for d in err.diagnostics)
        for diagnostic in err.diagnostics:
            line = str(diagnostic)
            assert DIAGNOSTIC.match(line), line
            assert "\n" not in line and not RAW_CONTROL.search(line)
        return
    except StudyrnnError as err:
        message = str(err)
        assert not message.startswith("internal error"), message
        assert "\n" not in message and not RAW_CONTROL.search(message)
        assert message.startswith(f"fuzz.{fmt}: no cards found to import"), message
        return
    again = load_deck_text(result.yaml_for(None))
    assert again.model_dump() == result.deck.model_dump()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_any_gift_text_imports_or_fails_cleanly(text: str) -> None:
    _check(text, "gift")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT_ALPHABET, max_size=50).map("".join), st.sampled_from(["qa", "csv", "json"]))
def test_any_text_imports_or_fails_cleanly(text: str, fmt: str) -> None:
    if fmt == "csv" and not text.startswith("#"):
        text = "front,back,tags\n" + text
    _check(text, fmt)


def test_the_check_itself_fails_on_the_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard against a property that cannot fail: make the load-back break, as a bug would,
    and the check must reject it (the old test accepted any StudyrnnError, this one too)."""

    def broken(text: str, path: str = "") -> None:
        raise DeckError([])

    monkeypatch.setattr("studyrnn.decks.load_deck_text", broken)
    with pytest.raises(AssertionError, match="internal error"):
        _check("::q::What? {=a}", "gift")


# --------------------------------------------------------------------------------------------
# the cases issue 13 lists, each a regression test


def test_a_2mb_gift_answer_gives_a_short_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    text = "::Q::What? {#" + "x" * 2_000_000 + "}"
    with pytest.raises(DeckError) as info:
        import_deck(text, "gift", source="big.gift")
    (diagnostic,) = info.value.diagnostics
    assert str(diagnostic).startswith("big.gift:1:14: error: 'xxxx")
    assert len(str(diagnostic)) < 200


def test_a_2mb_answer_in_any_warning_is_cut_short(tmp_path, capsys) -> None:
    path = tmp_path / "long.gift"
    path.write_text("::Q::What? {=" + "y" * 2_000_000 + " ~%30%b}\n", encoding="utf-8")
    main(["import", str(path), "-o", "-"])
    err = capsys.readouterr().err
    assert max(len(line) for line in err.splitlines()) <= 400


@pytest.mark.parametrize(
    "char", ["\x7f", "\x85", "\ufffe", "\x1b", "\U0010ffff", "\u202e", "\u2066"]
)
def test_del_c1_and_noncharacters_are_removed_with_a_warning(char: str) -> None:
    result = import_deck(f"::Q::Wh{char}at? {{=a{char}b}}\n", "gift", source="c.gift")
    card = result.deck.card("Q")
    assert (card.prompt, card.answers) == ("What?", ["ab"])
    assert (
        "c.gift:1:1: warning: 1 control, bidi or non-character removed from 'What?'"
        in result.report.lines()
    )


def test_deep_json_is_one_error() -> None:
    with pytest.raises(DeckError) as info:
        import_deck("[" * 1_000_000 + "]" * 1_000_000, "json", source="deep.json")
    assert [str(d) for d in info.value.diagnostics] == [
        "deep.json:1:1: error: the JSON is nested too deeply to be a deck"
    ]


def test_a_deeply_nested_gift_marker_is_ignored_with_a_warning() -> None:
    marker = "// studyrnn: " + "[" * 100_000 + "]" * 100_000
    result = import_deck(f"{marker}\n::Q::What? {{=a}}\n", "gift", source="m.gift")
    assert [c.id for c in result.deck.cards] == ["Q"]
    assert (
        "m.gift:1:1: warning: a '// studyrnn:' comment is not a studyrnn card description; ignored"
        in result.report.lines()
    )


def test_a_valid_4mb_gift_is_a_user_error_not_an_internal_one(monkeypatch) -> None:
    # The deck limit, scaled down so the test is quick: the same path a 4 MB file takes.
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 20_000)
    text = "".join(f"::Q{i}:: What is {i} plus one? {{#{i + 1}:0}}\n\n" for i in range(400))
    with pytest.raises(StudyrnnError) as info:
        import_deck(text, "gift", source="big.gift")
    message = str(info.value)
    assert re.fullmatch(
        r"big\.gift: the imported deck would be [\d,]+ bytes of YAML, over the deck limit of "
        r"20,000; split the file and import each part",
        message,
    ), message


def test_gift_to_stdout_holds_no_raw_control_character(capsysbinary, monkeypatch) -> None:
    from tests.test_interchange_anki import EVERY

    assert main(["export", "-f", "gift", str(EVERY), "-o", "-"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert out.startswith("// studyrnn deck") and not RAW_CONTROL.search(out)
    # Decks cannot hold hidden characters; should a format ever emit one, the stdout writer
    # still shows it as an escape (the last line of defence, tested on its own).
    from studyrnn.interchange import gift

    monkeypatch.setattr(
        gift, "export_gift", lambda decks, n: ("a\x1b[2Jb\u202ec\x85d\n", gift.Report())
    )
    assert main(["export", "-f", "gift", str(EVERY), "-o", "-"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert out == "a\\x1b[2Jb\\u202ec\\x85d\n"


def test_a_hostile_source_name_and_format_are_shown_safely(capsys) -> None:
    assert main(["import", "--format", "gi\x1b]0;pwned\x07ft", "x"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err


def test_marker_json_cannot_smuggle_ids_to_moodle() -> None:
    from studyrnn.interchange.gift import _marker

    text = _marker({"source": "see [id:evil] and [tag:bad]"})
    assert "[id:" not in text and "[tag:" not in text
    assert json.loads(text.split(": ", 1)[1])["source"] == "see [id:evil] and [tag:bad]"


def test_warnings_found_before_a_gift_error_are_shown_with_it() -> None:
    text = "// studyrnn: {broken\n::a::A? {=x}\n\n::b::B? {#abc}\n"
    with pytest.raises(DeckError) as info:
        import_deck(text, "gift", source="w.gift")
    assert [str(d) for d in info.value.diagnostics] == [
        "w.gift:1:1: warning: a '// studyrnn:' comment is not a studyrnn card description; ignored",
        "w.gift:4:11: error: 'abc' is not a numerical answer (write #answer:tolerance or #min..max)",
    ]


XML_ALPHABET = st.sampled_from(
    [
        "<quiz>", "</quiz>", '<question type="multichoice">', '<question type="numerical">',
        '<question type="matching">', '<question type="truefalse">', "</question>",
        "<name><text>n</text></name>", '<questiontext format="html"><text>', "</text>",
        "</questiontext>", '<answer fraction="100">', '<answer fraction="x">', "</answer>",
        "<text>", "<tolerance>1e400</tolerance>", "<single>false</single>", "<subquestion>",
        "</subquestion>", "<!-- studyrnn:e30= -->", "&lt;p&gt;", "&amp;", "a", " ", "\n", "*",
    ]
)  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(XML_ALPHABET, max_size=40).map("".join))
def test_any_moodle_xml_imports_or_fails_cleanly(text: str) -> None:
    _check(text, "moodle-xml")


def _a_package() -> bytes:
    from studyrnn.decks import load_deck
    from studyrnn.interchange.anki import export_apkg_bytes
    from tests.test_interchange_anki import EVERY

    return export_apkg_bytes([load_deck(EVERY)], 1)[0]


PACKAGE = _a_package()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(PACKAGE) - 1), st.integers(0, 255)), max_size=8))
def test_a_corrupted_package_imports_or_fails_cleanly(flips: list[tuple[int, int]]) -> None:
    data = bytearray(PACKAGE)
    for at, value in flips:
        data[at] = value
    try:
        result = import_deck(bytes(data), "apkg", source="fuzz.apkg")
    except DeckError as err:
        assert any(d.severity == "error" for d in err.diagnostics)
        assert all(DIAGNOSTIC.match(str(d)) for d in err.diagnostics)
        return
    except StudyrnnError as err:
        assert str(err).startswith("fuzz.apkg: no cards found to import"), str(err)
        return
    assert load_deck_text(result.yaml_for(None)).model_dump() == result.deck.model_dump()


def _collection_of(package: bytes) -> tuple[bytes, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return zf.read("collection.anki2"), zf.read("media")


COLLECTION, MEDIA = _collection_of(PACKAGE)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(COLLECTION) - 1), st.integers(0, 255)), max_size=20))
def test_a_damaged_collection_imports_or_fails_cleanly(flips: list[tuple[int, int]]) -> None:
    """The SQLite file itself damaged (the zip intact): sqlite3, the JSON and the fields."""
    import io
    import zipfile

    data = bytearray(COLLECTION)
    for at, value in flips:
        data[at] = value
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("collection.anki2", bytes(data))
        zf.writestr("media", MEDIA)
    try:
        result = import_deck(buf.getvalue(), "apkg", source="fuzz.apkg")
    except DeckError as err:
        assert all(DIAGNOSTIC.match(str(d)) for d in err.diagnostics)
        return
    except StudyrnnError as err:
        assert str(err).startswith("fuzz.apkg: no cards found to import"), str(err)
        return
    assert load_deck_text(result.yaml_for(None)).model_dump() == result.deck.model_dump()


def test_note_types_of_the_wrong_shape_are_one_error() -> None:
    from tests.test_interchange_apkg import _legacy_package

    with pytest.raises(DeckError, match="its note types or decks are not in Anki's layout"):
        import_deck(_legacy_package([], [], {}), "apkg", source="odd.apkg")  # models: a list
