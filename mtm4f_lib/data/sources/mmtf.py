"""MMTF-14K trailer features joined with MovieLens ratings.

Items are the MovieLens movies that have MMTF-14K trailer features (audio or video); ids are
MovieLens ``movieId``s, the ids MMTF-14K uses. Ratings come from ml-latest-small (0.5-5 stars)
split 80/20 at random with a fixed seed, or, when the user has put the official MovieLens-20M
files in ``<data_dir>/ml-20m/``, from ML-20M with the paper's random sample of 3,000 users.
Meta is title, year, genres and tags; subtitle is SBERT-ready text of the MovieLens user tags.
The source has no user demographics, so the gender and age tasks are unavailable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError
from ..container import Modality, MultiModalDataset, Split
from ..mmtf_features import comp90049_tags
from ..movielens import genre_matrix, known_movies, read_latest_small
from ..titles import split_title_year
from .common import index_ids, text_available, trailer_modalities

GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "IMAX",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
ML20M_COLUMNS = {"userId", "movieId", "rating"}


def _read_ml20m(folder: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in ("ratings", "movies", "tags"):
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise DataError(f"{path} is missing: the ml-20m/ folder needs ratings.csv, movies.csv and tags.csv of MovieLens-20M.")
        frames[name] = pd.read_csv(path)
    if not ML20M_COLUMNS <= set(frames["ratings"].columns):
        raise DataError(f"{folder / 'ratings.csv'} lacks the columns {sorted(ML20M_COLUMNS)}; is it MovieLens-20M?")
    return frames


def _sample_users(ratings: pd.DataFrame, n_users: int, seed: int) -> pd.DataFrame:
    users = np.sort(ratings["userId"].unique())
    chosen = np.random.default_rng(seed).choice(users, size=min(n_users, len(users)), replace=False)
    return ratings[ratings["userId"].isin(chosen)]


def _tag_text(tags: pd.DataFrame, movie_ids: pd.Series, data_dir: Path) -> pd.Series:
    by_movie = tags.assign(tag=tags["tag"].astype(str).str.strip()).groupby("movieId")["tag"].agg(list)
    extra = comp90049_tags(data_dir)
    texts = []
    for mid in movie_ids:
        words = list(dict.fromkeys(by_movie.get(mid, []) + list(extra.get(mid, []))))
        texts.append(", ".join(words))
    return pd.Series(texts, index=movie_ids.index)


def random_split(n_ratings: int, test_fraction: float, seed: int, name: str) -> Split:
    order = np.random.default_rng(seed).permutation(n_ratings)
    n_test = int(round(n_ratings * test_fraction))
    return Split(name, np.sort(order[n_test:]), np.sort(order[:n_test]))


def load_mmtf(data_dir: Path, audio_ivector: str = "gmm32_tv20", n_users: int = 3000, seed: int = 0) -> MultiModalDataset:
    notes: dict = {"audio_ivector": audio_ivector, "unavailable_tasks": ["gender", "age"]}
    ml20m = Path(data_dir) / "ml-20m"
    if ml20m.is_dir():
        frames = _read_ml20m(ml20m)
        frames["ratings"] = _sample_users(known_movies(frames["ratings"], frames["movies"], "ml-20m/ratings.csv"), n_users, seed)
        notes["source"] = f"MMTF-14K features + MovieLens-20M ratings of {n_users} random users (seed {seed})"
    else:
        frames = read_latest_small(data_dir)
        notes["source"] = "MMTF-14K features + ml-latest-small ratings (MovieLens-20M ratings not provided)"
    notes["ratings_dropped_unknown_movie"] = frames["ratings"].attrs.get("dropped_unknown_movie", 0)
    movies = frames["movies"][frames["movies"]["movieId"].isin(frames["ratings"]["movieId"])].sort_values("movieId").reset_index(drop=True)
    trailer = trailer_modalities(data_dir, movies["movieId"], audio_ivector, notes)
    has_trailer = trailer["audio"].available | trailer["video"].available
    notes["movies_rated"] = int(len(movies))
    notes["mmtf_items_matched"] = int(has_trailer.sum())
    movies = movies[has_trailer].reset_index(drop=True)
    trailer = {k: Modality(m.name, m.available[has_trailer], m.source, None if m.features is None else m.features[has_trailer]) for k, m in trailer.items()}

    title_year = movies["title"].map(split_title_year)
    items = pd.DataFrame(
        {
            "raw_id": movies["movieId"],
            "title": title_year.str[0],
            "year": pd.array([y for _, y in title_year], dtype="Int64"),
            "genres": movies["genres"].replace("(no genres listed)", ""),
        }
    )
    items["tags"] = _tag_text(frames["tags"], items["raw_id"], data_dir)
    genres = genre_matrix(items["genres"].str.split("|"), list(GENRES))

    item_index = dict(zip(items["raw_id"], items.index))
    rated = frames["ratings"][frames["ratings"]["movieId"].isin(item_index)].reset_index(drop=True)
    user_index = index_ids(rated["userId"])
    ratings = pd.DataFrame(
        {
            "user": rated["userId"].map(user_index).to_numpy(),
            "item": rated["movieId"].map(item_index).to_numpy(),
            "rating": rated["rating"].to_numpy(dtype=np.float32),
            "timestamp": rated["timestamp"].to_numpy(),
        }
    )
    users = pd.DataFrame({"raw_id": sorted(user_index, key=user_index.get)})
    notes["mmtf_rating_share"] = float(len(rated) / len(frames["ratings"]))
    modalities = {
        **trailer,
        "meta": Modality("meta", np.ones(len(items), dtype=bool), "title, year, genres and tags"),
        "subtitle": Modality("subtitle", text_available(items["tags"]), "MovieLens user tags (subtitles are not public)"),
    }
    split = random_split(len(ratings), 0.2, seed, f"random80-seed{seed}")
    return MultiModalDataset("mmtf", ratings, users, items, GENRES, genres, modalities, split, (0.5, 5.0), notes)
