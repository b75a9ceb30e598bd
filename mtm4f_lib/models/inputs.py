"""Model inputs built from a dataset: standardised item modality tensors with explicit masks, user vectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data import MultiModalDataset, parse_modalities
from ..data.features import standardise
from ..errors import MTM4FError


@dataclass(frozen=True)
class ItemInputs:
    """Per modality a float tensor [n_items, d] (zeros where unavailable) and a bool mask [n_items].

    The zeros are never read as a signal: every model masks an unavailable modality explicitly.
    """

    features: dict[str, torch.Tensor]
    masks: dict[str, torch.Tensor]

    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(self.features)

    @property
    def dims(self) -> dict[str, int]:
        return {m: int(x.shape[1]) for m, x in self.features.items()}

    @property
    def n_items(self) -> int:
        return int(next(iter(self.masks.values())).shape[0])

    def take(self, items: torch.Tensor) -> ItemInputs:
        """The rows of ``items`` only, in that order."""
        return ItemInputs({m: x[items] for m, x in self.features.items()}, {m: k[items] for m, k in self.masks.items()})

    def map(self, fn) -> ItemInputs:
        """``fn`` applied to every tensor (e.g. a move to another device)."""
        return ItemInputs({m: fn(x) for m, x in self.features.items()}, {m: fn(k) for m, k in self.masks.items()})


def item_inputs(dataset: MultiModalDataset, modalities, train_rows: np.ndarray, reference: MultiModalDataset | None = None) -> ItemInputs:
    """Standardise each modality with the statistics of the available items rated in ``train_rows``.

    ``reference`` (default ``dataset``) is the view whose availability picks those items: the test
    view of the missing-modality protocol is standardised with the training view's statistics.
    """
    names = parse_modalities(modalities)
    reference = dataset if reference is None else reference
    trained = np.zeros(dataset.n_items, dtype=bool)
    trained[dataset.ratings["item"].to_numpy()[train_rows]] = True
    features, masks = {}, {}
    for name in names:
        modality = dataset.modalities[name]
        if modality.features is None:
            raise MTM4FError(f"Modality {name!r} of {dataset.name!r} has no encoded features yet; encode it first or leave it out of the model's modalities.")
        available = modality.available & ~np.isnan(modality.features).any(axis=1)
        seen = reference.modalities[name]
        rows = seen.features[seen.available & ~np.isnan(seen.features).any(axis=1) & trained]
        if len(rows) == 0:
            raise MTM4FError(f"No training item has modality {name!r}; choose modalities that the training rows cover.")
        values = np.where(available[:, None], standardise(np.nan_to_num(modality.features), rows), 0.0)
        features[name] = torch.as_tensor(values, dtype=torch.float32)
        masks[name] = torch.as_tensor(available)
    return ItemInputs(features, masks)


def liked_matrix(dataset: MultiModalDataset, train_rows: np.ndarray, threshold: float) -> torch.Tensor:
    """Sparse [n_users, n_items]: row u spreads weight 1/m_u over the m_u items u rated above ``threshold``
    in ``train_rows`` (a user with none has an empty row), so ``liked @ items`` is each user's liked-item mean."""
    frame = dataset.ratings.iloc[np.asarray(train_rows)]
    frame = frame[frame["rating"].to_numpy() > threshold].drop_duplicates(["user", "item"])
    users, items = frame["user"].to_numpy(), frame["item"].to_numpy()
    counts = np.bincount(users, minlength=dataset.n_users)
    values = torch.as_tensor(1.0 / counts[users], dtype=torch.float32)
    index = torch.as_tensor(np.stack([users, items]), dtype=torch.long)
    return torch.sparse_coo_tensor(index, values, (dataset.n_users, dataset.n_items), check_invariants=True).coalesce()


def user_inputs(matrix: np.ndarray | None, n_users: int) -> torch.Tensor | None:
    """The provided user-vector matrix [n_users, d_u], standardised, as a tensor (None passes through)."""
    if matrix is None:
        return None
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2 or len(matrix) != n_users:
        raise MTM4FError(f"User features must be a [n_users={n_users}, d] matrix, got shape {matrix.shape}.")
    if not np.isfinite(matrix).all():
        raise MTM4FError("User features contain NaN or inf; fill or drop those users' vectors first.")
    return torch.as_tensor(standardise(matrix, matrix))
