"""Opening a progress database: URL → engine, connection setup, migrations, clear errors.

SQLite gets WAL (readers never wait for the writer), a busy timeout, foreign keys, and
``synchronous=NORMAL`` (safe under WAL: a crash of the process or the machine loses no committed
transaction that the OS flushed; power loss may lose the last few, never corrupting the file).
pysqlite's own transaction handling is switched off and SQLAlchemy emits BEGIN itself (the recipe
in SQLAlchemy's SQLite dialect docs), so a write transaction starts with ``BEGIN IMMEDIATE``: it
takes the write lock up front and waits on the busy timeout instead of failing with "database is
locked" when a read lock cannot be upgraded. All other SQL is portable to PostgreSQL.

``--db`` is checked before anything is studied: an SQLite URL without a file (``sqlite://``,
``sqlite:///``, ``:memory:``) is refused, as progress would vanish at exit; a missing folder is an
error (only the default location is created); a database with tables but no studyrnn schema
belongs to another program and is refused; ``create=False`` (read-only commands) never creates a
database, and ``read_only=True`` opens an existing SQLite file read-only (no migration, no WAL
switch). PostgreSQL gets a connect timeout and statement and lock timeouts, so a server that is
gone or a lock held elsewhere is a message naming the server, not a hang.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from studyrnn.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration in migrations/versions (a test checks it against Alembic's head): a
# database already there opens without importing Alembic at all.
HEAD_REVISION = "0005"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")
BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 10
PG_STATEMENT_TIMEOUT_MS = 30_000
PG_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS
WRITE = "studyrnn_write"  # execution option: this connection's transaction will write


def normalise_url(url: str) -> URL:
    """A SQLAlchemy URL; a bare file path means an SQLite file."""
    if "\x00" in str(url):
        raise StoreError("the database URL contains a NUL character; check --db or $STUDYRNN_DB")
    text = str(url).strip()
    if not text:
        raise StoreError("empty database URL (is the variable meant for --db unset?)")
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        return make_url(text)
    except (ArgumentError, ValueError) as err:
        raise StoreError(f"not a database URL: {url!r} ({err})") from None


def describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return url.database
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database).expanduser()


def is_read_only_file(path: Path) -> bool:
    mode = path.stat().st_mode
    # root can write any file: go by the permission bits as well as by access()
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_sqlite_file(
    path: Path, *, create: bool = True, read_only: bool = False, make_folder: bool = False
) -> None:
    """Refuse, with a message a user can act on, a file SQLite would choke on later.

    ``create=False``: a missing file is an error. ``make_folder``: create a missing folder (the
    default location only; a mistyped ``--db`` folder is an error, not a ``mkdir``).
    """
    if path.is_dir():
        raise StoreError(
            f"progress database {path} is a directory, not a database file; pass --db with a file path"
        )
    folder = path.parent
    if path.exists():
        if read_only:
            return
        if is_read_only_file(path):
            raise StoreError(
                f"progress database {path} is read-only; make it writable (chmod u+w) or choose another with --db"
            )
    elif not create:
        raise StoreError(
            f"there is no progress database at {path} (nothing has been studied with it yet); "
            "check --db"
        )
    elif not folder.is_dir():
        if not make_folder:
            raise StoreError(
                f"the folder {folder} of the progress database {path.name} does not exist; "
                "create it or fix --db"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"cannot create the folder for the progress database {path}: {err.strerror}"
            ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"the folder {folder} of the progress database is not writable (SQLite needs it for its journal)"
        )


WAL_AUTOCHECKPOINT_PAGES = 8000  # ~32 MiB of WAL, some 500 answers


def _install_sqlite_setup(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see the module doc)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if read_only:
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # a large collection is ~150 MiB: keep the hot pages in memory, read the rest mapped
            cursor.execute("PRAGMA cache_size = -32768")
            cursor.execute("PRAGMA mmap_size = 268435456")
            # Checkpoints (copying the WAL into the database, with an fsync) are what make an
            # occasional answer slow; Store.close() checkpoints at the end of a session, so the
            # automatic one (default every 1000 pages, ~60 answers) is only a safety net.
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN"
        )


def _install_pg_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # SET, not connect_args' "options": a URL's own options (a search_path) must survive
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS}")
            cursor.execute(f"SET lock_timeout = {PG_LOCK_TIMEOUT_MS}")
        finally:
            cursor.close()
        dbapi_connection.commit()


def is_sqlite_read_only_url(url: URL) -> bool:
    return "mode=ro" in str(url.database or "") or url.query.get("mode") == "ro"


def create_store_engine(
    url: URL, *, create: bool = True, read_only: bool = False, make_folder: bool = False
) -> Engine:
    backend = url.get_backend_name()
    kwargs: dict = {}
    ro = read_only
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is None:
            raise StoreError(
                f"the SQLite URL {url.render_as_string(hide_password=True)!r} names no file: "
                "progress would be lost when studyrnn exits; pass --db with a file path"
            )
        check_sqlite_file(path, create=create, read_only=read_only, make_folder=make_folder)
        connect_args: dict = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        ro = read_only and path.exists() and is_read_only_file(path)
        if ro and not is_sqlite_read_only_url(url):
            url = make_url(f"sqlite:///file:{path}?mode=ro&uri=true")
        ro = ro or is_sqlite_read_only_url(url)
        kwargs.update(connect_args=connect_args)
    else:
        kwargs.update(pool_pre_ping=True)
        if backend == "postgresql" and "connect_timeout" not in url.query:
            kwargs.update(connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError, ModuleNotFoundError) as err:
        hint = " (pip install 'studyrnn[postgres]')" if backend == "postgresql" else ""
        raise StoreError(f"no database driver for {url.drivername}{hint}: {err}") from None
    except ArgumentError as err:
        raise StoreError(f"bad database URL {describe(url)}: {err}") from None
    if backend == "sqlite":
        _install_sqlite_setup(engine, read_only=ro)
    elif backend == "postgresql":
        _install_pg_setup(engine)
    return engine


def explain(err: BaseException, where: str) -> StoreError:
    """A database exception turned into one line a user can act on."""
    original = getattr(err, "orig", None) or err
    text = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    low = text.lower()
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return StoreError(
            f"{where} cannot be read: it is damaged or not an SQLite database ({text})"
        )
    if "readonly" in low or "read-only" in low:
        return StoreError(
            f"{where} is read-only ({text}); make it writable or choose another with --db"
        )
    if "database is locked" in low or "busy" in low:
        return StoreError(
            f"{where} is busy: another program kept it locked for {BUSY_TIMEOUT_MS // 1000} s; try again"
        )
    if "timeout" in low or "timed out" in low or "could not connect" in low or "connection" in low:
        return StoreError(f"{where} cannot be reached ({text}); is the server running?")
    if "unable to open" in low:
        return StoreError(f"cannot open {where}: {text}")
    if "disk" in low and "full" in low:
        return StoreError(f"cannot write {where}: the disk is full")
    return StoreError(f"{where}: {text}")


@contextmanager
def translated(where: str) -> Iterator[None]:
    """Turn driver errors into StoreError (programming errors pass through untouched)."""
    try:
        yield
    except StoreError:
        raise
    except (DBAPIError, OSError) as err:
        raise explain(err, where) from err


def stored_revision(engine: Engine, where: str = "the database") -> str | None:
    """The schema revision recorded in ``alembic_version`` (plain SQL), or None for a database
    with no tables at all. Refuses another program's database and a damaged version table."""
    with engine.connect() as conn:
        try:
            tables = inspect(conn).get_table_names()
            if "alembic_version" not in tables:
                if tables:
                    raise _foreign(where, tables)
                return None
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        finally:
            conn.rollback()
    if len(rows) != 1:
        raise StoreError(
            f"{where} is damaged: its alembic_version table has {len(rows)} rows, not one"
        )
    revision = rows[0][0]
    if revision not in KNOWN_REVISIONS and "learners" not in tables:
        raise _foreign(where, tables)
    return revision


def _foreign(where: str, tables: list[str]) -> StoreError:
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    return StoreError(
        f"{where} belongs to another program (tables {shown}; no studyrnn schema): "
        "studyrnn will not add its tables to it; choose another file with --db"
    )


def migrate(engine: Engine, where: str) -> None:
    """Bring the schema to head, inside one write transaction (a fresh file is created here).

    Alembic is imported only when the database is not at ``HEAD_REVISION`` already.
    """
    if stored_revision(engine, where) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
    if current == head:
        return
    if current is not None and current not in known:
        raise StoreError(
            f"{where} was written by a newer studyrnn (schema {current}); upgrade studyrnn to open it"
        )
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # two processes migrating one class database take turns
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4729117)")
            config.attributes["connection"] = conn
            if current is None and not inspect(conn).get_table_names():
                # An empty database: build the head schema in one go and stamp it (Alembic's
                # "create_all + stamp" recipe); tests check the migrations build the same schema.
                from studyrnn.store.models import Base

                Base.metadata.create_all(conn)
                command.stamp(config, "head")
            else:
                command.upgrade(config, "head")


def open_engine(
    url: str, *, create: bool = True, read_only: bool = False, make_folder: bool = False
) -> tuple[Engine, str, bool]:
    """An engine on a migrated database, a name for it to use in messages, and whether the
    database was created just now.

    ``create=False``: never create a database (read-only commands). ``read_only``: a read-only
    SQLite file is opened read-only and must be at the current schema already.
    """
    parsed = normalise_url(url)
    where = describe(parsed)
    sqlite = parsed.get_backend_name() == "sqlite"
    where = f"progress database {where}" if sqlite else f"database {where}"
    path = sqlite_path(parsed) if sqlite else None
    existed = path is not None and path.exists() and path.stat().st_size > 0
    engine = create_store_engine(
        parsed, create=create, read_only=read_only, make_folder=make_folder
    )
    try:
        with translated(where):
            revision = stored_revision(engine, where)
            created = revision is None and not existed
            if revision is None and not create:
                raise StoreError(f"{where} holds no progress yet (nothing has been studied)")
            if revision != HEAD_REVISION:
                if (
                    read_only
                    and engine.url.get_backend_name() == "sqlite"
                    and (is_sqlite_read_only_url(engine.url))
                ):
                    raise StoreError(
                        f"{where} is read-only and at an older schema ({revision}); "
                        "open it once with write access to upgrade it"
                    )
                migrate(engine, where)
    except BaseException:
        engine.dispose()
        raise
    return engine, where, created
