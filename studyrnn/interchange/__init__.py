"""Interchange: decks out to Anki, Moodle GIFT and JSON; decks in from Q/A text, CSV, GIFT, JSON.

    from studyrnn.interchange.exporting import export_decks
    report = export_decks(decks, "anki", Path("out.apkg"), variants=5)
    from studyrnn.interchange.importing import import_deck
    result = import_deck(text, "qa", source="notes.txt")
    result.yaml     # a deck that validates;  result.report: what was guessed or lost

Every exporter and importer returns a ``Report``: what a format could not hold (export) and what
had to be guessed (import), each a ``path:line:col: warning|note: message`` line. Nothing is
dropped silently. Deck text is literal everywhere: each format escapes it, none interprets it.

Modules: ``anki`` (.apkg via genanki), ``gift`` (Moodle GIFT, both ways), ``json_io`` (both
ways), ``qa`` (plain question/answer text), ``csv_io`` (front, back, tags), ``ids`` (ids from
text), ``yaml_out`` (readable deck YAML), ``common`` (report, atomic writes, tolerances).
"""

from studyrnn.interchange.common import Report

__all__ = ["Report"]
