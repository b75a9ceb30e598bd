"""IMDb plots and metadata for ML-100K movies, with wrong matches filtered out.

A scraped row is dropped when its plot is IMDb's placeholder ("... don't have any Plot Summaries")
or when its year disagrees with u.item's by more than ``max_year_gap`` years (one year is allowed:
festival and release years often differ by one). A row whose u.item entry has no year (the
"unknown" movie) cannot be checked and is dropped; rows without an IMDb year are kept.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from .files import data_file

FILE = "imdb-ml100k/movielens100k_details.csv"
PLACEHOLDERS = ("don't have any plot summaries", "add a plot")
LIST_COLUMNS = ("director", "writer", "cast")


def _as_list(value) -> list[str]:
    if not isinstance(value, str) or not value.startswith("["):
        return []
    return [str(v) for v in ast.literal_eval(value)]


def read_imdb(data_dir: Path) -> pd.DataFrame:
    table = pd.read_csv(data_file(data_dir, FILE))
    for col in LIST_COLUMNS:
        table[col] = table[col].map(_as_list)
    table["imdb_year"] = pd.to_numeric(table["year"], errors="coerce")
    return table


def filter_imdb(imdb: pd.DataFrame, item_years: pd.Series, max_year_gap: int = 1) -> tuple[pd.DataFrame, dict]:
    """Keep trustworthy rows; return them (indexed by ML-100K item id) and the counts dropped."""
    years = imdb["movie_id"].map(item_years).astype(float)
    placeholder = imdb["description"].fillna("").str.lower().str.contains("|".join(PLACEHOLDERS), regex=True)
    year_off = (imdb["imdb_year"] - years).abs() > max_year_gap
    unverifiable = years.isna()
    keep = ~placeholder & ~year_off & ~unverifiable
    counts = {
        "imdb_rows": int(len(imdb)),
        "imdb_placeholder_plots": int(placeholder.sum()),
        "imdb_year_mismatch": int((year_off & ~placeholder).sum()),
        "imdb_unverifiable": int((unverifiable & ~placeholder).sum()),
        "imdb_kept": int(keep.sum()),
    }
    kept = imdb[keep].set_index("movie_id")
    return kept, counts


def runtime_minutes(text) -> float:
    """'1h 46min' -> 106.0; NaN when absent."""
    if not isinstance(text, str):
        return float("nan")
    hours = minutes = 0
    for part in text.split():
        if part.endswith("h"):
            hours = int(part[:-1])
        elif part.endswith("min"):
            minutes = int(part[:-3])
    return float(hours * 60 + minutes) or float("nan")
