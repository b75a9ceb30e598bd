"""User embedding (paper 5.1.5): U = [U_meta | mean of the embeddings of the movies the user liked].

* U_meta: one-hot gender, one-hot age group (``data.tasks.AGE_LABELS``) and one-hot occupation,
  each where the dataset's users have it. mmtf has no demographics, so its U_meta is empty and a
  user vector is the mean part alone.
* Liked movies: those the user rated strictly above ``threshold`` (default 3, the paper's value) in
  the given rating rows, the training rows by default, so no test rating leaks into a user vector.
* Items whose embedding row is NaN (modality missing) are skipped in the mean.
* A user with no liked movie that has the modality gets a zero mean and a 1 in the final
  ``no_history`` column (0 for everyone else), so "no evidence" is explicit instead of being
  mistaken for an average taste.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset
from ..data.tasks import AGE_LABELS, age_group
from ..errors import MTM4FError


def _one_hot(values: pd.Series, categories, prefix: str) -> pd.DataFrame:
    return pd.get_dummies(values.astype(pd.CategoricalDtype(list(categories))), prefix=prefix, dtype=np.float32)


def user_metadata(dataset: MultiModalDataset) -> pd.DataFrame:
    """float32 one-hot columns (gender_*, age_*, occupation_*) of the demographics the users have."""
    users = dataset.users
    parts = []
    if "gender" in users and users["gender"].notna().any():
        parts.append(_one_hot(users["gender"], ("M", "F"), "gender"))
    if "age" in users and users["age"].notna().any():
        labels = np.asarray(AGE_LABELS, dtype=object)[age_group(users["age"].fillna(0))]
        groups = pd.Series(labels, index=users.index).where(users["age"].notna())
        parts.append(_one_hot(groups, AGE_LABELS, "age"))
    if "occupation" in users and users["occupation"].notna().any():
        parts.append(_one_hot(users["occupation"], sorted(users["occupation"].dropna().unique()), "occupation"))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=users.index, dtype=np.float32)


def liked_item_means(dataset: MultiModalDataset, item_embeddings: np.ndarray, threshold: float = 3.0, rows=None) -> tuple[np.ndarray, np.ndarray]:
    """Per user: the mean embedding of the items rated above ``threshold`` in ``rows`` (training rows
    by default) whose embedding is not NaN, and the count m of those items (the mean is 0 where m = 0)."""
    emb = np.asarray(item_embeddings, dtype=np.float32)
    if emb.ndim != 2 or len(emb) != dataset.n_items or emb.shape[1] == 0:
        raise MTM4FError(f"item_embeddings must be a [n_items={dataset.n_items}, d] matrix; got shape {emb.shape}.")
    missing = np.isnan(emb)
    if (missing.any(axis=1) != missing.all(axis=1)).any():
        raise MTM4FError("item_embeddings has rows that are only partly NaN; pass one modality's matrix, whose rows are all NaN where the modality is missing.")
    low, high = dataset.rating_range
    if not low <= threshold < high:
        raise MTM4FError(f"threshold {threshold} must lie in [{low}, {high}) so that some ratings can be above it.")
    frame = dataset.ratings.iloc[dataset.split.train if rows is None else rows]
    items = frame["item"].to_numpy()
    keep = (frame["rating"].to_numpy() > threshold) & ~missing[items, 0]
    users, items = frame["user"].to_numpy()[keep], items[keep]
    counts = np.bincount(users, minlength=dataset.n_users)
    sums = np.zeros((dataset.n_users, emb.shape[1]), dtype=np.float64)
    np.add.at(sums, users, emb[items])
    means = np.divide(sums, counts[:, None], out=np.zeros_like(sums), where=counts[:, None] > 0)
    return means.astype(np.float32), counts


def user_vectors(dataset: MultiModalDataset, item_embeddings: np.ndarray, threshold: float = 3.0, rows=None) -> np.ndarray:
    """float32 [n_users, n_meta + d + 1]: [user metadata one-hots | liked-item mean | no_history flag]."""
    means, counts = liked_item_means(dataset, item_embeddings, threshold, rows)
    meta = user_metadata(dataset).to_numpy(dtype=np.float32)
    return np.hstack([meta, means, (counts == 0).astype(np.float32)[:, None]])
