"""The frozen configuration of an MTM4F model: every field that shapes the network or its loss.

Together with :class:`mtm4f_lib.training.TrainConfig` it fully describes a run, so an experiment
runner can hash ``dataclasses.asdict(config)`` to key a cached result. Fields hold only strings,
numbers and tuples.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import MODALITIES, TASKS, parse_modalities
from ..errors import MTM4FError, check_choice

FUSIONS = ("all", "fuse", "concat")
GRAPHS = ("corating", "knn")
GAT_KINDS = ("gat", "gatv2", "gcn")
MULTITASKS = ("fs", "sp")
TASK_LOSSES = ("mse", "native")
RATING_OUTPUTS = ("linear", "sigmoid")
INTERACTIONS = ("none", "dot")
USER_HISTORIES = ("none", "liked")
MISSING_HANDLING = ("mask", "mean", "propagate", "regressor", "moddrop", "m4")
PRIOR_KINDS = ("kmeans", "pca")
REGULARISATIONS = ("none", "add", "mul")
META_ORDERS = ("none", "first", "second")
COLLABORATIVE_TERMS = ("mf", "lightgcn")
RATING_BASELINES = ("none", "content")
# Fields added after the grids of Tables 1-4 were run, with the value those runs had: a run key leaves
# a field out while it holds that value, so the keys of every stored run stay what they were.
KEYED_ONLY_OFF_DEFAULT = {
    "missing": "mask",
    "modality_dropout": 0.25,
    "prior_kind": "kmeans",
    "prior_k": 10,
    "regularise": "add",
    "meta": "first",
    "inner_lr": 0.01,
    "inner_steps": 1,
    "meta_every": 1,
    "recon_weight": 1.0,
    "collaborative_dim": 0,
    "collaborative_reg": 0.05,
    "collaborative": "mf",
    "collaborative_layers": 2,
    "rating_baseline": "none",
}


def _positive(field: str, values) -> None:
    if not values or any(int(v) != v or v < 1 for v in values):
        raise MTM4FError(f"ModelConfig.{field} needs positive integers, got {values!r}.")


@dataclass(frozen=True)
class ModelConfig:
    """Architecture and loss of one MTM4F model.

    modalities      item modalities fused by CentralNet ('AV', ('audio', 'video'), ...; stored as names).
    tasks           t1..t4 among 'rating', 'genre', 'gender', 'age'; 'rating' is required.
    task_weights    alpha_t per task, aligned with ``tasks``; empty means 1.0 for every task.
    task_losses     'mse': the paper's MSE on every task (on probabilities for the classification
                    tasks); 'native': BCE for genre and gender, cross-entropy for age.
    fusion          CentralNet variant: 'all' (central and every modality branch enter the loss)
                    or 'fuse' (only the central branch); 'concat': early fusion, the modality vectors
                    side by side into one MLP (the paper's baselines, ``models.early_fusion``).
    fusion_hidden   widths of the hidden layers shared by the modality and central networks.
    item_dim        width of the item representation each CentralNet branch outputs.
    graph           item graph over which the GAT runs: 'corating' (training co-ratings) or 'knn'
                    (feature-space neighbours); see :mod:`mtm4f_lib.models.item_graph`.
    graph_k         neighbours per item in that graph.
    gat, gat_layers, gat_heads   torch_geometric GATConv ('gat'), GATv2Conv ('gatv2') or GCNConv
                    ('gcn', no attention heads); 0 layers skips the graph layers (and the graph).
    multitask       'fs' fully shared or 'sp' shared-private task network.
    trunk_hidden    widths of the shared trunk; ``private_hidden`` those of each private network (SP).
    user_embedding_dim  width of the learnt user embedding table (0: none).
    user_features   name of the provided user-vector matrix passed to the model (None: none); it is
                    part of a run's identity, so it lives here while the matrix is passed at build time.
    user_history    'liked': the user vector also holds the mean of the fused item vectors (after the
                    GAT) of the movies the user rated above ``like_threshold`` in the training rows:
                    section 5.1.5's user embedding, computed inside the model so that it follows
                    the item representation as it trains; 'none': no such part.
    like_threshold  rating above which a training rating counts as liked (the paper's 3).
    rating_output   'linear': raw regression with its bias initialised at the training mean,
                    clipped to the rating range at evaluation; 'sigmoid': sigmoid scaled to the range.
    rating_interaction  'none': the rating is the task network's output alone (the paper's);
                    'dot': plus the dot product of learnt projections of the user vector and the
                    item representation (a factorisation term; an MLP over ``[user | item]``
                    learns such multiplicative user-item effects poorly).
    collaborative_dim   the hybrid (beyond the paper): > 0 adds a biased matrix-factorisation term
                    b_u + b_i + p_u . q_i with learnt id factors of this width to the rating output
                    (``models.baselines.biased_mf``), its squares weighted by ``collaborative_reg``
                    per row in the loss, as in Surprise's SVD: what the modalities add on top of
                    collaborative signal. 0: none (the paper's model). ``collaborative`` 'lightgcn'
                    propagates the id embeddings over the training ratings' user-movie graph first
                    (``collaborative_layers`` LightGCN layers, ``models.baselines.lightgcn``) and
                    penalises the squares of the embeddings before propagation.
    rating_baseline 'none' (the paper's); 'content' (beyond the paper): the rating output is the content
                    baseline's estimate mu + b_u + b_i (``models.baselines.content_baseline``, fitted on the
                    training rows with ``CONTENT_OFFSET``; a movie unseen in training gets the bias its
                    modalities predict) plus the network's output, which then learns the residual.
    dropout         dropout rate of every dense block and of the GAT attention.
    missing         how a modality missing from a movie reaches the model: 'mask' (zero vector and a
                    presence mask: CentralNet leaves the branch out of the sum); a fill of the missing
                    vectors before the model sees them (see ``data.fills``): 'mean' (training mean),
                    'propagate' (feature propagation over the co-rating graph), 'regressor' (an MLP
                    from the always-present modalities, fitted on the training movies); 'moddrop'
                    (mask, and in training each modality of each movie dropped with probability
                    ``modality_dropout``); or 'm4', the paper's method (``models.missing``):
                    reconstruction over ``prior_k`` priors ('kmeans' or 'pca' ``prior_kind``),
                    feature regularisation ``regularise`` ('add', 'mul' or 'none') and Bayesian
                    meta-learning ``meta`` ('first' or 'second' order, or 'none' for joint training)
                    with ``inner_steps`` SGD steps of rate ``inner_lr``, on every ``meta_every``-th
                    training batch (the others train jointly: a cheaper run); ``recon_weight`` weighs the
                    reconstruction MSE.
    """

    modalities: tuple[str, ...] = MODALITIES
    tasks: tuple[str, ...] = TASKS
    task_weights: tuple[float, ...] = ()
    task_losses: str = "mse"
    fusion: str = "all"
    fusion_hidden: tuple[int, ...] = (128, 64)
    item_dim: int = 64
    graph: str = "corating"
    graph_k: int = 10
    gat: str = "gat"
    gat_layers: int = 1
    gat_heads: int = 4
    multitask: str = "sp"
    trunk_hidden: tuple[int, ...] = (128, 64)
    private_hidden: tuple[int, ...] = (32,)
    user_embedding_dim: int = 32
    user_features: str | None = None
    user_history: str = "liked"
    like_threshold: float = 3.0
    rating_output: str = "linear"
    rating_interaction: str = "none"
    dropout: float = 0.2
    missing: str = "mask"
    modality_dropout: float = 0.25
    prior_kind: str = "kmeans"
    prior_k: int = 10
    regularise: str = "add"
    meta: str = "first"
    inner_lr: float = 0.01
    inner_steps: int = 1
    meta_every: int = 1
    recon_weight: float = 1.0
    collaborative_dim: int = 0
    collaborative_reg: float = 0.05
    collaborative: str = "mf"
    collaborative_layers: int = 2
    rating_baseline: str = "none"

    def __post_init__(self):
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)
        set_("modalities", parse_modalities(self.modalities))
        tasks = tuple(self.tasks)
        unknown = [t for t in tasks if t not in TASKS]
        if unknown or "rating" not in tasks or len(set(tasks)) != len(tasks):
            raise MTM4FError(f"ModelConfig.tasks must be distinct tasks of {list(TASKS)} including 'rating', got {list(tasks)}.")
        set_("tasks", tuple(t for t in TASKS if t in tasks))
        weights = tuple(float(w) for w in self.task_weights) or (1.0,) * len(tasks)
        if len(weights) != len(tasks) or any(w < 0 for w in weights):
            raise MTM4FError(f"ModelConfig.task_weights needs one non-negative weight per task {list(tasks)}, got {list(self.task_weights)}.")
        set_("task_weights", tuple(weights[tasks.index(t)] for t in self.tasks))
        for field, options in (
            ("task_losses", TASK_LOSSES),
            ("fusion", FUSIONS),
            ("graph", GRAPHS),
            ("gat", GAT_KINDS),
            ("multitask", MULTITASKS),
            ("rating_output", RATING_OUTPUTS),
            ("rating_interaction", INTERACTIONS),
            ("user_history", USER_HISTORIES),
            ("missing", MISSING_HANDLING),
            ("prior_kind", PRIOR_KINDS),
            ("regularise", REGULARISATIONS),
            ("meta", META_ORDERS),
            ("collaborative", COLLABORATIVE_TERMS),
            ("rating_baseline", RATING_BASELINES),
        ):
            check_choice(f"ModelConfig.{field}", getattr(self, field), options)
        for field in ("fusion_hidden", "trunk_hidden", "private_hidden"):
            set_(field, tuple(getattr(self, field)))
            _positive(field, getattr(self, field))
        _positive("item_dim/graph_k/gat_heads/collaborative_layers", (self.item_dim, self.graph_k, self.gat_heads, self.collaborative_layers))
        if self.gat_layers < 0 or self.user_embedding_dim < 0 or self.collaborative_dim < 0 or self.collaborative_reg < 0:
            raise MTM4FError("ModelConfig.gat_layers, user_embedding_dim, collaborative_dim and collaborative_reg must be >= 0.")
        if self.gat_layers and self.item_dim % self.gat_heads:
            raise MTM4FError(f"ModelConfig.item_dim ({self.item_dim}) must be divisible by gat_heads ({self.gat_heads}).")
        if not 0 <= self.modality_dropout < 1 or min(self.prior_k, self.inner_steps, self.meta_every) < 1 or self.inner_lr < 0 or self.recon_weight < 0:
            raise MTM4FError(
                "ModelConfig needs 0 <= modality_dropout < 1, prior_k >= 1, inner_steps >= 1, meta_every >= 1, inner_lr >= 0 and recon_weight >= 0."
            )
        if self.fusion == "concat" and self.missing == "m4":
            raise MTM4FError("ModelConfig.missing 'm4' regularises CentralNet's layers; use fusion 'all' or 'fuse' with it, not 'concat'.")
        if not 0 <= self.dropout < 1:
            raise MTM4FError(f"ModelConfig.dropout must lie in [0, 1), got {self.dropout}.")
        if self.rating_baseline != "none" and self.rating_output != "linear":
            raise MTM4FError("ModelConfig.rating_baseline adds a rating estimate to the rating output: use rating_output 'linear' with it.")

    def user_dim(self, user_feature_dim: int = 0) -> int:
        """Width of the user vector: learnt embedding, provided features (``user_feature_dim`` wide) and the liked-item mean."""
        return self.user_embedding_dim + user_feature_dim + (self.item_dim if self.user_history == "liked" else 0)

    def weight(self, task: str) -> float:
        """alpha_t of ``task``."""
        return self.task_weights[self.tasks.index(task)]
