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
from torch.func import functional_call
from torch_geometric.utils import subgraph

from ..data import MultiModalDataset
from ..errors import MTM4FError
from .baselines.biased_mf import BiasedMF
from .baselines.content_baseline import CONTENT_OFFSET, fit_content_baseline
from .baselines.lightgcn import LightGCNRating, rating_graph
from .centralnet import CENTRAL, CentralNet
from .config import ModelConfig
from .early_fusion import EarlyFusion
from .gat import ItemGAT
from .inputs import ItemInputs, item_inputs, liked_matrix, user_inputs
from .item_graph import item_graph
from .missing import PriorReconstruction, Regulariser, modality_priors
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
        priors: dict[str, torch.Tensor] | None = None,
        training_pairs: tuple[np.ndarray, np.ndarray] | None = None,
        baseline: tuple[torch.Tensor, torch.Tensor] | None = None,
    ):
        super().__init__()
        if (user_features is None) != (config.user_features is None):
            raise MTM4FError("Pass a user-feature matrix exactly when ModelConfig.user_features names one.")
        if (baseline is None) != (config.rating_baseline == "none"):
            raise MTM4FError("Pass the baseline's (user, item) estimate parts exactly when ModelConfig.rating_baseline is not 'none'.")
        if (liked is None) != (config.user_history == "none"):
            raise MTM4FError("Pass the liked-item matrix exactly when ModelConfig.user_history is 'liked'.")
        user_dim = config.user_dim(0 if user_features is None else user_features.shape[1])
        if user_dim == 0:
            raise MTM4FError("The model needs a user vector: set user_embedding_dim > 0 or pass user features.")
        self.config = config
        self._batches = 0  # training batches seen: the meta step takes every ``meta_every``-th
        self.tasks = config.tasks
        self.items = items
        self.test_items = test_items
        served = torch.arange(items.n_items) if served is None else torch.as_tensor(served, dtype=torch.long)
        if len(served) != items.n_items:
            raise MTM4FError(f"served lists {len(served)} items but the item inputs hold {items.n_items}.")
        self.register_buffer("served_items", served, persistent=False)
        self.register_buffer("local_index", torch.full((int(served.max()) + 1,), -1, dtype=torch.long), persistent=False)
        self.local_index[served] = torch.arange(len(served))
        self.fusion = (
            EarlyFusion(items.dims, config.fusion_hidden, config.item_dim, config.dropout)
            if config.fusion == "concat"
            else CentralNet(items.dims, config.fusion_hidden, config.item_dim, config.fusion, config.dropout)
        )
        self.gat = ItemGAT(config.item_dim, edge_index, config.gat_layers, config.gat_heads, config.gat, config.dropout) if config.gat_layers else None
        self.user_embedding = nn.Embedding(n_users, config.user_embedding_dim) if config.user_embedding_dim else None
        self.register_buffer("user_features", user_features, persistent=False)
        self.register_buffer("liked", liked, persistent=False)
        self.register_buffer("baseline_user", None if baseline is None else baseline[0], persistent=False)
        self.register_buffer("baseline_item", None if baseline is None else baseline[1], persistent=False)
        self.task_net = multitask_net(
            config.multitask, user_dim + config.item_dim, task_output_dims(config.tasks, n_genres), config.trunk_hidden, config.private_hidden, config.dropout
        )
        self.interaction = (
            nn.ModuleDict({"user": nn.Linear(user_dim, config.item_dim, bias=False), "item": nn.Linear(config.item_dim, config.item_dim, bias=False)})
            if config.rating_interaction == "dot"
            else None
        )
        self.collaborative = _collaborative_term(config, n_users, items.n_items, rating_range, training_pairs) if config.collaborative_dim else None
        self._missing_networks(config, items.dims, priors or {})
        scale = RatingScale(*rating_range, config.rating_output)
        self.objective = TaskObjective(dict(zip(config.tasks, config.task_weights)), scale, config.task_losses)
        with torch.no_grad():
            self.task_net.heads["rating"].bias.fill_(scale.raw_for(rating_mean) if baseline is None else 0.0)  # the baseline holds the mean

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
        model = cls(
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
            _priors(config, items, train_items, served) if config.missing == "m4" else None,
            (dataset.ratings["user"].to_numpy()[train_rows], np.searchsorted(served.numpy(), dataset.ratings["item"].to_numpy()[train_rows])),
            _baseline(config, dataset, train_rows, served),
        )
        return model

    def _missing_networks(self, config: ModelConfig, dims: dict[str, int], priors: dict[str, torch.Tensor]) -> None:
        """f_phi_c per modality that some served movie lacks in training, f_phi_r at every regularised layer (method 'm4')."""
        self.reconstruct = nn.ModuleDict({m: PriorReconstruction(sum(d for o, d in dims.items() if o != m) + len(dims), p) for m, p in priors.items()})
        layers = {}
        if config.missing == "m4" and config.regularise != "none" and priors:  # only when some movie lacks a modality
            for depth, width in enumerate(config.fusion_hidden):
                layers.update({f"{m}_{depth}": width for m in dims})
                if depth + 1 < len(config.fusion_hidden):
                    layers[f"{CENTRAL}_{depth}"] = config.fusion_hidden[depth + 1]
            layers.update({f"trunk_{depth}": width for depth, width in enumerate(config.trunk_hidden)})
        self.regularisers = nn.ModuleDict({name: Regulariser(width, config.regularise) for name, width in layers.items()})

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

    def _item_inputs(self, simulate: bool = False) -> tuple[dict, dict, torch.Tensor | None, torch.Tensor]:
        """(features, masks, reconstruction MSE, incomplete-item flags) of the served items.

        Modality dropout ('moddrop') drops masks at random in training. With reconstruction networks
        ('m4'), each modality a movie lacks is replaced by its reconstruction from the movie's other
        modalities, and the MSE of the reconstructions of the movies that have it is returned; with
        ``simulate`` every reconstructed modality counts as missing (the meta-test on complete rows).
        """
        features, masks = dict(self.items.features), dict(self.items.masks)
        if self.config.missing == "moddrop" and self.training:
            masks = {m: k & (torch.rand(k.shape, device=k.device) >= self.config.modality_dropout) for m, k in masks.items()}
        incomplete = ~torch.stack(list(masks.values())).all(0)
        if not len(self.reconstruct):
            return features, masks, None, incomplete
        visible = {m: (k & False) if simulate and m in self.reconstruct else k for m, k in masks.items()}
        flags = torch.stack([visible[m].to(features[m].dtype) for m in features], dim=1)
        errors = []
        for m, network in self.reconstruct.items():
            context = torch.cat([features[o] * visible[o].unsqueeze(1) for o in features if o != m] + [flags], dim=1)
            rebuilt = network(context)
            errors.append(((rebuilt - features[m]) ** 2)[masks[m]].mean())
            features[m] = torch.where(visible[m].unsqueeze(1), features[m], rebuilt)
            masks[m] = torch.ones_like(masks[m])
        return features, masks, torch.stack(errors).mean(), incomplete | simulate

    def _regularise(self, flags: torch.Tensor):
        """``regularise(name, depth, h)`` for the networks: f_phi_r on the flagged rows (items, or rows of the trunk), None without regularisers."""
        if not len(self.regularisers) or not bool(flags.any()):
            return None  # no flagged row: the networks run clean and draw no noise

        def regularise(name: str, depth: int, h: torch.Tensor) -> torch.Tensor:
            rows, layer = (flags if name != "trunk" else self._row_flags), self.regularisers[f"{name}_{depth}"]
            if bool(rows.all()):  # every row flagged (the meta-test): no gather and scatter
                return layer(h)
            index = rows.nonzero().squeeze(1)  # only the flagged rows pass through f_phi_r
            return h.index_copy(-2, index, layer(h.index_select(-2, index)))

        return regularise

    def _stacked_items(self, central_only: bool, simulate: bool = False) -> tuple[list[str], torch.Tensor]:
        """Branch names and their item representations stacked as [B, n_items, item_dim]."""
        features, masks, self._recon_error, self._incomplete = self._item_inputs(simulate)
        fused = self.fusion(features, masks, self._regularise(self._incomplete))
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

    def _raw_outputs(self, users: torch.Tensor, items: torch.Tensor, central_only: bool, simulate: bool = False) -> tuple[list[str], dict[str, torch.Tensor]]:
        """Branch names and the task network's raw outputs for every (branch, row), branch-major."""
        names, stacked = self._stacked_items(central_only, simulate)
        user = self.user_vectors(users, stacked[0])
        self._row_flags = self._incomplete[items]
        raw = self.task_net.forward_pairs(user, stacked, items, self._regularise(self._incomplete))
        if self.interaction is not None:
            raw["rating"] = raw["rating"] + (self.interaction["user"](user) * self.interaction["item"](stacked)[:, items]).sum(-1)
        self._id_penalty = None
        if self.collaborative is not None:  # the hybrid: an id term (biased MF or LightGCN) on every branch's rating
            term, squares = self.collaborative.terms(users, items)
            raw["rating"] = raw["rating"] + term
            self._id_penalty = self.config.collaborative_reg * squares.mean()
        if self.baseline_user is not None:  # the content baseline's estimate: the network learns the residual
            raw["rating"] = raw["rating"] + self.baseline_user[users] + self.baseline_item[items]
        return names, {t: y.reshape(-1, *y.shape[2:]) for t, y in raw.items()}

    def forward(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor], simulate: bool = False) -> torch.Tensor:
        """The training objective on rows of served items (local indices): the sum over branches of the
        alpha-weighted task losses, each a mean over the branch's valid rows, plus the id factors' penalty
        of the hybrid, plus ``recon_weight`` x the reconstruction MSE when the model reconstructs modalities."""
        names, raw = self._raw_outputs(users, items, central_only=False, simulate=simulate)
        return self._task_loss(names, raw, items, labels) + self._penalties()

    def _penalties(self) -> torch.Tensor | float:
        """What the last pass adds to the task loss: the hybrid's id-factor penalty and the weighted reconstruction MSE."""
        extra = [] if self._id_penalty is None else [self._id_penalty]
        extra += [] if self._recon_error is None else [self.config.recon_weight * self._recon_error]
        return sum(extra, 0.0)

    def _task_loss(self, names: list[str], raw: dict[str, torch.Tensor], items: torch.Tensor, labels: dict[str, torch.Tensor], rows=None) -> torch.Tensor:
        """The weighted task loss of the raw outputs (branch-major), over all rows or the ``rows`` mask."""
        if rows is not None:
            raw = {t: y.reshape(len(names), len(items), *y.shape[1:])[:, rows].reshape(-1, *y.shape[1:]) for t, y in raw.items()}
            items, labels = items[rows], {t: y[rows] for t, y in labels.items()}
        valid = torch.stack([torch.ones_like(items, dtype=torch.bool) if b == CENTRAL else self.items.masks[b][items] for b in names]).float()
        if len(self.reconstruct):  # a reconstructed modality is valid for its branch
            valid = torch.ones_like(valid)
        weights = (valid / valid.sum(dim=1, keepdim=True).clamp_min(1.0)).reshape(-1)
        repeated = {t: y.repeat(len(names), *([1] * (y.ndim - 1))) for t, y in labels.items()}
        return self.objective(raw, repeated, weights)[0]

    def loss(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        """The objective of :meth:`forward`; for method 'm4' with meta-learning, plus one Bayesian meta step (paper 5.5).

        The training loss is the objective over the whole batch (complete rows with their own vectors,
        the others with their reconstructions). Meta-train: the task loss on the batch's rows of movies
        that lack a modality, with theta (the main network) and phi (reconstruction and regularisation);
        an inner step adapts theta: theta' = theta - inner_lr * grad (second order keeps the graph of
        that gradient). Meta-test: the adapted network on the batch's complete rows with their
        reconstructed modalities treated as missing: task loss plus reconstruction MSE against the true
        features. The loop's one Adam step then updates theta and phi on training + meta-test loss. With
        ``meta_every`` k > 1 only every k-th training batch takes the meta step; the others take the training loss.
        """
        items = self._local(items)
        meta = self.config.missing == "m4" and self.config.meta != "none" and self._batches % self.config.meta_every == 0
        self._batches += 1
        step = self.meta_step(users, items, labels) if meta else None
        if step is None:
            return self(users, items, labels)
        train, adapted, complete = step
        return train + functional_call(self, adapted, complete, {"simulate": True})

    def meta_step(self, users: torch.Tensor, items: torch.Tensor, labels: dict[str, torch.Tensor]):
        """(training loss, adapted main parameters theta', the complete rows as arguments of :meth:`forward`) of one
        meta step on rows of served items (local indices); None when the batch lacks either kind of row.
        One pass over the item side serves the training loss and the meta-train loss."""
        incomplete = self._incomplete_rows(items)
        if incomplete is None:
            return None
        names, raw = self._raw_outputs(users, items, central_only=False)
        train = self._task_loss(names, raw, items, labels) + self._penalties()
        inner = self._task_loss(names, raw, items, labels, incomplete)
        adapted = {n: p for n, p in self.named_parameters() if p.requires_grad and not n.startswith(("reconstruct.", "regularisers."))}
        second = self.config.meta == "second"
        meta_train = (users[incomplete], items[incomplete], {t: y[incomplete] for t, y in labels.items()})
        for step in range(self.config.inner_steps):
            if step:  # later inner steps run the adapted network on the incomplete rows again
                inner = functional_call(self, adapted, meta_train)
            grads = torch.autograd.grad(inner, list(adapted.values()), create_graph=second, retain_graph=True, allow_unused=True)
            adapted = {n: p if g is None else p - self.config.inner_lr * (g if second else g.detach()) for (n, p), g in zip(adapted.items(), grads)}
        rows = ~incomplete
        return train, adapted, (users[rows], items[rows], {t: y[rows] for t, y in labels.items()})

    def _incomplete_rows(self, items: torch.Tensor) -> torch.Tensor | None:
        """Rows whose movie lacks a modality the model reconstructs; None unless the batch has both kinds of row."""
        if not len(self.reconstruct):
            return None
        rows = ~torch.stack([self.items.masks[m][items] for m in self.reconstruct]).all(0)
        return rows if rows.any() and not rows.all() else None

    def predict(self, users: torch.Tensor, items: torch.Tensor) -> dict[str, torch.Tensor]:
        """Task predictions of the central branch: rating, genre/gender probabilities, age-group probabilities."""
        return self.objective.predictions(self._raw_outputs(users, self._local(items), central_only=True)[1])


def _collaborative_term(config: ModelConfig, n_users: int, n_items: int, rating_range, pairs) -> nn.Module:
    """The hybrid's id term over the served movies (``terms(users, items)``: the term and its squares per row): biased MF,
    or LightGCN over the graph of the training ratings ``pairs`` (users, local movie rows). Either has id embeddings only
    for the users and movies of ``pairs`` (all of them when ``pairs`` is None, for biased MF)."""
    if config.collaborative == "mf":
        term = BiasedMF(n_users, n_items, config.collaborative_dim, config.collaborative_reg, 0.0, rating_range)
        return term if pairs is None else term.only_seen(*pairs)
    if pairs is None:
        raise MTM4FError("The hybrid's LightGCN term propagates over the training ratings: build the model with MTM4F.from_dataset, or pass training_pairs.")
    graph = rating_graph(*pairs, n_users)
    return LightGCNRating(n_users, n_items, graph, config.collaborative_dim, config.collaborative_layers, config.collaborative_reg, 0.0, rating_range)


def _baseline(config: ModelConfig, dataset: MultiModalDataset, train_rows: np.ndarray, served: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The content baseline's estimate parts (mu + b_u per user, b_i per served movie) fitted on ``train_rows``, or None."""
    if config.rating_baseline == "none":
        return None
    mu, user_bias, item_bias = fit_content_baseline(dataset, train_rows, CONTENT_OFFSET, config.modalities)
    return torch.as_tensor(mu + user_bias, dtype=torch.float32), torch.as_tensor(item_bias[served.numpy()], dtype=torch.float32)


def _priors(config: ModelConfig, items: ItemInputs, train_items: np.ndarray, served: torch.Tensor) -> dict[str, torch.Tensor]:
    """Priors of every modality that some served movie lacks, from the training movies that have it (standardised inputs)."""
    trained = torch.zeros(items.n_items, dtype=torch.bool)
    trained[torch.as_tensor(train_items)] = True
    lacking = [m for m in items.modalities if not items.masks[m][served].all()]
    return {m: torch.as_tensor(modality_priors(items.features[m][items.masks[m] & trained].numpy(), config.prior_kind, config.prior_k)) for m in lacking}
