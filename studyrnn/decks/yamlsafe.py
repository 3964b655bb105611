"""Safe YAML for decks: plain data only, with the line and column of every value.

The document is built straight from the parser's event stream (libyaml's when available), so
no YAML constructor ever runs and nothing but dicts, lists, strings, numbers, booleans and None
can come out. On the way it

- refuses every explicit tag (``!!python/object``, ``!foo``, even ``!!str``);
- bounds alias expansion (a "billion laughs" file is refused as soon as the expansion passes
  ``MAX_ALIAS_NODES``, without expanding anything) and nesting depth (``MAX_DEPTH``; libyaml
  slows down quadratically with flow nesting, so a deep file is cut off early);
- reports duplicate mapping keys and non-scalar keys;
- resolves plain scalars by the YAML 1.2 core schema: only ``true``/``false`` are booleans
  (``no`` stays the text "no"), ``1e-3`` is a number, dates stay text;
- records where every value (and every mapping key) starts, keyed by its path from the root,
  e.g. ``("cards", 3, "answer")``, as 1-based ``(line, col)``.

Problems come back as ``(line, col, message)``; nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

Path_ = tuple[Any, ...]
Pos = tuple[int, int]


class YamlInt(int):
    """An int that remembers how the YAML spelt it (``0x1F``), for fields that want text."""

    source: str


class YamlFloat(float):
    """A float that remembers how the YAML spelt it (``1e-3``, ``0.30``)."""

    source: str


_NULLS = frozenset({"~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar's value under the YAML 1.2 core schema."""
    if not text:
        return None
    first = text[0]
    if first in "~nN" and text in _NULLS:
        return None
    if first in "tTfF":
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if first not in "+-.0123456789":
        return text
    try:
        if _INT.match(text):
            number: Any = YamlInt(int(text, 10))
        elif _OCT.match(text):
            number = YamlInt(int(text[2:], 8))
        elif _HEX.match(text):
            number = YamlInt(int(text[2:], 16))
        elif _FLOAT.match(text) or _INF.match(text):
            number = YamlFloat(float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")))
        elif _NAN.match(text):
            number = YamlFloat(float("nan"))
        else:
            return text
    except ValueError:  # e.g. an int longer than Python converts: keep the text
        return text
    number.source = text
    return number


def show_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object`` (as the author wrote it)."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


@dataclass
class Parsed:
    """A parsed document: its data, where each value and key starts, and the problems found."""

    data: Any = None
    value_at: dict[Path_, Pos] = field(default_factory=dict)
    key_at: dict[Path_, Pos] = field(default_factory=dict)
    problems: list[tuple[int, int, str]] = field(default_factory=list)
    empty: bool = True
    complete: bool = True  # False after a syntax error or a refused file: data is partial


class _Stop(Exception):
    """A problem after which the rest of the document cannot be trusted."""


_NOKEY = object()  # a mapping waiting for its next key
_DROP = object()  # the value of a bad or duplicate key: parsed, then dropped


class _Frame:
    __slots__ = ("kind", "value", "path", "key", "key_line", "anchor", "log_start", "nodes", "pos")

    def __init__(self, kind: str, value: Any, path: Path_ | None, anchor: str | None, log_start: int, pos: Pos):
        self.pos = pos
        self.kind = kind
        self.value = value
        self.path = path
        self.key: Any = _NOKEY
        self.key_line: dict[str, int] = {}
        self.anchor = anchor
        self.log_start = log_start
        self.nodes = 1


@dataclass
class _Anchor:
    value: Any
    path: Path_ | None
    entries: list[tuple[Path_, Pos, bool]]
    nodes: int


class _Builder:
    def __init__(self) -> None:
        self.out = Parsed()
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.anchors: dict[str, _Anchor] = {}
        self.alias_nodes = 0
        self.log: list[tuple[Path_, Pos, bool]] = []

    # -- positions ---------------------------------------------------------------------------
    def _record(self, path: Path_ | None, pos: Pos, is_key: bool = False) -> None:
        if path is None:
            return
        (self.out.key_at if is_key else self.out.value_at)[path] = pos
        self.log.append((path, pos, is_key))

    def _problem(self, pos: Pos, message: str) -> None:
        self.out.problems.append((pos[0], pos[1], message))

    # -- where the next value goes -------------------------------------------------------------
    def _child_path(self) -> Path_ | None:
        """The path of the value about to start, or None when it will not be kept."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.path is None:
            return None
        if top.kind == "seq":
            return (*top.path, len(top.value))
        if top.key is _NOKEY or top.key is _DROP:
            return None  # a key (recorded separately) or a dropped value
        return (*top.path, top.key)

    def _place(self, value: Any, nodes: int, pos: Pos, raw_key: str | None) -> None:
        """Put a finished value into its parent (``raw_key``: a scalar's text, None otherwise)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        if top.kind == "seq":
            top.value.append(value)
            return
        if top.key is _NOKEY:  # this value is a key
            if raw_key is None:
                self._problem(pos, "a mapping key must be plain text, not a list or mapping")
                top.key = _DROP
                return
            if raw_key in top.key_line:
                self._problem(pos, f"duplicate key '{raw_key}' (first given on line {top.key_line[raw_key]})")
                top.key = _DROP
                return
            top.key_line[raw_key] = pos[0]
            top.key = raw_key
            if top.path is not None:
                self._record((*top.path, raw_key), pos, is_key=True)
            return
        if top.key is not _DROP:
            top.value[top.key] = value
        top.key = _NOKEY

    def _check_tag(self, event: Any, pos: Pos) -> None:
        tag = getattr(event, "tag", None)
        if tag is not None:
            self._problem(
                pos,
                f"YAML tags aren't allowed (found '{show_tag(tag)}'): a deck holds only plain text, "
                "numbers, true/false, lists and mappings",
            )

    def _depth_check(self, pos: Pos) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self._problem(pos, f"nested more than {MAX_DEPTH} levels deep; a deck never needs that")
            raise _Stop

    # -- events ------------------------------------------------------------------------------
    def scalar(self, event: Any, pos: Pos) -> None:
        self._check_tag(event, pos)
        text = event.value
        value = resolve_plain(text) if event.implicit[0] and event.tag is None else text
        path = self._child_path()
        self._record(path, pos)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, path, [], 1)
        self._place(value, 1, pos, text)

    def start(self, event: Any, pos: Pos, kind: str) -> None:
        self._check_tag(event, pos)
        self._depth_check(pos)
        path = self._child_path()
        self._record(path, pos)
        container: Any = {} if kind == "map" else []
        self.stack.append(_Frame(kind, container, path, event.anchor, len(self.log), pos))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            entries = self.log[frame.log_start:] if frame.path is not None else []
            self.anchors[frame.anchor] = _Anchor(frame.value, frame.path, entries, frame.nodes)
        self._place(frame.value, frame.nodes, frame.pos, None)

    def alias(self, event: Any, pos: Pos) -> None:
        name = event.anchor
        anchor = self.anchors.get(name)
        if anchor is None:
            if any(f.anchor == name for f in self.stack):
                self._problem(pos, f"alias '*{name}' refers to a collection that contains it")
            else:
                self._problem(pos, f"unknown alias '*{name}' (define it first with '&{name}')")
            self._place(None, 1, pos, None)
            return
        self.alias_nodes += anchor.nodes
        if self.alias_nodes > MAX_ALIAS_NODES:
            self._problem(
                pos,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing the file "
                "(alias expansion is bounded to stop 'billion laughs' files)",
            )
            raise _Stop
        path = self._child_path()
        self._record(path, pos)
        if path is not None and anchor.path is not None:
            cut = len(anchor.path)
            for sub, sub_pos, is_key in anchor.entries:
                self._record((*path, *sub[cut:]), sub_pos, is_key)
        raw = anchor.value if isinstance(anchor.value, str) else None
        self._place(anchor.value, anchor.nodes, pos, raw)


def parse_yaml(text: str) -> Parsed:
    """Parse one YAML document safely (see the module docstring); never raises."""
    builder = _Builder()
    out = builder.out
    loader = _Loader(text)
    documents = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if isinstance(event, yaml.ScalarEvent):
                builder.scalar(event, pos)
            elif isinstance(event, yaml.MappingStartEvent):
                builder.start(event, pos, "map")
            elif isinstance(event, yaml.SequenceStartEvent):
                builder.start(event, pos, "seq")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                builder.end()
            elif isinstance(event, yaml.AliasEvent):
                builder.alias(event, pos)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    builder._problem(pos, "a deck file holds one YAML document; found a second one ('---')")
                    raise _Stop
    except _Stop:
        out.complete = False
    except yaml.MarkedYAMLError as exc:
        out.complete = False
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{message} ({exc.context})"
        out.problems.append((line, col, f"YAML syntax error: {message}"))
    except yaml.reader.ReaderError as exc:
        out.complete = False
        line, col = position_of(text, exc.position)
        out.problems.append((line, col, f"YAML syntax error: {exc.reason} (character {exc.character!r})"))
    except yaml.YAMLError as exc:
        out.complete = False
        out.problems.append((1, 1, f"YAML syntax error: {exc}"))
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    out.data = builder.root
    out.empty = documents == 0
    return out


def position_of(text: str, index: int) -> Pos:
    """1-based (line, col) of character ``index`` in ``text``."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


def decode(raw: bytes) -> tuple[str | None, tuple[int, int, str] | None]:
    """UTF-8 text (a BOM is fine), or the first bad byte's line, column and a message."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8-sig", errors="replace")
        line, col = position_of(good, len(good))
        byte = raw[exc.start]
        return None, (line, col, f"not UTF-8: byte 0x{byte:02x} at offset {exc.start} (save the file as UTF-8)")
