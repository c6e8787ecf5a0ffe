"""The HTML report in a real browser: headless Chromium renders it to a screenshot, and the DOM
it built says what a reader sees (and that injected markup stayed text).

Skipped where no Chromium is installed (Debian package ``chromium``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aghtrack.model import Kind, Status
from aghtrack.periods import parse_period
from aghtrack.tracker import Tracker

from .conftest import Cli
from .test_cli_report import review  # noqa: F401  (fixture of tenth)
from .test_papers_review import tenth  # noqa: F401  (fixture)

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
    assert "main" in dom.tags  # the landmark a screen reader jumps to
    assert dumped.stdout.count('class="seg"') == 3  # one bar segment per lead


# --- accessibility, small screens and print ---------------------------------------------------

AXE_VERSION = "4"


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """axe-core from npm, installed once per run into a temporary folder."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (Debian: npm); it installs axe-core")
    folder = tmp_path_factory.mktemp("axe")
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(folder),
            f"axe-core@{AXE_VERSION}",
            "--no-audit",
            "--no-fund",
            "--silent",
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT * 2,
        check=False,
    )
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if done.returncode != 0 or not script.exists():
        pytest.skip(f"npm could not install axe-core: {done.stderr.strip()[-300:]}")
    return script.read_text()


def _with_script(page: Path, target: Path, script: str) -> Path:
    """The report with a test script at its end. The page's own policy forbids scripts (as it
    should), so this copy drops it: only the test's script runs."""
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
    target.write_text(html.replace("</body>", f"<script>{script}</script></body>"))
    return target


def _result(browser: str, profile: Path, page: Path, *args: str) -> object:
    dumped = _run_browser(
        browser, profile, "--virtual-time-budget=20000", *args, "--dump-dom", page.as_uri()
    )
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    found = re.search(r'<pre id="result">(.*?)</pre>', dumped.stdout, re.S)
    assert found, dumped.stdout[-2000:]
    return json.loads(unescape(found.group(1)))


_REPORT_BACK = (
    "function report(value) { const pre = document.createElement('pre'); pre.id = 'result';"
    " pre.textContent = JSON.stringify(value); document.body.appendChild(pre); }"
)


@pytest.fixture
def html_review(tenth: Tracker, cli: Cli, tmp_path: Path) -> Path:  # noqa: F811
    """The next meeting's review paper as HTML (still open, closed since, for information)."""
    page = tmp_path / "review-10.html"
    result = cli("review", "10", "-f", "html", "-O", str(page))
    assert result.exit_code == 0, result.stderr
    return page


@pytest.mark.parametrize("paper", ["html_report", "html_review"])
def test_axe_core_finds_no_violation_including_best_practice(
    paper: str, axe_source: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    html_report: Path = request.getfixturevalue(paper)
    browser = _chromium()
    runner = (
        _REPORT_BACK
        + " axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'wcag22aa', 'best-practice']}}).then(r => report(r.violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))),"
        " e => report([{id: 'axe failed: ' + e, nodes: []}]));"
    )
    page = _with_script(html_report, tmp_path / "axe.html", axe_source + "\n" + runner)
    violations = _result(browser, tmp_path / "profile-axe", page, "--window-size=1280,1600")
    assert violations == []


def test_at_320_px_nothing_scrolls_sideways_and_chart_labels_stay_readable(
    html_report: Path, tmp_path: Path
) -> None:
    browser = _chromium()
    measure = (
        " const sizes = [...document.querySelectorAll('.seg, .chart-row .lead')].map("
        "e => parseFloat(getComputedStyle(e).fontSize));"
        " report({inner: window.innerWidth, scroll: document.documentElement.scrollWidth,"
        " smallest: Math.min(...sizes), labels: sizes.length});"
    )
    # Headless Chromium opens no window under 500 px: the page is laid out in a frame 320 px
    # wide instead, which its media queries see as the viewport.
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html_report.read_text())
    frame = (
        "const f = document.createElement('iframe'); f.style.width = '320px';"
        " f.style.height = '900px'; f.style.border = '0';"
        f" f.srcdoc = {json.dumps(html)};"
        " f.onload = () => { const w = f.contentWindow; const document = w.document;"
        + measure.replace("window.", "w.").replace("getComputedStyle", "w.getComputedStyle")
        + " }; document.body.appendChild(f);"
    )
    page = tmp_path / "narrow.html"
    page.write_text(
        f"<!DOCTYPE html><html><body><script>{_REPORT_BACK} {frame}</script></body></html>"
    )
    seen = _result(browser, tmp_path / "profile-narrow", page, "--window-size=800,1000")
    assert isinstance(seen, dict)
    assert seen["inner"] == 320, seen
    assert seen["scroll"] <= seen["inner"], seen
    assert seen["labels"] >= 6 and seen["smallest"] >= 11, seen


def test_printed_pages_each_name_the_meeting_and_keep_short_blocks_whole(
    html_report: Path, tmp_path: Path
) -> None:
    browser = _chromium()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    pdf = tmp_path / "review.pdf"
    done = _run_browser(
        browser,
        tmp_path / "profile-print",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html_report.as_uri(),
    )
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    text = subprocess.run(
        [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert "Progress review: Ninth AHG SOM · Meeting 9 · as of 2016-03-22" in page
    # The method's heading and all its bullets on one page; the lead table likewise.
    (method,) = [p for p in pages if "How this report counts" in p]
    assert "Per lead: each work commitment counts once" in method
    heading = "Superseded Overdue Commitments"  # the end of the lead table's header row
    (leads,) = [p for p in pages if heading in p]
    table = leads.split(heading)[1]
    assert all(name in table for name in ("Australia", "Philippines", "RSO"))
