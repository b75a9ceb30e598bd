"""The missing-modality protocol (paper 6.3, Tables 5-10).

On the rows of a complete-modality split, the modalities not in ``hidden`` stay present everywhere;
each hidden modality is kept for a random ``chi`` percent of the training movies and hidden for the
rest. The unit is the movie (a missing trailer belongs to the movie, not to one of its ratings): a
movie whose modality is hidden has it hidden in every training row. Each hidden modality draws its
movies independently (its own seeded stream). The training view of the dataset holds no trace of a
hidden modality: its matrix rows are NaN and its availability is False, so standardisation
statistics, priors, the item graph's features and the user vector's liked-item mean never see it.

The test set is complete, as in the paper: the test view is the dataset itself. With
``test_missing`` (beyond the paper) the movies that appear only in the test rows lose each hidden
modality at the same rate, and the training movies keep their training-view masks at test time.
Per-rating-row missingness (the paper's literal "training instances") does not fit a model whose
item side holds one vector per movie, so it is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import MTM4FError
from .container import MultiModalDataset, Split
from .modalities import MODALITIES, abbreviate, parse_modalities


@dataclass(frozen=True)
class MissingSetting:
    """Which modalities are hidden, for how many training movies, with which mask seed.

    hidden        the modalities each kept for only ``chi`` percent of the training movies.
    chi           percent of training movies that keep each hidden modality, in (0, 100]; 100 hides nothing. A whole
                  number is kept as an int (20.0 -> 20), so a run has one key in the store whether chi came as 20 or 20.0.
    seed          seed of the movie masks (repeats pair it with the model seed).
    test_missing  also hide modalities of test-only movies at the same rate (beyond the paper).
    """

    hidden: tuple[str, ...]
    chi: float
    seed: int = 0
    test_missing: bool = False

    def __post_init__(self):
        object.__setattr__(self, "hidden", parse_modalities(self.hidden))
        if float(self.chi).is_integer():
            object.__setattr__(self, "chi", int(self.chi))
        if not 0 < self.chi <= 100:
            raise MTM4FError(f"chi is the percentage of training movies that keep a hidden modality, in (0, 100]; got {self.chi}.")
        if len(self.hidden) == len(MODALITIES):
            raise MTM4FError("Hide at most three modalities: at least one must stay present everywhere in training.")

    @property
    def label(self) -> str:
        return f"{abbreviate(self.hidden)} at {self.chi:g}%"


def hidden_items(dataset: MultiModalDataset, split: Split, setting: MissingSetting) -> dict[str, np.ndarray]:
    """Per hidden modality, bool [n_items]: the movies whose modality is hidden.

    Among the movies of ``split.train``, ``round((100 - chi)%)`` of them per modality; with
    ``test_missing`` also that share of the movies seen only in ``split.test``.
    """
    items = dataset.ratings["item"].to_numpy()
    train_items = np.unique(items[split.train])
    test_only = np.setdiff1d(np.unique(items[split.test]), train_items)
    out = {}
    for modality in setting.hidden:
        rng = np.random.default_rng([setting.seed, MODALITIES.index(modality)])
        mask = np.zeros(dataset.n_items, dtype=bool)
        for pool in (train_items, test_only) if setting.test_missing else (train_items,):
            n_hidden = int(round(len(pool) * (100 - setting.chi) / 100))
            mask[rng.choice(pool, n_hidden, replace=False)] = True
        out[modality] = mask
    return out


def hide(dataset: MultiModalDataset, masks: dict[str, np.ndarray]) -> MultiModalDataset:
    """The dataset with each modality's masked movies unavailable (NaN rows, availability False)."""
    for modality, mask in masks.items():
        entry = dataset.modalities[modality]
        dataset = dataset.with_features(modality, entry.features, f"{entry.source}; hidden for {int(mask.sum())} movies", entry.available & ~mask)
    return dataset


def missing_views(dataset: MultiModalDataset, split: Split, setting: MissingSetting) -> tuple[MultiModalDataset, MultiModalDataset]:
    """(training view, test view) of ``dataset`` under ``setting``; the test view is complete unless ``test_missing``."""
    masks = hidden_items(dataset, split, setting)
    train_view = hide(dataset, masks)
    return train_view, (train_view if setting.test_missing else dataset)
