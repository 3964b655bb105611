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
- records where every value (and every mapping key) starts, as 1-based ``(line, col)``,
  found by its path from the root, e.g. ``("cards", 3, "answer")`` (see ``Positions``).

Problems come back as ``(line, col, message)``; nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from studyrnn import limits

MAX_FILE_BYTES = limits.MAX_DECK_FILE_BYTES
MAX_DEPTH = limits.MAX_YAML_DEPTH
MAX_ALIAS_NODES = limits.MAX_ALIAS_NODES

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

Path_ = tuple[Any, ...]  # e.g. ("cards", 3, "answer")
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
_MAYBE_NOT_TEXT = frozenset("~nNtTfF+-.0123456789")  # first characters of non-text plain scalars


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
            number = YamlFloat(
                float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
            )
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
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class Positions:
    """Where each value (and each mapping key) of a parsed document starts.

    Positions are kept beside the containers they describe (by ``id``), so recording them costs
    one store per node and no path is built while parsing; ``value(path)`` walks the data.
    A value reached through an alias reports where the alias is; the values inside it, where
    the anchored original is (that is the text to edit).
    """

    __slots__ = ("data", "root", "_meta")

    def __init__(self) -> None:
        self.data: Any = None
        self.root: Pos | None = None
        # id(container) -> (positions of its values, positions of its keys or None)
        self._meta: dict[int, tuple[Any, dict[str, Pos] | None]] = {}

    def _container(self, path: Path_) -> Any:
        node = self.data
        for step in path:
            if isinstance(node, dict) and isinstance(step, str) and step in node:
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
            else:
                return None
        return node

    def value(self, path: Path_) -> Pos | None:
        """``(line, col)`` where the value at ``path`` starts, or None."""
        if not path:
            return self.root
        parent = self._container(path[:-1])
        meta = self._meta.get(id(parent)) if isinstance(parent, (dict, list)) else None
        if meta is None:
            return None
        step = path[-1]
        if isinstance(parent, dict):
            return meta[0].get(step) if isinstance(step, str) else None
        if isinstance(step, int) and 0 <= step < len(meta[0]):
            return meta[0][step]
        return None

    def key(self, path: Path_) -> Pos | None:
        """``(line, col)`` of the mapping key that ends ``path``, or None."""
        if not path:
            return None
        parent = self._container(path[:-1])
        meta = self._meta.get(id(parent)) if isinstance(parent, dict) else None
        if meta is None or meta[1] is None or not isinstance(path[-1], str):
            return None
        return meta[1].get(path[-1])

    def nearest(self, path: Path_) -> Pos:
        """Where ``path`` starts, or else the nearest enclosing value the file has."""
        for n in range(len(path), -1, -1):
            pos = self.value(path[:n])
            if pos is not None:
                return pos
        return 1, 1


@dataclass
class Parsed:
    """A parsed document: its data, where each value and key starts, and the problems found."""

    data: Any = None
    positions: Positions = field(default_factory=Positions)
    problems: list[tuple[int, int, str]] = field(default_factory=list)
    empty: bool = True
    complete: bool = True  # False after a syntax error or a refused file: data is partial


class _Stop(Exception):
    """A problem after which the rest of the document cannot be trusted."""


_NOKEY = object()  # a mapping waiting for its next key
_DROP = object()  # the value of a bad or duplicate key: parsed, then dropped

_TAGS_REFUSED = (
    "YAML tags aren't allowed (found '{tag}'): a deck holds only plain text, numbers, true/false, "
    "lists and mappings"
)


class _Frame:
    """One open mapping or sequence."""

    __slots__ = ("is_map", "value", "key", "anchor", "nodes", "pos", "vpos", "kpos")

    def __init__(self, is_map: bool, anchor: str | None, pos: Pos, meta: dict[int, Any]):
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.key: Any = _NOKEY
        self.anchor = anchor
        self.nodes = 1
        self.pos = pos
        self.vpos: Any = {} if is_map else []
        self.kpos: dict[str, Pos] | None = {} if is_map else None
        meta[id(self.value)] = (self.vpos, self.kpos)


def parse_yaml(text: str) -> Parsed:
    """Parse one YAML document safely (see the module docstring); never raises."""
    out = Parsed()
    problems = out.problems
    positions = out.positions
    meta = positions._meta
    anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, nodes it expands to)
    stack: list[_Frame] = []
    top: _Frame | None = None
    alias_nodes = 0
    documents = 0

    ScalarEvent = yaml.ScalarEvent
    MappingStartEvent = yaml.MappingStartEvent
    SequenceStartEvent = yaml.SequenceStartEvent
    MappingEndEvent = yaml.MappingEndEvent
    SequenceEndEvent = yaml.SequenceEndEvent
    AliasEvent = yaml.AliasEvent
    DocumentStartEvent = yaml.DocumentStartEvent

    def place(value: Any, nodes: int, pos: Pos, raw_key: str | None) -> None:
        """Put a finished value into the open container (``raw_key``: a scalar's text)."""
        if top is None:
            out.data = value
            positions.root = pos
            return
        top.nodes += nodes
        if not top.is_map:
            top.value.append(value)
            top.vpos.append(pos)
            return
        key = top.key
        if key is _NOKEY:  # this value is a key
            if raw_key is None:
                problems.append((*pos, "a mapping key must be plain text, not a list or mapping"))
                top.key = _DROP
                return
            if raw_key == "<<":
                problems.append(
                    (*pos, "YAML merge keys ('<<') aren't supported in decks; write the keys out")
                )
                top.key = _DROP
                return
            kpos = top.kpos
            assert kpos is not None  # a mapping's frame always has key positions
            if raw_key in kpos:
                problems.append(
                    (*pos, f"duplicate key '{raw_key}' (first given on line {kpos[raw_key][0]})")
                )
                top.key = _DROP
                return
            kpos[raw_key] = pos
            top.key = raw_key
            return
        if key is not _DROP:
            top.value[key] = value
            top.vpos[key] = pos
        top.key = _NOKEY

    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            event = get_event()
            if event is None:
                break
            kind = type(event)
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if kind is ScalarEvent:
                raw = event.value
                if event.tag is not None:
                    problems.append((*pos, _TAGS_REFUSED.format(tag=show_tag(event.tag))))
                    value: Any = raw
                elif event.implicit[0] and (not raw or raw[0] in _MAYBE_NOT_TEXT):
                    value = resolve_plain(raw)
                else:
                    value = raw
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                if (
                    top is not None
                    and top.is_map
                    and top.key is not _NOKEY
                    and top.key is not _DROP
                ):
                    # the hot path, inline: a scalar value under a key
                    top.nodes += 1
                    top.value[top.key] = value
                    top.vpos[top.key] = pos
                    top.key = _NOKEY
                else:
                    place(value, 1, pos, raw)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag is not None:
                    problems.append((*pos, _TAGS_REFUSED.format(tag=show_tag(event.tag))))
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        (*pos, f"nested more than {MAX_DEPTH} levels deep; a deck never needs that")
                    )
                    raise _Stop
                top = _Frame(kind is MappingStartEvent, event.anchor, pos, meta)
                stack.append(top)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.value, frame.nodes)
                place(frame.value, frame.nodes, frame.pos, None)
            elif kind is AliasEvent:
                name = event.anchor
                anchor = anchors.get(name)
                if anchor is None:
                    if any(f.anchor == name for f in stack):
                        problems.append(
                            (*pos, f"alias '*{name}' refers to a collection that contains it")
                        )
                    else:
                        problems.append(
                            (*pos, f"unknown alias '*{name}' (define it first with '&{name}')")
                        )
                    place(None, 1, pos, None)
                    continue
                value, nodes = anchor
                alias_nodes += nodes
                if alias_nodes > MAX_ALIAS_NODES:
                    problems.append(
                        (
                            *pos,
                            (
                                f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing the file "
                                "(alias expansion is bounded to stop 'billion laughs' files)"
                            ),
                        )
                    )
                    raise _Stop
                place(value, nodes, pos, value if isinstance(value, str) else None)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        (*pos, "a deck file holds one YAML document; found a second one ('---')")
                    )
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
        problems.append((line, col, f"YAML syntax error: {message}"))
    except yaml.reader.ReaderError as exc:
        out.complete = False
        line, col = position_of(text, exc.position)
        problems.append(
            (line, col, f"YAML syntax error: {exc.reason} (character {exc.character!r})")
        )
    except yaml.YAMLError as exc:
        out.complete = False
        problems.append((1, 1, f"YAML syntax error: {exc}"))
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    positions.data = out.data
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
        return None, (
            line,
            col,
            f"not UTF-8: byte 0x{byte:02x} at offset {exc.start} (save the file as UTF-8)",
        )
