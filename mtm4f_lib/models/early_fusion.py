"""Early fusion: the modality vectors concatenated into one input of one MLP (the paper's baselines, Table 11).

The multimodal baselines MTM4F compares with ([5], [17], [19], [21]) describe the item as its
modality features put side by side; CentralNet's per-modality networks and learnt fusion weights are
MTM4F's own. A modality an item lacks enters as zeros, and the presence flags are part of the input,
so the network can tell a missing vector from a zero one. It returns the same ``{branch: vectors}``
as :class:`~mtm4f_lib.models.centralnet.CentralNet`, with the one branch ``'central'``.
"""

from __future__ import annotations

import torch
from torch import nn

from ..errors import MTM4FError
from .centralnet import CENTRAL
from .layers import mlp


class EarlyFusion(nn.Module):
    """[x_1 * k_1 | ... | x_M * k_M | k_1 .. k_M] -> MLP(hidden) -> Linear(out_dim)."""

    branches = (CENTRAL,)

    def __init__(self, input_dims: dict[str, int], hidden: tuple[int, ...], out_dim: int, dropout: float = 0.0):
        super().__init__()
        if not input_dims:
            raise MTM4FError("EarlyFusion needs at least one modality.")
        self.modalities = tuple(input_dims)
        self.network = mlp(sum(input_dims.values()) + len(input_dims), hidden, dropout)
        self.output = nn.Linear(hidden[-1], out_dim)

    def forward(self, features: dict[str, torch.Tensor], masks: dict[str, torch.Tensor] | None = None, regularise=None) -> dict[str, torch.Tensor]:
        if regularise is not None:
            raise MTM4FError(
                "EarlyFusion has no per-modality layers to regularise; the paper's missing-modality method needs CentralNet (fusion 'all' or 'fuse')."
            )
        first = features[self.modalities[0]]
        keep = {m: (masks[m] if masks is not None else torch.ones(len(first), dtype=torch.bool, device=first.device)).to(first.dtype) for m in self.modalities}
        joined = torch.cat([features[m] * keep[m].unsqueeze(1) for m in self.modalities] + [torch.stack([keep[m] for m in self.modalities], 1)], dim=1)
        return {CENTRAL: self.output(self.network(joined))}
