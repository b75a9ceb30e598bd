"""Train/test protocols of the paper: complete-modality filter and validation slice (the missing-modality
protocol is in :mod:`.missing`)."""

from __future__ import annotations

import numpy as np

from ..errors import MTM4FError
from .container import MultiModalDataset, Split
from .modalities import abbreviate, parse_modalities


def complete_modality_split(dataset: MultiModalDataset, modalities, split: Split | None = None, verbose: bool = True) -> Split:
    """Keep only the ratings whose movie has every modality in ``modalities`` (Tables 1-4, 11)."""
    names = parse_modalities(modalities)
    split = split or dataset.split
    has_all = dataset.items_with(names)[dataset.ratings["item"].to_numpy()]
    kept = Split(f"{split.name}-complete-{abbreviate(names)}", split.train[has_all[split.train]], split.test[has_all[split.test]])
    if verbose:
        print(
            f"{dataset.name} {split.name}, complete {'+'.join(names)}: kept {len(kept.train):,} of {len(split.train):,} train and {len(kept.test):,} of {len(split.test):,} test ratings"
        )
    return kept


def validation_slice(split: Split, fraction: float = 0.1, seed: int = 0) -> tuple[Split, np.ndarray]:
    """Carve a seeded validation slice out of the training rows.

    Returns the split with the slice removed from ``train`` and the slice's row indices. Model
    selection reads only the slice; the test rows are never touched.
    """
    if not 0 < fraction < 1:
        raise MTM4FError(f"validation fraction must lie strictly between 0 and 1, got {fraction}.")
    order = np.random.default_rng(seed).permutation(len(split.train))
    n_val = max(1, int(round(len(split.train) * fraction)))
    val = np.sort(split.train[order[:n_val]])
    train = np.sort(split.train[order[n_val:]])
    return Split(split.name, train, split.test), val
