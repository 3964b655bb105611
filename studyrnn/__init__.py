"""studyrnn: study backpropagation through time in the terminal.

Layers (imports only point down): ``studyrnn.tui`` -> ``studyrnn.cli`` -> the domain modules
(``decks``, ``grading``, ``store``, ...) -> ``engine`` (pure NumPy).
"""

__version__ = "0.1.0"
