"""MovieLens-100K made multi-modal: u.item/u.user, IMDb plots, MMTF-14K trailer features.

Modalities: audio and video are the MMTF-14K features of the movie's trailer, joined by
normalised title + year to MovieLens-20M ids; meta is u.item (title, year, genres) enriched by the
filtered IMDb metadata and plot; subtitle is the IMDb plot, because the paper's trailer subtitles
are not public.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..container import Modality, MultiModalDataset, Split
from ..imdb import filter_imdb, read_imdb, runtime_minutes
from ..ml20m_ids import match_titles, ml20m_title_index
from ..movielens import read_ml100k_genres, read_ml100k_items, read_ml100k_ratings, read_ml100k_users
from ..titles import split_title_year
from .common import text_available, trailer_modalities, warn_missing_folder


def _imdb_columns(data_dir: Path, items: pd.DataFrame, notes: dict) -> pd.DataFrame:
    cols = ["description", "director", "writer", "cast", "age_rating", "runtime_min"]
    out = pd.DataFrame(index=items.index, columns=cols, dtype=object)
    if not warn_missing_folder(data_dir, "imdb-ml100k", "IMDb plots (subtitle) and rich metadata", notes):
        return out
    kept, counts = filter_imdb(read_imdb(data_dir), items.set_index("item_id")["year"])
    notes.update(counts)
    rows = kept.reindex(items["item_id"].to_numpy())
    out["description"] = rows["description"].to_numpy()
    for col in ("director", "writer", "cast", "age_rating"):
        out[col] = rows[col].to_numpy()
    out["runtime_min"] = rows["movie_length"].map(runtime_minutes).to_numpy()
    return out


def load_ml100k(data_dir: Path, audio_ivector: str = "gmm32_tv20") -> MultiModalDataset:
    notes: dict = {"source": "MovieLens-100K + IMDb + MMTF-14K", "audio_ivector": audio_ivector}
    genre_names = read_ml100k_genres(data_dir)
    raw_items = read_ml100k_items(data_dir, genre_names)
    raw_users = read_ml100k_users(data_dir)
    raw_ratings = read_ml100k_ratings(data_dir)

    titles = raw_items["raw_title"].fillna("").map(lambda t: split_title_year(t)[0])
    items = pd.DataFrame({"raw_id": raw_items["item_id"], "title": titles, "year": raw_items["year"], "raw_title": raw_items["raw_title"]})
    items = pd.concat([items, _imdb_columns(data_dir, raw_items, notes)], axis=1)
    genres = raw_items[genre_names].to_numpy(dtype=bool)
    items["genres"] = ["|".join(g for g, on in zip(genre_names, row) if on) for row in genres]

    warn_missing_folder(data_dir, "movielens-links", "the title+year join to MMTF-14K", notes)
    items["ml20m_id"] = match_titles(raw_items["raw_title"], ml20m_title_index(data_dir)).to_numpy()
    notes["ml20m_title_matches"] = int(items["ml20m_id"].notna().sum())

    modalities = trailer_modalities(data_dir, items["ml20m_id"], audio_ivector, notes)
    modalities["meta"] = Modality(
        "meta", items["title"].str.len().gt(0).to_numpy() & items["title"].ne("unknown").to_numpy(), "u.item title/year/genres + IMDb metadata and plot"
    )
    modalities["subtitle"] = Modality("subtitle", text_available(items["description"]), "IMDb plot (trailer subtitles are not public)")
    both = modalities["audio"].available | modalities["video"].available
    notes["mmtf_items_matched"] = int(both.sum())

    users = pd.DataFrame(
        {"raw_id": raw_users["user_id"], "gender": raw_users["gender"], "age": raw_users["age"].astype(float), "occupation": raw_users["occupation"]}
    )
    ratings = pd.DataFrame(
        {
            "user": raw_ratings["user_id"].to_numpy() - 1,
            "item": raw_ratings["item_id"].to_numpy() - 1,
            "rating": raw_ratings["rating"].to_numpy(dtype=np.float32),
            "timestamp": raw_ratings["timestamp"].to_numpy(),
        }
    )
    notes["mmtf_rating_share"] = float(both[ratings["item"].to_numpy()].mean())
    split = official_split(data_dir, ratings, 1)
    return MultiModalDataset("ml100k", ratings, users, items, tuple(genre_names), genres, modalities, split, (1.0, 5.0), notes)


def official_split(data_dir: Path, ratings: pd.DataFrame, fold: int) -> Split:
    """The official u<fold>.base / u<fold>.test split (fold 1..5) as row indices into ``ratings``."""
    position = pd.Series(np.arange(len(ratings)), index=pd.MultiIndex.from_arrays([ratings["user"] + 1, ratings["item"] + 1]))

    def rows(name: str) -> np.ndarray:
        part = read_ml100k_ratings(data_dir, name)
        return position.loc[list(zip(part["user_id"], part["item_id"]))].to_numpy()

    return Split(f"u{fold}", rows(f"u{fold}.base"), rows(f"u{fold}.test"))
