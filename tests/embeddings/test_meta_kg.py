from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from gensim.models import KeyedVectors

from mtm4f_lib.data.container import Modality
from mtm4f_lib.embeddings import kg_triples, meta_kg
from mtm4f_lib.embeddings.kg_triples import Triple, cell_values, graph_slots, load_parser, plot_triples, sentence_triple, tabular_triples
from mtm4f_lib.embeddings.meta_kg import graph_matrix, meta_embeddings, triple_vector
from mtm4f_lib.errors import MTM4FError


def parse(sentence):
    return sentence_triple(next(load_parser()(sentence).sents))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The young wizard defeats the dark lord.", (("wizard",), ("defeats",), ("lord",))),
        ("The film is a comedy.", (("film",), ("is",), ("comedy",))),  # attr
        ("A boy lives in a castle.", (("boy",), ("lives",), ("castle",))),  # pobj of a prep
        ("Luke Skywalker joins the rebels.", (("luke", "skywalker"), ("joins",), ("rebels",))),  # compound
        ("The king is killed by his brother.", (("king",), ("killed",), ("brother",))),  # passive agent
        ("Four tales that take place in a hotel.", (("tales",), ("take",), ("place",))),  # noun root
    ],
)
def test_sentence_triples(sentence, expected):
    assert parse(sentence) == Triple(*expected)


def test_sentence_without_object_gives_none():
    assert parse("The hero sleeps.") is None


def test_plot_triples_read_only_the_first_three_sentences():
    text = "A cat chases a mouse. A dog eats a bone. A bird builds a nest. A fish catches a worm."
    triples = plot_triples([text, None, float("nan")], progress=False)
    assert [t.tail for t in triples[0]] == [("mouse",), ("bone",), ("nest",)]
    assert triples[1:] == [[], []]


def test_cell_values():
    assert cell_values("cast", ["Tom Hanks", "Tim Allen"]) == ["Tom Hanks", "Tim Allen"]
    assert cell_values("genres", "Action|Sci-Fi") == ["Action", "Sci-Fi"]
    assert cell_values("tags", "dark, funny ,") == ["dark", "funny"]
    assert cell_values("year", np.int64(1995)) == ["1995"]
    assert cell_values("runtime_min", 87.0) == ["90min"]
    assert cell_values("year", pd.NA) == [] and cell_values("director", np.nan) == []


def test_tabular_triples():
    items = pd.DataFrame({"title": ["Toy Story", "Heat"], "genres": ["Animation|Comedy", ""], "cast": [["Tom Hanks"], np.nan]})
    graph = tabular_triples(items)
    assert graph[0]["genre"] == [Triple(("movie:0",), ("rel:genre",), ("animation",)), Triple(("movie:0",), ("rel:genre",), ("comedy",))]
    assert graph[0]["cast"] == [Triple(("movie:0",), ("rel:cast",), ("tom", "hanks"))]
    assert graph[1] == {"title": [Triple(("movie:1",), ("rel:title",), ("heat",))], "genre": [], "cast": []}


@pytest.fixture
def toy_vectors():
    vectors = KeyedVectors(vector_size=2)
    vectors.add_vectors(["movie:0", "rel:genre", "drama", "dark", "lord"], np.array([[1, 0], [0, 1], [2, 2], [4, 0], [0, 4]], dtype=np.float32))
    return vectors


def test_triple_vector_is_h_plus_r_minus_t(toy_vectors):
    np.testing.assert_allclose(triple_vector(toy_vectors, Triple(("movie:0",), ("rel:genre",), ("drama",))), [-1, -1])
    # multi-word phrases are averaged; unknown words are skipped
    np.testing.assert_allclose(triple_vector(toy_vectors, Triple(("movie:0",), ("rel:genre",), ("dark", "lord", "unseen"))), [-1, -1])
    np.testing.assert_allclose(triple_vector(toy_vectors, Triple(("unseen",), ("rel:genre",), ("drama",))), [-2, -1])


def test_graph_matrix_means_triples_per_slot_and_zeros_absent_slots(toy_vectors):
    a = Triple(("movie:0",), ("rel:genre",), ("drama",))
    b = Triple(("movie:0",), ("rel:genre",), ("dark",))
    matrix = graph_matrix([{"genre": [a, b], "plot": []}, {"genre": [b]}], ["genre", "plot"], toy_vectors)
    np.testing.assert_allclose(matrix, [[-2, 0, 0, 0], [-3, 1, 0, 0]])
    assert matrix.dtype == np.float32


def test_meta_embeddings_shape_determinism_and_absent_plots(synthetic, tmp_path):
    slots = graph_slots(synthetic.items)
    assert slots == ["title", "year", "genre", "plot"]
    first = meta_embeddings(synthetic, dim_per_slot=16, seed=3, root=tmp_path / "a", progress=False)
    again = meta_embeddings(synthetic, dim_per_slot=16, seed=3, root=tmp_path / "b", progress=False)
    other = meta_embeddings(synthetic, dim_per_slot=16, seed=4, root=tmp_path / "a", progress=False)
    assert first.shape == (synthetic.n_items, 4 * 16) and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    no_plot = synthetic.items["description"].fillna("").eq("").to_numpy()
    assert 0 < no_plot.sum() < synthetic.n_items
    assert (first[no_plot, 48:] == 0).all() and (np.abs(first[~no_plot, 48:]).sum(axis=1) > 0).all()
    assert (np.abs(first[:, :48]).sum(axis=1) > 0).all()


def test_meta_embeddings_cache_hit_and_missing_meta(synthetic, tmp_path, monkeypatch):
    available = np.ones(synthetic.n_items, dtype=bool)
    available[[0, 5]] = False
    partial = replace(synthetic, modalities={**synthetic.modalities, "meta": Modality("meta", available, "test")})
    matrix = meta_embeddings(partial, dim_per_slot=8, root=tmp_path, progress=False)
    np.testing.assert_array_equal(np.isnan(matrix).all(axis=1), ~available)
    assert not np.isnan(matrix[available]).any()

    def no_build(*args, **kwargs):
        raise AssertionError("a cache hit must not rebuild the graph")

    monkeypatch.setattr(meta_kg, "movie_graph", no_build)
    np.testing.assert_array_equal(meta_embeddings(partial, dim_per_slot=8, root=tmp_path, progress=False), matrix)
    with pytest.raises(AssertionError, match="cache hit"):
        meta_embeddings(partial, dim_per_slot=8, root=tmp_path, progress=False, force=True)


def test_bad_settings_are_clear_errors(synthetic):
    with pytest.raises(MTM4FError, match="positive integers"):
        meta_embeddings(synthetic, dim_per_slot=0)


def test_real_slots_and_plot_parse_rate(ml100k, mmtf):
    assert graph_slots(ml100k.items) == ["title", "year", "genre", "director", "writer", "cast", "age_rating", "runtime", "plot"]
    assert graph_slots(mmtf.items) == ["title", "year", "genre", "tag"]
    plots = ml100k.items["description"].dropna().head(60)
    triples = kg_triples.plot_triples(plots, progress=False)
    assert np.mean([len(t) > 0 for t in triples]) > 0.75
