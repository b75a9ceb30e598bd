"""One training loop for every model of the package.

A model is a ``torch.nn.Module`` with ``tasks`` (the tasks it learns, 'rating' among them),
``loss(users, items, labels) -> scalar tensor`` and ``predict(users, items) -> {task: tensor}``
(rating on the rating scale, probabilities for the other tasks), and optionally a context manager
``test_inputs()`` inside which it reads its test-time inputs. The loop is seeded (torch, a
numpy Generator for the batch order, deterministic algorithms where torch has them), uses Adam
on large shuffled batches, stops early on the RMSE of a validation slice carved from the
training rows, restores the best state and reads the test rows once, at the end. A refit
(``TrainConfig.refit_epochs``) trains on every training row for a number of epochs chosen on the
validation slice before, and tests its last state. A run trains on the CPU unless its config names
another torch device (e.g. 'cuda').
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from typing import Protocol

import numpy as np
import torch
from tqdm.auto import tqdm

from .data import MultiModalDataset, Split, task_labels, validation_slice
from .errors import MTM4FError
from .evaluation import rmse, task_metrics
from .runtime import keep_freed_memory


class Recommender(Protocol):
    tasks: tuple[str, ...]

    def loss(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor: ...

    def predict(self, users: torch.Tensor, items: torch.Tensor) -> dict[str, torch.Tensor]: ...


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation of one run.

    seed          seeds torch (weights, dropout), the batch order and the validation slice.
    max_epochs    upper bound on passes over the training rows.
    patience      epochs without a better validation RMSE before stopping.
    batch_size    rating rows per Adam step (large: the item side runs once per step).
    lr, weight_decay   Adam settings.
    val_fraction  share of the training rows held out for early stopping.
    threads       torch intra-op threads during the run (restored afterwards). The default 1 is
                  the fastest on a small shared CPU, where more threads than free cores stall.
    device        torch device the model and the rows live on ('cpu', 'cuda', 'cuda:1'). The same
                  seed gives the same metrics on the CPU; on a GPU, scatter kernels add in a varying
                  order, so repeated runs differ in the last digits.
    refit_epochs  0: early stopping on the validation slice. n > 0: a refit: no validation slice, the
                  model is built from every training row and trained exactly n epochs (the best epoch
                  of the same setting stopped on validation), and its last state reads the test rows.
    """

    seed: int = 0
    max_epochs: int = 100
    patience: int = 5
    batch_size: int = 4096
    lr: float = 3e-3
    weight_decay: float = 0.0
    val_fraction: float = 0.1
    threads: int = 1
    device: str = "cpu"
    refit_epochs: int = 0

    def __post_init__(self):
        if min(self.max_epochs, self.patience, self.batch_size, self.threads) < 1:
            raise MTM4FError("TrainConfig.max_epochs, patience, batch_size and threads must be >= 1.")
        if self.refit_epochs < 0:
            raise MTM4FError(f"TrainConfig.refit_epochs must be >= 0 (0: stop early on the validation slice), got {self.refit_epochs}.")
        if self.lr <= 0 or self.weight_decay < 0:
            raise MTM4FError("TrainConfig.lr must be > 0 and weight_decay >= 0.")
        if not 0 < self.val_fraction < 1:
            raise MTM4FError(f"TrainConfig.val_fraction must lie strictly between 0 and 1, got {self.val_fraction}.")
        try:
            kind = torch.device(self.device).type
        except (RuntimeError, TypeError):
            kind = None
        if kind not in ("cpu", "cuda"):
            raise MTM4FError(f"TrainConfig.device must be 'cpu' or a CUDA device ('cuda', 'cuda:1'), got {self.device!r}.")

    def torch_device(self) -> torch.device:
        """The run's device; an error that says what to do when it is a GPU this machine lacks."""
        device = torch.device(self.device)
        if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
            raise MTM4FError(f"TrainConfig.device is {self.device!r} but torch sees {torch.cuda.device_count()} CUDA device(s) here; use device='cpu'.")
        return device


@dataclass(frozen=True)
class RowData:
    """The user and item indices and task labels of a set of rating rows, as tensors."""

    users: torch.Tensor
    items: torch.Tensor
    labels: dict[str, torch.Tensor]

    def __len__(self) -> int:
        return len(self.users)

    def take(self, index) -> RowData:
        return RowData(self.users[index], self.items[index], {t: y[index] for t, y in self.labels.items()})

    def to(self, device: torch.device) -> RowData:
        return RowData(self.users.to(device), self.items.to(device), {t: y.to(device) for t, y in self.labels.items()})


def row_data(dataset: MultiModalDataset, rows: np.ndarray, tasks) -> RowData:
    frame = dataset.ratings.iloc[np.asarray(rows)]
    labels = {t: torch.tensor(y) for t, y in task_labels(dataset, rows, tasks).items()}
    return RowData(torch.tensor(frame["user"].to_numpy(), dtype=torch.long), torch.tensor(frame["item"].to_numpy(), dtype=torch.long), labels)


@dataclass(frozen=True)
class RunResult:
    """What one run measured: test metrics, the best validation RMSE and epoch, the history, seconds, and
    the rating predicted for each test row (in the split's order, clipped to the rating range)."""

    metrics: dict[str, float]
    val_rmse: float
    best_epoch: int
    history: tuple[dict, ...]
    seconds: float
    counts: dict[str, int]
    test_predictions: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The numbers of the run as JSON types (the per-row predictions are stored beside it)."""
        return {k: v for k, v in asdict(self).items() if k != "test_predictions"}


@contextmanager
def seeded(seed: int, threads: int | None = None) -> Iterator[np.random.Generator]:
    """Seed torch, switch on deterministic algorithms, set the thread count, yield a numpy Generator.

    Deterministic mode would also fill every new tensor with NaN (a write of each allocation that
    no result depends on); that fill is switched off. Flags and thread count are restored on exit.
    """
    previous = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(), torch.get_num_threads()
    fill = torch.utils.deterministic.fill_uninitialized_memory
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = False
    torch.set_num_threads(threads or previous[2])
    try:
        yield np.random.default_rng(seed)
    finally:
        torch.use_deterministic_algorithms(previous[0], warn_only=previous[1])
        torch.utils.deterministic.fill_uninitialized_memory = fill
        torch.set_num_threads(previous[2])


def predict_rows(model: Recommender, data: RowData) -> dict[str, np.ndarray]:
    """Predictions for every row, in eval mode, as numpy arrays."""
    model.eval()
    with torch.no_grad():
        return {t: y.cpu().numpy() for t, y in model.predict(data.users, data.items).items()}


def fit(
    model: Recommender,
    train: RowData,
    val: RowData | None,
    config: TrainConfig,
    rating_range: tuple[float, float],
    rng: np.random.Generator,
    progress: bool = False,
    on_epoch: Callable[[int, float], None] | None = None,
) -> tuple[list[dict], int, float]:
    """Adam with early stopping on validation RMSE; restores the best state. Without ``val`` (a refit) it
    trains ``config.max_epochs`` epochs and keeps the last state.

    Returns (history, best epoch, best validation RMSE, NaN without ``val``); the history has one dict per
    epoch with ``epoch``, ``train_loss``, ``val_rmse`` (None without ``val``) and ``seconds``. ``on_epoch(epoch,
    val_rmse)`` is called after each validated epoch (a search prunes a trial from it by raising).
    """
    keep_freed_memory()
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    history, best = [], (float("inf"), 0, copy.deepcopy(model.state_dict()) if val is not None else None)
    for epoch in tqdm(range(1, config.max_epochs + 1), desc="epochs", disable=not progress, leave=False):
        start = time.perf_counter()
        model.train()
        order = torch.as_tensor(rng.permutation(len(train)), device=train.users.device)
        total = 0.0
        for begin in range(0, len(order), config.batch_size):
            batch = train.take(order[begin : begin + config.batch_size])
            loss = model.loss(batch.users, batch.items, batch.labels)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(batch)
        if not np.isfinite(total):
            raise MTM4FError(f"The training loss diverged at epoch {epoch}; lower TrainConfig.lr.")
        val_rmse = None if val is None else rmse(predict_rows(model, val)["rating"], val.labels["rating"].cpu().numpy(), rating_range)
        history.append({"epoch": epoch, "train_loss": total / len(train), "val_rmse": val_rmse, "seconds": time.perf_counter() - start})
        if val_rmse is None:
            continue
        if on_epoch is not None:
            on_epoch(epoch, val_rmse)
        if val_rmse < best[0]:
            best = (val_rmse, epoch, copy.deepcopy(model.state_dict()))
        elif epoch - best[1] >= config.patience:
            break
    if val is None:
        return history, len(history), float("nan")
    model.load_state_dict(best[2])
    return history, best[1], best[0]


def train_and_evaluate(
    dataset: MultiModalDataset,
    split: Split,
    build: Callable[[MultiModalDataset, np.ndarray], Recommender],
    config: TrainConfig,
    progress: bool = False,
    on_epoch: Callable[[int, float], None] | None = None,
    read_test: bool = True,
) -> RunResult:
    """Carve the validation slice, build the model from the remaining training rows, fit, test once; a refit
    (``config.refit_epochs``) builds from every training row, trains that many epochs and tests the last state.

    ``build(dataset, fit_rows)`` must derive everything it learns from data (graph, statistics)
    from ``fit_rows`` only. ``on_epoch``: see :func:`fit`. Without ``read_test`` (a search) the test
    rows are never read: the result has no test metrics and no predictions.
    """
    start = time.perf_counter()
    device = config.torch_device()
    if config.refit_epochs:
        fit_split, val_rows, config = split, None, replace(config, max_epochs=config.refit_epochs)
    else:
        fit_split, val_rows = validation_slice(split, config.val_fraction, config.seed)
    if len(fit_split.train) == 0 or len(split.test) == 0:
        raise MTM4FError(f"Split {split.name!r} leaves no training or no test rows; check the modalities and the split.")
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # cuBLAS's deterministic mode; read when CUDA starts
    with seeded(config.seed, config.threads) as rng:
        model = build(dataset, fit_split.train).to(device)
        tasks = model.tasks
        train = row_data(dataset, fit_split.train, tasks).to(device)
        val = None if val_rows is None else row_data(dataset, val_rows, tasks).to(device)
        history, best_epoch, best_val = fit(model, train, val, config, dataset.rating_range, rng, progress, on_epoch)
        counts = {"train": len(train), "val": 0 if val is None else len(val), "test": len(split.test)}
        if not read_test:
            return RunResult({}, best_val, best_epoch, tuple(history), time.perf_counter() - start, counts)
        test = row_data(dataset, split.test, tasks).to(device)
        with getattr(model, "test_inputs", nullcontext)():  # a model may read other inputs at test time
            predicted = predict_rows(model, test)
        metrics = task_metrics(predicted, {t: y.cpu().numpy() for t, y in test.labels.items()}, dataset.rating_range)
    test_predictions = np.clip(predicted["rating"], *dataset.rating_range)
    return RunResult(metrics, best_val, best_epoch, tuple(history), time.perf_counter() - start, counts, test_predictions)
