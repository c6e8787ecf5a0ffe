"""The HTML report in a real browser: headless Chromium renders it to a screenshot, and the DOM
it built says what a reader sees (and that injected markup stayed text).

Skipped where no Chromium is installed (Debian package ``chromium``).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aghtrack.model import Kind, Status
from aghtrack.periods import parse_period
from aghtrack.tracker import Tracker

from .conftest import Cli

INJECTED = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
BROWSER_TIMEOUT = 90


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")


def _run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A fresh profile and no background traffic: the test must not depend on, or touch, the
    # network or a user's browser state.
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
        check=False,
    )


class _Dom(HTMLParser):
    """The elements and the visible text of a dumped DOM (style contents left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "style" in self._in:
            return
        if self._in and self._in[-1] == "title" and "svg" not in self._in:
            self.title += data
        self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def html_report(meeting9: Tracker, cli: Cli, tmp_path: Path) -> Path:
    t = meeting9
    t.add_commitment(
        meeting="9",
        text="Hold a roundtable on returns",
        owners=["Philippines"],
        due=parse_period("late 2015"),
        source="bullet 2",
    )
    t.add_commitment(
        meeting="9",
        text="Pilot joint information campaign",
        owners=["Australia", "Indonesia"],
        due=parse_period("2016-H1"),
        kind=Kind.WILL,
    )
    t.add_commitment(meeting="9", text=INJECTED, owners=["RSO"], due=parse_period("2015-Q3"))
    t.add_commitment(meeting="9", text="Progress on biometrics", kind=Kind.WELCOMED)
    t.complete("9.1", evidence="Roundtable held in Manila", on=date(2015, 12, 4))
    t.update_commitment("9.2", status=Status.IN_PROGRESS)
    page = tmp_path / "review.html"
    result = cli("report", "-m", "9", "--as-of", "2016-03-22", "-f", "html", "-O", str(page))
    assert result.exit_code == 0, result.stderr
    return page


def test_chromium_renders_the_report_and_shows_user_text_as_text(
    html_report: Path, tmp_path: Path
) -> None:
    browser = _chromium()
    url = html_report.as_uri()

    shot = tmp_path / "report.png"
    done = _run_browser(
        browser, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1600", url
    )
    assert done.returncode == 0, done.stderr[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000  # a page, not a blank

    dumped = _run_browser(browser, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)
    text = dom.visible

    assert dom.title == "Progress review: Ninth AHG SOM (as of 2016-03-22)"  # no script ran
    assert "Progress review: Ninth AHG SOM" in text
    assert "As of 2016-03-22" in text
    # The summary cards: 4 commitments, 3 of them work, 1 for information, 1 overdue, 33% done.
    for figure in (
        "4 Commitments",
        "3 Work commitments",
        "1 For information only",
        "1 Overdue as of 2016-03-22",
        "33% Done share",
        "Done: 1 of 3 still asked for (33%)",
    ):
        assert figure in text, figure
    assert "Pilot joint information campaign" in text
    assert "open (overdue)" in text and "for information (welcomed)" in text
    # The injected markup is shown to the reader as text and never became elements.
    assert INJECTED in text
    assert "script" not in dom.tags and "img" not in dom.tags
    assert "svg" in dom.tags and dom.tags.count("rect") == 3  # one bar segment per lead
