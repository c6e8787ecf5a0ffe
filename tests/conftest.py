"""Every test gets its own store; none can touch a real one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aghtrack.cli import app
from aghtrack.store import Store
from aghtrack.tracker import Tracker


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile aghtrack's modules once, before any test starts a process. The tests run
    hundreds of ``python -m aghtrack`` processes with PYTHONDONTWRITEBYTECODE set (so that
    concurrent processes never race to write it); without compiled modules each of them
    compiled aghtrack from source again, a third of the suite's time on a clean clone."""
    import compileall

    import aghtrack

    compileall.compile_dir(Path(aghtrack.__file__).parent, quiet=1)


@pytest.fixture(autouse=True)
def isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store" / "store.json"
    monkeypatch.setenv("AGHTRACK_DB", str(path))
    monkeypatch.setenv("AGHTRACK_USER", "tester")
    monkeypatch.setenv("AGHTRACK_LOCK_TIMEOUT", "5")
    monkeypatch.delenv("AGHTRACK_TODAY", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return path


@pytest.fixture
def store_path(isolated_store: Path) -> Path:
    return isolated_store


@pytest.fixture
def tracker(store_path: Path) -> Tracker:
    return Tracker(Store(store_path), actor="tester")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


Cli = Callable[..., Result]


@pytest.fixture
def cli(runner: CliRunner) -> Cli:
    """Run aghtrack with arguments; 100 columns so tables wrap predictably."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "100"})

    return invoke


@pytest.fixture
def meeting9(tracker: Tracker) -> Tracker:
    from datetime import date

    from aghtrack.model import Meeting

    tracker.add_meeting(
        Meeting(key="9", title="Ninth AHG SOM", date=date(2015, 5, 6), location="Wellington")
    )
    return tracker
