"""Fills of hidden modalities before the model sees them (baselines of the missing-modality tables).

Each fill takes the training view (hidden modalities unavailable), fills the hidden movies' rows of
the given modalities from what the training view shows, and marks them available, so the model reads
the filled vector as if it were real:

* ``mean``: the mean vector of the training movies that have the modality;
* ``propagate``: item-graph feature propagation (Malitesta et al., CIKM 2024): the features diffuse
  over the symmetric-normalised co-rating graph of the training rows for ``steps`` rounds, the
  observed rows clamped to their values after each round; a movie no path reaches gets the mean;
* ``regressor``: a cross-modal MLP (scikit-learn, 64 hidden units, seeded) from the modalities every
  served movie has to the missing one, fitted on the training movies that have both.
"""

from __future__ import annotations

import numpy as np
import torch

from ..errors import check_choice
from .container import MultiModalDataset

FILLS = ("mean", "propagate", "regressor")


def _mean_fill(features: np.ndarray, known: np.ndarray, reference: np.ndarray) -> np.ndarray:
    out = features.copy()
    out[~known] = features[reference].mean(axis=0)
    return out


def _propagate(features: np.ndarray, known: np.ndarray, reference: np.ndarray, edges: torch.Tensor, steps: int) -> np.ndarray:
    n = len(features)
    both = torch.cat([edges, edges.flip(0)], dim=1)
    adjacency = torch.sparse_coo_tensor(both, torch.ones(both.shape[1]), (n, n), check_invariants=True).coalesce()
    adjacency = torch.sparse_coo_tensor(adjacency.indices(), torch.ones_like(adjacency.values()), (n, n), check_invariants=True)  # duplicate edges count once
    degree = torch.sparse.sum(adjacency, dim=1).to_dense().clamp_min(1.0)
    scale = degree.rsqrt()
    observed = torch.as_tensor(np.nan_to_num(features), dtype=torch.float32)
    clamp = torch.as_tensor(known)
    x = torch.where(clamp[:, None], observed, torch.zeros_like(observed))
    reached = clamp.clone()
    for _ in range(steps):
        x = scale[:, None] * torch.sparse.mm(adjacency, scale[:, None] * x)
        reached = reached | (torch.sparse.mm(adjacency, reached[:, None].float()).squeeze(1) > 0)
        x = torch.where(clamp[:, None], observed, x)
    out = x.numpy().astype(np.float32)
    out[~reached.numpy()] = features[reference].mean(axis=0)
    return out


def _regress(features: np.ndarray, known: np.ndarray, reference: np.ndarray, inputs: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(64,), max_iter=300, early_stopping=True, random_state=seed))
    model.fit(inputs[reference], features[reference])
    out = features.copy()
    out[~known] = model.predict(inputs[~known])
    return out


def fill_hidden(
    dataset: MultiModalDataset, modalities, method: str, train_rows: np.ndarray, served: np.ndarray, steps: int = 10, k: int = 10, seed: int = 0
) -> MultiModalDataset:
    """The view with every served movie that lacks one of ``modalities`` filled by ``method`` and marked available."""
    from ..models.item_graph import corating_graph

    check_choice("fill", method, FILLS)
    trained = np.zeros(dataset.n_items, dtype=bool)
    trained[dataset.ratings["item"].to_numpy()[train_rows]] = True
    in_scope = np.zeros(dataset.n_items, dtype=bool)
    in_scope[served] = True
    edges = corating_graph(dataset, train_rows, k) if method == "propagate" else None
    complete = [m for m in modalities if dataset.modalities[m].available[served].all()]
    inputs = np.concatenate([np.nan_to_num(dataset.modalities[m].features) for m in complete], axis=1) if complete else None
    for name in modalities:
        entry = dataset.modalities[name]
        known = entry.available.copy()
        if known[served].all():
            continue
        reference = known & trained
        if method == "mean":
            filled = _mean_fill(entry.features, known, reference)
        elif method == "propagate":
            filled = _propagate(entry.features, known, reference, edges, steps)
        else:
            filled = _regress(np.nan_to_num(entry.features), known, reference, inputs, seed)
        dataset = dataset.with_features(name, filled, f"{entry.source}; {method}-filled where hidden", known | in_scope)
    return dataset
