"""The item graph the GAT attends over, built from training data only.

Two constructions, each linking every item to its ``k`` most similar items (edges point from the
neighbour to the item, the direction torch_geometric aggregates along):

* ``corating_graph`` (the default): cosine similarity of the items' sets of raters in the training
  rows, ``|U_i & U_j| / sqrt(|U_i| |U_j|)``; only pairs that a training user rated both of can be
  linked, so no test rating can create an edge. This is the collaborative relation between movies
  that section 5.3.1 lets the GAT weigh.
* ``knn_graph``: cosine similarity of the standardised modality features, averaged over the
  modalities both items have; it reads no ratings at all.

Self-loops are left out here; the GAT layers add them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from scipy import sparse

from ..data import MultiModalDataset
from ..errors import MTM4FError
from .inputs import ItemInputs

CHUNK = 1024


def _top_k_edges(chunks: Iterator[tuple[int, np.ndarray]], n_items: int, k: int) -> torch.Tensor:
    """edge_index [2, E] from similarity rows; -inf marks a pair that must not be linked."""
    if k < 1:
        raise MTM4FError(f"An item graph needs k >= 1 neighbours, got {k}.")
    k = min(k, n_items - 1)
    sources, targets = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start, sim in chunks:
        rows = np.arange(start, start + len(sim))
        sim[np.arange(len(sim)), rows] = -np.inf
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k] if k else np.zeros((len(sim), 0), dtype=np.int64)
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(sim, top, 1), axis=1, kind="stable"), 1)
        keep = np.isfinite(np.take_along_axis(sim, top, 1))
        sources.append(top[keep])
        targets.append(np.broadcast_to(rows[:, None], top.shape)[keep])
    return torch.as_tensor(np.stack([np.concatenate(sources), np.concatenate(targets)]), dtype=torch.long)


def corating_graph(dataset: MultiModalDataset, train_rows: np.ndarray, k: int = 10) -> torch.Tensor:
    """Top-``k`` co-rating neighbours of every item, counting only the ratings in ``train_rows``."""
    frame = dataset.ratings.iloc[np.asarray(train_rows)]
    rated = sparse.csr_matrix(
        (np.ones(len(frame), dtype=np.float32), (frame["user"].to_numpy(), frame["item"].to_numpy())), shape=(dataset.n_users, dataset.n_items)
    )
    rated.data[:] = 1.0  # a user who rated an item twice still counts once
    by_item = rated.T.tocsr()
    degree = np.asarray(by_item.sum(axis=1)).ravel()
    norm = np.sqrt(np.maximum(degree, 1.0))

    def chunks():
        for start in range(0, dataset.n_items, CHUNK):
            common = (by_item[start : start + CHUNK] @ rated).toarray()
            sim = common / norm[start : start + CHUNK, None] / norm[None, :]
            sim[common == 0] = -np.inf
            yield start, sim

    return _top_k_edges(chunks(), dataset.n_items, k)


def knn_graph(inputs: ItemInputs, k: int = 10) -> torch.Tensor:
    """Top-``k`` feature-space neighbours of every item (cosine, averaged over shared modalities)."""
    unit = {}
    for m, x in inputs.features.items():
        x = x.numpy()
        unit[m] = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    masks = {m: mask.numpy() for m, mask in inputs.masks.items()}

    def chunks():
        for start in range(0, inputs.n_items, CHUNK):
            stop = min(start + CHUNK, inputs.n_items)
            total = np.zeros((stop - start, inputs.n_items))
            count = np.zeros_like(total)
            for m in unit:
                both = masks[m][start:stop, None] & masks[m][None, :]
                total += np.where(both, unit[m][start:stop] @ unit[m].T, 0.0)
                count += both
            yield start, np.where(count > 0, total / np.maximum(count, 1), -np.inf)

    return _top_k_edges(chunks(), inputs.n_items, k)


def item_graph(kind: str, dataset: MultiModalDataset, train_rows: np.ndarray, inputs: ItemInputs, k: int) -> torch.Tensor:
    """Dispatch on ``kind`` ('corating' or 'knn')."""
    if kind == "corating":
        return corating_graph(dataset, train_rows, k)
    if kind == "knn":
        return knn_graph(inputs, k)
    raise MTM4FError(f"Unknown item graph {kind!r}; use 'corating' or 'knn'.")
