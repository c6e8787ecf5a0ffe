"""The store's files on disk: reading the store whole, the cross-process lock, the atomic
replace, the rotating backups, and keeping a damaged file aside. Part of the store layer, and
the only code in aghtrack that renames, links or fsyncs a file.

Every write is written whole to a temp file in the same directory, fsynced, atomically renamed
over its target, and the directory fsynced. A crash at any instant leaves the old file or the
new one, never a mix. (TinyDB's own JSONStorage rewrites the file in place: measured here, 8
concurrent writers corrupted it in 10 of 10 trials.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import StoreBusy, StoreWriteFailed

DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_BACKUPS = 3


class StoreFiles:
    """The store file and the files beside it (lock, backups, temp files, damaged copies)."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.backups = backups

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def backup_path(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.bak{n}")

    def exists(self) -> bool:
        return self.path.exists()

    def backup_paths(self) -> list[Path]:
        """Backups present beside the store, newest (``.bak1``) first."""
        return [p for n in range(1, self.backups + 1) if (p := self.backup_path(n)).exists()]

    def leftover_temp_files(self) -> list[Path]:
        """Temp files a killed writer left behind: never read, removed by the next write."""
        return sorted(self.path.parent.glob(f".{self.path.name}.*.tmp"))

    def signature(self) -> tuple[int, int, int] | None:
        """Identity of the file's current version; every write renames a new file in."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's cross-process lock (every write, and ``doctor --restore``)."""
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
            lock.acquire()
        except Timeout:
            raise StoreBusy(
                self.path,
                f"the store is busy: another aghtrack command has held it for over "
                f"{self.lock_timeout:g} s; try again in a moment",
            ) from None
        except OSError as e:
            raise StoreWriteFailed(
                self.path, f"cannot write here ({e.strerror}); the store was not changed"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def keep_aside(self, stamp: str) -> Path | None:
        """Give the current store file a second name, ``store.json.damaged-STAMP``, before a
        restore replaces it; None if there is no store file. Nothing is ever deleted."""
        if not self.path.exists():
            return None
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
        try:
            # A second name for the same file: the store path is never without a file.
            os.link(self.path, aside)
        except OSError:
            try:
                shutil.copy2(self.path, aside)
            except OSError as e:
                raise StoreWriteFailed(
                    self.path,
                    f"could not keep the damaged store aside ({e.strerror or e}); "
                    "nothing was changed",
                ) from None
        return aside

    def write(self, data: Iterable[bytes | memoryview], *, rotate: bool = True) -> None:
        """Replace the store with ``data`` (call it holding ``locked()``), the replaced
        version becoming ``.bak1`` unless ``rotate`` is off."""
        try:
            self._remove_stale_temp_files()
            replace_atomically(
                self.path, data, before_replace=self._rotate_backups if rotate else None
            )
        except OSError as e:
            raise StoreWriteFailed(
                self.path,
                f"could not write the store ({e.strerror or e}); it was left as it was",
            ) from None

    def _rotate_backups(self) -> None:
        """Keep the last few stores as ``.bak1`` (newest) .. ``.bakN``; a hard link costs no
        copy, and the store about to be replaced is a complete, fsynced file."""
        if self.backups < 1 or not self.path.exists():
            return
        for n in range(self.backups - 1, 0, -1):
            if self.backup_path(n).exists():
                os.replace(self.backup_path(n), self.backup_path(n + 1))
        newest = self.backup_path(1)
        with contextlib.suppress(FileNotFoundError):
            newest.unlink()
        try:
            os.link(self.path, newest)
        except OSError:
            shutil.copy2(self.path, newest)

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a writer that was killed mid-write; only called under the lock."""
        for leftover in self.leftover_temp_files():
            with contextlib.suppress(OSError):
                leftover.unlink()


def replace_atomically(
    path: Path,
    data: bytes | Iterable[bytes | memoryview],
    *,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Make ``path`` hold ``data`` or its old content, never a mix, whatever crashes when:
    a temp file beside it (same filesystem, so the rename is atomic), fsynced, renamed over
    it, and the directory fsynced. Raises OSError (or whatever producing ``data`` raised)
    with nothing changed but the temp file gone. Every file aghtrack writes (the store,
    reports, exports) goes through here."""
    directory = path.parent
    tmp: str | None = None
    pieces = [data] if isinstance(data, bytes | bytearray) else data
    try:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        tmp = None
        _fsync_directory(directory)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _file_mode(path: Path) -> int:
    """Keep an existing file's mode; a new one gets what the umask allows (mkstemp's 0600
    would hide the record from colleagues on a shared drive)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; without this a power cut can bring the old name back."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
