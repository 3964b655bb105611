"""Load one deck: bytes -> safe YAML -> pydantic models, every problem as ``path:line:col``.

``load_deck`` and ``load_deck_text`` raise ``DeckError`` carrying ALL the problems found in the
file (YAML-level ones and every validation error), each mapped back to the line and column of
the value (or key) at fault and worded for a deck author, with a close-match suggestion for a
misspelt key, card type or option. They raise nothing else.
"""

from __future__ import annotations

import difflib
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from studyrnn.decks.models import (
    CARD_MODELS,
    CARD_TYPES,
    Deck,
    Tolerance,
    duplicate_card_message,
)
from studyrnn.decks.yamlsafe import MAX_FILE_BYTES, Parsed, decode, parse_yaml
from studyrnn.errors import DeckError, Diagnostic
from studyrnn.files import FileTooBig, UnsafeFileError, read_bounded
from studyrnn.limits import MAX_DIAGNOSTICS_PER_FILE, QUOTE_WIDTH
from studyrnn.untrusted import describe_char, one_line


def load_deck(path: str | Path, *, root: Path | None = None) -> Deck:
    """Load and validate the deck file at ``path``; ``DeckError`` lists every problem in it.

    The file is read by ``studyrnn.files.read_bounded``, the one opener for deck files: only a
    regular file (a FIFO or device is refused without blocking), at most ``MAX_FILE_BYTES``,
    and no symbolic link out of ``root`` (default: the file's own folder), so a deck that links
    to ``/etc/shadow`` is neither read nor echoed.
    """
    path = Path(path)
    label = str(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES, root=root)
    except FileTooBig as exc:
        raise DeckError([Diagnostic(label, 1, 1, _too_big(exc.size))]) from None
    except UnsafeFileError as exc:
        raise DeckError([Diagnostic(label, 1, 1, _reason(exc, path))]) from None
    return load_deck_bytes(raw, label, file_path=path)


def _reason(exc: UnsafeFileError, path: Path) -> str:
    """The opener's message without its leading file name (the diagnostic names the file)."""
    message = str(exc)
    head = one_line(path, 120) + ": "
    return message[len(head) :] if message.startswith(head) else message


def load_deck_bytes(raw: bytes, path: str = "<bytes>", *, file_path: Path | None = None) -> Deck:
    """Load a deck from the raw bytes of a file (size limit and UTF-8 checked here)."""
    if len(raw) > MAX_FILE_BYTES:
        raise DeckError([Diagnostic(path, 1, 1, _too_big(len(raw)))])
    text, bad = decode(raw)
    if text is None:
        assert bad is not None
        raise DeckError([Diagnostic(path, bad[0], bad[1], bad[2])])
    return _load(text, path, file_path)


def load_deck_text(text: str, path: str = "<string>") -> Deck:
    """Load a deck from YAML text (tests, previews); ``path`` only labels the diagnostics."""
    if len(text) > MAX_FILE_BYTES:  # characters, at least as many bytes
        raise DeckError([Diagnostic(path, 1, 1, _too_big(len(text.encode("utf-8", "replace"))))])
    return _load(text, path, None)


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; a deck may be at most {MAX_FILE_BYTES:,} bytes (split it into several decks)"


def _load(text: str, path: str, file_path: Path | None) -> Deck:
    # Parsing makes ~10 objects per card and no reference cycles; the cyclic GC would rescan
    # them over and over (a third of the time for a big deck), so it waits until we are done.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_unguarded(text, path, file_path)
    except DeckError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug here must still reach the user as one line
        message = f"could not read this deck (internal error {type(exc).__name__}: {exc})"
        raise DeckError([Diagnostic(path, 1, 1, message)]) from exc
    finally:
        if paused:
            gc.enable()


def _load_unguarded(text: str, path: str, file_path: Path | None) -> Deck:
    parsed = parse_yaml(text)
    found: dict[tuple[int, int, str], None] = {}  # ordered and without repeats
    for line, col, message in parsed.problems:
        found[(line, col, message)] = None

    data = parsed.data
    deck: Deck | None = None
    if parsed.complete:
        if parsed.empty or data is None:
            found[(1, 1, "the file is empty; a deck needs at least id, title and cards")] = None
        elif not isinstance(data, dict):
            line, col = parsed.positions.root or (1, 1)
            what = _describe(data)
            found[
                (line, col, f"a deck is a mapping (id: ..., title: ..., cards: ...), not {what}")
            ] = None
        else:
            for item in _duplicate_card_ids(data, parsed):
                found[item] = None
            try:
                deck = Deck.model_validate(data)
            except ValidationError as exc:
                _diagnose_all(exc.errors(include_url=False), data, parsed, found)
    if found or deck is None:
        diagnostics = [Diagnostic(path, line, col, message) for (line, col, message) in found]
        if not diagnostics:  # cannot happen; never raise an empty DeckError
            diagnostics = [Diagnostic(path, 1, 1, "not a valid deck")]
        diagnostics.sort(key=lambda d: (d.line, d.col))
        raise DeckError(bounded(diagnostics))
    deck._path = file_path
    deck._positions = parsed.positions
    return deck


@dataclass(frozen=True, slots=True)
class More(Diagnostic):
    """The note that ends a shortened list: ``hidden`` problems were left out."""

    hidden: int = 0


def problem_count(diagnostics: list[Diagnostic]) -> int:
    """How many problems ``diagnostics`` stand for (a ``More`` note counts those it hides)."""
    return sum(d.hidden if isinstance(d, More) else 1 for d in diagnostics)


def bounded(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """At most ``MAX_DIAGNOSTICS_PER_FILE`` of one file's diagnostics, then one line saying
    how many more there are (a deck with 100,000 unknown keys gets a readable report)."""
    if len(diagnostics) <= MAX_DIAGNOSTICS_PER_FILE:
        return diagnostics
    kept = [
        d for d in diagnostics[:MAX_DIAGNOSTICS_PER_FILE] if not d.message.startswith(_UNWORDED)
    ]
    rest = len(diagnostics) - len(kept)
    nxt = diagnostics[len(kept)]
    more = f"… and {rest:,} more problem{'s' * (rest != 1)} in this file (fix these first)"
    return [*kept, More(nxt.path, nxt.line, nxt.col, more, "note", rest)]


def _quoted(value: object) -> str:
    return one_line(value, QUOTE_WIDTH)


# -- duplicate card ids (checked on the raw data so they are found even when cards are invalid)


def _duplicate_card_ids(data: dict[str, Any], parsed: Parsed) -> list[tuple[int, int, str]]:
    cards = data.get("cards")
    if not isinstance(cards, list):
        return []
    first: dict[str, int] = {}
    out = []
    for i, card in enumerate(cards):
        if not isinstance(card, dict):
            continue
        card_id = card.get("id")
        if not isinstance(card_id, str):
            continue
        if card_id in first:
            line, col = _position(parsed, ("cards", i, "id"))
            out.append((line, col, duplicate_card_message(card_id, first[card_id])))
        else:
            first[card_id] = i
    return out


# -- pydantic error -> (line, col, message) --------------------------------------------------


def _diagnose_all(
    errors: list[Any], data: dict[str, Any], parsed: Parsed, found: dict[tuple[int, int, str], None]
) -> None:
    """Every error into ``found``. Only the first ``MAX_DIAGNOSTICS_PER_FILE`` (by position) are
    shown, so when there are many only those are worded (a close-match search each); the others
    are counted, under a placeholder message that never reaches the output."""
    if len(errors) <= 2 * MAX_DIAGNOSTICS_PER_FILE:
        for error in errors:
            diagnosed = _diagnose(error, data, parsed)
            if diagnosed is not None:
                found[diagnosed] = None
        return
    located = sorted(
        (pos, i) for i, error in enumerate(errors) if (pos := _locate(error, parsed)) is not None
    )
    worded: set[tuple[int, int, str]] = set()
    for pos, i in located:
        if len(worded) < MAX_DIAGNOSTICS_PER_FILE:
            diagnosed = _diagnose(errors[i], data, parsed)
            if diagnosed is not None:
                worded.add(diagnosed)
                found[diagnosed] = None
        else:
            found[(pos[0], pos[1], f"{_UNWORDED}{i}")] = None


_UNWORDED = "\x00unworded problem #"  # counted in "… and K more", never shown


def _where(error: Any) -> tuple[str, tuple[Any, ...], dict[str, Any], str | None]:
    """An error's kind, its path in the data, its context and a deck rule's message."""
    loc = list(error.get("loc", ()))
    # A discriminated union puts the card type into the location: cards.3.choice.answer
    if len(loc) >= 3 and loc[0] == "cards" and isinstance(loc[1], int) and loc[2] in CARD_TYPES:
        del loc[2]
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    loc += list(ctx.get("subloc", ()))
    message = ctx.get("message") if kind == "deck_rule" else None
    return kind, tuple(loc), ctx, message


def _locate(error: Any, parsed: Parsed) -> tuple[int, int] | None:
    """Where ``_diagnose`` puts ``error`` (None: not reported), without wording it."""
    kind, where, _ctx, message = _where(error)
    if message and message.startswith("duplicate card id"):
        return None
    if kind == "extra_forbidden" or (message and "unknown param" in message):
        return parsed.positions.key(where) or _position(parsed, where)
    if kind == "missing":
        return _position(parsed, where[:-1])
    if kind == "union_tag_invalid":
        return _position(parsed, (*where, "type"))
    return _position(parsed, where)


def _diagnose(error: Any, data: dict[str, Any], parsed: Parsed) -> tuple[int, int, str] | None:
    kind, where, ctx, message = _where(error)
    if message and message.startswith("duplicate card id"):
        return None  # reported by _duplicate_card_ids, for every duplicate

    card_prefix = ""
    card: dict[str, Any] | None = None
    if len(where) >= 2 and where[0] == "cards" and isinstance(where[1], int):
        cards = data.get("cards")
        if isinstance(cards, list) and where[1] < len(cards) and isinstance(cards[where[1]], dict):
            card = cards[where[1]]
            card_id = card.get("id")
            card_prefix = (
                f"card '{_quoted(card_id)}': "
                if isinstance(card_id, str)
                else f"card #{where[1] + 1}: "
            )
        else:
            card_prefix = f"card #{where[1] + 1}: "

    field = _label(where)
    value = error.get("input")
    if kind == "extra_forbidden":
        line, col = parsed.positions.key(where) or _position(parsed, where)
        message = _unknown_key(str(where[-1]), _model_at(where[:-1], card))
    elif kind == "missing":
        line, col = _position(parsed, where[:-1])
        message = f"missing required key '{where[-1]}'"
        if len(where) == 3 and card is not None and where[0] == "cards":
            message += f" (a {card.get('type')} card needs: {', '.join(_required(_model_at(where[:-1], card)))})"
    elif kind == "union_tag_invalid":
        line, col = _position(parsed, (*where, "type"))
        tag = str(ctx.get("tag", ""))
        close = difflib.get_close_matches(tag, CARD_TYPES, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else f" (types: {', '.join(CARD_TYPES)})"
        message = f"unknown card type '{_quoted(tag)}'{hint}"
    elif kind == "union_tag_not_found" and not isinstance(error.get("input"), dict):
        line, col = _position(parsed, where)
        message = (
            f"a card must be a mapping (id: ..., type: ...), not {_describe(error.get('input'))}"
        )
    elif kind == "union_tag_not_found":
        line, col = _position(parsed, where)
        message = f"missing required key 'type' (one of: {', '.join(CARD_TYPES)})"
    elif message and "unknown param" in message:  # the key is what is wrong
        line, col = parsed.positions.key(where) or _position(parsed, where)
    else:
        line, col = _position(parsed, where)
        message = message or _wording(
            kind, field, value, ctx, where, error.get("msg", "invalid value")
        )
    return line, col, card_prefix + message


def _position(parsed: Parsed, where: tuple[Any, ...]) -> tuple[int, int]:
    """Where ``where`` starts, or the nearest enclosing value that the file has."""
    return parsed.positions.nearest(where)


def _label(where: tuple[Any, ...]) -> str:
    if not where:
        return "deck"
    last = where[-1]
    if isinstance(last, int):
        parent = where[-2] if len(where) >= 2 else "list"
        if parent == "cards":
            return f"card #{last + 1}"
        return f"{parent}[{last}]"
    return str(last)


def _model_at(where: tuple[Any, ...], card: dict[str, Any] | None) -> type[BaseModel] | None:
    if where == ():
        return Deck
    if len(where) == 2 and where[0] == "cards" and card is not None:
        return CARD_MODELS.get(card.get("type"))  # type: ignore[arg-type]
    if len(where) == 3 and where[0] == "cards" and where[2] == "tolerance":
        return Tolerance
    return None


def _required(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [name for name, info in model.model_fields.items() if info.is_required()]


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    shown_key = _quoted(key)
    if model is None:
        return f"unknown key '{shown_key}'"
    allowed = list(model.model_fields)
    # no close match is worth looking for in a long key (difflib is quadratic in its length)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6) if len(key) <= 64 else []
    if close:
        return f"unknown key '{shown_key}'; did you mean '{close[0]}'?"
    what = (
        f"a {model.model_fields['type'].default} card" if "type" in model.model_fields else "here"
    )
    if model is Deck:
        what = "at the top of a deck"
    elif model is Tolerance:
        what = "in a tolerance"
    return f"unknown key '{shown_key}' (allowed {what}: {', '.join(allowed)})"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {getattr(value, 'source', None) or value}"
    if isinstance(value, str):
        return f"the text '{one_line(value, 40)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_PATTERN_HELP = {
    "id": "may use only lowercase letters, digits and hyphens, starting with a letter or digit",
    "card_id": "may use only letters, digits, '_', '.' and '-', starting with a letter or digit",
    "language": "must be a language tag such as en, de or pt-BR",
}


def _wording(
    kind: str, field: str, value: Any, ctx: dict[str, Any], where: tuple[Any, ...], msg: str
) -> str:
    """A sentence for one pydantic error type (falls back to pydantic's own message)."""
    got = _describe(value)
    if kind == "string_type":
        return f"'{field}' must be text, not {got}" + (
            "; put it in quotes" if isinstance(value, bool) else ""
        )
    if where == ("notes",) and kind in ("string_too_long", "too_many_lines"):
        size = (
            f"is longer than {ctx.get('max_length'):,} characters"
            if kind == "string_too_long"
            else f"has {ctx.get('lines'):,} non-blank lines; at most {ctx.get('max_lines')} are allowed"
        )
        return f"'notes' {size} (they must open quickly); split long notes across several decks"
    if kind in ("string_too_short", "blank"):
        return f"'{field}' must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        return f"'{field}' is longer than {ctx.get('max_length')} characters"
    if kind == "control_character":
        char = ctx.get("char", "")
        return (
            f"'{field}' holds {describe_char(char)} at character {ctx.get('index')}; deck text may "
            "not contain control characters, bidi overrides or noncharacters"
        )
    if kind == "string_pattern_mismatch":
        value = _quoted(value)
        if where == ("id",):
            return f"deck id '{value}' {_PATTERN_HELP['id']}"
        if len(where) == 3 and where[2] == "id":
            return f"card id '{value}' {_PATTERN_HELP['card_id']}"
        if where == ("language",):
            return f"language '{value}' {_PATTERN_HELP['language']}"
        return f"'{field}' has the wrong form ({value!r})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if where[-1] == "answer" or (len(where) >= 2 and where[-2] == "answers"):
            return f"'{field}' must be an option's index (from 0) or its exact text, not {got}"
        return f"'{field}' must be a whole number, not {got}"
    if kind in ("float_type", "float_parsing", "bool_not_number"):
        return f"'{field}' must be a number, not {got}"
    if kind == "finite_number":
        return f"'{field}' must be a finite number, not {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{field}' must be true or false, not {got}"
    if kind == "list_type":
        return f"'{field}' must be a list, not {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if field.startswith("card #"):
            return f"a card must be a mapping (id: ..., type: ...), not {got}"
        return f"'{field}' must be a mapping (key: value), not {got}"
    if kind == "too_short":
        if where == ("cards",):
            return "a deck needs at least one card"
        n = ctx.get("min_length")
        return f"'{field}' needs at least {n} {'entry' if n == 1 else 'entries'}"
    if kind == "literal_error":
        if where == ("version",):
            return f"'version' must be 1 (the only deck format version), not {got}"
        expected = str(ctx.get("expected", ""))
        options = [
            o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()
        ]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"'{field}' must be one of {', '.join(options)}, not {got}{hint}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"'{field}' must be at least {ctx.get('ge', ctx.get('gt'))}, not {got}"
    if kind in ("less_than_equal", "less_than"):
        return f"'{field}' must be at most {ctx.get('le', ctx.get('lt'))}, not {got}"
    return f"'{field}': {msg[:1].lower()}{msg[1:]}"
