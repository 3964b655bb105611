"""The UI's gettext catalogues: every marked message of the screens has a German translation,
the stdlib .po compiler matches GNU msgfmt's format, and the language follows setting > locale."""

from __future__ import annotations

import ast
import gettext
import io
from pathlib import Path

from studyrnn import i18n

SCREENS = Path(__file__).resolve().parents[1] / "studyrnn" / "tui"
OWN = [
    "screens/home.py",
    "screens/notes.py",
    "screens/lab.py",
    "screens/stats.py",
    "screens/settings.py",
    "screens/browser.py",
    "screens/help.py",
    "screens/confirm.py",
    "commands.py",
]


def marked(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
            if name in ("_", "N_", "gettext", "tr") and isinstance(node.args[0].value, str):
                out.add(node.args[0].value)
            elif name == "ngettext" and len(node.args) >= 2:
                out.add(f"{node.args[0].value}\0{node.args[1].value}")
    return out


def test_every_marked_message_has_a_german_translation() -> None:
    german = i18n.parse_po(
        (i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "studyrnn.po").read_text(encoding="utf-8")
    )
    missing = sorted(m for f in OWN for m in marked(SCREENS / f) if m not in german)
    assert missing == []
    assert len(german) > 100


def test_placeholders_survive_translation() -> None:
    import string

    german = i18n.parse_po(
        (i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "studyrnn.po").read_text(encoding="utf-8")
    )
    for msgid, msgstr in german.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(msgid) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(msgstr) if f}, msgid


def test_the_compiled_catalogue_is_a_valid_mo_file_with_plurals() -> None:
    po = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "card"\nmsgid_plural "cards"\nmsgstr[0] "Karte"\nmsgstr[1] "Karten"\n\n'
        '#, fuzzy\nmsgid "Quit"\nmsgstr "Raus"\n\n'
        'msgid "a \\"quoted\\"\\n"\n"line"\nmsgstr "ein \\"zitiertes\\"\\n"\n"Zeile"\n'
    )
    t = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(po)))
    assert [t.ngettext("card", "cards", n) for n in (1, 2, 0)] == ["Karte", "Karten", "Karten"]
    assert t.gettext("Quit") == "Quit"  # fuzzy entries are not used, as msgfmt leaves them out
    assert t.gettext('a "quoted"\nline') == 'ein "zitiertes"\nZeile'


def test_language_from_setting_then_locale(tmp_path) -> None:
    assert i18n.from_locale({"LANG": "de_DE.UTF-8"}) == "de"
    assert i18n.from_locale({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}) == "de"
    assert i18n.from_locale({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.from_locale({}) == "en"
    assert i18n.normalise("de-AT") == "de" and i18n.normalise("fr") is None
    assert i18n.load_preference("ada", tmp_path) is None
    i18n.save_preference("ada", "de", tmp_path)
    i18n.save_preference("bob", "en", tmp_path)
    assert i18n.load_preference("ada", tmp_path) == "de"
    assert i18n.load_preference("bob", tmp_path) == "en"
    i18n.save_preference("ada", None, tmp_path)
    assert i18n.load_preference("ada", tmp_path) is None
    try:
        assert i18n.set_language("de") == "de"
        assert i18n._("Review") == "Wiederholen"
        assert i18n.ngettext("{n} card", "{n} cards", 2) == "{n} Karten"
        assert i18n.ngettext("{n} card", "{n} cards", 1) == "{n} Karte"
        assert i18n.translator("en")("Review") == "Review"
    finally:
        i18n.set_language("en")
    assert i18n._("Review") == "Review"
