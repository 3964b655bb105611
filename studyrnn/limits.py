"""Every size and length bound on untrusted input, in one place.

Decks, imports and learner names come from other people and end up in a shared class database
(PostgreSQL's ``varchar(200)`` columns for deck ids, card ids, tags and learner names; see
``studyrnn.store.models``). ``validate`` enforces these bounds, which are stricter than every
store's columns, so a deck that validates can always be studied on any store. Each bound holds
before any expensive work (parsing, rendering, grading).
"""

from __future__ import annotations

# -- deck files -------------------------------------------------------------------------------
MAX_DECK_FILE_BYTES = 4 * 1024 * 1024  # one deck file (checked before it is read)
MAX_YAML_DEPTH = 64  # nesting levels in a deck file
MAX_ALIAS_NODES = 10_000  # values that YAML aliases may expand to

# -- deck text (store columns are varchar(200)) -----------------------------------------------
MAX_DECK_ID = 64
MAX_CARD_ID = 64
MAX_TAG = 64
MAX_TITLE = 200
# Study notes are rendered as Markdown in the TUI in one piece, and Textual's Markdown costs a
# few milliseconds per block (paragraph, list item, table row): 16 KB of realistic notes open in
# about 1 s, 250 one-word list items (the worst case for 250 lines) in about 3 s on a loaded
# 2-core machine. The bundled decks' notes are 2.6-4.4 KB with at most 59 non-blank lines.
# Longer material belongs in several decks.
MAX_NOTES_CHARS = 16 * 1024
MAX_NOTES_LINES = 250  # non-blank lines (16 KB at the bundled notes' ~66 characters a line)

# -- learners ---------------------------------------------------------------------------------
MAX_LEARNER_NAME = 100

# -- messages ---------------------------------------------------------------------------------
MAX_DIAGNOSTICS_PER_FILE = 50  # then one "… and K more problems in this file" line
QUOTE_WIDTH = 60  # a deck value quoted in a message is shortened to this many characters
MESSAGE_WIDTH = 400  # one diagnostic line's message at most

# -- command-line numbers ---------------------------------------------------------------------
MAX_REPORT_LIMIT = 1_000_000
MAX_LINT_VARIANTS = 100_000
MAX_SEED = 2**63 - 1
