"""What an item embedding knows: 2-D projection, nearest neighbours, a linear genre probe."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset


def project_2d(features: np.ndarray, available: np.ndarray, seed: int = 0) -> np.ndarray:
    """PCA to 2-D of the standardised available rows; NaN rows stay NaN."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    out = np.full((len(features), 2), np.nan, dtype=np.float32)
    rows = features[available]
    out[available] = PCA(n_components=2, random_state=seed).fit_transform(StandardScaler().fit_transform(rows))
    return out


def nearest_neighbours(ds: MultiModalDataset, modality: str, item: int, k: int = 5) -> pd.DataFrame:
    """The ``k`` items closest to ``item`` by cosine similarity in one modality's space."""
    mod = ds.modalities[modality]
    if not mod.available[item]:
        return pd.DataFrame(columns=["title", "genres", "cosine"])
    feats = np.nan_to_num(mod.features)
    feats = (feats - feats[mod.available].mean(0)) / (feats[mod.available].std(0) + 1e-8)
    unit = feats / (np.linalg.norm(feats, axis=1, keepdims=True) + 1e-8)
    sims = unit @ unit[item]
    sims[~mod.available] = -np.inf
    sims[item] = -np.inf
    top = np.argsort(-sims)[:k]
    return pd.DataFrame({"title": ds.items["title"].to_numpy()[top], "genres": ds.items["genres"].to_numpy()[top], "cosine": sims[top]})


def genre_probe(ds: MultiModalDataset, modality: str, seed: int = 0, test_fraction: float = 0.3) -> dict:
    """Micro-F1 of a one-vs-rest logistic regression predicting genres from one modality.

    Items with the modality are split at random into probe-train/probe-test; genres seen in fewer
    than two probe-train items are left out. The majority baseline (predict each genre's training
    prevalence above 0.5) is reported beside it.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    mod = ds.modalities[modality]
    items = np.flatnonzero(mod.available)
    order = np.random.default_rng(seed).permutation(items)
    n_test = int(len(order) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    y = ds.genres.astype(int)
    keep = (y[train].sum(0) >= 2) & (y[train].sum(0) <= len(train) - 2)
    clf = make_pipeline(StandardScaler(), OneVsRestClassifier(LogisticRegression(max_iter=300, C=0.5)))
    clf.fit(mod.features[train], y[train][:, keep])
    pred = clf.predict(mod.features[test])
    majority = np.tile(y[train][:, keep].mean(0) > 0.5, (len(test), 1))
    return {
        "modality": modality,
        "dim": mod.dim,
        "items": len(items),
        "genre_micro_f1": float(f1_score(y[test][:, keep], pred, average="micro", zero_division=0)),
        "majority_micro_f1": float(f1_score(y[test][:, keep], majority, average="micro", zero_division=0)),
    }
