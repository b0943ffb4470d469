"""The online backup of the embedded SQLite database (docs/backups.md).

The database runs in WAL mode: recent commits live in `db.sqlite3-wal` until a checkpoint moves
them into the main file, so copying `db.sqlite3` alone (cp, rsync, a disk snapshot of one file)
can miss them or catch a page half-written. SQLite's backup API reads the database as one
transaction sees it, WAL included, while writers carry on.
"""

import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    """The backup could not be made; the message says why, for the person running it."""


def owner_only_file_create(path: Path) -> None:
    """An empty file at `path` that only its owner may read and write (0600).

    Made before SQLite writes a byte into it: SQLite would otherwise create it with the umask's
    mode (0644 under the usual 0022, readable by every local user). The explicit chmod is for a
    umask that takes the owner's own bits away too.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def sqlite_backup(*, source: Path, destination: Path) -> int:
    """Copy the SQLite database at `source` to `destination`, consistent and self-contained.

    The copy is taken in one step (one read transaction: writers are not held up in WAL mode, and
    a step-by-step copy would start again after every write), checked with `integrity_check`,
    switched to a single-file journal so it needs no `-wal` beside it, and only then moved into
    place: an interrupted run never leaves a half-written file under the destination's name.
    The copy holds personal data, so only its owner may read it (0600), whatever the umask.
    Returns the size of the copy in bytes.
    """
    source, destination = Path(source).resolve(), Path(destination).resolve()
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    if destination == source:
        raise BackupError("The backup must go to another file than the live database.")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    owner_only_file_create(partial)
    live = sqlite3.connect(source, timeout=20)
    copy = sqlite3.connect(partial)
    try:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        live.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed SQLite's integrity check: {verdict}")
    os.replace(partial, destination)
    return destination.stat().st_size
