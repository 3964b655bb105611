"""Shared fixtures. Every test gets its own data directory so nothing touches the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("STUDYRNN_DATA_DIR", str(data))
    monkeypatch.delenv("STUDYRNN_DB", raising=False)
    monkeypatch.delenv("STUDYRNN_DECKS", raising=False)
    return data
