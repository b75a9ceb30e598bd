"""The one dataset container every source (ml100k, mmtf, synthetic) fills.

Ratings (user, item, rating, as 0-based indices), users (gender and age where the source has them),
items (title, year, genres) and, per modality, a float matrix ``[n_items, d]`` with a boolean
availability mask ``[n_items]``. A missing modality is always an explicit mask (its matrix rows are
NaN), never a silent zero or mean; everything derived from ratings is built from training rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import MTM4FError
from .modalities import MODALITIES, parse_modalities


@dataclass(frozen=True)
class Modality:
    """One item modality: an availability mask and, once encoded, a float matrix.

    Rows of ``features`` for unavailable items are NaN, so a missing modality can never be
    mistaken for a zero vector. ``features`` is None while the modality exists only as raw
    input (text, metadata) that an encoder has not turned into vectors yet.
    """

    name: str
    available: np.ndarray
    source: str
    features: np.ndarray | None = None

    def __post_init__(self):
        if self.available.dtype != bool or self.available.ndim != 1:
            raise MTM4FError(f"Modality {self.name}: the availability mask must be a 1-d boolean array.")
        if self.features is not None:
            if self.features.ndim != 2 or len(self.features) != len(self.available):
                raise MTM4FError(f"Modality {self.name}: features must be [n_items, d] with n_items = {len(self.available)}.")

    @property
    def dim(self) -> int | None:
        return None if self.features is None else int(self.features.shape[1])

    @property
    def n_available(self) -> int:
        return int(self.available.sum())


def masked_features(matrix: np.ndarray, available: np.ndarray) -> np.ndarray:
    """float32 copy of ``matrix`` with NaN rows where ``available`` is False."""
    out = np.asarray(matrix, dtype=np.float32).copy()
    out[~available] = np.nan
    return out


@dataclass(frozen=True)
class Split:
    """Row indices into ``MultiModalDataset.ratings`` for training and testing; ``val_groups`` (one id per
    training row, e.g. its movie), when set, makes the validation slice whole groups (``data.splits.validation_slice``)."""

    name: str
    train: np.ndarray
    test: np.ndarray
    val_groups: np.ndarray | None = None

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.train), len(self.test)


@dataclass
class MultiModalDataset:
    """Ratings, users, items, genre labels and the four item modalities of one source.

    ``ratings`` has integer ``user`` and ``item`` columns that index ``users`` and ``items``
    (0-based, contiguous) and a float ``rating``. ``users`` has ``raw_id`` and, where the
    source has them, ``gender`` ('M'/'F') and ``age``; ``items`` has ``raw_id``, ``title`` and
    ``year`` plus the raw text the meta and subtitle encoders read. ``notes`` records
    provenance and measured counts (join rates, filtered rows, unavailable tasks).
    """

    name: str
    ratings: pd.DataFrame
    users: pd.DataFrame
    items: pd.DataFrame
    genre_names: tuple[str, ...]
    genres: np.ndarray
    modalities: dict[str, Modality]
    split: Split
    rating_range: tuple[float, float]
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        if set(self.modalities) != set(MODALITIES):
            raise MTM4FError(f"A dataset needs an entry for each modality {MODALITIES}; got {sorted(self.modalities)}.")
        if self.genres.shape != (self.n_items, len(self.genre_names)):
            raise MTM4FError("genres must be [n_items, n_genres].")

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_ratings(self) -> int:
        return len(self.ratings)

    @property
    def has_demographics(self) -> bool:
        return "gender" in self.users and self.users["gender"].notna().any()

    def availability(self, modalities=MODALITIES) -> pd.DataFrame:
        """Boolean [n_items, k] table: which item has which of the given modalities."""
        names = parse_modalities(modalities)
        return pd.DataFrame({m: self.modalities[m].available for m in names})

    def items_with(self, modalities) -> np.ndarray:
        """Boolean mask of items that have every one of the given modalities."""
        return self.availability(modalities).all(axis=1).to_numpy()

    def with_features(self, name: str, features: np.ndarray, source: str, available: np.ndarray | None = None) -> MultiModalDataset:
        """A copy whose modality ``name`` carries the encoded ``features`` (NaN where unavailable);
        ``available`` replaces the modality's mask (default: kept)."""
        old = self.modalities[name]
        mask = old.available if available is None else np.asarray(available, dtype=bool)
        new = Modality(name, mask, source, masked_features(features, mask))
        return replace(self, modalities={**self.modalities, name: new})
