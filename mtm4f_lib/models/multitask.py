"""Multi-task networks and their objective (MTM4F section 5.4).

Tasks: t1 rating (main), t2 genre (multi-hot), t3 gender (0 = M, 1 = F), t4 age group (7 classes).
Both networks read one row vector per rating, ``[user vector | item representation]``:

* FS-MT: one shared trunk, then one linear output layer per task.
* SP-MT: the shared trunk plus a private MLP per task; each task's output
  layer reads the concatenation ``[shared | private_t]``.

The objective is ``sum_t alpha_t * loss_t``. With ``kind='mse'`` (the paper's) every task uses the
mean squared error over its output elements: the rating on the rating scale, genre and gender on
sigmoid probabilities, age on softmax probabilities against the one-hot group. ``kind='native'``
keeps MSE for the rating and uses BCE for genre and gender and cross-entropy for age.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ..data.tasks import get_task
from ..errors import MTM4FError, check_choice
from .layers import RowDropout, mlp


def task_output_dims(tasks: tuple[str, ...], n_genres: int) -> dict[str, int]:
    """Width of each task's output layer (from the task registry)."""
    return {t: get_task(t).width(n_genres) for t in tasks}


class MultiTaskNet(nn.Module):
    """FS-MT when ``private_hidden`` is empty, SP-MT otherwise; ``forward`` returns raw outputs per task.

    Raw outputs are [..., ] for rating and gender, [..., n_genres] for genre and [..., 7] logits for
    age. The first layers of the trunk and of every private network read the same input, so they are
    held as one linear layer (``input_layer``) whose output is split between them; this lets
    :meth:`forward_pairs` apply it to the user and the item part of each row separately.
    """

    def __init__(self, in_dim: int, task_dims: dict[str, int], trunk_hidden: tuple[int, ...], private_hidden: tuple[int, ...] = (), dropout: float = 0.0):
        super().__init__()
        self.parts = {"shared": trunk_hidden[0], **({t: private_hidden[0] for t in task_dims} if private_hidden else {})}
        self.input_layer = nn.Linear(in_dim, sum(self.parts.values()))
        self.activation = nn.Sequential(nn.ReLU(inplace=True), RowDropout(dropout))
        self.trunk = mlp(trunk_hidden[0], trunk_hidden[1:], dropout)
        self.private = nn.ModuleDict({t: mlp(private_hidden[0], private_hidden[1:], dropout) for t in task_dims} if private_hidden else {})
        width = trunk_hidden[-1] + (private_hidden[-1] if private_hidden else 0)
        self.heads = nn.ModuleDict({t: nn.Linear(width, d) for t, d in task_dims.items()})

    @property
    def shared_private(self) -> bool:
        return len(self.private) > 0

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return self._from_first_layer(self.input_layer(x))

    def forward_pairs(self, left: torch.Tensor, right: torch.Tensor, right_index: torch.Tensor, regularise=None) -> dict[str, torch.Tensor]:
        """Outputs for rows ``[left[r] | right[..., right_index[r], :]]`` without building those rows.

        ``left`` is [n, d_l], ``right`` a table [..., m, d_r] (e.g. branches x items) and
        ``right_index`` [n] indexes its rows; the outputs are [..., n, ...]. The first layer is applied
        to the n left rows and to the m table rows, then gathered: far cheaper than on every pair.
        ``regularise('trunk', depth, h)``, when given, is applied to every layer of the shared trunk.
        """
        weight, n_left = self.input_layer.weight, left.shape[-1]
        first_right = nn.functional.linear(right, weight[:, n_left:], self.input_layer.bias)
        return self._from_first_layer(first_right.index_select(-2, right_index).add_(nn.functional.linear(left, weight[:, :n_left])), regularise)

    def _from_first_layer(self, first: torch.Tensor, regularise=None) -> dict[str, torch.Tensor]:
        parts = dict(zip(self.parts, self.activation(first).split(list(self.parts.values()), dim=-1)))
        if regularise is None:
            shared = self.trunk(parts["shared"])
        else:
            shared = regularise("trunk", 0, parts["shared"])
            for depth, block in enumerate(self.trunk, start=1):
                shared = regularise("trunk", depth, block(shared))
        # Each head reads [shared | private_t]: its shared columns of every head run as one layer, and
        # no concatenated row vectors are built.
        n_shared = shared.shape[-1]
        weights = [head.weight for head in self.heads.values()]
        from_shared = nn.functional.linear(shared, torch.cat([w[:, :n_shared] for w in weights]), torch.cat([h.bias for h in self.heads.values()]))
        out = {}
        for (task, weight), y in zip(zip(self.heads, weights), from_shared.split([w.shape[0] for w in weights], dim=-1)):
            if self.shared_private:
                y = y + nn.functional.linear(self.private[task](parts[task]), weight[:, n_shared:])
            out[task] = y.squeeze(-1) if KIND_OUTPUTS[get_task(task).kind].scalar else y
        return out


def multitask_net(kind: str, in_dim: int, task_dims: dict[str, int], trunk_hidden, private_hidden, dropout: float = 0.0) -> MultiTaskNet:
    """'fs' (fully shared: the private networks are dropped) or 'sp' (shared-private)."""
    check_choice("multi-task network", kind, ("fs", "sp"))
    return MultiTaskNet(in_dim, task_dims, tuple(trunk_hidden), tuple(private_hidden) if kind == "sp" else (), dropout)


@dataclass(frozen=True)
class RatingScale:
    """Maps the raw rating output onto the rating scale.

    'linear': the raw value is the rating (clipped to ``[low, high]`` only at evaluation);
    'sigmoid': ``low + (high - low) * sigmoid(raw)``, always inside the range.
    """

    low: float
    high: float
    mode: str = "linear"

    def __post_init__(self):
        if self.mode not in ("linear", "sigmoid") or not self.low < self.high:
            raise MTM4FError(f"RatingScale needs mode 'linear' or 'sigmoid' and low < high, got {self.mode!r}, ({self.low}, {self.high}).")

    def __call__(self, raw: torch.Tensor) -> torch.Tensor:
        return raw if self.mode == "linear" else self.low + (self.high - self.low) * torch.sigmoid(raw)

    def raw_for(self, rating: float) -> float:
        """The raw output that maps to ``rating`` (used to start the output bias at the training mean)."""
        if self.mode == "linear":
            return rating
        p = min(max((rating - self.low) / (self.high - self.low), 1e-3), 1 - 1e-3)
        return float(torch.logit(torch.tensor(p)))


def _reduce(per_row: torch.Tensor, row_weights: torch.Tensor | None) -> torch.Tensor:
    return per_row.mean() if row_weights is None else (per_row * row_weights).sum()


def _squared(prediction: torch.Tensor, label: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    per = (prediction - label.to(raw.dtype)) ** 2
    return per.mean(1) if per.ndim == 2 else per


def _squared_one_hot(prediction: torch.Tensor, label: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    return ((prediction - F.one_hot(label.long(), raw.shape[1]).to(raw.dtype)) ** 2).mean(1)


def _bce(prediction: torch.Tensor, label: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    per = F.binary_cross_entropy_with_logits(raw, label.to(raw.dtype), reduction="none")
    return per.mean(1) if per.ndim == 2 else per


def _cross_entropy(prediction: torch.Tensor, label: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(raw, label.long(), reduction="none")


def _softmax(raw: torch.Tensor) -> torch.Tensor:
    return torch.softmax(raw, dim=1)


@dataclass(frozen=True)
class KindOutput:
    """How a task kind turns raw outputs into predictions and losses: ``scalar`` (one output unit,
    squeezed), ``predict(raw)`` (None: the rating scale), and the per-row loss for 'mse' and 'native'."""

    scalar: bool
    predict: Callable[[torch.Tensor], torch.Tensor] | None
    mse: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
    native: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


KIND_OUTPUTS = {
    "regression": KindOutput(True, None, _squared, _squared),
    "multilabel": KindOutput(False, torch.sigmoid, _squared, _bce),
    "binary": KindOutput(True, torch.sigmoid, _squared, _bce),
    "multiclass": KindOutput(False, _softmax, _squared_one_hot, _cross_entropy),
}


@dataclass(frozen=True)
class TaskObjective:
    """The weighted multi-task loss and the task predictions of raw outputs."""

    weights: dict[str, float]
    scale: RatingScale
    kind: str = "mse"

    def __post_init__(self):
        check_choice("task losses", self.kind, ("mse", "native"))

    def predictions(self, raw: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Rating on the rating scale; genre and gender probabilities; age-group probabilities."""
        return {t: (KIND_OUTPUTS[get_task(t).kind].predict or self.scale)(y) for t, y in raw.items()}

    def _per_row(self, task: str, raw: torch.Tensor, prediction: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return getattr(KIND_OUTPUTS[get_task(task).kind], self.kind)(prediction, label, raw)

    def __call__(
        self, raw: dict[str, torch.Tensor], labels: dict[str, torch.Tensor], row_weights: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, dict[str, float]]:
        """(sum_t alpha_t * loss_t, {task: loss_t}).

        loss_t is the mean over rows, or with ``row_weights`` the weighted sum over rows (the caller
        normalises the weights, e.g. to a mean over each CentralNet branch's valid rows).
        """
        predictions = self.predictions(raw)
        parts = {t: _reduce(self._per_row(t, raw[t], predictions[t], labels[t]), row_weights) for t in raw}
        total = sum(self.weights[t] * loss for t, loss in parts.items())
        return total, {t: float(loss.detach()) for t, loss in parts.items()}
