"""Pure NumPy RNN engine (filled in by the engine work)."""
