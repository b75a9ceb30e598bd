import json

import numpy as np
import pandas as pd
import pytest

from mtm4f_lib.embeddings.cache import EmbeddingKey, cache_root, cached_embedding, input_checksum
from mtm4f_lib.errors import MTM4FError


def key(checksum="abc", encoder="enc"):
    return EmbeddingKey("synthetic", "meta", encoder, "1", checksum)


class Builder:
    def __init__(self, value=1.0):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return np.full((3, 2), self.value * self.calls, dtype=np.float32)


def test_checksum_is_deterministic_and_sensitive():
    frame = pd.DataFrame({"title": ["A", "B"], "cast": [["x", "y"], np.nan], "year": pd.array([1990, None], dtype="Int64")})
    base = input_checksum(np.arange(4), "text", frame, {"a": 1, "b": 2})
    assert base == input_checksum(np.arange(4), "text", frame.copy(), {"b": 2, "a": 1})
    assert len(base) == 64
    changed = frame.copy()
    changed.at[0, "cast"] = ["x", "z"]
    variants = [
        input_checksum(np.arange(4) + 1, "text", frame, {"a": 1, "b": 2}),
        input_checksum(np.arange(4).astype(np.int32), "text", frame, {"a": 1, "b": 2}),
        input_checksum(np.arange(4), "texts", frame, {"a": 1, "b": 2}),
        input_checksum(np.arange(4), "text", changed, {"a": 1, "b": 2}),
        input_checksum(np.arange(4), "text", frame, {"a": 1, "b": 3}),
    ]
    assert len({base, *variants}) == 6
    assert input_checksum("1") != input_checksum(1)
    assert input_checksum(["a", "b"]) != input_checksum(["ab"])


def test_checksum_rejects_unknown_types():
    with pytest.raises(MTM4FError, match="cannot hash a object"):
        input_checksum(object())


def test_hit_does_not_rebuild_and_force_does(tmp_path):
    build = Builder()
    first = cached_embedding(key(), build, root=tmp_path)
    second = cached_embedding(key(), build, root=tmp_path)
    assert build.calls == 1
    np.testing.assert_array_equal(first, second)
    assert second.dtype == np.float32 and second.shape == (3, 2)
    forced = cached_embedding(key(), build, root=tmp_path, force=True)
    assert build.calls == 2 and forced[0, 0] == 2.0
    np.testing.assert_array_equal(cached_embedding(key(), build, root=tmp_path), forced)
    assert build.calls == 2


def test_a_changed_key_rebuilds(tmp_path):
    build = Builder()
    cached_embedding(key("abc"), build, root=tmp_path)
    cached_embedding(key("abd"), build, root=tmp_path)
    cached_embedding(key("abc", encoder="other"), build, root=tmp_path)
    assert build.calls == 3
    assert len(list(tmp_path.glob("*.npy"))) == 3


def test_files_and_sidecar(tmp_path):
    k = key()
    cached_embedding(k, Builder(), root=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [k.filename.replace(".npy", ".json"), k.filename]
    assert k.filename.startswith("synthetic_meta_")
    side = json.loads((tmp_path / k.filename).with_suffix(".json").read_text())
    assert side["encoder"] == "enc" and side["checksum"] == "abc" and side["shape"] == [3, 2]


def test_bad_builder_output_and_failed_build_leave_nothing(tmp_path):
    with pytest.raises(MTM4FError, match="2-d float matrix"):
        cached_embedding(key(), lambda: np.arange(3), root=tmp_path)

    def failing():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cached_embedding(key(), failing, root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cache_root_resolution(tmp_path, monkeypatch):
    assert cache_root(tmp_path / "x") == tmp_path / "x"
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "env"))
    assert cache_root() == tmp_path / "env" / "embeddings"
    monkeypatch.delenv("MTM4F_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "mtm4f" / "embeddings"
