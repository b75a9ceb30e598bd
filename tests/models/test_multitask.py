import pytest
import torch

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models.multitask import RatingScale, TaskObjective, multitask_net, task_output_dims

N, IN, GENRES = 12, 10, 5


def labels(tasks, seed=0):
    g = torch.Generator().manual_seed(seed)
    full = {
        "rating": torch.randint(1, 6, (N,), generator=g).float(),
        "genre": (torch.rand(N, GENRES, generator=g) > 0.5).float(),
        "gender": torch.randint(0, 2, (N,), generator=g),
        "age": torch.randint(0, 7, (N,), generator=g),
    }
    return {t: full[t] for t in tasks}


@pytest.mark.parametrize("kind", ["fs", "sp"])
@pytest.mark.parametrize("tasks", [("rating", "genre"), ("rating", "genre", "gender", "age")])
@pytest.mark.parametrize("losses", ["mse", "native"])
def test_heads_shapes_and_finite_loss(kind, tasks, losses):
    net = multitask_net(kind, IN, task_output_dims(tasks, GENRES), trunk_hidden=(16, 8), private_hidden=(4,))
    raw = net(torch.randn(N, IN))
    expected = {"rating": (N,), "genre": (N, GENRES), "gender": (N,), "age": (N, 7)}
    assert {t: tuple(y.shape) for t, y in raw.items()} == {t: expected[t] for t in tasks}
    objective = TaskObjective({t: 1.0 for t in tasks}, RatingScale(1, 5), losses)
    total, parts = objective(raw, labels(tasks))
    assert torch.isfinite(total) and set(parts) == set(tasks)
    assert total.item() == pytest.approx(sum(parts.values()), rel=1e-5)
    total.backward()
    assert all(p.grad is not None for p in net.trunk.parameters())
    assert net.shared_private == (kind == "sp")
    assert len(net.private) == (len(tasks) if kind == "sp" else 0)


def test_sp_head_reads_shared_and_private_features():
    net = multitask_net("sp", IN, task_output_dims(("rating", "age"), GENRES), trunk_hidden=(16, 8), private_hidden=(6, 4))
    assert net.heads["age"].in_features == 8 + 4
    assert multitask_net("fs", IN, task_output_dims(("rating",), GENRES), (16, 8), (4,)).heads["rating"].in_features == 8


def test_task_weights_scale_the_total():
    tasks = ("rating", "genre", "gender", "age")
    raw = multitask_net("fs", IN, task_output_dims(tasks, GENRES), (8,), ())(torch.randn(N, IN))
    y = labels(tasks)
    _, parts = TaskObjective(dict.fromkeys(tasks, 1.0), RatingScale(1, 5))(raw, y)
    weighted, _ = TaskObjective({"rating": 1.0, "genre": 0.0, "gender": 2.0, "age": 0.5}, RatingScale(1, 5))(raw, y)
    assert weighted.item() == pytest.approx(parts["rating"] + 2 * parts["gender"] + 0.5 * parts["age"], rel=1e-5)


def test_mse_losses_read_probabilities_and_native_read_logits():
    raw = {"genre": torch.zeros(2, 3), "gender": torch.zeros(2), "age": torch.zeros(2, 7)}
    y = {"genre": torch.ones(2, 3), "gender": torch.ones(2, dtype=torch.long), "age": torch.zeros(2, dtype=torch.long)}
    _, mse = TaskObjective(dict.fromkeys(raw, 1.0), RatingScale(1, 5), "mse")(raw, y)
    _, native = TaskObjective(dict.fromkeys(raw, 1.0), RatingScale(1, 5), "native")(raw, y)
    assert mse["genre"] == pytest.approx(0.25) and mse["gender"] == pytest.approx(0.25)
    assert mse["age"] == pytest.approx(((1 - 1 / 7) ** 2 + 6 / 49) / 7)
    assert native["gender"] == pytest.approx(torch.log(torch.tensor(2.0)).item())
    assert native["age"] == pytest.approx(torch.log(torch.tensor(7.0)).item())


def test_row_weights_replace_the_mean():
    objective = TaskObjective({"rating": 1.0}, RatingScale(1, 5))
    raw, y = {"rating": torch.tensor([3.0, 3.0, 3.0])}, {"rating": torch.tensor([3.0, 5.0, 1.0])}
    assert objective(raw, y)[1]["rating"] == pytest.approx(8 / 3)
    assert objective(raw, y, row_weights=torch.tensor([1.0, 0.0, 0.0]))[1]["rating"] == 0.0
    assert objective(raw, y, row_weights=torch.tensor([0.0, 0.5, 2.0]))[1]["rating"] == pytest.approx(10.0)


def test_rating_scale():
    sigmoid = RatingScale(1, 5, "sigmoid")
    out = sigmoid(torch.tensor([-50.0, 0.0, 50.0]))
    assert out.tolist() == pytest.approx([1.0, 3.0, 5.0])
    assert sigmoid(torch.tensor(sigmoid.raw_for(3.6))).item() == pytest.approx(3.6, abs=1e-5)
    assert RatingScale(1, 5).raw_for(3.6) == 3.6
    with pytest.raises(MTM4FError):
        RatingScale(5, 1)


def test_bad_task_setup_raises():
    with pytest.raises(MTM4FError, match="Unknown task"):
        task_output_dims(("rating", "occupation"), GENRES)
    with pytest.raises(MTM4FError, match=r"multi-task network 'mmoe'; use one of \['fs', 'sp'\]"):
        multitask_net("mmoe", IN, {"rating": 1}, (8,), (4,))
    with pytest.raises(MTM4FError, match=r"task losses 'huber'; use one of \['mse', 'native'\]"):
        TaskObjective({"rating": 1.0}, RatingScale(1, 5), "huber")
