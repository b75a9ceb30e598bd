"""Shared fixtures: the synthetic dataset, and the real data directory (skipped when absent)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mtm4f_lib.cli import main
from mtm4f_lib.data import load_dataset

REPO = Path(__file__).resolve().parents[1]


def real_data_dir() -> Path | None:
    value = os.environ.get("MTM4F_DATA")
    return Path(value).resolve() if value and Path(value).is_dir() else None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = real_data_dir()
    if path is None:
        pytest.skip("MTM4F_DATA is not set to the data folder: real-data tests skipped (set MTM4F_DATA to the folder described in the README, section Data).")
    return path


@pytest.fixture(scope="session")
def synthetic():
    return load_dataset("synthetic")


@pytest.fixture(scope="session")
def ml100k(data_dir):
    return load_dataset("ml100k", data_dir=data_dir)


@pytest.fixture(scope="session")
def mmtf(data_dir):
    return load_dataset("mmtf", data_dir=data_dir)


@pytest.fixture(scope="session")
def quick_outputs(data_dir, tmp_path_factory) -> Path:
    """`mtm4f reproduce --profile quick --workers 2` for both datasets (every notebook), run once into an outputs root
    that also holds a copy of the committed paper results; returns that root."""
    root = tmp_path_factory.mktemp("outputs")
    shutil.copytree(REPO / "outputs" / "paper", root / "paper")
    command = ["reproduce", "--profile", "quick", "--dataset", "ml100k", "mmtf", "--workers", "2"]
    assert main([*command, "--data-dir", str(data_dir), "--outputs-dir", str(root)]) == 0
    return root
