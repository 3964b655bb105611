"""Reading and writing the files a user names: one opener and one writer, used everywhere.

``write_output`` is the only way studyrnn writes a file a user asked for (``export -o``,
``import -o``, ``new -o``, ``schema -o``):

- only a regular file is ever replaced — never a device, FIFO, socket, folder or symbolic link
  (as root, ``-o /dev/full`` must not turn the device node into a file);
- never the progress database, nor any SQLite database (a wrong ``-o`` must not wipe progress);
- an existing file is replaced only with ``force=True`` (``--force``);
- the write is atomic: a temporary file in the same folder, fsynced, then renamed over the
  target, so a reader or a crash never sees half a file; a missing folder is an error, not a
  ``mkdir``.

``read_bounded`` is the one reader for deck files and imports: regular files only (a FIFO is
refused without blocking), no symbolic link that leaves the folder it was found in, and a size
bound checked before anything is read.

Both raise ``UnsafeFileError`` (a ``StudyrnnError``) with a one-line message.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from studyrnn.errors import StudyrnnError
from studyrnn.untrusted import one_line

SQLITE_MAGIC = b"SQLite format 3\x00"


class UnsafeFileError(StudyrnnError):
    """A path that studyrnn refuses to read or write; the message says why."""


def _name(path: Path | str) -> str:
    return one_line(path, 120)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or type(exc).__name__


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_output(path: Path, *, force: bool = False, protect: Iterable[Path] = ()) -> None:
    """Refuse ``path`` as an output unless it is absent or a regular file we may replace."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise UnsafeFileError(
                f"cannot write {_name(path)}: the folder {_name(folder)} does not exist"
            ) from None
        return
    except (OSError, ValueError) as exc:
        reason = _os_reason(exc) if isinstance(exc, OSError) else "the name holds a NUL byte"
        raise UnsafeFileError(f"cannot write {_name(path)}: {reason}") from None
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeFileError(
            f"not writing {_name(path)}: it is a symbolic link (studyrnn replaces only regular "
            "files; name the real file)"
        )
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(
            f"not writing {_name(path)}: it is {_kind(st.st_mode)}, not a regular file"
        )
    if any(_same_file(path, p) for p in protect) or _is_sqlite(path):
        raise UnsafeFileError(
            f"not writing {_name(path)}: it is a database (perhaps your progress); "
            "choose another file name"
        )
    if not force:
        raise UnsafeFileError(f"{_name(path)} already exists; use --force to replace it")


def write_output(
    path: str | Path,
    data: str | bytes,
    *,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> None:
    """Write ``data`` (text is written as UTF-8 with ``\\n`` line ends) to ``path`` by the
    rules above. ``protect``: paths that must never be replaced (the progress database)."""
    path = Path(path)
    protect = list(protect)
    check_output(path, force=force, protect=protect)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UnsafeFileError(f"cannot write {_name(path)}: {_os_reason(exc)}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        # Checked again just before the rename: what was a regular file a moment ago must
        # still be one (a symlink or FIFO put there meanwhile is not replaced).
        check_output(path, force=force, protect=protect)
        if force:
            os.replace(tmp, path)
        else:
            # A hard link fails if anything appeared at ``path`` meanwhile: no race window.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise UnsafeFileError(
                    f"{_name(path)} already exists; use --force to replace it"
                ) from None
            except OSError:  # file systems without hard links
                os.replace(tmp, path)
    except OSError as exc:
        raise UnsafeFileError(f"cannot write {_name(path)}: {_os_reason(exc)}") from None
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def read_bounded(path: str | Path, max_bytes: int, *, root: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    ``root``: the folder the file was found in (default: its own folder); a symbolic link
    that resolves outside it is not followed. A FIFO, device or folder is refused without
    blocking; a file over ``max_bytes`` is refused before it is read.
    """
    path = Path(path)
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            base = (root if root is not None else path.parent).resolve()
            target = path.resolve()
            if not target.is_relative_to(base):
                raise UnsafeFileError(
                    f"{_name(path)}: a symbolic link out of {_name(base)}; not followed"
                )
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except UnsafeFileError:
        raise
    except FileNotFoundError:
        raise UnsafeFileError(f"{_name(path)}: no such file") from None
    except (OSError, ValueError) as exc:
        reason = _os_reason(exc) if isinstance(exc, OSError) else "the name holds a NUL byte"
        raise UnsafeFileError(f"{_name(path)}: cannot read it: {reason}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFileError(f"{_name(path)}: it is {_kind(st.st_mode)}; not read")
        if st.st_size > max_bytes:
            raise FileTooBig(path, st.st_size, max_bytes)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UnsafeFileError(f"{_name(path)}: cannot read it: {_os_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while we read it
        raise FileTooBig(path, len(data), max_bytes)
    return data


class FileTooBig(UnsafeFileError):
    """A file over the size bound; carries the sizes so a caller can word its own limit."""

    def __init__(self, path: Path, size: int, limit: int):
        self.path, self.size, self.limit = path, size, limit
        super().__init__(
            f"{_name(path)}: the file is {size:,} bytes; at most {limit:,} bytes are read"
        )
