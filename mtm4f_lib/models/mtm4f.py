"""The MTM4F model: item modalities -> CentralNet -> GAT over the item graph -> multi-task network.

For every step the item side runs once over the served items: CentralNet fuses the standardised modality
matrices into one representation per branch (central, plus each modality for variant ``all``), the
GAT refines the fused (central) representation over the training item graph (section 5.3.1; the
modality branches of ``all`` are not fused, so they skip it), and the rows of the batch index the result.
Each rating row's input to the task network is ``[user vector | item representation]``, where the
user vector is a learnt embedding and/or a provided user-feature matrix.

Rating output: with ``rating_output='linear'`` the rating head regresses the rating directly, its
bias starting at the training mean, and evaluation clips predictions to the rating range; with
``'sigmoid'`` the head is squashed into the range. Variant ``all`` sums the task loss of every
branch (a modality branch only over rows whose item has that modality); predictions read the
central branch.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torch_geometric.utils import subgraph

from ..data import MultiModalDataset
from ..errors import MTM4FError
from .centralnet import CENTRAL, CentralNet
from .config import ModelConfig
from .gat import ItemGAT
from .inputs import ItemInputs, item_inputs, liked_matrix, user_inputs
from .item_graph import item_graph
from .multitask import RatingScale, TaskObjective, multitask_net, task_output_dims


class MTM4F(nn.Module):
    """The assembled model; build it with :meth:`from_dataset`.

    Implements the interface :func:`mtm4f_lib.training.fit` drives: ``tasks``,
    ``loss(users, items, labels)`` and ``predict(users, items)``.
    """

    def __init__(
        self,
        config: ModelConfig,
        items: ItemInputs,
        edge_index: torch.Tensor | None,
        n_users: int,
        n_genres: int,
        rating_range: tuple[float, float],
        rating_mean: float,
        user_features: torch.Tensor | None = None,
        liked: torch.Tensor | None = None,
        served: torch.Tensor | None = None,
        test_items: ItemInputs | None = None,
    ):
        super().__init__()
        if (user_features is None) != (config.user_features is None):
            raise MTM4FError("Pass a user-feature matrix exactly when ModelConfig.user_features names one.")
        if (liked is None) != (config.user_history == "none"):
            raise MTM4FError("Pass the liked-item matrix exactly when ModelConfig.user_history is 'liked'.")
        user_dim = config.user_dim(0 if user_features is None else user_features.shape[1])
        if user_dim == 0:
            raise MTM4FError("The model needs a user vector: set user_embedding_dim > 0 or pass user features.")
        self.config = config
        self.tasks = config.tasks
        self.items = items
        self.test_items = test_items
        served = torch.arange(items.n_items) if served is None else torch.as_tensor(served, dtype=torch.long)
        if len(served) != items.n_items:
            raise MTM4FError(f"served lists {len(served)} items but the item inputs hold {items.n_items}.")
        self.register_buffer("served_items", served, persistent=False)
        self.register_buffer("local_index", torch.full((int(served.max()) + 1,), -1, dtype=torch.long), persistent=False)
        self.local_index[served] = torch.arange(len(served))
        self.fusion = CentralNet(items.dims, config.fusion_hidden, config.item_dim, config.fusion, config.dropout)
        self.gat = ItemGAT(config.item_dim, edge_index, config.gat_layers, config.gat_heads, config.gat, config.dropout) if config.gat_layers else None
        self.user_embedding = nn.Embedding(n_users, config.user_embedding_dim) if config.user_embedding_dim else None
        self.register_buffer("user_features", user_features, persistent=False)
        self.register_buffer("liked", liked, persistent=False)
        self.task_net = multitask_net(
            config.multitask, user_dim + config.item_dim, task_output_dims(config.tasks, n_genres), config.trunk_hidden, config.private_hidden, config.dropout
        )
        self.interaction = (
            nn.ModuleDict({"user": nn.Linear(user_dim, config.item_dim, bias=False), "item": nn.Linear(config.item_dim, config.item_dim, bias=False)})
            if config.rating_interaction == "dot"
            else None
        )
        scale = RatingScale(*rating_range, config.rating_output)
        self.objective = TaskObjective(dict(zip(config.tasks, config.task_weights)), scale, config.task_losses)
        with torch.no_grad():
            self.task_net.heads["rating"].bias.fill_(scale.raw_for(rating_mean))

    @classmethod
    def from_dataset(
        cls,
        dataset: MultiModalDataset,
        train_rows: np.ndarray,
        config: ModelConfig,
        user_features: np.ndarray | None = None,
        served_items: np.ndarray | None = None,
        test_dataset: MultiModalDataset | None = None,
    ) -> MTM4F:
        """Build inputs, item graph and rating-mean start from ``train_rows`` only.

        ``served_items`` (item ids; default all) are the items the model can score: the item side
        runs over them alone, and the item graph keeps the edges among them. It must hold every
        item of ``train_rows``. ``test_dataset`` is another view of the same dataset whose item
        inputs (standardised with the training statistics) the test reads, inside :meth:`test_inputs`:
        the complete test set of the missing-modality protocol.
        """
        train_rows = np.asarray(train_rows)
        if len(train_rows) == 0:
            raise MTM4FError("MTM4F.from_dataset needs at least one training row.")
        served = torch.arange(dataset.n_items) if served_items is None else torch.as_tensor(np.unique(served_items), dtype=torch.long)
        train_items = np.unique(dataset.ratings["item"].to_numpy()[train_rows])
        if not np.isin(train_items, served.numpy()).all():
            raise MTM4FError("served_items must include every item of the training rows.")
        items = item_inputs(dataset, config.modalities, train_rows)
        edges = (
            subgraph(served, item_graph(config.graph, dataset, train_rows, items, config.graph_k), relabel_nodes=True, num_nodes=dataset.n_items)[0]
            if config.gat_layers
            else None
        )
        mean = float(dataset.ratings["rating"].to_numpy()[train_rows].mean())
        liked = liked_matrix(dataset, train_rows, config.like_threshold).index_select(1, served).coalesce() if config.user_history == "liked" else None
        return cls(
            config,
            items.take(served),
            edges,
            dataset.n_users,
            len(dataset.genre_names),
            dataset.rating_range,
            mean,
            user_inputs(user_features, dataset.n_users),
            liked,
            served,
            None if test_dataset is None else item_inputs(test_dataset, config.modalities, train_rows, reference=dataset).take(served),
        )

    def _apply(self, fn, recurse=True):
        """Move or cast the item inputs along with the parameters and buffers (``.to(device)``)."""
        self.items = self.items.map(fn)
        self.test_items = None if self.test_items is None else self.test_items.map(fn)
        return super()._apply(fn, recurse)

    @contextmanager
    def test_inputs(self):
        """Inside, the model reads the test view's item inputs (when it was built with one)."""
        if self.test_items is None:
            yield self
            return
        training_items, self.items = self.items, self.test_items
        try:
            yield self
        finally:
            self.items = training_items

    def _local(self, items: torch.Tensor) -> torch.Tensor:
        """Item ids -> rows of the served items; an error for an item the model does not serve."""
        local = self.local_index[items.clamp(max=len(self.local_index) - 1)]
        if (items >= len(self.local_index)).any() or (local < 0).any():
            raise MTM4FError("Some items are not among the model's served items; build it with served_items covering them.")
        return local

    def _stacked_items(self, central_only: bool) -> tuple[list[str], torch.Tensor]:
        """Branch names and their item representations stacked as [B, n_items, item_dim]."""
        fused = self.fusion(self.items.features, self.items.masks)
        if self.gat is not None:
            fused[CENTRAL] = self.gat(fused[CENTRAL])
        names = [CENTRAL] if central_only else list(fused)
        return names, torch.stack([fused[b] for b in names])

    def item_representations(self, central_only: bool = False) -> dict[str, torch.Tensor]:
        """{branch: [n_served, item_dim]} after fusion (and graph attention for the central one), rows in ``served_items`` order."""
        names, stacked = self._stacked_items(central_only)
        return dict(zip(names, stacked))

    def user_vectors(self, users: torch.Tensor, central: torch.Tensor | None = None) -> torch.Tensor:
        """[learnt embedding | provided features | liked-item mean of ``central`` item vectors], as configured."""
        parts = [self.user_embedding(users)] if self.user_embedding is not None else []
        if self.user_features is not None:
            parts.append(self.user_features[users])
        if self.liked is not None:
            central = self.item_representations(central_only=True)["central"] if central is None else central
            parts.append(torch.sparse.mm(self.liked, central)[users])
        return torch.cat(parts, dim=1)

    def _raw_outputs(self, users: torch.Tensor, items: torch.Tensor, central_only: bool) -> tuple[list[str], dict[str, torch.Tensor]]:
        """Branch names and the task network's raw outputs for every (branch, row), branch-major."""
        names, stacked = self._stacked_items(central_only)
        user = self.user_vectors(users, stacked[0])
        raw = self.task_net.forward_pairs(user, stacked, items)
        if self.interaction is not None:
            raw["rating"] = raw["rating"] + (self.interaction["user"](user) * self.interaction["item"](stacked)[:, items]).sum(-1)
        return names, {t: y.reshape(-1, *y.shape[2:]) for t, y in raw.items()}

    def loss(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        """Sum over branches of the alpha-weighted task losses, each a mean over the branch's valid rows."""
        items = self._local(items)
        names, raw = self._raw_outputs(users, items, central_only=False)
        valid = torch.stack([torch.ones_like(items, dtype=torch.bool) if b == CENTRAL else self.items.masks[b][items] for b in names]).float()
        weights = (valid / valid.sum(dim=1, keepdim=True).clamp_min(1.0)).reshape(-1)
        repeated = {t: y.repeat(len(names), *([1] * (y.ndim - 1))) for t, y in labels.items()}
        return self.objective(raw, repeated, weights)[0]

    def predict(self, users: torch.Tensor, items: torch.Tensor) -> dict[str, torch.Tensor]:
        """Task predictions of the central branch: rating, genre/gender probabilities, age-group probabilities."""
        return self.objective.predictions(self._raw_outputs(users, self._local(items), central_only=True)[1])
