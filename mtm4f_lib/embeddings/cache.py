"""On-disk cache of embedding matrices, keyed by what they were built from.

A key names the dataset, the modality, the encoder, the encoder's version and a checksum of the
inputs and settings. The key's hash names a ``.npy`` file (with a ``.json`` beside it listing the
key parts) under the cache root: the ``root`` argument, else ``embeddings/`` of the package cache
(``mtm4f_lib.paths``). Files are written atomically, so an interrupted build never leaves a
half-written matrix behind.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..atomic import atomic_path, write_text
from ..errors import MTM4FError


@dataclass(frozen=True)
class EmbeddingKey:
    """What an embedding matrix depends on; ``checksum`` comes from :func:`input_checksum`."""

    dataset: str
    modality: str
    encoder: str
    version: str
    checksum: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:20]

    @property
    def filename(self) -> str:
        readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{self.dataset}_{self.modality}")
        return f"{readable}_{self.digest}.npy"


def cache_root(root=None) -> Path:
    """The embedding cache folder: ``root``, else the ``embeddings`` folder of :func:`mtm4f_lib.paths.cache_root`."""
    return Path(root) if root is not None else paths.cache_root("embeddings")


def _feed(h, obj) -> None:
    """Update hash ``h`` with a type-tagged, order-preserving encoding of ``obj``."""
    if isinstance(obj, str):
        data = obj.encode("utf-8")
        h.update(b"t%d:" % len(data) + data)
    elif obj is None or obj is pd.NA or isinstance(obj, (bool, int, float, np.generic)):
        h.update(b"s" + repr(obj.item() if isinstance(obj, np.generic) else obj).encode() + b";")
    elif isinstance(obj, bytes):
        h.update(b"b%d:" % len(obj) + obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            h.update(b"o" + repr(obj.shape).encode())
            _feed(h, obj.ravel().tolist())
        else:
            h.update(b"a" + obj.dtype.str.encode() + repr(obj.shape).encode())
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, pd.DataFrame):
        h.update(b"F")
        _feed(h, [str(c) for c in obj.columns])
        _feed(h, obj.index.to_numpy())
        for column in obj.columns:
            _feed(h, obj[column])
    elif isinstance(obj, (pd.Series, pd.Index)):
        h.update(b"S" + str(obj.dtype).encode())
        _feed(h, obj.to_numpy())
    elif isinstance(obj, (list, tuple)):
        h.update(b"l%d:" % len(obj))
        for part in obj:
            _feed(h, part)
    elif isinstance(obj, dict):
        h.update(b"d%d:" % len(obj))
        for k in sorted(obj, key=repr):
            _feed(h, k)
            _feed(h, obj[k])
    else:
        raise MTM4FError(f"input_checksum cannot hash a {type(obj).__name__}; pass arrays, DataFrames, strings, numbers, lists or dicts.")


def input_checksum(*objects) -> str:
    """Deterministic SHA-256 (hex) of arrays, DataFrames/Series, strings, numbers, lists and dicts."""
    h = hashlib.sha256()
    _feed(h, list(objects))
    return h.hexdigest()


def cached_embedding(key: EmbeddingKey, build: Callable[[], np.ndarray], root=None, force: bool = False) -> np.ndarray:
    """The matrix stored under ``key``; ``build()`` runs only when it is absent or ``force`` is True."""
    folder = cache_root(root)
    path = folder / key.filename
    if path.is_file() and not force:
        return np.load(path)
    matrix = np.asarray(build())
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.floating):
        raise MTM4FError(
            f"The builder for {key.dataset}/{key.modality} returned a {matrix.dtype} array of shape {matrix.shape}; it must return a 2-d float matrix."
        )
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.save(handle, matrix)
    write_text(path.with_suffix(".json"), json.dumps({**asdict(key), "shape": list(matrix.shape), "dtype": matrix.dtype.str}, indent=1))
    return matrix
