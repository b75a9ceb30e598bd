import numpy as np
import pandas as pd
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models.inputs import item_inputs
from mtm4f_lib.models.item_graph import corating_graph, item_graph, knn_graph


def edges_of(edge_index):
    return set(map(tuple, edge_index.t().tolist()))


def corated_pairs(ratings, rows):
    pairs = set()
    for items in ratings.iloc[rows].groupby("user")["item"].agg(list):
        pairs |= {(a, b) for a in items for b in items if a != b}
    return pairs


def test_corating_graph_reads_training_rows_only(synthetic):
    train, test = synthetic.split.train[:300], synthetic.split.test  # a sparse training slice
    test_only = corated_pairs(synthetic.ratings, test) - corated_pairs(synthetic.ratings, train)
    assert test_only, "the fixture must have a pair co-rated only in the test rows"
    k_all = synthetic.n_items  # every co-rated pair becomes an edge
    from_train = edges_of(corating_graph(synthetic, train, k=k_all))
    assert from_train == corated_pairs(synthetic.ratings, train)
    assert not (test_only & from_train)
    assert test_only <= edges_of(corating_graph(synthetic, np.concatenate([train, test]), k=k_all))


def test_corating_graph_keeps_the_k_most_similar():
    # item 0 shares two raters with item 1 and one with item 2; item 3 is rated by nobody else.
    ratings = pd.DataFrame({"user": [0, 0, 1, 1, 2, 2, 3], "item": [0, 1, 0, 1, 0, 2, 3], "rating": 4.0})
    dataset = type("Tiny", (), {"ratings": ratings, "n_users": 4, "n_items": 4})()
    edges = edges_of(corating_graph(dataset, np.arange(len(ratings)), k=1))
    assert (1, 0) in edges and (2, 0) not in edges  # neighbour -> item
    assert not any(target == 3 or source == 3 for source, target in edges)
    assert not any(source == target for source, target in edges)


def test_knn_graph_links_planted_twins(synthetic):
    audio = synthetic.modalities["audio"]
    twin = audio.features.copy()
    donors = np.flatnonzero(audio.available)[:2]
    twin[donors[1]] = twin[donors[0]] * 1.01
    dataset = synthetic.with_features("audio", twin, "test")
    inputs = item_inputs(dataset, "A", dataset.split.train)
    edge_index = knn_graph(inputs, k=3)
    targets = edge_index[1].numpy()
    assert np.bincount(targets, minlength=dataset.n_items)[audio.available].tolist() == [3] * audio.n_available
    assert not np.isin(targets, np.flatnonzero(~audio.available)).any()  # no modality, no neighbour
    assert (int(donors[1]), int(donors[0])) in edges_of(edge_index)


def test_item_graph_dispatch_and_errors(synthetic):
    inputs = item_inputs(synthetic, "AV", synthetic.split.train)
    assert item_graph("knn", synthetic, synthetic.split.train, inputs, 2).shape[0] == 2
    with pytest.raises(MTM4FError, match="Unknown item graph"):
        item_graph("random", synthetic, synthetic.split.train, inputs, 2)
    with pytest.raises(MTM4FError, match="k >= 1"):
        corating_graph(synthetic, synthetic.split.train, k=0)
