"""Interchange: decks out to Anki, Moodle GIFT, Moodle XML and JSON; decks in from Anki packages,
Q/A text, CSV (Anki's and Quizlet's text exports too), GIFT, Moodle XML and JSON.

    from studyrnn.interchange.exporting import export_decks
    report = export_decks(decks, "anki", Path("out.apkg"), 5, force=True)
    from studyrnn.interchange.importing import import_deck
    result = import_deck(text, "qa", source="notes.txt")      # apkg: the package's bytes
    result.yaml     # a deck that validates;  result.report: what was guessed or lost

Every exporter and importer returns a ``Report``: what a format could not hold (export) and what
had to be guessed (import), each a ``path:line:col: warning|note: message`` line, printed through
``studyrnn.untrusted.one_line``. Nothing is dropped silently. Deck text is literal everywhere:
each format escapes it, none interprets it. Files are written only by
``studyrnn.files.write_output`` and read only by ``studyrnn.files.read_bounded``.

Modules: ``anki`` (.apkg out, via genanki), ``anki_import`` (.apkg/.colpkg in, sqlite3 +
zstandard), ``gift`` (Moodle GIFT, both ways), ``moodle_xml`` (Moodle XML, both ways),
``json_io`` (both ways), ``qa`` (plain question/answer text), ``csv_io`` (header CSV, Anki's
plain-text export, Quizlet), ``html_text`` (HTML to plain text), ``ids`` (ids from text),
``yaml_out`` (readable deck YAML), ``common`` (report, variants, tolerances, Moodle grades).
"""

from studyrnn.interchange.common import Report

__all__ = ["Report"]
