from dataclasses import replace

import numpy as np
import pytest

from mtm4f_lib.data import AGE_LABELS, MODALITIES, Modality
from mtm4f_lib.embeddings import analysis as an
from mtm4f_lib.embeddings.cache import EmbeddingKey, cached_embedding
from mtm4f_lib.errors import MTM4FError


def with_titles(ds, titles: dict[int, str]):
    items = ds.items.copy()
    for row, title in titles.items():
        items.loc[row, "title"] = title
    return replace(ds, items=items)


def rating_counts(ds):
    return np.bincount(ds.ratings["item"].to_numpy(), minlength=ds.n_items)


def test_canonical_title_ignores_articles_case_and_year():
    assert an.canonical_title("The Godfather") == an.canonical_title("Godfather, The (1972)") == "godfather"
    assert an.canonical_title("A Bug's Life") == an.canonical_title("Bug's Life, A (1998)") == "bug s life"
    assert an.canonical_title("Anaconda") == "anaconda"


def test_find_item_prefers_exact_then_most_rated_prefix_and_checks_year(synthetic):
    counts = rating_counts(synthetic)
    a, b, c = np.argsort(-counts)[:3]  # a is rated more than b, b more than c
    ds = with_titles(synthetic, {a: "Star Wars: Episode V - The Empire Strikes Back", b: "Star Wars: Episode IV - A New Hope", c: "Star Wars"})
    assert an.find_item(ds, "star wars") == c  # exact canonical match beats better-rated prefix matches
    assert an.find_item(ds, "Star Wars: Episode") == a  # several prefix matches: the most-rated
    ds.items.loc[[a, b], "year"] = [1980, 1977]
    assert an.find_item(ds, "Star Wars: Episode (1977)") == b  # a year in the query must match
    ds = with_titles(synthetic, {a: "Godfather, The"})
    assert an.find_item(ds, "The Godfather") == a
    with pytest.raises(MTM4FError, match="example_titles"):
        an.find_item(ds, "No Such Movie")
    with pytest.raises(MTM4FError, match="No movie titled"):
        an.find_item(ds, f"The Godfather ({int(ds.items['year'][a]) + 1})")


def test_example_items_defaults_and_fallback(synthetic):
    # none of the default titles exist: the most-rated items with every modality
    items = an.example_items(synthetic, n=3)
    counts = np.where(synthetic.items_with(MODALITIES), rating_counts(synthetic), -1)
    assert len(items) == 3 and synthetic.items_with(MODALITIES)[items].all()
    assert [counts[i] for i in items] == sorted(counts, reverse=True)[:3]
    ds = with_titles(synthetic, {5: "Aladdin", 9: "Godfather, The"})
    assert an.example_items(ds) == [9, 5]  # the DEFAULT_TITLES present, in their order
    assert an.example_items(ds, "Aladdin") == [5]
    with pytest.raises(MTM4FError):
        an.example_items(ds, ["Aladdin", "Nothing Like It"])


def test_neighbour_table_ranks_by_cosine_and_marks_missing_modality(synthetic):
    missing_audio = int(np.flatnonzero(~synthetic.modalities["audio"].available)[0])
    full = int(np.flatnonzero(synthetic.items_with(MODALITIES))[0])
    table = an.neighbour_table(synthetic, [full, missing_audio], k=4)
    mine = table[table["movie"] == synthetic.items["title"][full]]
    assert len(mine) == 4 * len(MODALITIES)
    for modality, group in mine.groupby("modality"):
        assert list(group["rank"]) == [1, 2, 3, 4]
        assert (np.diff(group["cosine"]) <= 1e-6).all() and group["cosine"].between(-1, 1).all()
        titles = synthetic.items["title"].to_numpy()
        available = synthetic.modalities[modality].available
        assert all(available[np.flatnonzero(titles == t)[0]] for t in group["neighbour"])
        assert synthetic.items["title"][full] not in set(group["neighbour"])
    gap = table[(table["movie"] == synthetic.items["title"][missing_audio]) & (table["modality"] == "audio")]
    assert len(gap) == 1 and gap["rank"].isna().all() and "no audio" in gap["neighbour"].iat[0]


def test_genre_probe_reads_planted_signal_and_reports_baselines(synthetic):
    result = an.genre_probe(synthetic, "subtitle", seed=0)
    for key in ("genre_micro_f1", "majority_micro_f1", "top_genre_micro_f1"):
        assert 0.0 <= result[key] <= 1.0
    assert result["items"] == synthetic.modalities["subtitle"].n_available and result["dim"] == 16
    assert result["genre_micro_f1"] > result["top_genre_micro_f1"] + 0.1
    assert result["top_genre_micro_f1"] > 0  # the most frequent genre is right for some items


def test_without_meta_slot_cuts_exactly_that_block(synthetic):
    # synthetic items give the slots title, year, genre, plot: its 12-d meta is 4 blocks of 3
    cut = an.without_meta_slot(synthetic, "genre")
    full = synthetic.modalities["meta"].features
    np.testing.assert_array_equal(cut.modalities["meta"].features, np.hstack([full[:, :6], full[:, 9:]]))
    assert "without the genre slot" in cut.modalities["meta"].source
    with pytest.raises(MTM4FError, match="slots are"):
        an.without_meta_slot(synthetic, "director")


def test_probe_table_has_a_row_per_modality_and_meta_without_genre(synthetic):
    table = an.probe_table(synthetic, seed=0)
    assert list(table["modality"]) == [*MODALITIES, "meta w/o genre"]
    assert table.set_index("modality").loc["meta w/o genre", "dim"] == 9


def test_embedding_summary_values(synthetic):
    seconds = {m: float(i) for i, m in enumerate(MODALITIES)}
    table = an.embedding_summary(synthetic, seconds, built={"meta"}).set_index("modality")
    assert list(table.index) == list(MODALITIES)
    assert table.loc["subtitle", "dim"] == 16 and table.loc["subtitle", "paper_dim"] == 768
    assert table.loc["audio", "items"] == synthetic.modalities["audio"].n_available
    assert table.loc["video", "seconds"] == 3.0 and table["built"].tolist() == [False, True, False, False]
    raw = replace(synthetic, modalities={**synthetic.modalities, "audio": Modality("audio", synthetic.modalities["audio"].available, "raw")})
    with pytest.raises(MTM4FError, match="not encoded"):
        an.embedding_summary(raw, seconds)


def test_built_modalities_names_only_new_cache_entries(tmp_path):
    cached_embedding(EmbeddingKey("d", "meta", "e", "1", "x"), lambda: np.zeros((2, 2), np.float32), tmp_path)
    before = an.cache_files(tmp_path)
    assert len(before) == 1 and an.built_modalities(before, tmp_path) == set()
    cached_embedding(EmbeddingKey("d", "meta", "e", "1", "x"), lambda: np.ones((2, 2), np.float32), tmp_path)  # a hit
    cached_embedding(EmbeddingKey("d", "video", "e", "1", "x"), lambda: np.zeros((2, 3), np.float32), tmp_path)
    assert an.built_modalities(before, tmp_path) == {"video"}
    assert an.cache_files(tmp_path / "absent") == set()


def test_movie_triples_lists_the_tabular_and_plot_triples(synthetic):
    item = int(np.flatnonzero(synthetic.items["description"].notna())[0])
    table = an.movie_triples(synthetic, item, max_per_slot=None)
    title = synthetic.items["title"][item]
    tabular = table[table["slot"] != "plot"]
    assert tabular.iloc[0].tolist() == ["title", f"movie:{title}", "rel:title", title.lower()]
    assert (tabular["head"] == f"movie:{title}").all()
    n_genres = len(synthetic.items["genres"][item].split("|"))
    assert (table["slot"] == "genre").sum() == n_genres and (table["slot"] == "year").sum() == 1
    assert set(table["slot"]) <= {"title", "year", "genre", "plot"}
    assert (an.movie_triples(synthetic, item, max_per_slot=1)["slot"].value_counts() == 1).all()


def test_user_vector_summary_uses_training_rows_only(synthetic):
    table = an.user_vector_summary(synthetic).set_index("modality")
    meta_dims = 2 + len(AGE_LABELS)  # gender and age one-hots; synthetic users have no occupation
    assert (table["users"] == synthetic.n_users).all() and (table["meta_dims"] == meta_dims).all()
    assert table.loc["video", "dim"] == meta_dims + 10 + 1
    train = synthetic.ratings.iloc[synthetic.split.train]
    liked = train[(train["rating"] > 3) & synthetic.modalities["video"].available[train["item"].to_numpy()]]
    assert table.loc["video", "mean_liked_items"] == pytest.approx(len(liked) / synthetic.n_users)
    assert table.loc["video", "users_without_liked_item"] == synthetic.n_users - liked["user"].nunique()
    ratings = synthetic.ratings.copy()
    ratings.loc[synthetic.split.test, "rating"] = 5.0  # test ratings must not count
    assert an.user_vector_summary(replace(synthetic, ratings=ratings)).equals(an.user_vector_summary(synthetic))
