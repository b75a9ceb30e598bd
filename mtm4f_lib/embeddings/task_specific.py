"""Task-specific ("standard") item embeddings, paper 5.1.2 and 5.1.3.

An item encoder is trained end to end on the rating objective: encoder(item input) -> embedding,
concatenated with a user vector -> dense layers -> rating. The encoder is then frozen and its output
(the intermediate layer) for every available item is the embedding: 512-d for audio, 231-d for video.

Choices a user should know:

- Target: the rating is scaled to [0, 1] with the dataset's ``rating_range`` and the head ends in a
  sigmoid; the loss is MSE on that scale. RMSE is reported back in rating units.
- User vector: by default a learnt user table (``nn.Embedding``, ``user_dim`` wide) trained jointly;
  pass ``user_vectors`` ([n_users, d], e.g. the 5.1.5 user embeddings) to use fixed vectors instead.
- The embedding layer is linear (no activation), so no embedding dimension can die; hidden layers
  use ReLU. Dense inputs are standardised with the mean and std of the items in the training rows.
- Only training rows whose item has the modality are used; a seeded validation slice of them
  (``validation_slice``) drives early stopping, and the weights of the best validation epoch are
  kept. Test rows are never read. Items without the modality get NaN embedding rows.
- Each mini-batch encodes each of its distinct items once, so large batches stay cheap.
- Out of fold (:func:`out_of_fold_embeddings`): the items are dealt into seeded folds and each fold is
  embedded by an encoder trained without its ratings, so every item's embedding is what a movie never
  rated gets. An in-sample embedding also carries what the encoder learnt from the movie's own ratings;
  item cold start needs out-of-fold ones, or its validation movies look warmer than its test movies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from ..data.container import MultiModalDataset, Split
from ..data.features import column_scale
from ..data.modalities import parse_modalities
from ..data.splits import validation_slice
from ..errors import MTM4FError
from ..training import TrainConfig, fit, row_data

DEFAULT_DIMS = {"audio": 512, "video": 231}
DEFAULT_HIDDEN = {"audio": (1024,), "video": (1024, 512)}


class DenseEncoder(nn.Module):
    """Optional input standardisation -> Linear+ReLU hidden layers -> linear ``out_dim`` embedding."""

    def __init__(self, in_dim: int, out_dim: int, hidden=(1024,), mean=None, std=None):
        super().__init__()
        self.out_dim = out_dim
        widths = (in_dim, *hidden)
        layers = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.layers = nn.Sequential(*layers, nn.Linear(widths[-1], out_dim))
        self.register_buffer("mean", torch.zeros(in_dim) if mean is None else torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.ones(in_dim) if std is None else torch.as_tensor(std, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers((x.float() - self.mean) / self.std)


class RatingModel(nn.Module):
    """Item encoder and user vector, concatenated, then dense layers to a sigmoid rating in [0, 1]."""

    def __init__(self, encoder: nn.Module, n_users: int, user_vectors=None, user_dim: int = 32, hidden: int = 64):
        super().__init__()
        self.encoder = encoder
        if user_vectors is None:
            self.users = nn.Embedding(n_users, user_dim)
            nn.init.normal_(self.users.weight, std=0.1)
        else:
            self.users = nn.Embedding.from_pretrained(torch.as_tensor(user_vectors, dtype=torch.float32), freeze=True)
        self.head = nn.Sequential(nn.Linear(encoder.out_dim + self.users.embedding_dim, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, item_inputs: torch.Tensor, inverse: torch.Tensor, users: torch.Tensor) -> torch.Tensor:
        """Ratings for rows whose items are ``item_inputs[inverse]`` and whose users are ``users``."""
        items = torch.index_select(self.encoder(item_inputs), 0, inverse)  # deterministic backward, unlike [inverse]
        return torch.sigmoid(self.head(torch.cat([items, self.users(users)], dim=1))).squeeze(1)


@dataclass
class EncoderHistory:
    """Per-epoch training loss and validation RMSE (rating units) of one encoder fit."""

    train_loss: list
    val_rmse: list
    best_epoch: int
    baseline_rmse: float
    n_train: int
    n_val: int
    seconds: float

    @property
    def best_val_rmse(self) -> float:
        return self.val_rmse[self.best_epoch]


def _check_user_vectors(user_vectors, n_users: int):
    if user_vectors is None:
        return None
    vectors = np.asarray(user_vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != n_users or not np.isfinite(vectors).all():
        raise MTM4FError(f"user_vectors must be a finite [n_users={n_users}, d] matrix; got shape {vectors.shape}. Fill missing users before training.")
    return vectors


def _rows_with(dataset: MultiModalDataset, available: np.ndarray, split: Split | None) -> Split:
    split = split or dataset.split
    if len(available) != dataset.n_items:
        raise MTM4FError(f"The availability mask has {len(available)} entries; the dataset has {dataset.n_items} items.")
    items = dataset.ratings["item"].to_numpy()
    kept = split.train[available[items[split.train]]]
    if len(kept) < 2:
        raise MTM4FError("Fewer than 2 training ratings have an item with this input: check the media folder or the modality's availability.")
    return Split(split.name, kept, split.test)


class EncoderRecommender(nn.Module):
    """A :class:`RatingModel` over a fixed table of item inputs, as a Recommender of the package's training loop.

    The loss is the MSE between the sigmoid output and the rating scaled to [0, 1]; predictions come
    back on the rating scale, so the loop's validation RMSE is in rating units. Each call encodes each
    distinct item of its rows once.
    """

    tasks = ("rating",)

    def __init__(self, model: RatingModel, inputs: torch.Tensor, rating_range: tuple[float, float]):
        super().__init__()
        self.model = model
        self.inputs = inputs
        self.low, self.high = rating_range

    def _scaled(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        unique, inverse = torch.unique(items, sorted=True, return_inverse=True)
        return self.model(self.inputs[unique], inverse, users)

    def loss(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        targets = (labels["rating"] - self.low) / (self.high - self.low)
        return torch.mean((self._scaled(users, items) - targets) ** 2)

    def predict(self, users: torch.Tensor, items: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"rating": self.low + (self.high - self.low) * self._scaled(users, items)}


def fit_encoder(
    dataset: MultiModalDataset,
    encoder: nn.Module,
    inputs,
    available: np.ndarray,
    *,
    split: Split | None = None,
    user_vectors=None,
    epochs: int = 60,
    batch_size: int = 8192,
    lr: float = 2e-3,
    weight_decay: float = 0.0,
    patience: int = 5,
    val_fraction: float = 0.1,
    user_dim: int = 32,
    head_hidden: int = 64,
    seed: int = 0,
    verbose: bool = False,
) -> tuple[nn.Module, EncoderHistory]:
    """Train ``encoder`` (any module with an ``out_dim`` attribute) on the rating objective with
    :func:`mtm4f_lib.training.fit`; return it frozen (best validation epoch) with its history.

    ``inputs`` holds one input per item ([n_items, ...]; rows of unavailable items are never read) and
    ``available`` marks the items that have one. Training uses the training rows of ``split``
    (default: the dataset's split) whose item is available, minus a seeded validation slice.
    The caller seeds the encoder's own initialisation (``torch.manual_seed``) before building it.
    """
    if not hasattr(encoder, "out_dim"):
        raise MTM4FError("The encoder needs an `out_dim` attribute giving its embedding width.")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    train_split, val_rows = validation_slice(_rows_with(dataset, np.asarray(available, dtype=bool), split), val_fraction, seed)
    train, val = row_data(dataset, train_split.train, ("rating",)), row_data(dataset, val_rows, ("rating",))
    model = RatingModel(encoder, dataset.n_users, _check_user_vectors(user_vectors, dataset.n_users), user_dim, head_hidden)
    low, high = dataset.rating_range
    mean_target = float(np.clip(((train.labels["rating"].numpy() - low) / (high - low)).mean(), 1e-3, 1 - 1e-3))
    nn.init.constant_(model.head[-1].bias, float(np.log(mean_target / (1 - mean_target))))
    config = TrainConfig(seed, epochs, patience, batch_size, lr, weight_decay, val_fraction)
    start = time.perf_counter()
    history, best_epoch, _ = fit(EncoderRecommender(model, torch.as_tensor(inputs), dataset.rating_range), train, val, config, None, rng, verbose)
    encoder.eval().requires_grad_(False)
    ratings, val_ratings = train.labels["rating"].numpy(), val.labels["rating"].numpy()
    baseline = float(np.sqrt(np.mean((val_ratings - ratings.mean()) ** 2)))
    return encoder, EncoderHistory([h["train_loss"] for h in history], [h["val_rmse"] for h in history], best_epoch - 1, baseline,
                                   len(train), len(val), time.perf_counter() - start)  # fmt: skip


def embed_items(encoder: nn.Module, inputs, available: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Frozen-encoder outputs as float32 [n_items, out_dim], NaN rows where ``available`` is False."""
    available = np.asarray(available, dtype=bool)
    inputs = torch.as_tensor(inputs)
    out = np.full((len(available), encoder.out_dim), np.nan, dtype=np.float32)
    index = np.flatnonzero(available)
    encoder.eval()
    with torch.no_grad():
        for s in range(0, len(index), batch_size):
            chunk = index[s : s + batch_size]
            out[chunk] = encoder(inputs[torch.from_numpy(chunk)]).numpy()
    return out


def _modality_features(dataset: MultiModalDataset, modality: str) -> tuple[str, np.ndarray, np.ndarray]:
    (name,) = parse_modalities([modality])
    entry = dataset.modalities[name]
    if entry.features is None:
        raise MTM4FError(f"Modality {name!r} of {dataset.name!r} has no feature matrix yet; encode it first (mtm4f_lib.embeddings) or train on audio/video.")
    available = entry.available & np.isfinite(entry.features).all(axis=1)
    return name, np.nan_to_num(entry.features, nan=0.0), available


def _standardisation(features: np.ndarray, dataset: MultiModalDataset, available: np.ndarray, split: Split | None):
    rows = _rows_with(dataset, available, split).train
    seen = np.unique(dataset.ratings["item"].to_numpy()[rows])
    return column_scale(features[seen], floor=1e-8)


def train_task_encoder(
    dataset: MultiModalDataset,
    modality: str,
    out_dim: int | None = None,
    user_vectors=None,
    *,
    epochs: int = 60,
    seed: int = 0,
    hidden=None,
    split: Split | None = None,
    **fit_options,
) -> tuple[nn.Module, EncoderHistory]:
    """Train a ``DenseEncoder`` on the feature matrix of ``modality`` (audio -> 512-d, video -> 231-d).

    ``hidden`` defaults to (1024,) for audio and (1024, 512) for video (the paper's dense stack);
    ``fit_options`` go to ``fit_encoder`` (batch_size, lr, patience, val_fraction, user_dim, ...).
    """
    name, features, available = _modality_features(dataset, modality)
    out_dim = out_dim or DEFAULT_DIMS.get(name)
    if out_dim is None:
        raise MTM4FError(f"No default embedding width for {name!r}: pass out_dim.")
    mean, std = _standardisation(features, dataset, available, split)
    torch.manual_seed(seed)
    encoder = DenseEncoder(features.shape[1], out_dim, hidden or DEFAULT_HIDDEN.get(name, (1024,)), mean, std)
    return fit_encoder(dataset, encoder, features, available, split=split, user_vectors=user_vectors, epochs=epochs, seed=seed, **fit_options)


def task_specific_embeddings(dataset: MultiModalDataset, modality: str, out_dim: int | None = None, user_vectors=None, **options) -> np.ndarray:
    """Train the task encoder of ``modality`` and return float32 [n_items, out_dim] embeddings (NaN where unavailable)."""
    name, features, available = _modality_features(dataset, modality)
    encoder, _ = train_task_encoder(dataset, name, out_dim, user_vectors, **options)
    return embed_items(encoder, features, available)


def out_of_fold_embeddings(dataset: MultiModalDataset, modality: str, folds: int = 5, split: Split | None = None, seed: int = 0, **options) -> np.ndarray:
    """Task-specific embeddings in which no item's row depends on its own ratings.

    The items are dealt into ``folds`` seeded folds; fold k is embedded by an encoder trained on the training rows of
    ``split`` (default: the dataset's) whose items lie in the other folds. ``options`` go to :func:`task_specific_embeddings`.
    """
    if folds < 2:
        raise MTM4FError(f"Out-of-fold embeddings need at least 2 folds; got {folds}.")
    split = split or dataset.split
    fold = np.random.default_rng([seed, folds]).permutation(dataset.n_items) % folds
    train_fold = fold[dataset.ratings["item"].to_numpy()[split.train]]
    parts = [task_specific_embeddings(dataset, modality, seed=seed, split=replace(split, train=split.train[train_fold != k]), **options) for k in range(folds)]
    return np.stack(parts)[fold, np.arange(dataset.n_items)]
