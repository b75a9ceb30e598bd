"""Train/test protocols: the paper's complete-modality filter and validation slice, the official ML-100K
folds u1..u5, and item cold start (the missing-modality protocol is in :mod:`.missing`)."""

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
    """Carve a seeded validation slice out of the training rows: ``fraction`` of the rows, or with
    ``split.val_groups`` every row of a seeded ``fraction`` of the groups (item cold start validates on movies
    the fitting rows never saw, as its test does).

    Returns the split with the slice removed from ``train`` and the slice's row indices. Model
    selection reads only the slice; the test rows are never touched.
    """
    if not 0 < fraction < 1:
        raise MTM4FError(f"validation fraction must lie strictly between 0 and 1, got {fraction}.")
    rng = np.random.default_rng(seed)
    if split.val_groups is None:
        order = rng.permutation(len(split.train))
        held = np.zeros(len(split.train), dtype=bool)
        held[order[: max(1, int(round(len(split.train) * fraction)))]] = True
    else:
        groups = np.unique(split.val_groups)
        held = np.isin(split.val_groups, rng.choice(groups, size=max(1, int(round(len(groups) * fraction))), replace=False))
    return Split(split.name, np.sort(split.train[~held]), split.test), np.sort(split.train[held])


FOLDS = (1, 2, 3, 4, 5)
COLD_FRACTION = 0.2  # the share of movies the item cold-start protocol holds out of training


def official_fold(dataset: MultiModalDataset, fold: int, data_dir=None) -> Split:
    """ML-100K's official split u<fold>.base / u<fold>.test (80,000 / 20,000 ratings each), read from the data folder."""
    if dataset.name != "ml100k":
        raise MTM4FError(f"The official folds u1..u5 are ML-100K's; dataset {dataset.name!r} has none. Use its own split or cold_start_split.")
    if fold not in FOLDS:
        raise MTM4FError(f"ML-100K has the official folds {list(FOLDS)}; got {fold!r}.")
    from .files import resolve_data_dir
    from .sources.ml100k import official_split

    return official_split(resolve_data_dir(data_dir), dataset.ratings, fold)


def seeded_split(dataset: MultiModalDataset, protocol: str, seed: int, data_dir=None) -> Split:
    """The split of a protocol whose rows depend on the run's seed: 'cold' (``cold_start_split`` of ``seed``) or
    'folds' (ML-100K's official fold u<seed + 1>, so that seeds 0-4 are the five folds)."""
    if protocol == "cold":
        return cold_start_split(dataset, seed=seed)
    if protocol != "folds":
        raise MTM4FError(f"Only the protocols 'cold' and 'folds' have a split per seed; got {protocol!r}.")
    if seed + 1 not in FOLDS:
        raise MTM4FError(f"The protocol 'folds' reads fold u<seed + 1>: seeds 0-4 are the five folds; got seed {seed}.")
    return official_fold(dataset, seed + 1, data_dir)


SEEDED_PROTOCOLS = ("cold", "folds")


def cold_start_split(dataset: MultiModalDataset, fraction: float = COLD_FRACTION, seed: int = 0) -> Split:
    """Item cold start: a seeded ``fraction`` of the rated movies is held out of training entirely;
    every rating of a held-out movie is a test row, every other rating a training row. The validation
    slice holds out whole movies too (``val_groups``), so that model selection sees the test's condition."""
    if not 0 < fraction < 1:
        raise MTM4FError(f"The cold-start fraction must lie strictly between 0 and 1, got {fraction}.")
    items = dataset.ratings["item"].to_numpy()
    rated = np.unique(items)
    held_out = np.random.default_rng(seed).choice(rated, size=max(1, int(round(len(rated) * fraction))), replace=False)
    cold = np.isin(items, held_out)
    train = np.flatnonzero(~cold)
    return Split(f"cold-start-{fraction:g}-s{seed}", train, np.flatnonzero(cold), val_groups=items[train])
