"""Where a result came from: the command, the git commit, package versions and the machine."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .paths import REPO, is_checkout

PACKAGES = ("mtm4f", "torch", "torch_geometric", "numpy", "pandas", "scikit-learn")


def installed_version(name: str) -> str:
    """The installed version of a distribution, 'not installed' when it is absent (e.g. the package run from a checkout on PYTHONPATH)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def package_versions() -> dict[str, str]:
    return {"python": platform.python_version(), **{name: installed_version(name) for name in PACKAGES}}


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


def cpu_model() -> str:
    """The CPU's model name with its family and model numbers (Linux: /proc/cpuinfo), else what ``platform`` knows."""
    try:
        first = Path("/proc/cpuinfo").read_text().split("\n\n")[0]
    except OSError:
        first = ""
    fields = dict(line.split(":", 1) for line in first.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    if "model name" not in fields:
        return platform.processor() or "unknown CPU"
    return f"{fields['model name']} (family {fields.get('cpu family', '?')}, model {fields.get('model', '?')})"


def machine() -> str:
    """The machine as far as a CPU run's numbers depend on it: architecture, system, CPU model and the instruction set
    torch's CPU kernels use. A seeded CPU run repeats exactly on machines that agree here; where they differ (e.g.
    AVX512 against AVX2 kernels), floating-point sums round differently and a run ends elsewhere, within seed noise."""
    import torch

    return f"{platform.machine()}, {platform.system()}, {cpu_model()}, torch CPU kernels {torch.backends.cpu.get_cpu_capability()}"


def provenance(regenerate: str, device: str = "cpu") -> dict:
    """The record every table carries: the command that regenerates it, the process that made it, commit, versions, device."""
    return {
        "regenerate": regenerate,
        "made_by": " ".join(sys.argv),
        "commit": git_commit(),
        "versions": package_versions(),
        "device": device,
        "machine": machine(),
    }
