"""Dense building blocks shared by the models."""

from __future__ import annotations

import torch
from torch import nn


class RowDropout(nn.Module):
    """Dropout whose mask spans the last two dimensions (rows x features) and is shared by leading ones.

    On a 2-d input it is ordinary dropout. On a stack ``[branches, rows, features]`` every branch of a
    row sees the same mask, which draws ``branches`` times fewer random numbers (the costliest part of
    dropout on a CPU).
    """

    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.empty(x.shape[-2:], dtype=x.dtype, device=x.device).bernoulli_(1 - self.p).div_(1 - self.p)
        return x * keep


def mlp(n_in: int, hidden: tuple[int, ...], dropout: float) -> nn.Sequential:
    """One Linear -> ReLU -> RowDropout block per entry of ``hidden``.

    The blocks are the Sequential's children, so a caller that needs every hidden layer (CentralNet)
    can iterate over them.
    """
    widths = (n_in, *hidden)
    return nn.Sequential(*(nn.Sequential(nn.Linear(a, b), nn.ReLU(inplace=True), RowDropout(dropout)) for a, b in zip(widths[:-1], widths[1:])))
