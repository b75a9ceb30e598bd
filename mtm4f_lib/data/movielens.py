"""Readers for the raw MovieLens files (ML-100K and ml-latest-small)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .files import data_file


def read_ml100k_ratings(data_dir: Path, name: str = "u.data") -> pd.DataFrame:
    """user_id, item_id, rating, timestamp of an ML-100K ratings file (u.data, u1.base, ...)."""
    path = data_file(data_dir, f"ml-100k/{name}")
    return pd.read_csv(path, sep="\t", names=["user_id", "item_id", "rating", "timestamp"])


def read_ml100k_users(data_dir: Path) -> pd.DataFrame:
    path = data_file(data_dir, "ml-100k/u.user")
    return pd.read_csv(path, sep="|", names=["user_id", "age", "gender", "occupation", "zip"], dtype={"zip": str})


def read_ml100k_genres(data_dir: Path) -> list[str]:
    path = data_file(data_dir, "ml-100k/u.genre")
    table = pd.read_csv(path, sep="|", names=["genre", "index"]).dropna()
    return table.sort_values("index")["genre"].tolist()


def read_ml100k_items(data_dir: Path, genre_names: list[str]) -> pd.DataFrame:
    """item_id, title, year, release_date, imdb_url and one 0/1 column per genre (u.item is Latin-1)."""
    path = data_file(data_dir, "ml-100k/u.item")
    cols = ["item_id", "raw_title", "release_date", "video_release_date", "imdb_url", *genre_names]
    items = pd.read_csv(path, sep="|", names=cols, encoding="latin-1")
    items["year"] = pd.to_numeric(items["release_date"].str[-4:], errors="coerce").astype("Int64")
    return items


def read_latest_small(data_dir: Path) -> dict[str, pd.DataFrame]:
    """ratings, movies and tags of ml-latest-small; ratings of unknown movies are dropped (see known_movies)."""
    movies = pd.read_csv(data_file(data_dir, "ml-latest-small/movies.csv"))
    ratings = known_movies(pd.read_csv(data_file(data_dir, "ml-latest-small/ratings.csv")), movies, "ml-latest-small/ratings.csv")
    tags = pd.read_csv(data_file(data_dir, "ml-latest-small/tags.csv"))
    return {"ratings": ratings, "movies": movies, "tags": tags}


def known_movies(ratings: pd.DataFrame, movies: pd.DataFrame, name: str) -> pd.DataFrame:
    """Ratings whose movieId is listed in ``movies``; warns with the count of rows dropped.

    ``ratings.attrs["dropped_unknown_movie"]`` records that count for the dataset notes.
    """
    known = ratings["movieId"].isin(movies["movieId"])
    kept = ratings[known].reset_index(drop=True)
    kept.attrs["dropped_unknown_movie"] = int((~known).sum())
    if not known.all():
        warnings.warn(
            f"{name}: dropped {(~known).sum()} rating(s) of movies absent from movies.csv (e.g. movieId {ratings.loc[~known, 'movieId'].iloc[0]}).",
            stacklevel=2,
        )
    return kept


def genre_matrix(genre_lists: pd.Series, genre_names: list[str]) -> np.ndarray:
    """Boolean multi-hot [n, n_genres] from an iterable of genre-name lists."""
    index = {g: i for i, g in enumerate(genre_names)}
    out = np.zeros((len(genre_lists), len(genre_names)), dtype=bool)
    for row, genres in enumerate(genre_lists):
        for g in genres:
            if g in index:
                out[row, index[g]] = True
    return out
