"""What an item embedding knows: 2-D projection, nearest neighbours, a linear genre probe.

Also the small tables notebook 02 shows: a summary of the encoded modalities (dimension beside the
paper's, items, seconds, cache hit or build), one movie's knowledge-graph triples, the example
movies looked up by title, and the shapes of the 5.1.5 user vectors.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset
from ..data.features import standardise
from ..data.modalities import MODALITIES, parse_modalities
from ..data.titles import canonical_title, split_title_year
from ..errors import MTM4FError

# The paper's embedding widths (5.1.1-5.1.4), shown beside ours and labelled as the paper's.
PAPER_DIMS = {"audio": 512, "meta": 1220, "subtitle": 768, "video": 231}
# Well-known movies that both ml100k and mmtf have with all four modalities.
DEFAULT_TITLES = ("Godfather", "Aladdin", "Back to the Future")


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
    feats = standardise(feats, feats[mod.available], floor=1e-8)
    unit = feats / (np.linalg.norm(feats, axis=1, keepdims=True) + 1e-8)
    sims = unit @ unit[item]
    sims[~mod.available] = -np.inf
    sims[item] = -np.inf
    top = np.argsort(-sims)[:k]
    return pd.DataFrame({"title": ds.items["title"].to_numpy()[top], "genres": ds.items["genres"].to_numpy()[top], "cosine": sims[top]})


def genre_probe(ds: MultiModalDataset, modality: str, seed: int = 0, test_fraction: float = 0.3) -> dict:
    """Micro-F1 of a one-vs-rest logistic regression predicting genres from one modality.

    Items with the modality are split at random into probe-train/probe-test; genres seen in fewer
    than two probe-train items (or missing from fewer than two) are left out. Two baselines that
    read no features are reported beside it: the per-genre majority (a genre is predicted when
    more than half the probe-train items have it, so usually nothing is predicted and its F1 is 0),
    and ``top_genre`` (every item gets the single most frequent probe-train genre).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    mod = ds.modalities[modality]
    items = np.flatnonzero(mod.available)
    order = np.random.default_rng(seed).permutation(items)
    n_test = int(len(order) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    y = ds.genres.astype(int)
    keep = (y[train].sum(0) >= 2) & (y[train].sum(0) <= len(train) - 2)
    clf = make_pipeline(StandardScaler(), OneVsRestClassifier(LogisticRegression(max_iter=300, C=0.5)))
    with threadpool_limits(limits=1):  # small matrix-vector products: extra BLAS threads only contend (60x slower on 2 busy cores)
        clf.fit(mod.features[train], y[train][:, keep])
        pred = clf.predict(mod.features[test])
    majority = np.tile(y[train][:, keep].mean(0) > 0.5, (len(test), 1))
    top_genre = np.zeros_like(majority)
    top_genre[:, np.argmax(y[train][:, keep].sum(0))] = True
    return {
        "modality": modality,
        "dim": mod.dim,
        "items": len(items),
        "genre_micro_f1": float(f1_score(y[test][:, keep], pred, average="micro", zero_division=0)),
        "majority_micro_f1": float(f1_score(y[test][:, keep], majority, average="micro", zero_division=0)),
        "top_genre_micro_f1": float(f1_score(y[test][:, keep], top_genre, average="micro", zero_division=0)),
    }


def without_meta_slot(ds: MultiModalDataset, slot: str = "genre") -> MultiModalDataset:
    """The encoded dataset with one slot's block cut out of the meta vector (``meta_kg`` lays the
    vector out as equal blocks, one per slot of ``kg_triples.graph_slots``). The meta vector holds
    the genre triples, so a genre probe on it reads the answer; without the genre slot it does not."""
    from .kg_triples import graph_columns, graph_slots

    slots = graph_slots(ds.items[graph_columns(ds.items)])
    meta = ds.modalities["meta"]
    if meta.features is None or slot not in slots or meta.dim % len(slots):
        raise MTM4FError(f"Cannot cut slot {slot!r} out of the meta vector of {ds.name}: slots are {slots}, dimension {meta.dim}.")
    width = meta.dim // len(slots)
    k = slots.index(slot)
    keep = np.r_[0 : k * width, (k + 1) * width : meta.dim]
    return ds.with_features("meta", meta.features[:, keep], f"{meta.source} without the {slot} slot")


def probe_table(ds: MultiModalDataset, seed: int = 0, modalities=MODALITIES) -> pd.DataFrame:
    """:func:`genre_probe` for each modality, plus a row ``meta w/o genre`` probing the meta vector
    without its genre slot (when it has one)."""
    rows = [genre_probe(ds, m, seed) for m in parse_modalities(modalities)]
    if "meta" in parse_modalities(modalities):
        try:
            rows.append({**genre_probe(without_meta_slot(ds, "genre"), "meta", seed), "modality": "meta w/o genre"})
        except MTM4FError:
            pass
    return pd.DataFrame(rows)


def find_item(ds: MultiModalDataset, title: str) -> int:
    """Index of the movie called ``title``: an exact canonical match, else a canonical prefix match
    ("Star Wars" finds "Star Wars: Episode IV - A New Hope"); a ``(year)`` in ``title`` must match
    too. Among several matches the most-rated movie wins. No match stops with the closest titles."""
    year = split_title_year(str(title))[1]
    query = canonical_title(title)
    names = ds.items["title"].map(canonical_title).to_numpy()
    ok = np.ones(ds.n_items, dtype=bool) if year is None else (ds.items["year"].to_numpy() == year)
    counts = np.bincount(ds.ratings["item"].to_numpy(), minlength=ds.n_items)
    for hits in (ok & (names == query), ok & np.char.startswith(names.astype(str), query)):
        if query and hits.any():
            return int(np.flatnonzero(hits)[np.argmax(counts[hits])])
    close = [t for t, n in zip(ds.items["title"], names) if query[:4] and query[:4] in n][:5]
    raise MTM4FError(
        f"No movie titled {title!r} in {ds.name}"
        + (f"; similar titles: {close}." if close else ".")
        + " Pass other titles (notebook parameter `example_titles`)."
    )


def example_items(ds: MultiModalDataset, titles=None, n: int = 3) -> list[int]:
    """Items for the showcase tables: ``titles`` looked up with :func:`find_item` (each must exist);
    with None, those of DEFAULT_TITLES the dataset has, else its ``n`` most-rated movies with every modality."""
    if titles is not None:
        return [find_item(ds, t) for t in ([titles] if isinstance(titles, str) else titles)]
    found = []
    for title in DEFAULT_TITLES:
        try:
            found.append(find_item(ds, title))
        except MTM4FError:
            pass
    if found:
        return found
    counts = np.where(ds.items_with(MODALITIES), np.bincount(ds.ratings["item"].to_numpy(), minlength=ds.n_items), -1)
    return [int(i) for i in np.argsort(-counts, kind="stable")[:n]]


def neighbour_table(ds: MultiModalDataset, items, modalities=MODALITIES, k: int = 5) -> pd.DataFrame:
    """Long table of the ``k`` nearest neighbours (cosine) of each item in each modality.

    Columns: movie, modality, rank, neighbour, genres, cosine. A movie without a modality gets
    one row whose neighbour says so (rank and cosine empty), instead of silently vanishing.
    """
    rows = []
    for item in items:
        for modality in parse_modalities(modalities):
            movie = ds.items["title"].iat[item]
            found = nearest_neighbours(ds, modality, item, k)
            if found.empty:
                rows.append(
                    {"movie": movie, "modality": modality, "rank": np.nan, "neighbour": f"(no {modality} for this movie)", "genres": "", "cosine": np.nan}
                )
            for rank, hit in enumerate(found.itertuples(index=False), start=1):
                rows.append({"movie": movie, "modality": modality, "rank": rank, "neighbour": hit.title, "genres": hit.genres, "cosine": float(hit.cosine)})
    return pd.DataFrame(rows, columns=["movie", "modality", "rank", "neighbour", "genres", "cosine"])


def cache_files(root=None) -> set[str]:
    """Names of the embedding matrices now in the cache folder (see ``cache.cache_root``)."""
    from .cache import cache_root

    folder = cache_root(root)
    return {p.name for p in folder.glob("*.npy")} if folder.is_dir() else set()


def built_modalities(before: set[str], root=None) -> set[str]:
    """Modalities whose matrix was written to the cache since ``before = cache_files()``: built, not loaded."""
    from .cache import cache_root

    folder = cache_root(root)
    return {
        json.loads((folder / name).with_suffix(".json").read_text())["modality"]
        for name in cache_files(root) - set(before)
        if (folder / name).with_suffix(".json").is_file()
    }


def embedding_summary(ds: MultiModalDataset, seconds: dict[str, float], built=None) -> pd.DataFrame:
    """One row per modality of an encoded dataset: our dimension beside the paper's, items with
    the modality, the seconds ``embed_dataset`` took and whether the matrix was built (False: a cache hit)."""
    rows = []
    for name in MODALITIES:
        mod = ds.modalities[name]
        if mod.features is None:
            raise MTM4FError(f"Modality {name!r} is not encoded yet: pass the dataset returned by embed_dataset.")
        rows.append(
            {
                "modality": name,
                "dim": mod.dim,
                "paper_dim": PAPER_DIMS[name],
                "items": mod.n_available,
                "items_%": 100 * mod.n_available / ds.n_items,
                "seconds": float(seconds.get(name, np.nan)),
                "built": None if built is None else name in built,
                "encoder": mod.source,
            }
        )
    return pd.DataFrame(rows)


def movie_triples(ds: MultiModalDataset, item: int, max_per_slot: int | None = 3) -> pd.DataFrame:
    """The knowledge-graph triples the meta encoder reads for one movie (``kg_triples.movie_graph``).

    Columns: slot, head, relation, tail (words joined by spaces). The head of a tabular triple is
    the movie's own entity token, shown here as ``movie:<title>``; plot triples are spaCy's
    (subject, verb, object). At most ``max_per_slot`` triples per slot are listed (None: all).
    """
    from .kg_triples import graph_columns, movie_graph, movie_token

    items = ds.items[graph_columns(ds.items)].iloc[[item]].reset_index(drop=True)
    token, shown = movie_token(0), f"movie:{ds.items['title'].iat[item]}"
    rows = []
    for slot, triples in movie_graph(items, progress=False)[0].items():
        for t in triples[:max_per_slot]:
            rows.append({"slot": slot, "head": " ".join(t.head).replace(token, shown), "relation": " ".join(t.relation), "tail": " ".join(t.tail)})
    return pd.DataFrame(rows, columns=["slot", "head", "relation", "tail"])


def user_vector_summary(ds: MultiModalDataset, threshold: float = 3.0) -> pd.DataFrame:
    """Shapes of the 5.1.5 user vectors built on each encoded modality, from the training rows only.

    Columns: modality, users, meta_dims (one-hot demographics), item_dims (liked-item mean),
    dim (the whole vector, with the final no-history flag), users_without_liked_item,
    mean_liked_items (per user, items rated above ``threshold`` in training that have the modality).
    """
    from .user_vectors import liked_item_means, user_metadata, user_vectors

    meta_dims = user_metadata(ds).shape[1]
    rows = []
    for name in MODALITIES:
        features = ds.modalities[name].features
        vectors = user_vectors(ds, features, threshold)
        _, counts = liked_item_means(ds, features[:, :1], threshold)  # one column has the same NaN rows: same counts, cheaper
        rows.append(
            {
                "modality": name,
                "users": vectors.shape[0],
                "meta_dims": meta_dims,
                "item_dims": features.shape[1],
                "dim": vectors.shape[1],
                "users_without_liked_item": int((counts == 0).sum()),
                "mean_liked_items": float(counts.mean()),
            }
        )
    return pd.DataFrame(rows)


def embedding_metrics(ds: MultiModalDataset, seconds: dict[str, float], built, clip_status: str, probe: pd.DataFrame, users: pd.DataFrame, examples) -> dict:
    """The numbers notebook 02 records: dimension, items and build seconds per modality, the probe's
    F1 beside its two baselines, the user-vector widths, the example movies and the CLIP status."""
    f1 = probe.assign(key=probe["modality"].str.replace(" w/o ", "_without_")).set_index("key")
    scores = {
        f"{name}_f1_{k}": f1.loc[k, f"{col}_micro_f1"]
        for k in f1.index
        for name, col in (("probe", "genre"), ("majority", "majority"), ("top_genre", "top_genre"))
    }
    return {
        **{f"dim_{m}": ds.modalities[m].dim for m in MODALITIES},
        **{f"items_{m}": ds.modalities[m].n_available for m in MODALITIES},
        **{f"seconds_{m}": round(s, 3) for m, s in seconds.items()},
        "built": sorted(built),
        "clip": clip_status,
        **scores,
        "user_vector_dims": dict(zip(users["modality"], users["dim"])),
        "examples": list(ds.items["title"][examples]),
    }
