"""Loaders on the real public data (skipped when MTM4F_DATA is absent)."""

import numpy as np
import pytest

from mtm4f_lib.data import complete_modality_split, load_dataset
from mtm4f_lib.data.tasks import available_tasks


def test_ml100k_counts(ml100k):
    assert (ml100k.n_ratings, ml100k.n_users, ml100k.n_items) == (100_000, 943, 1_682)
    assert ml100k.split.counts == (80_000, 20_000)
    assert len(np.intersect1d(ml100k.split.train, ml100k.split.test)) == 0
    assert len(ml100k.genre_names) == 19 and ml100k.genres.shape == (1682, 19)
    assert set(ml100k.users["gender"]) == {"M", "F"}


def test_ml100k_latin1_titles_and_years(ml100k):
    titles = set(ml100k.items["title"])
    assert "Toy Story" in titles
    assert any("é" in t for t in titles)  # u.item is Latin-1
    assert ml100k.items["year"].notna().sum() == 1681


def test_ml100k_modalities(ml100k):
    notes = ml100k.notes
    assert notes["mmtf_items_matched"] == 738
    assert 0.55 < notes["mmtf_rating_share"] < 0.65
    assert notes["imdb_rows"] == 1591 and notes["imdb_kept"] < notes["imdb_rows"] - 90
    audio, video = ml100k.modalities["audio"], ml100k.modalities["video"]
    assert audio.dim == 20 and video.dim == 107
    assert np.isnan(audio.features[~audio.available]).all() and not np.isnan(audio.features[audio.available]).any()
    assert ml100k.modalities["subtitle"].n_available == notes["imdb_kept"]


def test_ml100k_imdb_filter_drops_wrong_matches(ml100k):
    kept = ml100k.items.dropna(subset=["description"])
    assert not kept["description"].str.contains("Plot Summaries").any()


def test_mmtf_counts(mmtf):
    assert mmtf.n_users == 610
    assert mmtf.n_ratings == 57_089 and mmtf.n_items == 3_777
    assert mmtf.rating_range == (0.5, 5.0)
    assert available_tasks(mmtf) == ("rating", "genre")
    assert mmtf.notes["ratings_dropped_unknown_movie"] == 1
    assert sum(mmtf.split.counts) == mmtf.n_ratings


def test_latest_small_raw_counts(data_dir):
    from mtm4f_lib.data.movielens import read_latest_small

    with pytest.warns(UserWarning, match="dropped 1 rating.*999999"):
        frames = read_latest_small(data_dir)
    assert len(frames["ratings"]) == 100_836 and frames["ratings"]["userId"].nunique() == 610
    assert frames["ratings"]["movieId"].isin(frames["movies"]["movieId"]).all()


def test_complete_modality_filter_real(ml100k, capsys):
    kept = complete_modality_split(ml100k, "AMSV")
    assert "kept" in capsys.readouterr().out
    has_all = ml100k.items_with("AMSV")
    assert has_all[ml100k.ratings["item"].to_numpy()[kept.train]].all()
    assert 40_000 < len(kept.train) < 80_000 and 10_000 < len(kept.test) < 20_000


def test_mmtf_official_ml20m_sample(tmp_path, data_dir):
    """With ml-20m/ files present, ratings come from ML-20M with a seeded user sample."""
    import pandas as pd

    root = tmp_path / "data"
    root.mkdir()
    for folder in ("ml-latest-small", "mmtf14k", "movielens-links"):
        (root / folder).symlink_to(data_dir / folder)
    ml20m = root / "ml-20m"
    ml20m.mkdir()
    rng = np.random.default_rng(0)
    movies = pd.read_csv(data_dir / "ml-latest-small/movies.csv").head(300)
    pd.DataFrame(
        {"userId": rng.integers(1, 51, 2000), "movieId": rng.choice(movies["movieId"], 2000), "rating": rng.integers(1, 6, 2000).astype(float), "timestamp": 0}
    ).drop_duplicates(["userId", "movieId"]).to_csv(ml20m / "ratings.csv", index=False)
    movies.to_csv(ml20m / "movies.csv", index=False)
    pd.DataFrame(columns=["userId", "movieId", "tag", "timestamp"]).to_csv(ml20m / "tags.csv", index=False)
    ds = load_dataset("mmtf", data_dir=root, n_users=10)
    assert ds.n_users == 10
    assert "MovieLens-20M" in ds.notes["source"]
