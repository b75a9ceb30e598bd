"""Where a result came from: the command, the git commit, package versions and the machine."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

from .paths import REPO, is_checkout

PACKAGES = ("mtm4f", "torch", "torch_geometric", "numpy", "pandas", "scikit-learn")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str:
    """HEAD of the repository the package runs from, '+changes' when its tracked files outside outputs/ differ (results are not code); 'unknown' outside a checkout."""
    if not is_checkout(REPO):
        return "unknown (not run from a git checkout)"
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)outputs"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (git unavailable)"
    return head + ("+changes" if dirty else "")


def provenance(regenerate: str, device: str = "cpu") -> dict:
    """The record every table carries: the command that regenerates it, the process that made it, commit, versions, device."""
    return {
        "regenerate": regenerate,
        "made_by": " ".join(sys.argv),
        "commit": git_commit(),
        "versions": package_versions(),
        "device": device,
        "machine": f"{platform.machine()}, {platform.system()}",
    }
