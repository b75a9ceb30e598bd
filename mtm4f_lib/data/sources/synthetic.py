"""A tiny generated dataset with planted signal, in the same container, for tests.

Each item has a latent vector z; every modality is a fixed random linear map of z plus noise, genres
are thresholds of z, and a rating is 3 + <u, z> + user and item biases + noise, rounded into 1..5.
A model that reads the modalities can therefore beat the global mean by a clear margin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..container import Modality, MultiModalDataset, masked_features
from .mmtf import random_split

DIMS = {"audio": 8, "meta": 12, "subtitle": 16, "video": 10}
COVERAGE = {"audio": 0.85, "meta": 1.0, "subtitle": 0.9, "video": 0.8}
GENRES = ("Action", "Comedy", "Drama", "Horror", "Romance")
WORDS = {
    "Action": "a chase and a fight",
    "Comedy": "a funny mix-up",
    "Drama": "a family in crisis",
    "Horror": "a haunted house",
    "Romance": "two people fall in love",
}


def load_synthetic(n_users: int = 120, n_items: int = 80, ratings_per_user: int = 30, latent: int = 4, seed: int = 0) -> MultiModalDataset:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_items, latent))
    u = rng.normal(size=(n_users, latent))
    genres = z @ rng.normal(size=(latent, len(GENRES))) > 0.5

    modalities = {}
    for name, dim in DIMS.items():
        matrix = z @ rng.normal(size=(latent, dim)) + 0.1 * rng.normal(size=(n_items, dim))
        available = rng.random(n_items) < COVERAGE[name]
        modalities[name] = Modality(name, available, "generated", masked_features(matrix, available))

    users_idx = np.repeat(np.arange(n_users), ratings_per_user)
    items_idx = np.concatenate([rng.choice(n_items, ratings_per_user, replace=False) for _ in range(n_users)])
    raw = (
        3.0
        + 0.6 * np.sum(u[users_idx] * z[items_idx], axis=1)
        + 0.3 * rng.normal(size=n_users)[users_idx]
        + 0.3 * z[items_idx, 0]
        + 0.3 * rng.normal(size=len(users_idx))
    )
    ratings = pd.DataFrame(
        {"user": users_idx, "item": items_idx, "rating": np.clip(np.rint(raw), 1, 5).astype(np.float32), "timestamp": np.arange(len(users_idx))}
    )

    descriptions = [" ".join(f"It has {WORDS[g]}." for g, on in zip(GENRES, row) if on) for row in genres]
    items = pd.DataFrame(
        {
            "raw_id": np.arange(1, n_items + 1),
            "title": [f"Movie {i}" for i in range(1, n_items + 1)],
            "year": pd.array(rng.integers(1950, 2020, n_items), dtype="Int64"),
            "genres": ["|".join(g for g, on in zip(GENRES, row) if on) for row in genres],
            "description": [d if ok else None for d, ok in zip(descriptions, modalities["subtitle"].available)],
        }
    )
    users = pd.DataFrame({"raw_id": np.arange(1, n_users + 1), "gender": np.where(u[:, 0] > 0, "M", "F"), "age": rng.integers(15, 70, n_users).astype(float)})
    split = random_split(len(ratings), 0.2, seed, f"random80-seed{seed}")
    notes = {"source": f"generated (seed {seed})"}
    return MultiModalDataset("synthetic", ratings, users, items, GENRES, genres, modalities, split, (1.0, 5.0), notes)
