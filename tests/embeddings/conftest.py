"""Every embedding test writes its caches under a temporary folder, never the user's home."""

import pytest


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "mtm4f-cache"))
