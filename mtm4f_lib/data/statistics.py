"""Dataset statistics and modality coverage tables (notebook 01)."""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from .container import MultiModalDataset
from .modalities import MODALITIES, abbreviate, all_subsets, subset_label
from .splits import complete_modality_split
from .tasks import AGE_LABELS, age_group, available_tasks


def summary(ds: MultiModalDataset) -> pd.DataFrame:
    """One row of headline numbers: users, items, ratings, sparsity, split sizes."""
    n_train, n_test = ds.split.counts
    row = {
        "dataset": ds.name,
        "users": ds.n_users,
        "items": ds.n_items,
        "ratings": ds.n_ratings,
        "sparsity_%": 100 * (1 - ds.n_ratings / (ds.n_users * ds.n_items)),
        "mean_rating": float(ds.ratings["rating"].mean()),
        "rating_scale": f"{ds.rating_range[0]:g}-{ds.rating_range[1]:g}",
        "split": ds.split.name,
        "train": n_train,
        "test": n_test,
        "tasks": ", ".join(available_tasks(ds)),
    }
    return pd.DataFrame([row])


def rating_histogram(ds: MultiModalDataset) -> pd.DataFrame:
    counts = ds.ratings["rating"].value_counts().sort_index()
    return pd.DataFrame({"rating": counts.index.astype(float), "count": counts.to_numpy(), "share_%": 100 * counts.to_numpy() / ds.n_ratings})


def genre_counts(ds: MultiModalDataset) -> pd.DataFrame:
    items = ds.genres.sum(axis=0)
    ratings = ds.genres[ds.ratings["item"].to_numpy()].sum(axis=0)
    table = pd.DataFrame({"genre": ds.genre_names, "items": items, "ratings": ratings})
    return table.sort_values("items", ascending=False).reset_index(drop=True)


def demographics(ds: MultiModalDataset) -> pd.DataFrame:
    """Users per gender and age group; empty with a note where the source has no demographics."""
    if not ds.has_demographics:
        return pd.DataFrame({"attribute": ["gender", "age group"], "value": ["unavailable", "unavailable"], "users": [0, 0]})
    gender = ds.users["gender"].value_counts().sort_index()
    ages = pd.Series(age_group(ds.users["age"])).value_counts().reindex(range(len(AGE_LABELS)), fill_value=0)
    rows = [("gender", g, int(n)) for g, n in gender.items()] + [("age group", AGE_LABELS[i], int(n)) for i, n in ages.items()]
    return pd.DataFrame(rows, columns=["attribute", "value", "users"])


def modality_coverage(ds: MultiModalDataset) -> pd.DataFrame:
    """Per modality: items that have it, and the train/test ratings whose movie has it."""
    items = ds.ratings["item"].to_numpy()
    rows = []
    for name in MODALITIES:
        mod = ds.modalities[name]
        on_rating = mod.available[items]
        rows.append(
            {
                "modality": name,
                "dim": mod.dim if mod.dim is not None else "raw text",
                "source": mod.source,
                "items": mod.n_available,
                "items_%": 100 * mod.n_available / ds.n_items,
                "train_ratings": int(on_rating[ds.split.train].sum()),
                "test_ratings": int(on_rating[ds.split.test].sum()),
                "ratings_%": 100 * on_rating.mean(),
            }
        )
    return pd.DataFrame(rows)


def combination_coverage(ds: MultiModalDataset) -> pd.DataFrame:
    """Items and ratings for each of the 16 exact availability patterns (which modalities present)."""
    avail = ds.availability().to_numpy()
    per_rating = avail[ds.ratings["item"].to_numpy()]
    rows = []
    for pattern in product([True, False], repeat=len(MODALITIES)):
        pattern = np.array(pattern)
        item_hit = (avail == pattern).all(axis=1)
        rating_hit = (per_rating == pattern).all(axis=1)
        label = abbreviate([m for m, on in zip(MODALITIES, pattern) if on]) if pattern.any() else "none"
        rows.append({"present": label, **{m: bool(on) for m, on in zip(MODALITIES, pattern)}, "items": int(item_hit.sum()), "ratings": int(rating_hit.sum())})
    return pd.DataFrame(rows).query("items > 0").sort_values("items", ascending=False).reset_index(drop=True)


def complete_modality_counts(ds: MultiModalDataset) -> pd.DataFrame:
    """Train/test ratings kept by the complete-modality filter for each of the 15 subsets."""
    rows = []
    for subset in all_subsets():
        kept = complete_modality_split(ds, subset, verbose=False)
        rows.append(
            {
                "modalities": subset_label(subset),
                "abbrev": abbreviate(subset),
                "train": len(kept.train),
                "test": len(kept.test),
                "items": int(ds.items_with(subset).sum()),
            }
        )
    return pd.DataFrame(rows)


def showcase_item(ds: MultiModalDataset, title: str | None = None) -> int:
    """Index of the movie titled ``title``, else the most-rated movie that has every modality."""
    if title:
        hits = np.flatnonzero(ds.items["title"].str.lower().to_numpy() == title.lower())
        if len(hits):
            return int(hits[0])
    counts = np.bincount(ds.ratings["item"].to_numpy(), minlength=ds.n_items)
    counts = np.where(ds.items_with(MODALITIES), counts, -1)
    return int(np.argmax(counts))
