"""The checkout tracks sources, never installed packages: web/node_modules is npm's (a
directory, or a symlink in a second worktree), ignored in either form."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_web_node_modules_is_ignored_and_untracked_as_a_directory_or_a_symlink():
    tracked = subprocess.run(["git", "ls-files", "web/node_modules"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert tracked == "", tracked
    # check-ignore on the path itself: a pattern with a trailing slash would miss a symlink
    assert subprocess.run(["git", "check-ignore", "-q", "--no-index", "web/node_modules"], cwd=ROOT).returncode == 0
