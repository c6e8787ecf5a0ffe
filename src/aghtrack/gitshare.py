"""The git repository that carries the record between offices: the only code that runs git.

git is driven through its command line, never a library or a server of ours: it is what
every ministry IT department can host (a bare repository on a file server, GitLab, Gitea,
GitHub), and a user who knows git can look at, pull and push the same repository by hand.

Every git command runs with the author named by aghtrack (``AGHTRACK_USER`` or the login
name) in its environment, so a user who has never configured git (no ``~/.gitconfig``) can
sync; with no terminal to ask on, git is told never to prompt (a prompt nobody answers would
hang the sync instead of failing it with one line).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GitMissing, SyncFailed

BRANCH = "main"
REMOTE = "origin"
REMOTE_BRANCH = f"refs/remotes/{REMOTE}/{BRANCH}"
#: git's id of the empty tree: "what changed since nothing" for a first sync.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#: The merge driver's name in ``.gitattributes`` and the repository's config.
DRIVER = "aghtrack"
ATTRIBUTES = "*.jsonl merge=aghtrack -text\n"


def _email(author: str) -> str:
    local = re.sub(r"[^a-z0-9._-]+", ".", author.lower()).strip(".") or "office"
    return f"{local}@aghtrack.invalid"


@dataclass(frozen=True)
class Pushed:
    ok: bool
    #: Someone pushed meanwhile: fetch, merge and push again.
    behind: bool = False


class GitShare:
    """The working tree and repository beside a store (``store.json.share``)."""

    def __init__(self, path: Path, *, author: str) -> None:
        self.path = path
        self.author = author
        if shutil.which("git") is None:
            raise GitMissing(
                "git is not installed (or not on PATH); aghtrack sync shares the record "
                "through git: install it from https://git-scm.com and try again."
            )

    @property
    def git_dir(self) -> Path:
        return self.path / ".git"

    def exists(self) -> bool:
        return (self.git_dir / "HEAD").exists()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        email = _email(self.author)
        env.update(
            GIT_AUTHOR_NAME=self.author,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=self.author,
            GIT_COMMITTER_EMAIL=email,
            LC_ALL="C",
            LANGUAGE="C",
        )
        if not sys.stdin or not sys.stdin.isatty():
            env["GIT_TERMINAL_PROMPT"] = "0"
            env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        return env

    def run(
        self, *args: str, check: bool = True, what: str = "", input: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run git in the share; a failure with ``check`` is one SyncFailed line saying
        ``what`` was being done and git's own last words."""
        command = ["git", "-c", "core.autocrlf=false", "-c", "merge.renames=false"]
        command += ["-c", "diff.renames=false", "-c", "gc.autoDetach=false", *args]
        try:
            done = subprocess.run(
                command,
                cwd=self.path,
                env=self._env(),
                input=input,
                capture_output=True,
                check=False,
            )
        except OSError as e:
            raise SyncFailed(f"could not run git ({e.strerror or e})") from None
        if check and done.returncode != 0:
            raise SyncFailed(f"{what or 'git ' + args[0]} failed: {last_words(done.stderr)}")
        return done

    def text(self, *args: str, what: str = "") -> str:
        return self.run(*args, what=what).stdout.decode("utf-8", "replace").strip()

    # --- setting up -----------------------------------------------------------------------

    def init(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.run("init", "-q", what="creating the share repository")
        self.run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
        self.install_driver()

    def install_driver(self) -> None:
        """Make git (a plain ``git pull`` included) merge the record's files with aghtrack."""
        driver = f"{shlex.quote(sys.executable)} -m aghtrack merge-driver %O %A %B %P"
        self.run("config", f"merge.{DRIVER}.name", "aghtrack record merge")
        self.run("config", f"merge.{DRIVER}.driver", driver)
        # Also in the share's own attributes, which no commit can change: a shared repository
        # whose .gitattributes was emptied by hand would otherwise merge the record's files
        # line by line, and fail.
        info = self.git_dir / "info"
        info.mkdir(exist_ok=True)
        if not (info / "attributes").is_file() or (info / "attributes").read_text() != ATTRIBUTES:
            (info / "attributes").write_text(ATTRIBUTES)
        # And a plain ``git pull`` in the share knows where from.
        self.run("config", f"branch.{BRANCH}.remote", REMOTE)
        self.run("config", f"branch.{BRANCH}.merge", f"refs/heads/{BRANCH}")

    def set_remote(self, url: str) -> None:
        if self.run("remote", "get-url", REMOTE, check=False).returncode == 0:
            self.run("remote", "set-url", REMOTE, url)
        else:
            self.run("remote", "add", REMOTE, url)

    def remote_url(self) -> str | None:
        done = self.run("remote", "get-url", REMOTE, check=False)
        return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None

    def recover(self) -> None:
        """Put the working tree back to the last commit after an interrupted sync: a merge
        half done, a lock file left by a killed git. The store's lock is held, so no other
        aghtrack is using the share; what was not committed is written again from the store."""
        (self.git_dir / "index.lock").unlink(missing_ok=True)
        if (self.git_dir / "MERGE_HEAD").exists():
            self.run("merge", "--abort", check=False)
        if self.head() is not None:
            self.run("reset", "-q", "--hard", "HEAD", what="restoring the share")
        self.run("clean", "-q", "-f", "-d", what="restoring the share")

    # --- reading --------------------------------------------------------------------------

    def rev(self, ref: str) -> str | None:
        done = self.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def head(self) -> str | None:
        return self.rev("HEAD")

    def remote_head(self) -> str | None:
        return self.rev(REMOTE_BRANCH)

    def has_file(self, ref: str, path: str) -> bool:
        return self.run("cat-file", "-e", f"{ref}:{path}", check=False).returncode == 0

    def changed_files(self, old: str | None, new: str) -> list[str]:
        out = self.run("diff", "--name-only", "-z", old or EMPTY_TREE, new, what="comparing")
        return [p for p in out.stdout.decode("utf-8").split("\0") if p]

    def blobs(self, ref: str, paths: Sequence[str]) -> dict[str, bytes]:
        """The contents of ``paths`` at ``ref`` (one ``git cat-file --batch`` for all of
        them); a path ``ref`` does not hold is left out."""
        asked = [p for p in paths if "\n" not in p]
        if not asked:
            return {}
        out = self.run(
            "cat-file",
            "--batch",
            input="".join(f"{ref}:{p}\n" for p in asked).encode(),
            what="reading the shared record",
        ).stdout
        found: dict[str, bytes] = {}
        at = 0
        for path in asked:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[path] = out[at : at + size]
                at += size + 1
            elif len(header) == 3:  # a tree or a link where a file was expected
                at += int(header[2]) + 1
        return found

    def count(self, spec: str) -> int:
        return int(self.text("rev-list", "--count", spec) or 0)

    # --- changing -------------------------------------------------------------------------

    def commit(self, paths: Sequence[str], message: str) -> bool:
        """Commit these paths if anything in them changed; whether a commit was made."""
        if paths:
            self.run("add", "-A", "--", *paths, what="recording local changes")
        if self.run("diff", "--cached", "--quiet", check=False).returncode == 0:
            return False
        self.run("commit", "-q", "--no-verify", "-m", message, what="recording local changes")
        return True

    def fetch(self) -> None:
        self.run(
            "fetch", "-q", "--no-tags", REMOTE,
            f"+refs/heads/{BRANCH}:{REMOTE_BRANCH}",
            what="fetching from the shared repository",
        )  # fmt: skip

    def remote_has_branch(self) -> bool:
        """Whether the remote holds a record yet (an empty repository does not)."""
        done = self.run("ls-remote", "--heads", REMOTE, check=False)
        if done.returncode != 0:
            raise SyncFailed(
                f"cannot reach the shared repository {self.remote_url()}: {last_words(done.stderr)}"
            )
        return f"refs/heads/{BRANCH}".encode() in done.stdout

    def merge(self, ref: str) -> None:
        """Merge ``ref`` into HEAD; the record's files go through the merge driver. A merge
        that fails is undone, never left half-done with conflict markers."""
        done = self.run(
            "merge", "-q", "--no-edit", "--allow-unrelated-histories",
            "-m", f"aghtrack: merged the shared record into {self.author}'s",
            ref,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            self.run("merge", "--abort", check=False)
            self.run("reset", "-q", "--hard", "HEAD", check=False)
            # git says which file would not merge on stdout ("CONFLICT (content): ...").
            said = done.stderr + done.stdout
            raise SyncFailed(f"merging the shared record failed: {last_words(said)}")

    def related(self, a: str, b: str) -> bool:
        """Whether two commits have any history in common."""
        return self.run("merge-base", a, b, check=False).returncode == 0

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def fast_forward(self, ref: str) -> None:
        self.run("reset", "-q", "--hard", ref, what="taking the shared record")

    def push(self) -> Pushed:
        done = self.run("push", "--porcelain", REMOTE, f"HEAD:refs/heads/{BRANCH}", check=False)
        if done.returncode == 0:
            return Pushed(ok=True)
        said = done.stdout + done.stderr
        if any(sign in said for sign in _PUSHED_MEANWHILE):
            return Pushed(ok=False, behind=True)
        raise SyncFailed(f"the shared repository refused the changes: {last_words(said)}")


#: What git says when someone else's push got in first: a ref moved (``[rejected]``), or, on
#: a busy server, its ref was locked or changed while this push was taken in.
_PUSHED_MEANWHILE = (
    b"[rejected]",
    b"fetch first",
    b"non-fast-forward",
    b"failed to update ref",
    b"cannot lock ref",
    b"incorrect old value",
)


def last_words(stderr: bytes) -> str:
    """git's most telling line, to end our one line with: why a push was refused, else its
    first fatal error (the lines after it are advice: "Please make sure you have the correct
    access rights / and the repository exists."), else its last line."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith(("hint:", "To ", "Done"))
    ]
    refused = [line for line in lines if "[remote rejected]" in line or "[rejected]" in line]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    chosen = (refused or fatal or lines or ["no reason given"])[0 if refused or fatal else -1]
    return chosen.removeprefix("fatal: ").removeprefix("error: ").replace("\t", " ")[:300]
