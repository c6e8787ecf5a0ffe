"""The store's files on disk: reading a file whole, the cross-process lock, the atomic
replace, the table files and removing those no header names, the rotating backups, and keeping
a damaged file aside. Part of the store layer, and the only code in aghtrack that renames,
links, removes or fsyncs a file.

Every write is written whole to a temp file in the same directory, fsynced, atomically renamed
over its target, and the directory fsynced. A crash at any instant leaves the old file or the
new one, never a mix. A store's tables live in files of their own in a folder beside it
(``store.json.tables/``): a write first adds the new table files there, fsynced, and only then
renames the new header over the store, so the header never names a file that is not on disk;
files no header or backup names any more are removed after the rename. (TinyDB's own
JSONStorage rewrites the file in place: measured here, 8 concurrent writers corrupted it in 10
of 10 trials.)

A store reached through a symbolic link is worked on where the link points: lock, temp file,
backups and rename all happen beside the real file, so a link never forks the record. Only
regular files are read, opened without blocking (a named pipe would otherwise hang the command
while it holds the lock). Reports and exports (``write_output``) never replace the store's own
files, and write *into* whatever is not a regular file (a pipe, a device, ``/dev/stdout``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import BadInput, OutputRefused, StoreBusy, StoreError, StoreWriteFailed

DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_BACKUPS = 3
#: The folder beside the store that holds its table files.
TABLES_SUFFIX = ".tables"


def tables_folder(path: Path) -> Path:
    """The folder beside the store file ``path`` that holds its table files (a backup's tables
    are in its store's folder)."""
    return path.with_name(path.name + TABLES_SUFFIX)


#: The git working tree beside the store through which ``sync`` shares the record.
SHARE_SUFFIX = ".share"


def share_folder(path: Path) -> Path:
    return path.with_name(path.name + SHARE_SUFFIX)


class StoreFiles:
    """The store file and the files beside it (lock, backups, temp files, damaged copies,
    counters). ``path`` is the real file, symbolic links resolved."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = real_store_path(path)
        self.tables_path = tables_folder(self.path)
        self.lock_timeout = lock_timeout
        self.backups = backups

    @property
    def counters_path(self) -> Path:
        """A copy of the reference counters, kept beside the store: a store whose header is
        damaged beyond reading cannot take with it the numbers already issued."""
        return self.path.with_name(self.path.name + ".counters")

    def owns(self, path: Path) -> bool:
        """Whether ``path`` is, or would become, one of this store's files (the store, its
        lock, counters, a backup, a temp or damaged copy), by name once links are resolved,
        or by identity (the same file reached through a hard link)."""
        real = Path(os.path.realpath(path))
        if real.parent == self.path.parent and own_name(real.name, self.path.name):
            return True
        if real == self.tables_path or real.parent == self.tables_path:
            return True
        share = share_folder(self.path)
        if real == share or share in real.parents:
            return True
        try:
            target = os.stat(path)
        except OSError:
            return False
        if not stat.S_ISREG(target.st_mode):
            return False
        for mine in (self.path, self.lock_path, self.counters_path, *self._siblings()):
            with contextlib.suppress(OSError):
                st = os.stat(mine)
                if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                    return True
        return False

    def _siblings(self) -> list[Path]:
        """Every backup, temp and damaged copy of the store present beside it."""
        name, folder = self.path.name, self.path.parent
        besides = [folder / other for other in _names_in(folder) if own_name(other, name)]
        return besides + self.table_files()

    def orphan_table_files(self) -> list[str]:
        """The table files in the tables folder (temp files aside): with no store file and
        no backup, they are all that is left of a record whose store file went missing."""
        return [n for n in _names_in(self.tables_path) if _table_file_name(n)]

    def table_files(self) -> list[Path]:
        """Every file in the tables folder, temp files included."""
        return [self.tables_path / name for name in _names_in(self.tables_path)]

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
        prefix = f".{self.path.name}."
        beside = [self.path.parent / n for n in _names_in(self.path.parent) if _is_temp(n, prefix)]
        inside = [self.tables_path / n for n in _names_in(self.tables_path) if _is_temp(n, ".")]
        return sorted(beside + inside)

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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = hold_lock(self.lock_path, self.lock_timeout)
        except LockTimeout:
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
            os.close(fd)  # closing the descriptor releases the lock

    def read(self) -> bytes | None:
        """The store file (its header, or a whole one-file store), or None if there is none.
        Refuses anything but a regular file without blocking on it."""
        try:
            return read_regular(self.path)
        except FileNotFoundError:
            return None
        except NotRegularFile as e:
            raise StoreError(
                self.path, f"{e.kind}, not a store file; give --db a file's path"
            ) from None
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror or e})") from None

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

    def write(
        self,
        data: Iterable[bytes | memoryview],
        *,
        files: dict[str, bytes] | None = None,
        counters: bytes | None = None,
        rotate: bool = True,
    ) -> None:
        """Replace the store with ``data`` (call it holding ``locked()``), the replaced
        version becoming ``.bak1`` unless ``rotate`` is off. ``files`` (name -> bytes) are the
        new table files the new header names: on disk, fsynced, before it is renamed in.
        ``counters`` (the meta counters as JSON) are written once the new store is safely on
        disk and before it is renamed in, so that the side copy is never behind the store and
        a failed write changes nothing."""

        def before_replace() -> None:
            if counters is not None:
                self._write_counters(counters)
            if rotate:
                self._rotate_backups()

        try:
            mode: int | None = os.stat(self.path).st_mode
        except OSError:
            mode = None  # no store yet, or one the write itself will fail on
        if mode is not None and not mode & 0o222:
            raise StoreWriteFailed(
                self.path,
                "the store file is read-only (no one may write to it), so nothing was "
                "changed; make it writable (e.g. 'chmod u+w') to change the record",
            )
        added: list[Path] = []
        try:
            self._remove_stale_temp_files()
            if files:
                self._add_table_files(files, added)
            replace_atomically(self.path, data, before_replace=before_replace)
        except OSError as e:
            for path in reversed(added):  # no header names them: a failed write leaves nothing
                with contextlib.suppress(OSError):
                    path.rmdir() if path.is_dir() else path.unlink()
            raise StoreWriteFailed(
                self.path,
                f"could not write the store ({e.strerror or e}); it was left as it was",
            ) from None

    def _add_table_files(self, files: dict[str, bytes], added: list[Path]) -> None:
        """Put new table files in the tables folder. Each name is new (it holds the version's
        generation and the table's CRC), so no file a header names is ever replaced; a file
        already there with the same name and bytes (a retried write) is kept as it is. The
        files put there are appended to ``added``, for the caller to remove if the write fails."""
        folder = self.tables_path
        if not folder.is_dir():
            folder.mkdir()
            added.append(folder)
        mode = _file_mode(self.path)
        for name, data in files.items():
            target = folder / name
            try:
                if read_regular(target) == data:
                    continue
                raise OSError(errno.EEXIST, f"a different table file is already called {name}")
            except FileNotFoundError:
                pass
            fd, tmp = _new_temp_file(folder, name)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, mode)
                os.replace(tmp, target)
                added.append(target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        _fsync_directory(folder)

    def remove_unnamed_table_files(self, named: set[str]) -> None:
        """Remove table files that no header names any more (call it holding the lock, after a
        write). Best effort: a file that cannot be removed now (open elsewhere, on Windows) is
        removed by a later write. A command reading without the lock that finds a file gone
        reads the store again (``Store.load``)."""
        for name in _names_in(self.tables_path):
            if name not in named and not name.startswith("."):
                with contextlib.suppress(OSError):
                    os.unlink(self.tables_path / name)

    def headers(self) -> list[Path]:
        """The store and every file beside it that may name table files: backups and damaged
        copies kept aside (their tables are kept for them)."""
        folder, damaged = self.path.parent, os.path.normcase(f"{self.path.name}.damaged-")
        # Names compared as the system compares them (regardless of case on Windows), as
        # ``Path.glob`` did: a store named in other letters still finds its damaged copies.
        aside = sorted(
            folder / name
            for name in _names_in(folder)
            if os.path.normcase(name).startswith(damaged)
        )
        return [self.path, *self.backup_paths(), *aside]

    def _write_counters(self, counters: bytes) -> None:
        """Best effort and cheap (no fsync): the counters are a second source, read only by a
        restore and only ever raised; a torn copy is ignored."""
        tmp = self.path.with_name(f".{self.path.name}.counters.tmp")
        try:
            tmp.write_bytes(counters)
            os.replace(tmp, self.counters_path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def read_counters(self) -> bytes | None:
        try:
            return read_regular(self.counters_path, limit=1 << 24)
        except OSError:
            return None

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


def orphan_tables_problem(folder: Path, names: list[str]) -> str:
    return (
        f"the store file is missing but its tables folder {folder.name} holds "
        f"{len(names)} table file{'' if len(names) == 1 else 's'} of a record; put the store "
        "file back (or restore a backup with 'aghtrack doctor --restore'); nothing was changed"
    )


def _names_in(folder: Path) -> list[str]:
    """The names in a folder (none if it cannot be listed): a listing is what a write needs,
    without a Path or a glob pattern per name."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _is_temp(name: str, prefix: str) -> bool:
    return name.startswith(prefix) and name.endswith(".tmp")


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


#: How often a waiting command tries the lock again.
_LOCK_POLL = 0.05


def hold_lock(path: Path, timeout: float) -> int:
    """Take an exclusive lock on ``path`` (created if absent) within ``timeout`` seconds and
    return the open descriptor that holds it; closing it releases the lock. The operating
    system drops the lock when its holder dies, however it dies, so a killed command never
    blocks the next one (the lock file itself stays; it is never the lock).

    ``flock`` on POSIX, ``msvcrt.locking`` of the first byte on Windows: our own rather than
    the filelock package, whose import alone cost every write ~16 ms (issue 16). A lock
    file another user created and we cannot write to is still locked through a read-only
    descriptor where the system allows it (``flock`` does)."""
    import time

    flags = getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666)
    except PermissionError:
        if not path.exists() or sys.platform == "win32":
            raise
        fd = os.open(path, os.O_RDONLY | flags)
    deadline = time.monotonic() + timeout
    try:
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(path)
            time.sleep(_LOCK_POLL)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _try_lock(fd: int) -> bool:
    """One non-blocking attempt; False if another process holds the lock."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as e:
            if e.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


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
        fd, tmp = _new_temp_file(directory, path.name)
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


def _new_temp_file(directory: Path, name: str) -> tuple[int, str]:
    """A new, private temp file ``.NAME.RANDOM.tmp`` in ``directory``, as ``tempfile.mkstemp``
    makes one (exclusive create, mode 0600, no link followed), without importing tempfile and
    random on every write (~1 ms, issue 16)."""
    flags = (
        os.O_RDWR
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp file name", str(directory))


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


def own_name(name: str, store_name: str) -> bool:
    """Whether a file called ``name`` beside the store is one of the store's own files."""
    for prefix in (store_name, "." + store_name):
        if name.startswith(prefix) and _own_suffix(name[len(prefix) :]):
            return True
    return False


def _own_suffix(rest: str) -> bool:
    """What follows the store's name in the names of its own files: nothing (the store),
    its lock and counters, backups (``.bak`` and a number), damaged copies, and (after a
    leading dot) temp files. String tests, not a pattern: compiling one cost ~0.2 ms of
    every command."""
    return (
        rest in ("", ".lock", ".counters")
        or rest.startswith(".damaged-")
        or (rest.startswith(".bak") and rest[4:].isdecimal())
        or (len(rest) >= 5 and rest[0] == "." and rest.endswith(".tmp"))
    )


class NotRegularFile(OSError):
    """A path that names a folder, a pipe, a device or a socket where a file was expected."""

    def __init__(self, path: Path | str, mode: int) -> None:
        super().__init__(f"{path} is {file_kind(mode)}")
        self.kind = file_kind(mode)


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def real_store_path(path: Path) -> Path:
    """Where the store really is: links resolved, so that writes happen beside the real file.
    Refuses, as a usage error, a path that cannot be a store file: empty, a folder, inside
    something that is not a folder, or a pipe or device (checked with ``stat``, which never
    blocks)."""
    if str(path) in ("", "."):
        raise BadInput("The store path is empty; give --db a file's path, e.g. --db store.json.")
    real = Path(os.path.realpath(path.expanduser()))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        mode = None
    except OSError as e:
        raise StoreError(real, f"cannot reach the store ({e.strerror or e})") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise BadInput(f"{path} is {file_kind(mode)}, not a store file; give --db a file's path.")
    inside = _store_folder_around(real)
    if inside:
        raise BadInput(
            f"{path} is inside {inside}, which aghtrack keeps for a store's own files; "
            "give --db the store file itself, or a path in another folder."
        )
    owner = _store_owning(real)
    if owner:
        raise BadInput(
            f"{path} is a name the store {owner} keeps for its own files (a backup, a lock, "
            "a temp file); its next change would replace or remove it. Give --db another name."
        )
    for parent in real.parents:
        if parent.exists():
            if not parent.is_dir():
                raise BadInput(
                    f"{path}: {parent} is a file, not a folder; give --db a path in a folder."
                )
            break
    return real


def _store_folder_around(real: Path) -> str:
    """The name of the store folder (tables or share) holding ``real``, or "": a store made
    in there would have its files removed by the other store's next write."""
    for folder in real.parents:
        if folder.name.endswith(TABLES_SUFFIX) and _a_tables_folder(folder):
            return f"{folder.name} (a store's tables folder)"
        if folder.name.endswith(SHARE_SUFFIX):
            stem = folder.name.removesuffix(SHARE_SUFFIX)
            if stem and _names_a_store(folder.with_name(stem)):
                return f"{folder.name} (where the store {stem} is shared)"
    return ""


def _store_owning(real: Path) -> str:
    """The name of the store beside ``real`` whose own file ``real`` is or would be (its
    backup ``.bakN``, lock, counters, damaged copy, temp file, share), or "". Worked out from
    the name alone, so an ordinary store path costs no look at the folder."""
    name = real.name
    bases = []
    if name.startswith(".") and name.endswith(".tmp"):
        bases.append(name[1:].rsplit(".", 2)[0])  # .NAME.RANDOM.tmp
    head, dot, tail = name.rpartition(".")
    if dot and (
        tail in ("lock", "counters", SHARE_SUFFIX[1:])
        or (tail[:3] == "bak" and tail[3:].isdecimal())
    ):
        bases.append(head)
    if ".damaged-" in name:
        bases.append(name.rsplit(".damaged-", 1)[0])
    for base in bases:
        if base and base != name and _names_a_store(real.with_name(base)):
            return base
    return ""


def read_regular(path: Path, *, limit: int | None = None) -> bytes:
    """A regular file's bytes. Opened without blocking and checked before reading, so that a
    named pipe or a device (``/dev/zero``) is refused at once instead of hanging or filling
    memory; above ``limit`` bytes raises ``FileTooLarge``."""
    fd = os.open(path, _READ_FLAGS)
    try:
        return _read_open(fd, path, limit)
    finally:
        os.close(fd)


def read_regular_files(folder: Path, names: Iterable[str]) -> Iterator[tuple[str, bytes | OSError]]:
    """``read_regular`` of each named file in ``folder`` in turn, or the error that stopped
    it (the caller says which file it was). Opened relative to the folder where the system
    can (``dir_fd``): every load reads every table file, 120 of them for 1,000 commitments
    in 120 meetings, and reading them by full path took 1.8 ms where this takes 0.9 ms."""
    if os.open not in os.supports_dir_fd:
        for name in names:
            yield name, _read_or_error(folder / name)
        return
    try:
        folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as e:
        for name in names:
            yield name, e
        return
    inside = f"{folder}{os.sep}"  # a path for errors only: a Path costs ~1.5 µs to make
    try:
        for name in names:
            try:
                fd = os.open(name, _READ_FLAGS, dir_fd=folder_fd)
            except OSError as e:
                yield name, e
                continue
            try:
                yield name, _read_open(fd, inside + name, None)
            except OSError as e:
                yield name, e
            finally:
                os.close(fd)
    finally:
        os.close(folder_fd)


def _read_or_error(path: Path) -> bytes | OSError:
    try:
        return read_regular(path)
    except OSError as e:
        return e


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_open(fd: int, path: Path | str, limit: int | None) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(path, st.st_mode)
    if limit is not None and st.st_size > limit:
        raise FileTooLarge(path, st.st_size, limit)
    want = max(st.st_size + 1, 1 << 16)
    chunks = []
    while chunk := os.read(fd, want):
        chunks.append(chunk)
        if limit is not None and sum(map(len, chunks)) > limit:
            raise FileTooLarge(path, sum(map(len, chunks)), limit)
        if len(chunk) < want:
            # A short read of a regular file is its end: one call per file, not two (a load
            # reads every table file).
            break
    return b"".join(chunks)


class FileTooLarge(OSError):
    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit:,} bytes")
        self.size = size
        self.limit = limit


def write_output(path: Path, data: bytes, *, store: StoreFiles, export: bool = False) -> Path:
    """Write a report or an export to ``path`` and return where it went. Never one of the
    store's own files (whatever link or name leads there), nor any aghtrack store, nor a
    folder (``OutputRefused``). A regular file, or a new one, is replaced atomically beside
    its real path, so a link to it stays a link; anything else (a pipe, a device,
    ``/dev/stdout``) is opened and written into, never replaced. Raises OSError on failure."""
    given = path.expanduser()
    if store.owns(given):
        raise OutputRefused(
            f"--output {path} is the store's own file; choose another name for the report."
        )
    try:
        mode: int | None = os.stat(given).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputRefused(f"--output {path} is a folder; give a file name inside it.")
    if mode is not None and not stat.S_ISREG(mode):
        _write_into(given, data)
        return given
    # Every check is made on the real path, whatever link or /proc path leads there.
    real = Path(os.path.realpath(given))
    other = _part_of_a_store(real, exists=mode is not None)
    if other:
        raise OutputRefused(f"--output {path} {other}; no output of aghtrack replaces it.")
    if mode is not None and not export and _holds_an_export(real):
        # The README's backup of the record: a report written over it lost it.
        raise OutputRefused(
            f"--output {path} holds an aghtrack export (a backup of the record); only "
            "'aghtrack export' replaces it. Choose another name."
        )
    if mode is not None and not mode & 0o222:
        raise OutputRefused(
            f"--output {path} is read-only; make it writable or choose another name."
        )
    if _names_an_open_file(str(given)):
        # /dev/stdout and the like, sent to a file by the shell: written through the open
        # descriptor itself, so that ``>>`` still appends and ``>`` has already emptied it.
        fd = _own_descriptor(str(given))
        if fd is None:
            _write_into(given, data, truncate=True)
        else:
            sys.stdout.flush()
            _write_all(fd, data)
        return given
    try:
        replace_atomically(real, data)
    except PermissionError:
        if mode is None or not os.access(real, os.W_OK):
            raise
        # A writable file in a folder that is not (a shared drive's drop folder): written
        # in place, as the shell's ``>`` would; the atomic replace needs the folder.
        _write_into(real, data, truncate=True)
    return real


def _own_descriptor(name: str) -> int | None:
    """The descriptor of this process that ``name`` (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/self/fd/N``) names, if it is open; None for another process's."""
    parts = name.split("/")
    number = {"/dev/stdout": "1", "/dev/stderr": "2"}.get(name, parts[-1])
    own = name.startswith(("/dev/std", "/dev/fd/")) or parts[2] in ("self", str(os.getpid()))
    if not (own and number.isdecimal()):
        return None
    try:
        os.fstat(int(number))
    except OSError:
        return None
    return int(number)


def _names_an_open_file(name: str) -> bool:
    """Whether ``name`` reaches a file through one of a process's open descriptors
    (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``): output the shell sent to a file."""
    parts = name.split("/")
    return name.startswith(("/dev/stdout", "/dev/stderr", "/dev/fd/")) or (
        len(parts) >= 5 and parts[:2] == ["", "proc"] and parts[3] == "fd"
    )


def _holds_an_export(real: Path) -> bool:
    """Whether a file is ``aghtrack export``'s JSON: an object whose "format" is "aghtrack",
    wherever the key is (a tool that sorts keys moves it). Only a file that opens as a JSON
    object is read whole."""
    import orjson  # the layout module's reader, loaded by every command already

    try:
        with open(real, "rb") as f:
            if not f.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
                return False
            f.seek(0)
            document = orjson.loads(f.read().removeprefix(b"\xef\xbb\xbf"))
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(document, dict) and document.get("format") == "aghtrack"


def _part_of_a_store(real: Path, *, exists: bool) -> str:
    """What ``real`` is of some aghtrack store (said after "--output PATH"), or "": a store
    or backup (by its bytes), one of the names a store keeps beside it for its own files, or
    a file in a store's tables folder or share (the rules ``--db`` follows too)."""
    if exists and _is_a_store(real):
        return "holds an aghtrack store"
    owner = _store_owning(real)
    if owner:
        return f"is one of the files of the aghtrack store {owner}"
    inside = _store_folder_around(real)
    return f"is in {inside}" if inside else ""


def _names_a_store(base: Path) -> bool:
    """Whether ``base`` is an aghtrack store: its file says so, or (its file lost) its tables
    folder is there. A user's own ``minutes`` beside ``minutes.lock`` is not."""
    return (base.is_file() and _is_a_store(base)) or _a_tables_folder(tables_folder(base))


def _a_tables_folder(folder: Path) -> bool:
    """Whether ``folder`` (named ``NAME.tables``) holds a store's tables: its store file says
    so, or (that file lost) it holds a file named as only tables are."""
    base = folder.with_name(folder.name.removesuffix(TABLES_SUFFIX))
    if base.is_file() and _is_a_store(base):
        return True
    return any(map(_table_file_name, _names_in(folder)))


def _table_file_name(name: str) -> bool:
    """Whether ``name`` is named as only a store's table files are."""
    return name.endswith(".json") and name.startswith(("meetings.", "commitments-", "journal-"))


def _write_into(path: Path, data: bytes, *, truncate: bool = False) -> None:
    """Write into a pipe or device as a shell's ``>`` would, except that a pipe nobody reads
    from is an error at once rather than a hang (``truncate``: a file, emptied first)."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | (os.O_TRUNC if truncate else 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise OSError(e.errno, "no program is reading from that pipe") from None
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _is_a_store(path: Path) -> bool:
    """Whether a regular file is an aghtrack store or backup: a JSON object naming the store's
    format near its start (a header, a one-file store) or its end (a store written by 0.1,
    whose "meta" table TinyDB wrote last, or one pretty-printed by hand)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
            if not head.lstrip().startswith(b"{"):
                return False
            if b"aghtrack-store" in head:
                return True
            size = os.fstat(f.fileno()).st_size
            f.seek(max(size - 4096, len(head)))
            return b"aghtrack-store" in f.read(4096)
    except OSError:
        return False
