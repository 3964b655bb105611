"""Alembic environment: run on a connection the store hands over (``config.attributes``).

``studyrnn.store.engine.migrate`` opens the connection inside one write transaction, so two
processes opening a fresh database at once migrate it once. Without a handed-over connection
(a developer running ``alembic -c ...`` by hand) it connects to ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from studyrnn.store.models import Base

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: no connection and no sqlalchemy.url to open one")
        engine = create_engine(url)
        with engine.begin() as conn:
            _migrate(conn)
        engine.dispose()
    else:
        _migrate(connection)


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
