"""CentralNet fusion (Vielzeuf et al. 2018; MTM4F section 5.3).

One MLP per modality and a central network. With hidden widths (h_1, ..., h_L) shared by all
networks, the central input at depth i is a weighted sum with trainable scalar weights:

    z_1 = sum_m w_m^1 h_m^1
    z_i = w_C^i c_i + sum_m w_m^i h_m^i,   c_i = central_layer_{i-1}(z_{i-1})   (i = 2..L)

Each network (the central one on z_L, modality m on h_m^L) ends with its own linear output layer
of width ``out_dim``: the item representation of that branch. Variant ``fuse`` uses only the
central output; variant ``all`` also returns every modality output so that each enters the loss
(prediction still reads the central output, as in Vielzeuf et al.). An item that lacks modality m
has its h_m^i multiplied by 0: the missing modality contributes nothing to the sum.
"""

from __future__ import annotations

import pandas as pd
import torch
from torch import nn

from ..errors import MTM4FError, check_choice
from .layers import mlp

CENTRAL = "central"


class CentralNet(nn.Module):
    """CentralNet over 1-4 modalities; ``forward`` returns ``{branch: [n, out_dim]}``.

    Branches are ``'central'`` and, for variant ``all``, each modality name.
    """

    def __init__(self, input_dims: dict[str, int], hidden: tuple[int, ...], out_dim: int, variant: str = "all", dropout: float = 0.0):
        super().__init__()
        if not 1 <= len(input_dims) <= 4:
            raise MTM4FError(f"CentralNet fuses 1 to 4 modalities, got {len(input_dims)}.")
        check_choice("CentralNet variant", variant, ("all", "fuse"))
        self.modalities = tuple(input_dims)
        self.variant = variant
        self.modality_nets = nn.ModuleDict({m: mlp(d, hidden, dropout) for m, d in input_dims.items()})
        self.central_layers = mlp(hidden[0], hidden[1:], dropout)
        k = len(self.modalities)
        # Depth i has k modality weights plus, from depth 2 on, one central weight; start at an even mean.
        self.modality_weights = nn.Parameter(torch.cat([torch.full((1, k), 1.0 / k), torch.full((len(hidden) - 1, k), 1.0 / (k + 1))]))
        self.central_weights = nn.Parameter(torch.full((len(hidden) - 1,), 1.0 / (k + 1)))
        branches = (CENTRAL, *self.modalities) if variant == "all" else (CENTRAL,)
        self.outputs = nn.ModuleDict({b: nn.Linear(hidden[-1], out_dim) for b in branches})

    @property
    def branches(self) -> tuple[str, ...]:
        return tuple(self.outputs)

    def forward(self, features: dict[str, torch.Tensor], masks: dict[str, torch.Tensor] | None = None, regularise=None) -> dict[str, torch.Tensor]:
        """``regularise(name, depth, h)``, when given, is applied to every layer's output (name: a modality or 'central')."""
        missing = [m for m in self.modalities if m not in features]
        if missing:
            raise MTM4FError(f"CentralNet needs features for {list(self.modalities)}; missing {missing}.")
        states = {m: features[m] for m in self.modalities}
        keep = {m: (masks[m].to(features[m].dtype).unsqueeze(1) if masks is not None else 1.0) for m in self.modalities}
        fused = central = None
        for depth in range(len(self.modality_weights)):
            states = {m: self.modality_nets[m][depth](states[m]) for m in self.modalities}
            if regularise is not None:
                states = {m: regularise(m, depth, h) for m, h in states.items()}
            fused = sum(self.modality_weights[depth, j] * keep[m] * states[m] for j, m in enumerate(self.modalities))
            if depth > 0:
                fused = fused + self.central_weights[depth - 1] * central
            if depth + 1 < len(self.modality_weights):
                central = self.central_layers[depth](fused)
                if regularise is not None:
                    central = regularise(CENTRAL, depth, central)
        out = {CENTRAL: self.outputs[CENTRAL](fused)}
        if self.variant == "all":
            out.update({m: self.outputs[m](states[m]) for m in self.modalities})
        return out

    def fusion_weights(self) -> pd.DataFrame:
        """The learnt scalar weights: one row per depth, one column per modality plus 'central' (NaN at depth 1)."""
        table = pd.DataFrame(self.modality_weights.detach().cpu().numpy(), columns=list(self.modalities))
        table[CENTRAL] = [float("nan"), *self.central_weights.detach().cpu().tolist()]
        table.index = pd.RangeIndex(1, len(table) + 1, name="depth")
        return table
