"""Map titles with years to MovieLens-20M movie ids (the ids MMTF-14K features are keyed by)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .files import data_file, folder_present
from .titles import title_key

LINKS = "movielens-links"


def ml20m_title_index(data_dir: Path) -> dict[tuple[str, int | None], int]:
    """(normalised title, year) -> ML-20M movieId from movies.csv and the trailer list."""
    index: dict[tuple[str, int | None], int] = {}
    if not folder_present(data_dir, LINKS):
        return index
    for name in ("movies.csv", "ml-youtube.csv"):
        table = pd.read_csv(data_file(data_dir, f"{LINKS}/{name}"))
        for movie_id, title in zip(table["movieId"], table["title"]):
            index.setdefault(title_key(str(title)), int(movie_id))
    return index


def match_titles(titles: pd.Series, index: dict) -> pd.Series:
    """ML-20M id for each 'Title (Year)' string, <NA> where no exact normalised match exists."""
    ids = [index.get(title_key(t)) if isinstance(t, str) else None for t in titles]
    return pd.Series(ids, index=titles.index, dtype="Int64")
