from dataclasses import replace

import numpy as np
import pytest
import torch

from mtm4f_lib.data import Modality, complete_modality_split
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models import MTM4F, ModelConfig
from mtm4f_lib.models.inputs import liked_matrix
from mtm4f_lib.training import row_data

SMALL = dict(fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)


@pytest.fixture(scope="module")
def rows(synthetic):
    return complete_modality_split(synthetic, "AMSV", verbose=False).train


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(**SMALL),
        ModelConfig(**SMALL, modalities="V", fusion="fuse", multitask="fs", tasks=("rating", "genre"), graph="knn", gat="gatv2"),
        ModelConfig(**SMALL, modalities="AS", gat_layers=0, rating_output="sigmoid", task_losses="native"),
    ],
)
def test_loss_and_predictions(synthetic, rows, config):
    model = MTM4F.from_dataset(synthetic, rows, config)
    data = row_data(synthetic, rows[:50], model.tasks)
    loss = model.loss(data.users, data.items, data.labels)
    assert torch.isfinite(loss)
    loss.backward()
    assert model.fusion.modality_weights.grad.abs().sum() > 0
    predictions = model.predict(data.users, data.items)
    assert set(predictions) == set(config.tasks) and predictions["rating"].shape == (50,)
    if "age" in predictions:
        assert torch.allclose(predictions["age"].sum(1), torch.ones(50))
    assert set(model.item_representations()) == ({"central", *config.modalities} if config.fusion == "all" else {"central"})


def test_rating_head_starts_at_the_training_mean(synthetic, rows):
    model = MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL, rating_output="sigmoid"))
    mean = synthetic.ratings["rating"].to_numpy()[rows].mean()
    scale = model.objective.scale
    assert scale(model.task_net.heads["rating"].bias).item() == pytest.approx(mean, abs=1e-4)


def test_user_features_join_the_user_vector(synthetic, rows):
    features = np.random.default_rng(0).normal(size=(synthetic.n_users, 3))
    model = MTM4F.from_dataset(
        synthetic, rows, ModelConfig(**{**SMALL, "user_embedding_dim": 0}, user_history="none", user_features="test-vectors"), user_features=features
    )
    assert model.user_vectors(torch.tensor([0, 5])).shape == (2, 3)
    with pytest.raises(MTM4FError, match="exactly when"):
        MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL), user_features=features)
    with pytest.raises(MTM4FError, match=r"n_users"):
        MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL, user_features="x"), user_features=features[:5])
    with pytest.raises(MTM4FError, match="needs a user vector"):
        MTM4F.from_dataset(synthetic, rows, ModelConfig(**{**SMALL, "user_embedding_dim": 0}, user_history="none"))


def test_liked_history_is_the_mean_of_liked_item_vectors(synthetic, rows):
    model = MTM4F.from_dataset(synthetic, rows, ModelConfig(**{**SMALL, "user_embedding_dim": 0}, dropout=0.0)).eval()
    frame = synthetic.ratings.iloc[rows]
    user = int(frame["user"].iloc[0])
    liked = sorted(set(frame[(frame["user"] == user) & (frame["rating"] > 3)]["item"]))
    assert liked  # the first user of the split likes something
    with torch.no_grad():
        central = model.item_representations(central_only=True)["central"]
        assert torch.allclose(model.user_vectors(torch.tensor([user]))[0], central[liked].mean(0), atol=1e-5)
    few = liked_matrix(synthetic, rows[:20], 3.0).to_dense()
    seen = set(frame["user"].iloc[:20])
    assert all(few[u].sum() == 0 for u in range(synthetic.n_users) if u not in seen)
    assert all(few[u].sum() in (0, pytest.approx(1.0)) for u in seen)


def test_dot_interaction_adds_a_trainable_factor_term(synthetic, rows):
    model = MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL, rating_interaction="dot"))
    data = row_data(synthetic, rows[:40], model.tasks)
    model.loss(data.users, data.items, data.labels).backward()
    assert model.interaction["user"].weight.grad.abs().sum() > 0 and model.interaction["item"].weight.grad.abs().sum() > 0


@pytest.mark.parametrize("term", ["mf", "lightgcn"])
def test_the_hybrid_adds_an_id_term_for_the_training_ratings_users_and_movies_only(synthetic, rows, term):
    served = np.unique(synthetic.ratings["item"].to_numpy())  # the test's movies too: some have no training rating
    model = MTM4F.from_dataset(synthetic, rows[: len(rows) // 2], ModelConfig(**SMALL, collaborative_dim=4, collaborative=term), served_items=served)
    trained = np.unique(synthetic.ratings["item"].to_numpy()[rows[: len(rows) // 2]])
    unseen = torch.as_tensor(np.flatnonzero(~np.isin(served, trained))[:5])
    assert len(unseen) and model.collaborative is not None
    users = torch.zeros(len(unseen), dtype=torch.long)
    term_of_unseen = model.collaborative.terms(users, unseen)[0] - model.collaborative.user_bias(users).squeeze(1)
    assert torch.equal(term_of_unseen, torch.zeros(len(unseen)))  # a movie without training ratings gets no id factors
    data = row_data(synthetic, rows[:50], model.tasks)
    model.loss(data.users, data.items, data.labels).backward()
    ids = model.collaborative.graph.embedding if term == "lightgcn" else model.collaborative.item_factors
    assert ids.weight.grad.abs().sum() > 0
    if term == "lightgcn":  # the graph: both directions of every training rating
        assert model.collaborative.edge_index.shape == (2, 2 * (len(rows) // 2))


def test_the_content_baseline_option_adds_the_baseline_estimate_to_the_rating_output(synthetic, rows):
    """Movies unseen in training get the bias their modalities predict; the network's rating head starts at 0 around it."""
    from mtm4f_lib.models.baselines.content_baseline import CONTENT_OFFSET, fit_content_baseline

    served = np.unique(synthetic.ratings["item"].to_numpy())
    train = rows[: len(rows) // 2]
    config = ModelConfig(**SMALL, rating_baseline="content")
    model = MTM4F.from_dataset(synthetic, train, config, served_items=served).eval()
    mu, user_bias, item_bias = fit_content_baseline(synthetic, train, CONTENT_OFFSET, config.modalities)
    assert torch.allclose(model.baseline_user, torch.as_tensor(mu + user_bias, dtype=torch.float32))
    assert torch.allclose(model.baseline_item, torch.as_tensor(item_bias[served], dtype=torch.float32))
    users, items = torch.tensor([0, 1, 2]), torch.tensor([0, 3, 5])
    plain = MTM4F.from_dataset(synthetic, train, ModelConfig(**SMALL), served_items=served).eval()
    plain.load_state_dict(model.state_dict())  # the same network: the outputs differ by the baseline alone
    difference = model.predict(users, items)["rating"] - plain.predict(users, items)["rating"]
    assert torch.allclose(difference, model.baseline_user[users] + model.baseline_item[items], atol=1e-5)
    with pytest.raises(MTM4FError, match="rating_output 'linear'"):
        ModelConfig(**SMALL, rating_baseline="content", rating_output="sigmoid")


def test_unencoded_modality_raises(synthetic, rows):
    raw_meta = Modality("meta", synthetic.modalities["meta"].available, "raw text")
    dataset = replace(synthetic, modalities={**synthetic.modalities, "meta": raw_meta})
    with pytest.raises(MTM4FError, match="no encoded features"):
        MTM4F.from_dataset(dataset, rows, ModelConfig(**SMALL))


@pytest.mark.parametrize("graph", ["corating", "knn"])
def test_served_items_score_like_the_full_model(synthetic, rows, graph):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    served = np.unique(synthetic.ratings["item"].to_numpy()[np.concatenate([split.train, split.test])])
    assert len(served) < synthetic.n_items
    models = []
    for items in (None, served):
        torch.manual_seed(0)
        models.append(MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL, graph=graph), served_items=items).eval())
    full, compact = models
    assert compact.items.n_items == len(served) and compact.liked.shape == (synthetic.n_users, len(served))
    data = row_data(synthetic, split.test, full.tasks)
    with torch.no_grad():
        expected, got = full.predict(data.users, data.items), compact.predict(data.users, data.items)
    if graph == "corating":  # every co-rating edge joins two rated items, so the graphs agree
        assert all(torch.allclose(expected[t], got[t], atol=1e-5) for t in expected)
    else:
        assert torch.isfinite(got["rating"]).all()
    unserved = torch.tensor([int(np.setdiff1d(np.arange(synthetic.n_items), served)[0])])
    with pytest.raises(MTM4FError, match="served items"):
        compact.predict(torch.tensor([0]), unserved)
    with pytest.raises(MTM4FError, match="every item of the training rows"):
        MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL), served_items=served[:3])


@pytest.mark.parametrize("gat", ["gcn", "gat"])
def test_early_fusion_reads_every_modality_and_its_presence(synthetic, rows, gat):
    """The Table 11 baselines: concatenated modalities (zeros and a flag where one is missing), GCN or GAT over the item graph."""
    model = MTM4F.from_dataset(synthetic, rows, ModelConfig(**SMALL, fusion="concat", gat=gat, multitask="fs", tasks=("rating",)))
    data = row_data(synthetic, rows[:50], model.tasks)
    model.loss(data.users, data.items, data.labels).backward()
    first = model.fusion.network[0][0].weight
    assert first.shape[1] == sum(model.items.dims.values()) + 4 and first.grad.abs().sum() > 0
    assert set(model.item_representations()) == {"central"}
    features, masks = dict(model.items.features), dict(model.items.masks)
    hidden = {**masks, "audio": torch.zeros_like(masks["audio"])}
    model.eval()
    assert not torch.allclose(model.fusion(features, masks)["central"], model.fusion(features, hidden)["central"])
    if gat == "gcn":
        with pytest.raises(MTM4FError, match="no attention weights"):
            model.gat.attention(torch.zeros(model.items.n_items, 8))


def test_early_fusion_refuses_the_missing_modality_method():
    with pytest.raises(MTM4FError, match="use fusion 'all' or 'fuse' with it"):
        ModelConfig(fusion="concat", missing="m4")
