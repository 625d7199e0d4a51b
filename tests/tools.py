"""External programs some tests need (XeLaTeX, poppler): in CI a missing one fails the test, on
a user's machine it skips with the command that installs it."""

from __future__ import annotations

import os
import shutil

import pytest

#: What .ci/run installs as root (Debian packages).
INSTALL = "apt install texlive-xetex texlive-lang-cjk texlive-lang-chinese fonts-noto-cjk poppler-utils"


def require_tool(name: str) -> str:
    """The path of program ``name``; fails in CI (``CI`` set) and skips elsewhere when it is missing."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: .ci/run must install it ({INSTALL})")
        pytest.skip(f"{name} is not installed; to run this test: {INSTALL}")
    return path
