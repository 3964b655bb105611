"""Write a deck as readable YAML: the schema comment on top, block scalars for multi-line text.

The writer knows only what a deck holds (mappings, lists, text, numbers, booleans), and quotes a
string whenever the deck loader (YAML 1.2 core schema) could read it as anything but that same
string. Callers check the result by loading it back (``load_deck_text``).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import yaml

INDENT = "  "
WIDTH = 100

DECK_KEYS = ("version", "id", "title", "language", "notes", "cards")
CARD_KEYS = (
    "id",
    "type",
    "front",
    "back",
    "prompt",
    "statement",
    "generator",
    "params",
    "options",
    "items",
    "answer",
    "answers",
    "tolerance",
    "unit",
    "match",
    "explanation",
    "tags",
    "source",
)

_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@` \t")
_YAML11 = yaml.resolver.Resolver()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def schema_comment_path(target: Path | None) -> str:
    """The ``$schema=`` path for a deck written to ``target``: relative beside the bundled decks
    (the repo stays portable), absolute elsewhere."""
    from studyrnn.settings import bundled_content_dir

    schema = (bundled_content_dir() / "schema" / "deck.schema.json").resolve()
    if target is None:
        return schema.as_posix()
    content = bundled_content_dir().resolve()
    folder = Path(target).resolve().parent
    if folder == content or content in folder.parents:
        return Path(os.path.relpath(schema, folder)).as_posix()
    return schema.as_posix()


def dump_deck(deck: dict[str, Any], *, schema: str, header: list[str] = ()) -> str:
    """The YAML text of ``deck`` (a plain dict as ``Deck.model_dump`` gives, None values left out)."""
    lines = [f"# yaml-language-server: $schema={schema}"]
    lines += [f"# {h}" for h in header]
    ordered = _ordered(deck, DECK_KEYS)
    for key, value in ordered.items():
        if key == "cards":
            lines.append("")
            lines.append("cards:")
            for i, card in enumerate(value):
                if i:
                    lines.append("")
                lines += _mapping_lines(_ordered(card, CARD_KEYS), INDENT, first_prefix="- ")
        else:
            lines += _entry_lines(key, value, "")
    return "\n".join(lines) + "\n"


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: data[k] for k in order if k in data and data[k] is not None}
    out.update({k: v for k, v in data.items() if k not in out and v is not None})
    return out


def _mapping_lines(data: dict[str, Any], indent: str, first_prefix: str = "") -> list[str]:
    """A block mapping; with ``first_prefix`` ("- ") it is a list item, dash on the first key."""
    lines: list[str] = []
    for i, (key, value) in enumerate(data.items()):
        entry = _entry_lines(key, value, indent)
        if first_prefix and i == 0:
            entry[0] = (
                indent[: -len(first_prefix)] + first_prefix + entry[0][len(indent) :]
                if len(indent) >= len(first_prefix)
                else first_prefix + entry[0].lstrip()
            )
        lines += entry
    return lines


def _entry_lines(key: str, value: Any, indent: str) -> list[str]:
    head = f"{indent}{key}:"
    if isinstance(value, str) and _needs_block(value):
        return [f"{head} {_block_header(value)}"] + _block_body(value, indent + INDENT)
    if isinstance(value, dict):
        if not value:
            return [f"{head} {{}}"]
        flow = _flow(value)
        if flow is not None and len(head) + 1 + len(flow) <= WIDTH:
            return [f"{head} {flow}"]
        return [head] + _mapping_lines(value, indent + INDENT)
    if isinstance(value, list):
        if not value:
            return [f"{head} []"]
        flow = _flow(value)
        if flow is not None and len(head) + 1 + len(flow) <= WIDTH:
            return [f"{head} {flow}"]
        out = [head]
        for item in value:
            if isinstance(item, str) and _needs_block(item):
                out.append(f"{indent}{INDENT}- {_block_header(item)}")
                out += _block_body(item, indent + INDENT * 2)
            elif isinstance(item, dict):
                out += _mapping_lines(item, indent + INDENT * 2, first_prefix="- ")
            else:
                flow_item = _flow(item)
                out.append(
                    f"{indent}{INDENT}- {flow_item if flow_item is not None else _json(item)}"
                )
        return out
    return [f"{head} {_scalar(value)}"]


def _flow(value: Any) -> str | None:
    """A one-line flow form, or None when a value in it would be clearer in block form."""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            inner = _flow(v)
            if inner is None or not _plain_ok(str(k), flow=True):
                return None
            parts.append(f"{k}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        parts = []
        for v in value:
            inner = _flow(v)
            if inner is None:
                return None
            parts.append(inner)
        return "[" + ", ".join(parts) + "]"
    if isinstance(value, str):
        if "\n" in value:
            return None
        return value if _plain_ok(value, flow=True) else _quote(value)
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a deck cannot hold {value}")
        text = repr(value)
        return text
    if isinstance(value, str):
        return value if _plain_ok(value) else _quote(value)
    return _json(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _quote(text: str) -> str:
    """A double-quoted YAML scalar (JSON string escapes are valid YAML ones)."""
    return json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str, *, flow: bool = False) -> bool:
    """True when ``text`` can stand unquoted and still load as exactly this string."""
    from studyrnn.decks.yamlsafe import resolve_plain

    if not text or text != text.strip() or text[0] in _PLAIN_FIRST_BAD or _CONTROL.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text or "\n" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    if text.startswith(("---", "...")):
        return False
    if not (isinstance(resolve_plain(text), str) and resolve_plain(text) == text):
        return False
    # Other YAML readers (YAML 1.1: PyYAML, some editor plugins) take yes/no/on/off, 1_000 or
    # 12:30 for booleans and numbers; quote those too, so every reader sees the same text.
    return _YAML11.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _needs_block(text: str) -> bool:
    """Multi-line text reads best as a literal block, unless it holds what a block cannot
    (control characters, carriage returns, lines of trailing spaces only)."""
    if "\n" not in text.rstrip("\n") or "\r" in text or _CONTROL.search(text):
        return False
    if text != text.rstrip(" \t") and not text.endswith("\n"):
        return False
    return not any(line != line.rstrip(" \t") and not line.strip() for line in text.split("\n"))


def _block_header(text: str) -> str:
    indicator = "2" if text[:1] in (" ", "\t") or text.startswith("\n") else ""
    if not text.endswith("\n"):
        chomp = "-"
    elif text.endswith("\n\n"):
        chomp = "+"
    else:
        chomp = ""
    return f"|{indicator}{chomp}"


def _block_body(text: str, indent: str) -> list[str]:
    body = text[:-1] if text.endswith("\n") else text
    return [f"{indent}{line}" if line else "" for line in body.split("\n")]
