"""``aghtrack sync``: the record shared between offices through a git repository.

Beside the store lives a git working tree (``store.json.share/``) holding the record in a
layout that mirrors the store's tables one to one, one document per line with sorted keys:
``meetings.jsonl``, ``counters.jsonl`` (the last number issued per meeting) and
``commitments/MEETING/BLOCK.jsonl``. A change to one commitment changes one line of one small
file, so git stores a small delta and ``git log -p`` reads as the record's history. The
journal stays local: it holds undo's before-images of this office's changes, not the record.

A sync, all of it under the store's lock (no other command changes the store meanwhile, so
the store and the share never disagree about what was exported):

1. put the share back to its last commit if a sync was interrupted;
2. write to the share only the tables whose CRC moved since they were last in step with it
   (the store header has every table's CRC), merged with what the share holds, and commit;
3. fetch, merge with the record's own merge (``merge``; git calls it as a merge driver),
   give two commitments sharing a number different numbers, push; if someone pushed
   meanwhile, do it again (a few times);
4. bring into the store, in one transaction (lock, atomic replace, backups, a journal entry
   "sync" past which undo does not go), only the files that changed since the store was last
   in step with the share.

A failure (no network, a refused push, a remote that is not a record, a kill) leaves the
store as it was or with the received changes fully in; local changes stay committed in the
share and the next sync sends them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from . import clock
from .errors import BadInput, SyncFailed
from .gitshare import ATTRIBUTES, GitShare
from .merge import (
    COMMITMENTS_DIR,
    COUNTERS_FILE,
    MARKER_FILE,
    MEETINGS_FILE,
    Doc,
    merge_commitment,
    merge_counters,
    merge_file,
    read_lines,
    renumber,
    union_commitments,
    write_lines,
)
from .sharecheck import PUT_RIGHT, checked, event_changed, record_file, table_of
from .store import Store
from .store.files import replace_atomically, share_folder
from .store.journal import Transaction
from .store.layout import (
    CHUNK,
    COMMITMENTS,
    MEETINGS,
    Snapshot,
    commitments_table,
    header_meta,
    table_crcs,
    table_kind,
)

STATE_FILE = "aghtrack-sync.json"
MARKER = b'{"format": "aghtrack-record", "version": 1}\n'
#: How many times a push refused because someone pushed meanwhile is merged and tried again.
PUSH_ATTEMPTS = 5


@dataclass
class SyncReport:
    sent: int = 0
    received: dict[str, int] = field(default_factory=dict)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    started: str = ""
    #: Received changes dated after this office's today, as "9.2 (2027-01-05, by B)".
    ahead: list[str] = field(default_factory=list)

    def line(self) -> str:
        got = sum(self.received.values())
        text = f"sent {_changes(self.sent)}, received {got}"
        if got:
            text += ": " + ", ".join(
                f"{n} from {who or 'another office'}" for who, n in sorted(self.received.items())
            )
        if self.renumbered:
            moved = ", ".join(f"{old} is now {new}" for old, new in self.renumbered)
            text += f"; renumbered: {moved}"
        if self.ahead:
            # A change is never dated after its office's today: these come from an office
            # whose clock is ahead, and no paper shows them until that date comes here.
            one = len(self.ahead) == 1
            shown = ", ".join(self.ahead[:5]) + (", ..." if len(self.ahead) > 5 else "")
            text += (
                f"; {len(self.ahead)} received {'change is' if one else 'changes are'} dated "
                f"after today ({clock.today()}), so no paper shows {'it' if one else 'them'} "
                f"yet: {shown}. Check the clock of the office that made "
                f"{'it' if one else 'them'}"
            )
        return (self.started + "; " if self.started else "") + text


@dataclass(frozen=True)
class ShareStatus:
    remote: str
    waiting: int
    remote_ahead: int | None
    problem: str = ""
    #: Syncs' changes in the share and not on the shared record (a sync was cut short).
    unpushed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """``sync --status --json``: the figures the line says."""
        return {
            "remote": self.remote,
            "waiting": self.waiting,
            "to_receive": self.remote_ahead,
            "problem": self.problem or None,
            "cut_short": self.unpushed,
        }

    def line(self) -> str:
        ahead = (
            f"the shared record could not be checked ({self.problem})"
            if self.remote_ahead is None
            else "the shared record has news"
            + f" ({self.remote_ahead} sync{'s' if self.remote_ahead != 1 else ''} to receive)"
            if self.remote_ahead
            else "the shared record has nothing new"
        )
        cut_short = (
            "; changes taken in by a sync that was cut short are not on the shared record "
            "yet: run 'aghtrack sync' to send them"
            if self.unpushed and self.remote_ahead is not None
            else ""
        )
        return f"{_changes(self.waiting)} waiting to be sent to {self.remote}; {ahead}{cut_short}"


def _changes(n: int) -> str:
    return f"{n} change{'' if n == 1 else 's'}"


@dataclass
class _State:
    """What the store last had in common with the share (kept in the share's ``.git``)."""

    commit: str | None = None
    crc: dict[str, int] = field(default_factory=dict)
    unsent: int = 0
    #: The store's generation then: a store now older (``doctor --restore`` put a backup
    #: back) is no longer in step with anything, and is compared with the share whole.
    generation: int = 0


class Sharing:
    """One store and the share beside it."""

    def __init__(self, store: Store, *, actor: str, now: Callable[[], str]) -> None:
        self.store = store
        self.actor = actor
        self.now = now
        self.path = share_folder(store.path)
        self.git = GitShare(self.path, author=actor)
        #: Versions of the share's files known good in this sync: checked as they arrived, or
        #: written here from the store and such files. A file is checked once, not at every
        #: step that reads it (a new office's first sync reads the whole record three times).
        self._known_good: set[tuple[str, bytes]] = set()
        self._exchanged = False
        self._held_at: str | None = None

    # --- state ----------------------------------------------------------------------------

    @property
    def _state_path(self) -> Path:
        return self.git.git_dir / STATE_FILE

    def _load_state(self) -> _State:
        try:
            raw = orjson.loads(self._state_path.read_bytes())
            state = _State(
                raw.get("commit"),
                dict(raw.get("crc") or {}),
                int(raw.get("unsent", 0)),
                int(raw.get("generation", 0)),
            )
        except (OSError, orjson.JSONDecodeError, TypeError, ValueError, AttributeError):
            return _State()
        if state.commit is not None and (
            not isinstance(state.commit, str) or self.git.rev(state.commit) is None
        ):
            return _State()  # damaged by hand: compare the store and the share whole
        return state

    def _save_state(self, state: _State) -> None:
        data = {
            "commit": state.commit,
            "crc": state.crc,
            "unsent": state.unsent,
            "generation": state.generation,
        }
        replace_atomically(self._state_path, orjson.dumps(data, option=orjson.OPT_SORT_KEYS))

    # --- the command ----------------------------------------------------------------------

    def _check_place(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise SyncFailed(
                f"{self.path} is in the way: it is where this record's share (a folder) "
                "belongs, but it is a file; move it elsewhere and sync again"
            )

    def status(self) -> ShareStatus:
        self._check_place()
        if not self.git.exists():
            raise SyncFailed(
                "this record is not shared yet: 'aghtrack sync --remote URL' starts sharing "
                "it (or joins a shared record)"
            )
        state = self._load_state()
        waiting = state.unsent + self._export(self.store.load(), state, write=False)[2]
        remote = self.git.remote_url() or "?"
        try:
            self.git.fetch()
        except SyncFailed as e:
            return ShareStatus(remote, waiting, None, str(e))
        theirs, mine = self.git.remote_head(), self.git.head()
        ahead = self.git.count(f"HEAD..{theirs}") if theirs and mine else int(theirs is not None)
        # Taken into the share by a sync cut short (Ctrl-C, no network) but not pushed: the
        # store counts them sent, and only the next sync sends them.
        unpushed = (self.git.count(f"{theirs}..HEAD") if theirs else 1) if mine else 0
        return ShareStatus(remote, waiting, ahead, unpushed=unpushed)

    def sync(self, remote: str | None = None) -> SyncReport:
        url = None if remote is None else remote_url(remote)
        self._check_place()
        with self.store.locked():
            created = not self.git.exists()
            if created:
                if url is None:
                    raise SyncFailed(
                        "this record is not shared yet: 'aghtrack sync --remote URL' starts "
                        "sharing it (or joins a shared record)"
                    )
                self._create(url)
            moved_from = None
            if url is not None and not created and self.git.remote_url() != url:
                moved_from = self.git.remote_url()
                self.git.set_remote(url)
            try:
                return self._run(created=created, moved_from=moved_from)
            except BaseException:
                if created and not self._exchanged:
                    # Nothing was shared: no share is left behind pointing where it failed
                    # (whatever failed: git, the network, or the store itself).
                    import shutil

                    shutil.rmtree(self.path, ignore_errors=True)
                raise

    def _run(self, *, created: bool, moved_from: str | None) -> SyncReport:
        """The sync itself, under the lock: export, exchange, import (the module's steps)."""
        report = SyncReport()
        self.git.install_driver()
        self.git.recover()
        state = self._load_state()
        snapshot = self.store.load()
        if int(snapshot.meta.get("generation", 0)) < state.generation:
            state = _State(unsent=state.unsent)  # a backup was restored since the last sync
        self._held_at = state.commit
        empty = snapshot.missing or not snapshot.docs(MEETINGS)
        written, stale, sent, meetings = self._export(snapshot, state, write=True)
        paths = written + self._normalise(meetings)
        marked = False
        if self.git.commit(paths, f"aghtrack: {_changes(sent)} by {self.actor}"):
            state.unsent += sent
            # From here these changes are on their way to the other offices: undo must stop
            # here now, not after the exchange, which a kill or Ctrl-C on a slow network can
            # cut short after the push.
            with self.store.transaction(
                at=self.now(), actor=self.actor, command="sync", lock_held=True
            ) as tx:
                tx.mark()
                tx.summary = f"Synced with the shared record: {_changes(sent)} taken in to send"
            marked = True
            # Remembered now: a sync cut short after this point still counts them, and the
            # next one says it sent them (it said "sent 0 changes").
            with contextlib.suppress(OSError):
                self._save_state(state)
        failure: SyncFailed | None = None
        try:
            report.started = self._exchange(empty, moved=moved_from is not None)
            self._exchanged = True
            state.unsent, report.sent = 0, state.unsent
        except SyncFailed as e:
            if created:
                raise  # nothing was shared; ``sync`` removes the new share
            if moved_from is not None:
                self.git.set_remote(moved_from)  # the record stays shared where it was
            failure = e
        report.received, report.renumbered, report.ahead = self._import(
            state, stale, mark=sent > 0 and not marked
        )
        if failure is not None:
            raise failure
        return report

    def _create(self, remote: str) -> None:
        """A new share: a repository beside the store, set up in a temporary folder and
        renamed into place, so that a sync killed here leaves no half-made share."""
        import shutil
        import tempfile

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        try:
            building = GitShare(tmp, author=self.actor)
            building.init()
            building.set_remote(remote)
            (tmp / ".gitattributes").write_text(ATTRIBUTES)
            (tmp / MARKER_FILE).write_bytes(MARKER)
            building.commit([".gitattributes", MARKER_FILE], "aghtrack: a shared record")
            tmp.rename(self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _exchange(self, empty: bool, *, moved: bool = False) -> str:
        """Fetch, merge, push, until the push is taken. Returns how sharing started, if it
        did now. ``moved``: the record was shared elsewhere until now (``--remote`` gave a new
        place), which must then hold the same record: one with no history in common with
        this one is another record, and merging the two would mix them in every office."""
        started = ""
        for _ in range(PUSH_ATTEMPTS):
            if self.git.remote_has_branch():
                self.git.fetch()
                theirs = self.git.remote_head()
                assert theirs is not None
                self._check_marker(theirs)
                before = self.git.head()
                if moved and before is not None and not self.git.related(before, theirs):
                    raise SyncFailed(
                        f"{self.git.remote_url()} holds another shared record (it has no "
                        "history in common with this one); nothing was sent or received, and "
                        "the record stays shared where it was"
                    )
                self._check_incoming(before, theirs)
                joining = before is None or (empty and not self._has_record(before))
                if joining or self.git.is_ancestor(before, theirs):  # type: ignore[arg-type]
                    self.git.fast_forward(theirs)
                    started = started or ("joined the shared record" if joining else "")
                else:
                    self.git.merge(theirs)
                touched = {
                    m
                    for p in self.git.changed_files(before, "HEAD")
                    if (m := _meeting_of(p)) is not None
                }
                self.git.commit(
                    self._normalise(touched), f"aghtrack: references renumbered by {self.actor}"
                )
                if self.git.head() == theirs:
                    return started
            elif empty and not self._has_record("HEAD"):
                # (A new share's only commit holds the marker: nothing to start a record with.)
                raise SyncFailed(
                    "the shared repository is empty and so is this record: add the record "
                    "here first (e.g. 'aghtrack import FILE'), or join one that has a record"
                )
            else:
                started = "started sharing the record"
            if self.git.push().ok:
                return started
        raise SyncFailed(
            f"others kept pushing while this sync ran ({PUSH_ATTEMPTS} tries); "
            "run 'aghtrack sync' again"
        )

    def _check_marker(self, theirs: str) -> None:
        """The shared repository must say it holds an aghtrack record this aghtrack reads."""
        marker = self.git.blobs(theirs, [MARKER_FILE]).get(MARKER_FILE)
        if marker is None:
            raise SyncFailed(
                f"{self.git.remote_url()} is not a shared aghtrack record "
                "(it has no aghtrack-record.json); nothing was sent or received"
            )
        try:
            version = orjson.loads(marker).get("version")
        except (orjson.JSONDecodeError, AttributeError):
            version = None
        if type(version) is not int or version != 1:  # (1.0 and true equal 1 in Python)
            newer = type(version) is int and version > 1
            raise SyncFailed(
                f"{self.git.remote_url()} holds a shared record "
                + (
                    f"in a newer form (version {version}); upgrade aghtrack to share it"
                    if newer
                    else "whose aghtrack-record.json is damaged; put it right there"
                )
                + "; nothing was sent or received"
            )

    def _check_incoming(self, ours: str | None, theirs: str) -> None:
        """Refuse, before anything is merged, a shared record holding a line a command could
        not load or an event this office holds changed (``sharecheck``): a merge never
        removes a line, so one merged would stay in this office's share for good."""
        paths = [p for p in self.git.changed_files(ours, theirs) if record_file(p)]
        if not paths:
            return
        arriving = self.git.blobs(theirs, paths)
        # Held: what the store last took in from the share (a plain ``git pull`` may have
        # moved the share on since, past this check), else the share as it is.
        mine = self._held_at or ours
        held = self.git.blobs(mine, paths) if mine else {}
        for path in paths:
            if path in arriving:
                self._read(path, arriving[path], known=held.get(path))

    def _read(self, path: str, data: bytes, *, known: bytes | None = None) -> list[Doc]:
        """The documents of the share's file ``path`` holding ``data``, checked
        (``sharecheck``) unless this version already was, in this sync."""
        if (path, data) in self._known_good:
            return read_lines(data)
        docs = checked(path, data, known=known)
        self._known_good.add((path, data))
        return docs

    def _good(self, path: str, data: bytes) -> bytes:
        """``data``, written to ``path`` by this sync from checked documents: known good."""
        self._known_good.add((path, data))
        return data

    def _has_record(self, commit: str) -> bool:
        return self.git.has_file(commit, MEETINGS_FILE)

    # --- store -> share -------------------------------------------------------------------

    def _export(
        self, snapshot: Snapshot, state: _State, *, write: bool
    ) -> tuple[list[str], set[str], int, set[str]]:
        """Write the tables that changed since they were last in step with the share, each
        merged with the share's copy. Returns the paths written, those whose merge holds more
        than the store (to bring back in), the number of changes going out, and the meetings
        touched."""
        written: list[str] = []
        stale: set[str] = set()
        meetings: set[str] = set()
        sent = 0
        source = snapshot.tables.source
        for name in sorted(snapshot.tables.names()):
            kind = table_kind(name)
            if kind is None or kind[0] not in (MEETINGS, COMMITMENTS):
                continue
            path = _file_of(name)
            target = self.path / path
            crc = source.index[name].crc if source is not None and name in source.index else None
            if crc is not None and state.crc.get(name) == crc and target.exists():
                continue
            old = target.read_bytes() if target.exists() else b""
            mine = list(snapshot.docs(name).values())
            theirs = self._read(path, old)
            if kind[0] == MEETINGS:
                merged, n = _export_meetings(mine, theirs)
            else:
                merged, n = _export_commitments(mine, theirs)
                meetings.add(kind[1])
            sent += n
            new = self._good(path, write_lines(merged))
            if _by_identity(merged) != _by_identity(mine):
                stale.add(path)
            if write and new != old:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(new)
                written.append(path)
        counters = [
            {"meeting": k, "last_seq": v} for k, v in snapshot.meta.get("last_seq", {}).items()
        ]
        target = self.path / COUNTERS_FILE
        old = target.read_bytes() if target.exists() else b""
        new = self._good(
            COUNTERS_FILE, write_lines(merge_counters(self._read(COUNTERS_FILE, old), counters))
        )
        if write and new != old:
            target.write_bytes(new)
            written.append(COUNTERS_FILE)
            stale.add(COUNTERS_FILE)
        return written, stale, sent, meetings

    def _normalise(self, meetings: Iterable[str]) -> list[str]:
        """Give two commitments of a meeting that hold the same number (or one commitment
        held at two numbers) one number each, in the share; the paths it rewrote."""
        counters_path = self.path / COUNTERS_FILE
        counters = {
            str(d["meeting"]): int(d["last_seq"])
            for d in self._read(
                COUNTERS_FILE, counters_path.read_bytes() if counters_path.exists() else b""
            )
        }
        changed: list[str] = []
        for meeting in sorted(meetings):
            folder = self.path / COMMITMENTS_DIR / meeting
            files = {p.name: p.read_bytes() for p in folder.glob("*.jsonl")}
            docs = union_commitments(
                *(self._read(f"{COMMITMENTS_DIR}/{meeting}/{n}", data) for n, data in files.items())
            )
            fixed, _ = renumber(docs, counters.get(meeting, 0))
            blocks: dict[str, list[Doc]] = {}
            for doc in fixed:
                blocks.setdefault(f"{int(doc['seq']) // CHUNK}.jsonl", []).append(doc)
            for name in sorted(files.keys() | blocks.keys()):
                data = self._good(
                    f"{COMMITMENTS_DIR}/{meeting}/{name}", write_lines(blocks.get(name, []))
                )
                if data != files.get(name):
                    if data:
                        (folder / name).write_bytes(data)
                    else:
                        (folder / name).unlink()
                    changed.append(f"{COMMITMENTS_DIR}/{meeting}/{name}")
            top = max([counters.get(meeting, 0), *(int(d["seq"]) for d in fixed)])
            if top != counters.get(meeting, 0):
                counters[meeting] = top
        data = self._good(
            COUNTERS_FILE,
            write_lines({"last_seq": v, "meeting": k} for k, v in sorted(counters.items())),
        )
        if counters and data != (counters_path.read_bytes() if counters_path.exists() else b""):
            counters_path.write_bytes(data)
            changed.append(COUNTERS_FILE)
        return changed

    # --- share -> store -------------------------------------------------------------------

    def _import(
        self, state: _State, stale: set[str], *, mark: bool
    ) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
        """Bring the files that changed since the store was last in step with the share into
        the store, in one transaction; then remember where they now stand together."""
        head = self.git.head()
        if head is None:
            return {}, [], []
        paths = sorted(set(self.git.changed_files(state.commit, head)) | stale)
        received: dict[str, int] = {}
        ahead: list[str] = []
        moved: list[tuple[str, str]] = []
        tables: dict[str, list[Doc]] = {}
        meetings: list[Doc] | None = None
        counters: list[Doc] = []
        for path in paths:
            target = self.path / path
            data = target.read_bytes() if target.is_file() else b""
            if path == MEETINGS_FILE:
                meetings = self._read(path, data)
            elif path == COUNTERS_FILE:
                counters = self._read(path, data)
            elif (table := table_of(path)) is not None:
                tables[table] = self._read(path, data)
        with self.store.transaction(
            at=self.now(), actor=self.actor, command="sync", lock_held=True
        ) as tx:
            lacking: set[str] = set()
            if meetings is not None:
                received_meetings = _import_meetings(tx, meetings, lacking)
                if received_meetings:
                    received[""] = received_meetings
            for doc in counters:
                tx.reserve_seq(str(doc["meeting"]), int(doc["last_seq"]))
            moved, missing = _import_commitments(tx, tables, received, ahead)
            missing |= lacking
            if mark or received or moved:
                tx.mark()
            got = sum(received.values())
            tx.summary = f"Synced with the shared record: received {_changes(got)}"
        meta = header_meta(self.store.path) or {}
        state.commit = head
        state.generation = int(meta.get("generation", 0))
        # A table holding commitments its shared file lacks (a line deleted by hand on the
        # shared repository) is not in step with it: the next sync writes them back.
        state.crc = {
            name: crc
            for name, crc in table_crcs(meta).items()
            if (kind := table_kind(name)) is not None
            and kind[0] != "journal"
            and name not in missing
        }
        with contextlib.suppress(OSError):
            self._save_state(state)
        return received, moved, ahead


def remote_url(raw: str) -> str:
    """Where the shared repository is, as git will be told: a URL (``https://``, ``ssh://``,
    ``host:path``) as given; a folder (a file server's share, a bare repository) made
    absolute, since git runs inside the share folder and would read a relative path from
    there."""
    text = raw.strip()
    if not text:
        raise BadInput("--remote needs the URL or folder of a git repository.")
    if text.startswith("-"):
        raise BadInput(f"--remote {raw!r} is not a repository's URL or folder.")
    path = Path(text).expanduser()
    if "://" in text or (":" in text and not path.exists() and not _drive(text)):
        return text
    return str(path.resolve())


def _drive(text: str) -> bool:
    """``C:\\records\\bali.git``: a Windows drive, not git's ``host:path``."""
    return len(text) > 2 and text[0].isalpha() and text[1] == ":" and text[2] in "\\/"


def _import_meetings(tx: Transaction, docs: list[Doc], lacking: set[str]) -> int:
    """Take the share's meetings; a meeting the share lacks (deleted there by hand) stays, and
    its table is named in ``lacking`` so the next sync writes it back."""
    current = {str(d.get("key")): (int(i), d) for i, d in tx.snapshot.docs(MEETINGS).items()}
    if current.keys() - {str(d.get("key")) for d in docs}:
        lacking.add(MEETINGS)
    n = 0
    for doc in docs:
        found = current.get(str(doc.get("key")))
        if found is None:
            tx.insert(MEETINGS, doc)
            n += 1
        elif found[1] != doc:
            tx.replace(MEETINGS, found[0], doc)
            n += 1
    return n


def _import_commitments(
    tx: Transaction,
    tables: Mapping[str, list[Doc]],
    received: dict[str, int],
    ahead: list[str],
) -> tuple[list[tuple[str, str]], set[str]]:
    """Replace the documents of these tables by the share's; returns the references of this
    office's commitments that a merge renumbered (remembered in the store's meta, so that the
    old reference is never silently taken for another commitment), and the tables keeping a
    commitment the share lacks (nothing is ever removed from the record by a sync). Counts
    the new events by who made them in ``received``, and lists in ``ahead`` those dated
    after today."""
    today = clock.today().isoformat()
    snapshot = tx.snapshot
    before: dict[str, Doc] = {}
    for name in tables:
        for doc in snapshot.docs(name).values():
            # A copy: replacing a document below may change the stored dict in place.
            before[str(doc.get("id"))] = dict(doc)
    incoming = {str(d["id"]) for docs in tables.values() for d in docs}
    moved: list[tuple[str, str]] = []
    missing: set[str] = set()
    fresh: list[Doc] = []
    for name, docs in tables.items():
        kind = table_kind(name)
        assert kind is not None
        present = {str(d["seq"]) for d in docs}
        for doc_id, doc in list(snapshot.docs(name).items()):
            if doc_id not in present and str(doc.get("id")) in incoming:
                tx.remove(name, int(doc_id))
            elif doc_id not in present:
                missing.add(name)
        for doc in docs:
            seq = int(doc["seq"])
            if commitments_table(str(doc["meeting"]), seq) != name:
                raise SyncFailed(
                    f"the shared record holds {doc['meeting']}.{seq} in the wrong file"
                )
            old = before.get(str(doc["id"]))
            if old is not None and old.get("events"):
                # Wherever it now lies, a commitment's recorded events arrive unchanged, and
                # none is lost: one removed by hand on the shared repository stays here and
                # is written back by the next sync.
                changed = event_changed(doc, old)
                if changed:
                    raise SyncFailed(f"the shared record: {changed}: {PUT_RIGHT}")
                known = {str(e.get("id")) for e in doc.get("events") or ()}
                if any(str(e.get("id")) not in known for e in old["events"]):
                    doc = {**merge_commitment(doc, old), "seq": seq}  # where the share has it
                    missing.add(name)
            current = snapshot.docs(name).get(str(seq))
            if current == doc:
                continue
            if current is not None and str(current.get("id")) not in incoming:
                # Two commitments at one number are told apart before this (``renumber``);
                # one that takes another's place without it was put there by hand.
                raise SyncFailed(
                    "the shared record puts another commitment in place of "
                    f"{doc['meeting']}.{seq}: {PUT_RIGHT}"
                )
            for e in _new_events(old, doc):
                who = str(e.get("by") or "")
                received[who] = received.get(who, 0) + 1
                on = e.get("on")
                if isinstance(on, str) and on > today:
                    ahead.append(f"{doc['meeting']}.{seq} ({on}{f', by {who}' if who else ''})")
            tx.reserve_seq(str(doc["meeting"]), seq)
            if old is not None and int(old["seq"]) != seq:
                moved.append((f"{old['meeting']}.{old['seq']}", f"{doc['meeting']}.{seq}"))
            if current is None:
                fresh.append(doc)
            else:
                tx.replace(name, seq, doc)
    # One batch: TinyDB rebuilds a table on every single insert (a new office's first sync
    # brings the whole record).
    if fresh:
        tx.insert_many(COMMITMENTS, fresh)
    if moved:
        renumbered: dict[str, str] = dict(snapshot.meta.get("renumbered", {}))
        for old_ref, new_ref in moved:
            for earlier, now in list(renumbered.items()):
                if now == old_ref:
                    renumbered[earlier] = new_ref
            renumbered[old_ref] = new_ref
        snapshot.meta["renumbered"] = renumbered
    return moved, missing


def _new_events(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The events of ``new`` that ``old`` lacks (one nameless change for a new commitment
    stored without events)."""
    seen = {e.get("id") for e in (old or {}).get("events") or []}
    events = new.get("events") or []
    if not events:
        return [] if old is not None else [{}]
    return [e for e in events if e.get("id") not in seen]


def _export_meetings(mine: list[Doc], theirs: list[Doc]) -> tuple[list[Doc], int]:
    """The store's meetings (this office's word for each), and any only the share has."""
    by_key = {str(d.get("key")): d for d in theirs}
    n = 0
    for doc in mine:
        if by_key.get(str(doc.get("key"))) != doc:
            n += 1
        by_key[str(doc.get("key"))] = doc
    return [by_key[k] for k in sorted(by_key)], n


def _export_commitments(mine: list[Doc], theirs: list[Doc]) -> tuple[list[Doc], int]:
    known = {str(d["id"]): {e.get("id") for e in d.get("events") or []} for d in theirs}
    n = 0
    for doc in mine:
        seen = known.get(str(doc["id"]))
        events = doc.get("events") or []
        if seen is None and not events:
            n += 1
        else:
            n += sum(1 for e in events if e.get("id") not in (seen or set()))
    return union_commitments(theirs, mine), n


def _by_identity(docs: Iterable[Mapping[str, Any]]) -> dict[str, bytes]:
    return {
        str(d.get("id", d.get("key"))): orjson.dumps(d, option=orjson.OPT_SORT_KEYS) for d in docs
    }


def _file_of(table: str) -> str:
    kind = table_kind(table)
    assert kind is not None
    if kind[0] == MEETINGS:
        return MEETINGS_FILE
    return f"{COMMITMENTS_DIR}/{kind[1]}/{kind[2]}.jsonl"


def _meeting_of(path: str) -> str | None:
    table = table_of(path)
    return table.split("/")[1] if table else None


def merge_driver(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """What git runs for a file both sides changed (``merge.aghtrack.driver``): the merge
    of the three versions, written over ``ours``. Raises ValueError for a file that is not
    the record's (git then reports a conflict; nothing is half-written)."""
    merged = merge_file(name, base.read_bytes(), ours.read_bytes(), theirs.read_bytes())
    replace_atomically(ours, merged)
