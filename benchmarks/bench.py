"""aghtrack against Taskwarrior 2.6 on the same synthetic record (issue 7).

Run from the repository root::

    .venv/bin/python benchmarks/bench.py                 # 1k, 10k and 100k, 5 runs each
    .venv/bin/python benchmarks/bench.py --quick         # 1k and 10k, 3 runs
    .venv/bin/python benchmarks/bench.py --sizes 10000 --runs 3

What it does, and the choices that keep the comparison fair:

* The record: N commitments spread evenly over 120 meetings (keys ``1``..``120``, one a month
  from 2016), generated from a fixed seed, so every run and every machine sees the same data.
  Texts are 60-120 characters, 1-3 owners from 30 member states and organisations, due periods
  in all the grammar's forms, mixed statuses and kinds, a note on about one in five.
* aghtrack's store is written with the project's own code (``Store.transaction`` and
  ``Transaction.insert_many`` over each commitment's events, ``model.stored_dict``): the same file an
  ``aghtrack import`` of that record makes, in one journal entry.
* Taskwarrior gets each meeting as a project ``somK``, each commitment as a task (owners as
  tags, notes as annotations, due period as the due date of its last day), written straight
  into its data files in the format ``task import`` produces (``--check-peer`` proves it on a
  small record). By default every task is *pending* with the aghtrack status as a tag, so that
  ``task project.is:somK list`` shows the same rows as ``aghtrack list --meeting K --all``
  (~833 at 100k, as in the issue's measurement); ``--peer-status native`` maps done to
  completed, dropped/superseded to deleted and in-progress to started instead (Taskwarrior
  then lists and loads fewer tasks: a harder peer).
* Taskwarrior runs with its defaults (gc on, its own undo log) except ``confirmation=off``,
  ``verbose=nothing``, ``hooks=off`` and ``defaultwidth=120``; aghtrack gets ``COLUMNS=120``.
  Both write their output to a file (not a terminal).
* Each command pair is timed alternately (aghtrack, then task), ``--runs`` times after one
  untimed warm-up of each. Before every timed run both data directories are restored from a
  pristine copy and ``sync`` is called, outside the timing, so writes always start from the
  same N and the same clean page cache state.
* Wall time is ``perf_counter`` around spawn..reap (``os.wait4``) of each run. Peak memory is
  the command's maximum RSS as GNU ``time -f %M`` reports it from its own ``wait4``: Linux
  keeps a process's peak RSS across exec, so a child spawned straight from this (large)
  process would report our peak, not its own. Without GNU time it falls back to ``wait4``.
* ``report --meeting K`` is paired with ``task project.is:somK summary``: the nearest thing
  Taskwarrior has (it reads the same tasks and aggregates them per project), though it prints
  far less than the progress review, so the pairing flatters the peer.
* Startup: ``aghtrack --version`` and ``aghtrack list`` on a 100-commitment store, against
  ``python -c pass`` on the same interpreter. Both run without ``PYTHONDONTWRITEBYTECODE``, so
  aghtrack uses its bytecode cache as an installed tool does.

Results: one table of medians and ratios on stdout, and every sample as JSON in
``benchmarks/work/results-<date>.json``. Generated data is cached in ``benchmarks/work/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
sys.path.insert(0, str(ROOT / "src"))

from aghtrack.events import fold, legacy_events  # noqa: E402
from aghtrack.model import (  # noqa: E402
    Commitment,
    Evidence,
    Kind,
    Meeting,
    Note,
    Status,
    meeting_to_dict,
    stored_dict,
)
from aghtrack.periods import parse_period  # noqa: E402
from aghtrack.store import Store  # noqa: E402
from aghtrack.store.layout import SCHEMA  # noqa: E402

GENERATOR_VERSION = 1
SEED = 7
MEETINGS = 120
BENCH_MEETING = "60"  # a meeting in the middle of the record
PEER_WIDTH = 120
MIB = 1024 * 1024

OWNERS = [
    "Australia", "Indonesia", "New Zealand", "Thailand", "Philippines", "Malaysia",
    "Sri Lanka", "Viet Nam", "Cambodia", "Lao PDR", "Myanmar", "Bangladesh", "Pakistan",
    "Afghanistan", "Iran", "Fiji", "Papua New Guinea", "Solomon Islands", "Timor-Leste",
    "Singapore", "Brunei Darussalam", "Japan", "Republic of Korea", "China", "India",
    "United States", "UNHCR", "IOM", "UNODC", "Regional Support Office",
]  # fmt: skip
VERBS = [
    "Hold a regional roundtable on", "Develop practical guidance on", "Share information about",
    "Convene a technical workshop on", "Prepare a stocktake of", "Strengthen cooperation on",
    "Pilot a joint project on", "Report back to the next meeting on", "Map existing work on",
    "Draft a policy framework for", "Establish a working group on", "Fund a study of",
]  # fmt: skip
TOPICS = [
    "voluntary returns and reintegration", "trafficking in persons", "migrant smuggling",
    "irregular maritime movements", "identity management", "labour migration pathways",
    "disembarkation arrangements", "victim support", "border management",
    "public information campaigns", "data sharing between agencies", "crisis preparedness",
    "protection of vulnerable migrants", "regional cooperation frameworks",
]  # fmt: skip
QUALIFIERS = [
    "with the support of the Regional Support Office", "in the second half of the year",
    "drawing on the experience of member states", "before the next Senior Officials' Meeting",
    "in consultation with civil society and the private sector", "subject to available funding",
    "building on the outcomes of previous workshops", "for consideration by Ministers",
]  # fmt: skip
NOTES = [
    "Concept note circulated to members", "First planning call held", "Funding confirmed",
    "Workshop postponed to next quarter", "Draft shared for comment", "Consultant engaged",
]  # fmt: skip


# --- the record ---------------------------------------------------------------------------


@dataclass
class Record:
    meetings: list[Meeting]
    commitments: list[Commitment]


def _text(rng: random.Random) -> str:
    while True:
        text = f"{rng.choice(VERBS)} {rng.choice(TOPICS)} {rng.choice(QUALIFIERS)}"
        if rng.random() < 0.3:
            text += f", and {rng.choice(TOPICS)}"
        if 60 <= len(text) <= 120:
            return text


def _due(rng: random.Random, year: int) -> str | None:
    y = year + rng.choice((0, 0, 1, 1, 2))
    form = rng.randrange(8)
    if form == 0:
        return None
    if form == 1:
        return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if form == 2:
        return f"{y}-{rng.randint(1, 12):02d}"
    if form == 3:
        return f"{y}-Q{rng.randint(1, 4)}"
    if form == 4:
        return f"{y}-H{rng.randint(1, 2)}"
    if form == 5:
        return str(y)
    return f"{rng.choice(('early', 'mid', 'late'))} {y}"


def generate(n: int, seed: int = SEED) -> Record:
    rng = random.Random(seed * 1_000_003 + n)
    meetings = []
    start = date(2016, 1, 1)
    for i in range(1, MEETINGS + 1):
        day = start + timedelta(days=int((i - 1) * 30.4) + rng.randint(0, 20))
        meetings.append(
            Meeting(
                key=str(i),
                title=f"{rng.choice(('Ad Hoc Group', 'Working Group', 'Steering Group'))} "
                f"Senior Officials' Meeting {i}",
                date=day,
                location=rng.choice(("Bali, Indonesia", "Bangkok, Thailand", "Canberra")),
                series="bench",
            )
        )
    statuses = [Status.OPEN] * 4 + [Status.IN_PROGRESS] * 2 + [Status.DONE] * 3
    statuses += [Status.BLOCKED, Status.DROPPED, Status.SUPERSEDED]
    kinds = [Kind.AGREED] * 6 + [Kind.WILL, Kind.DECIDED, Kind.ENCOURAGED, Kind.WELCOMED]
    kinds += [Kind.NOTED]
    commitments = []
    for j in range(n):
        m = meetings[j % MEETINGS]
        seq = j // MEETINGS + 1
        stamp = f"{m.date.isoformat()}T09:00:00Z"
        due = _due(rng, m.date.year)
        status = rng.choice(statuses)
        notes = ()
        if rng.random() < 0.2:
            notes = tuple(
                Note(on=m.date + timedelta(days=30 * (k + 1)), by=rng.choice(OWNERS),
                     text=rng.choice(NOTES))
                for k in range(rng.randint(1, 2))
            )  # fmt: skip
        evidence = None
        if status is Status.DONE:
            evidence = Evidence(text="Reported at the following meeting", on=m.date + timedelta(90))
        commitments.append(
            Commitment(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                meeting=m.key,
                seq=seq,
                text=_text(rng),
                kind=rng.choice(kinds),
                owners=tuple(rng.sample(OWNERS, rng.choice((1, 1, 2, 3)))),
                due=parse_period(due) if due else None,
                status=status,
                source=f"bullet {seq}",
                notes=notes,
                evidence=evidence,
                created=stamp,
                updated=stamp,
            )
        )
    return Record(meetings, commitments)


def stored(c: Commitment) -> dict[str, object]:
    """What an import stores of a commitment given as a state: its events (schema 3)."""
    return stored_dict(fold((c.id, c.meeting, c.seq), legacy_events(c)))


def write_aghtrack(record: Record, path: Path) -> None:
    """The store an import of this record makes: one transaction, one journal entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, backups=0)
    with store.transaction(at="2026-01-01T00:00:00Z", actor="bench", command="import") as tx:
        tx.insert_many("meetings", [meeting_to_dict(m) for m in record.meetings])
        for c in record.commitments:
            tx.reserve_seq(c.meeting, c.seq)
        tx.insert_many("commitments", [stored(c) for c in record.commitments])
        tx.summary = f"Imported {len(record.commitments)} commitments"


def _epoch(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def _tag(name: str) -> str:
    return name.replace(" ", "_").replace("'", "")


def peer_tasks(record: Record, native: bool) -> list[dict[str, str]]:
    """The record as Taskwarrior tasks (string attributes, as in its data files)."""
    dates = {m.key: m.date for m in record.meetings}
    tasks = []
    for c in record.commitments:
        entry = _epoch(dates[c.meeting])
        tags = [_tag(o) for o in c.owners]
        task = {
            "description": c.text,
            "entry": entry,
            "modified": entry,
            "project": f"som{c.meeting}",
            "status": "pending",
            "uuid": c.id,
        }
        if c.due is not None:
            task["due"] = _epoch(c.due.due_by)
        for k, n in enumerate(c.notes):
            # Taskwarrior keys annotations by their time: keep them distinct within a task.
            task[f"annotation_{int(_epoch(n.on)) + k}"] = n.text
        if native and c.status is Status.DONE:
            task["status"] = "completed"
            task["end"] = _epoch(
                c.evidence.on if c.evidence and c.evidence.on else dates[c.meeting]
            )
        elif native and c.status in (Status.DROPPED, Status.SUPERSEDED):
            task["status"] = "deleted"
            task["end"] = entry
        elif native and c.status is Status.IN_PROGRESS:
            task["start"] = entry
        elif c.status is not Status.OPEN:
            tags.append(c.status.value.replace("-", ""))
        if tags:
            task["tags"] = ",".join(tags)
            for t in tags:
                task[f"tags_{t}"] = "x"
        tasks.append(task)
    return tasks


def _ff4(task: dict[str, str]) -> str:
    # Generated text holds no quotes, brackets or backslashes, so nothing needs escaping.
    return "[" + " ".join(f'{k}:"{task[k]}"' for k in sorted(task)) + "]\n"


def taskrc(data: Path) -> str:
    return (
        f"data.location={data}\n"
        "confirmation=off\n"
        "verbose=nothing\n"
        "hooks=off\n"
        f"defaultwidth={PEER_WIDTH}\n"
        "color=off\n"
    )


def write_taskwarrior(record: Record, directory: Path, native: bool) -> dict[str, int]:
    """Write the data files; return each commitment's working-set id (pending tasks only)."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    (directory / "taskrc").write_text(taskrc(data))
    ids: dict[str, int] = {}
    with (
        open(data / "pending.data", "w") as pending,
        open(data / "completed.data", "w") as completed,
    ):
        for c, task in zip(record.commitments, peer_tasks(record, native), strict=True):
            if task["status"] == "pending":
                pending.write(_ff4(task))
                ids[c.ref] = len(ids) + 1
            else:
                completed.write(_ff4(task))
    for name in ("undo.data", "backlog.data"):
        (data / name).touch()
    return ids


def check_peer(n: int = 300) -> None:
    """Prove that the data files written here read back exactly as a ``task import``."""
    record = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        direct, imported = Path(tmp, "direct"), Path(tmp, "imported")
        write_taskwarrior(record, direct, native=True)
        (imported / "data").mkdir(parents=True)
        (imported / "taskrc").write_text(taskrc(imported / "data"))
        payload = []
        for task in peer_tasks(record, native=True):
            t: dict[str, object] = {
                k: v for k, v in task.items() if not k.startswith(("annotation_", "tags"))
            }
            for k in ("entry", "modified", "due", "end", "start"):
                if k in t:
                    t[k] = datetime.fromtimestamp(int(str(t[k])), UTC).strftime("%Y%m%dT%H%M%SZ")
            if "tags" in task:
                t["tags"] = task["tags"].split(",")
            annotations = [
                {
                    "entry": datetime.fromtimestamp(int(k[11:]), UTC).strftime("%Y%m%dT%H%M%SZ"),
                    "description": v,
                }
                for k, v in task.items()
                if k.startswith("annotation_")
            ]
            if annotations:
                t["annotations"] = annotations
            payload.append(t)
        source = Path(tmp, "import.json")
        source.write_text(json.dumps(payload))
        subprocess.run(
            ["task", "import", str(source)],
            env={**os.environ, "TASKRC": str(imported / "taskrc")},
            check=True,
            capture_output=True,
        )

        def export(d: Path) -> list[dict[str, object]]:
            out = subprocess.run(
                ["task", "rc.json.array=on", "export"],
                env={**os.environ, "TASKRC": str(d / "taskrc")},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            tasks = json.loads(out)
            for t in tasks:
                t.pop("modified", None)  # import stamps the time of the import
                t.pop("urgency", None)
            return sorted(tasks, key=lambda t: str(t["uuid"]))

        a, b = export(direct), export(imported)
        if a != b:
            raise SystemExit("check-peer: direct data files differ from 'task import'")
        print(f"check-peer: {n} tasks written directly read back exactly as 'task import'")


# --- data sets on disk --------------------------------------------------------------------


@dataclass
class DataSet:
    n: int
    pristine: Path
    ag_store: Path
    tw_dir: Path
    note_ref: str  # aghtrack reference of the commitment both tools annotate
    note_id: int  # its Taskwarrior working-set id


def prepare(n: int, native: bool, regenerate: bool) -> DataSet:
    mode = "native" if native else "tags"
    # The store's schema is in the name: a data set cached by an older aghtrack is not reused.
    pristine = WORK / f"data-{n}-s{SEED}-v{GENERATOR_VERSION}-schema{SCHEMA}-{mode}"
    marker = pristine / "ready.json"
    if regenerate and pristine.exists():
        shutil.rmtree(pristine)
    if not marker.exists():
        t0 = time.perf_counter()
        if pristine.exists():
            shutil.rmtree(pristine)
        record = generate(n)
        write_aghtrack(record, pristine / "ag" / "store.json")
        ids = write_taskwarrior(record, pristine / "tw", native)
        open_ = [c for c in record.commitments if c.status is Status.OPEN]
        target = next((c.ref for c in open_ if c.meeting == BENCH_MEETING), open_[0].ref)
        marker.write_text(json.dumps({"note_ref": target, "note_id": ids[target]}))
        print(f"generated {n:,} commitments in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    info = json.loads(marker.read_text())
    live = WORK / f"run-{n}"
    return DataSet(
        n, pristine, live / "ag" / "store.json", live / "tw", info["note_ref"], info["note_id"]
    )


def restore(ds: DataSet) -> None:
    live = ds.ag_store.parent.parent
    if live.exists():
        shutil.rmtree(live)
    shutil.copytree(ds.pristine / "ag", live / "ag")
    shutil.copytree(ds.pristine / "tw", live / "tw")
    # The taskrc names the pristine data dir; point it at the live copy.
    (live / "tw" / "taskrc").write_text(taskrc(live / "tw" / "data"))
    os.sync()


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    peak_mib: float
    rc: int
    lines: int


#: Linux keeps a process's peak RSS across exec, and a child spawned straight from this
#: (large) benchmark process inherits our own peak. GNU time is a tiny parent whose fork
#: starts small, so its %M is the command's own peak.
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_once(argv: list[str], env: dict[str, str]) -> Sample:
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name, *argv] if GNU_TIME else argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        kib = int(peak.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        out.seek(0)
        lines = out.read().count(b"\n")
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace").strip()
            print(f"  ! {' '.join(argv[:4])}... exit {proc.returncode}: {message}", file=sys.stderr)
    return Sample(seconds, kib * 1024 / MIB, proc.returncode, lines)


@dataclass
class Pair:
    name: str
    n: int | None
    ag: list[str] | None  # None: the command does not exist yet
    peer: list[str] | None
    peer_label: str
    time_target: float | None = None
    mem_target: float | None = None
    writes: bool = False
    ag_samples: list[Sample] = field(default_factory=list)
    peer_samples: list[Sample] = field(default_factory=list)

    @staticmethod
    def _median(samples: list[Sample], attr: str) -> float | None:
        return statistics.median(getattr(s, attr) for s in samples) if samples else None

    def summary(self) -> dict[str, object]:
        ag_s, peer_s = (
            self._median(self.ag_samples, "seconds"),
            self._median(self.peer_samples, "seconds"),
        )
        ag_m, peer_m = (
            self._median(self.ag_samples, "peak_mib"),
            self._median(self.peer_samples, "peak_mib"),
        )
        t_ratio = ag_s / peer_s if ag_s is not None and peer_s else None
        m_ratio = ag_m / peer_m if ag_m is not None and peer_m else None
        met = None
        if t_ratio is not None and self.time_target is not None:
            met = t_ratio <= self.time_target
            if self.mem_target is not None and m_ratio is not None:
                met = met and m_ratio <= self.mem_target
        if any(s.rc != 0 for s in self.ag_samples):
            met = False
        return {
            "command": self.name,
            "n": self.n,
            "peer": self.peer_label,
            "aghtrack_s": ag_s,
            "aghtrack_mib": ag_m,
            "peer_s": peer_s,
            "peer_mib": peer_m,
            "time_ratio": t_ratio,
            "mem_ratio": m_ratio,
            "time_target": self.time_target,
            "mem_target": self.mem_target,
            "met": met,
            "aghtrack_stdout_lines": self.ag_samples[0].lines if self.ag_samples else None,
            "peer_stdout_lines": self.peer_samples[0].lines if self.peer_samples else None,
        }  # fmt: skip


def measure(pair: Pair, runs: int, env_ag: dict[str, str], env_peer: dict[str, str],
            ds: DataSet | None) -> None:  # fmt: skip
    print(f"  {pair.name} (n={pair.n or '-'})", file=sys.stderr)
    for i in range(runs + 1):  # run 0 is the untimed warm-up
        for argv, env, samples in (
            (pair.ag, env_ag, pair.ag_samples),
            (pair.peer, env_peer, pair.peer_samples),
        ):
            if argv is None:
                continue
            if ds is not None and pair.writes:
                restore(ds)
            sample = run_once(argv, env)
            if i > 0:
                samples.append(sample)
    if ds is not None and pair.writes:
        restore(ds)


#: The row that times ``python -c "import typer"``: the floor of a Typer program.
FLOOR = "import typer (floor)"


def aghtrack_has(command: str, env: dict[str, str]) -> bool:
    done = subprocess.run(
        [str(aghtrack_bin()), command, "--help"], env=env, capture_output=True, check=False
    )
    return done.returncode == 0


def aghtrack_bin() -> Path:
    return Path(sys.executable).parent / "aghtrack"


def size_pairs(ds: DataSet, report: bool) -> list[Pair]:
    ag, k = str(aghtrack_bin()), BENCH_MEETING
    time_target = {10_000: 1.0, 100_000: 0.25}.get(ds.n)
    mem_target = 0.5 if ds.n == 100_000 else None
    add_text = "Convene a regional workshop on returns and reintegration before the next meeting"
    note_text = "Workshop concept note circulated to all members for comment"

    def pair(
        name: str, a: list[str] | None, p: list[str], label: str, writes: bool = False
    ) -> Pair:
        return Pair(name, ds.n, a, p, label, time_target, mem_target, writes)

    return [
        pair(f"list --meeting {k} --all", [ag, "list", "--meeting", k, "--all"],
             ["task", f"project.is:som{k}", "list"], f"task project.is:som{k} list"),
        pair(f"report --meeting {k}", [ag, "report", "--meeting", k] if report else None,
             ["task", f"project.is:som{k}", "summary"], f"task project.is:som{k} summary"),
        pair("add-action", [ag, "add-action", add_text, "--meeting", k, "--owner", "Philippines",
                            "--due", "late 2027"],
             ["task", "add", f"project:som{k}", "due:2027-12-31", "+Philippines", add_text],
             "task add", writes=True),
        pair(f"note {ds.note_ref}", [ag, "note", ds.note_ref, note_text],
             ["task", str(ds.note_id), "annotate", note_text], f"task {ds.note_id} annotate",
             writes=True),
    ]  # fmt: skip


# --- output -------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def print_table(rows: list[dict[str, object]]) -> None:
    header = ("command", "N", "agh s", "agh MiB", "peer", "peer s", "peer MiB", "time x",
              "mem x", "target", "met", "floor x")  # fmt: skip
    body = []
    for r in rows:
        target = "-"
        if r["time_target"] is not None:
            target = f"<={r['time_target']:g}x"
            if r["mem_target"] is not None:
                target += f", mem<={r['mem_target']:g}x"
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]  # type: ignore[index]
        body.append(
            (
                str(r["command"]),
                f"{r['n']:,}" if r["n"] else "-",
                _fmt(r["aghtrack_s"], ".3f"),  # type: ignore[arg-type]
                _fmt(r["aghtrack_mib"], ".1f"),  # type: ignore[arg-type]
                str(r["peer"]),
                _fmt(r["peer_s"], ".3f"),  # type: ignore[arg-type]
                _fmt(r["peer_mib"], ".1f"),  # type: ignore[arg-type]
                _fmt(r["time_ratio"], ".2f"),  # type: ignore[arg-type]
                _fmt(r["mem_ratio"], ".2f"),  # type: ignore[arg-type]
                target,
                met,
                _fmt(r.get("floor_ratio"), ".2f"),  # type: ignore[arg-type]
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(header)]
    numeric = {1, 2, 3, 5, 6, 7, 8, 11}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(header))
    print(line(tuple("-" * w for w in widths)))
    for row in body:
        print(line(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument("--quick", action="store_true", help="1k and 10k, 3 runs")
    parser.add_argument(
        "--peer-status",
        choices=("tags", "native"),
        default="tags",
        help="how statuses reach Taskwarrior (see the module docstring)",
    )
    parser.add_argument("--regenerate", action="store_true", help="ignore cached data sets")
    parser.add_argument(
        "--check-peer",
        action="store_true",
        help="first prove the Taskwarrior data files equal a 'task import'",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s]
    runs = args.runs
    if args.quick:
        sizes, runs = [s for s in sizes if s <= 10_000] or [1000, 10_000], 3
    if GNU_TIME is None:
        print("warning: no GNU time (apt-get install time); peak memory includes this "
              "process's own peak", file=sys.stderr)  # fmt: skip
    if shutil.which("task") is None:
        raise SystemExit("Taskwarrior is not installed (apt-get install taskwarrior)")
    if args.check_peer:
        check_peer()
    WORK.mkdir(parents=True, exist_ok=True)
    native = args.peer_status == "native"
    # PYTHONDONTWRITEBYTECODE (set in some sandboxes and CI images) would make every run compile
    # aghtrack's modules from source again (~40 ms); users run it as pip installed it, with its
    # bytecode cache, and the untimed warm-up run writes that cache for an editable install.
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AGHTRACK_", "TASK")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    base.update(COLUMNS=str(PEER_WIDTH), LINES="50", NO_COLOR="1")
    python = [sys.executable, "-c", "pass"]

    pairs: list[Pair] = []
    # Startup against a bare interpreter.
    small = prepare(100, native, args.regenerate)
    restore(small)
    env_small = {**base, "AGHTRACK_DB": str(small.ag_store), "AGHTRACK_USER": "bench"}
    has_report = aghtrack_has("report", env_small)
    startup = [
        # The floor of any Typer program (issue 16): every command is compared with it below.
        Pair(FLOOR, None, [sys.executable, "-c", "import typer"], python, "python -c pass"),
        Pair("--version", None, [str(aghtrack_bin()), "--version"], python, "python -c pass",
             time_target=4.0),
        Pair("list (100 stored)", None, [str(aghtrack_bin()), "list"], python, "python -c pass",
             time_target=8.0),
    ]  # fmt: skip
    print("startup", file=sys.stderr)
    for p in startup:
        measure(p, runs, env_small, base, None)
    pairs += startup

    for n in sizes:
        ds = prepare(n, native, args.regenerate)
        restore(ds)
        env_ag = {**base, "AGHTRACK_DB": str(ds.ag_store), "AGHTRACK_USER": "bench"}
        env_peer = {**base, "TASKRC": str(ds.tw_dir / "taskrc")}
        print(f"N = {n:,}", file=sys.stderr)
        for p in size_pairs(ds, has_report):
            measure(p, runs, env_ag, env_peer, ds)
            pairs.append(p)

    rows = [p.summary() for p in pairs]
    floor = next(r["aghtrack_s"] for r in rows if r["command"] == FLOOR)
    for r in rows:
        r["floor_ratio"] = r["aghtrack_s"] / floor if r["aghtrack_s"] and floor else None  # type: ignore[operator]
    print()
    print(
        f"aghtrack vs Taskwarrior: median of {runs} runs; peak = max RSS of the process; "
        "floor x = aghtrack time / the floor row (issue 16: <= 1.3x at 1k and 10k)"
    )
    print_table(rows)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = WORK / f"results-{stamp}.json"
    task_version = subprocess.run(["task", "--version"], capture_output=True, text=True).stdout
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": {
                    "platform": platform.platform(),
                    "python": sys.version,
                    "cpus": os.cpu_count(),
                    "taskwarrior": task_version.strip(),
                    "peak_memory_via": "GNU time %M" if GNU_TIME else "wait4 ru_maxrss",
                },
                "runs": runs,
                "peer_status": args.peer_status,
                "summary": rows,
                "samples": [
                    {
                        "command": p.name,
                        "n": p.n,
                        "aghtrack": [asdict(s) for s in p.ag_samples],
                        "peer": [asdict(s) for s in p.peer_samples],
                    }
                    for p in pairs
                ],
            },
            indent=2,
        )
    )
    print(f"\nevery sample: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
