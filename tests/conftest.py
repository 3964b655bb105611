"""Shared fixtures. Every test gets its own data directory so nothing touches the real one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("STUDYRNN_DATA_DIR", str(data))
    monkeypatch.delenv("STUDYRNN_DB", raising=False)
    monkeypatch.delenv("STUDYRNN_DECKS", raising=False)
    return data


def _pg_url(base: str, schema: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.sqlite3'}"
    base = os.environ.get("STUDYRNN_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (set STUDYRNN_TEST_PG_URL)")
    return _pg_url(base, f"t_{uuid.uuid4().hex[:12]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """With STUDYRNN_REQUIRE_TORCH=1 (CI's torch pass), a test skipped for want of torch (or of
    pandas, which FSRS's optimizer needs beside it) fails: the comparisons with torch.autograd and
    the optimizer's fit must really run there, not skip quietly."""
    report = yield
    if (
        os.environ.get("STUDYRNN_REQUIRE_TORCH") == "1"
        and report.skipped
        and any(name in str(report.longrepr).lower() for name in ("torch", "pandas"))
    ):
        report.outcome = "failed"
        report.longrepr = f"torch is required in this run but the test skipped: {report.longrepr}"
    return report
