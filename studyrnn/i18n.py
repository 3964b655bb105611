"""The UI's language: ``_()`` translates a message through gettext catalogues (English and German).

    from studyrnn.i18n import _, N_
    label = _("Review")                     # in the current UI language
    BINDINGS = [Binding("r", "review", N_("Review"))]   # marked now, translated when shown
    de = translator("de"); de("Review")     # a German deck's study chrome, whatever the UI language

Catalogues are ``studyrnn/locale/<lang>/LC_MESSAGES/studyrnn.po``, read with the standard library
when a language is first used (a .po is compiled to .mo bytes in memory and handed to
``gettext.GNUTranslations``, so plural forms work as gettext defines them). The wheel carries the
.po files; no build step and no Babel at run time. English is the source language: a message
without a translation is shown as written.

The language: ``set_language(tag)`` (the learner's choice, kept by ``save_preference`` in the data
directory), else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.
Standard library only, so the first paint pays nothing for it.
"""

from __future__ import annotations

import ast
import gettext
import json
import os
import struct
from collections.abc import Callable
from functools import cache
from pathlib import Path

DOMAIN = "studyrnn"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "de": "Deutsch"}  # tag -> the language's own name
PREFERENCES_FILE = "ui.json"

_current: str | None = None


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (class attributes)."""
    return message


def _(message: str) -> str:
    """``message`` in the current UI language."""
    return catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current UI language."""
    return catalogue(language()).ngettext(singular, plural, n)


def translator(tag: str | None) -> Callable[[str], str]:
    """``gettext`` for the language ``tag`` (a deck's BCP 47 language: 'de', 'de-AT', 'en')."""
    return catalogue(normalise(tag) or language()).gettext


def normalise(tag: str | None) -> str | None:
    """'de_DE.UTF-8', 'de-AT', 'DE' -> 'de'; None for a language without a catalogue."""
    if not tag:
        return None
    base = tag.replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def language() -> str:
    """The UI language now: what ``set_language`` chose, else the locale's, else English."""
    global _current
    if _current is None:
        _current = from_locale()
    return _current


def set_language(tag: str | None) -> str:
    """Use ``tag`` for the UI from now on (None: the locale's language). Returns the tag used."""
    global _current
    _current = normalise(tag) or from_locale()
    return _current


def from_locale(environ: dict[str, str] | None = None) -> str:
    """The first language of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that has a catalogue ('en' if none)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if not value:
            continue
        for part in value.split(":"):  # LANGUAGE is a list: de:en
            tag = normalise(part)
            if tag is not None:
                return tag
        if name != "LANGUAGE":
            return SOURCE_LANGUAGE  # LC_ALL=C or an unsupported locale decides: English
    return SOURCE_LANGUAGE


# -- the learner's choice, kept in the data directory (no database needed before home paints) --


def _preferences_path(data_dir: Path | None = None) -> Path:
    if data_dir is None:
        from studyrnn.settings import data_dir as default_dir

        data_dir = default_dir()
    return data_dir / PREFERENCES_FILE


def load_preference(learner: str, data_dir: Path | None = None) -> str | None:
    """The language ``learner`` chose in Settings, or None (then the locale decides)."""
    try:
        data = json.loads(_preferences_path(data_dir).read_text(encoding="utf-8"))
        tag = data.get("language", {}).get(learner)
    except (OSError, ValueError, AttributeError):
        return None
    return normalise(tag) if isinstance(tag, str) else None


def save_preference(learner: str, tag: str | None, data_dir: Path | None = None) -> None:
    """Keep ``learner``'s UI language (None: follow the locale) for the next start."""
    from studyrnn.files import write_output

    path = _preferences_path(data_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("language"), dict):
            data = {"language": {}}
    except (OSError, ValueError):
        data = {"language": {}}
    if tag is None:
        data["language"].pop(learner, None)
    else:
        data["language"][learner] = normalise(tag) or SOURCE_LANGUAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_output(path, json.dumps(data, indent=1, sort_keys=True) + "\n", force=True)


# -- catalogues ------------------------------------------------------------------------------


@cache
def catalogue(tag: str) -> gettext.NullTranslations:
    """The translations for ``tag`` (a NullTranslations for English or a missing catalogue)."""
    po = LOCALE_DIR / tag / "LC_MESSAGES" / f"{DOMAIN}.po"
    if tag == SOURCE_LANGUAGE or not po.is_file():
        return gettext.NullTranslations()
    import io

    return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_text(encoding="utf-8"))))


def parse_po(text: str) -> dict[str, str]:
    """The messages of a .po file: msgid -> msgstr; a plural entry as 'id\\0plural' -> 'f0\\0f1'.

    Fuzzy and untranslated entries are left out (gettext shows the English then), as msgfmt does.
    """
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    last: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        if "msgid" in fields:
            msgid = fields["msgid"]
            if "msgid_plural" in fields:
                msgid += "\0" + fields["msgid_plural"]
                forms = [fields[k] for k in sorted(fields) if k.startswith("msgstr[")]
                msgstr = "\0".join(forms)
            else:
                msgstr = fields.get("msgstr", "")
            if msgstr.strip("\0") and (not fuzzy or msgid == ""):
                entries[msgid] = msgstr
        fields.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if last is not None and last != "#":
                flush()
                last = "#"
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if last is None or last == "#":
                raise ValueError(f"a continuation line without a keyword: {raw!r}")
            fields[last] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and last not in (None, "#"):
            flush()
        fields[keyword] = _unquote(rest.strip())
        last = keyword
    flush()
    return entries


def _unquote(quoted: str) -> str:
    """A .po string literal's text: JSON's escapes are the C ones .po files use (fast), and
    Python's literal syntax covers the rest (\\a, octal)."""
    try:
        value = json.loads(quoted)
    except ValueError:
        value = ast.literal_eval(quoted)
    if not isinstance(value, str):
        raise ValueError(f"not a string: {quoted!r}")
    return value


def compile_po(text: str) -> bytes:
    """A .po file's text as the bytes of a GNU .mo file (what msgfmt writes)."""
    messages = parse_po(text)
    keys = sorted(messages)
    originals = [k.encode("utf-8") for k in keys]
    translations = [messages[k].encode("utf-8") for k in keys]
    n = len(keys)
    start_ids = 7 * 4  # the header: magic, revision, count, two table offsets, hash size/offset
    start_strs = start_ids + n * 8
    offset = start_strs + n * 8
    table_ids, table_strs = [], []
    for data, table in ((originals, table_ids), (translations, table_strs)):
        for item in data:
            table.append(struct.pack("<2I", len(item), offset))
            offset += len(item) + 1
    header = struct.pack("<7I", 0x950412DE, 0, n, start_ids, start_strs, 0, 0)
    ids = b"".join(item + b"\0" for item in originals)
    strs = b"".join(item + b"\0" for item in translations)
    table = b"".join(table_ids) + b"".join(table_strs)
    return header + table + ids + strs
