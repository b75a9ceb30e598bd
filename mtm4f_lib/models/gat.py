"""Graph attention over the item graph (MTM4F section 5.3.1), with torch_geometric's GAT layers.

Each layer lets an item attend to itself and its graph neighbours (eq. 5: softmax over the
neighbourhood of LeakyReLU(a^T [W h_i || W h_j])), concatenates ``heads`` heads back to the input
width, adds a residual projection of the item's own vector and applies ELU. Kind 'gcn' swaps in
graph convolution (Kipf & Welling; the GCN recommender of Table 11, [17]): symmetric-normalised
neighbour averaging with self-loops, no attention, the same residual and ELU.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from torch_geometric.nn import GATConv, GATv2Conv, GCNConv

from ..errors import MTM4FError, check_choice

CONVS = {"gat": GATConv, "gatv2": GATv2Conv, "gcn": GCNConv}


class ResidualGCN(nn.Module):
    """GCNConv plus a linear projection of the item's own vector (GATConv's ``residual=True``)."""

    def __init__(self, dim: int):
        super().__init__()
        self.conv, self.residual = GCNConv(dim, dim), nn.Linear(dim, dim, bias=False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        return self.conv(x, edge_index) + self.residual(x)


class ItemGAT(nn.Module):
    """``layers`` GAT layers of constant width ``dim`` over a fixed ``edge_index``."""

    def __init__(self, dim: int, edge_index: torch.Tensor, layers: int = 1, heads: int = 4, kind: str = "gat", dropout: float = 0.0):
        super().__init__()
        check_choice("GAT kind", kind, CONVS)
        if layers < 1 or dim % heads:
            raise MTM4FError(f"ItemGAT needs layers >= 1 and dim ({dim}) divisible by heads ({heads}).")
        if edge_index.ndim != 2 or edge_index.shape[0] != 2:
            raise MTM4FError(f"edge_index must be a [2, E] tensor, got shape {tuple(edge_index.shape)}.")
        self.register_buffer("edge_index", edge_index.long(), persistent=False)
        self.kind = kind
        self.convs = nn.ModuleList(
            ResidualGCN(dim) if kind == "gcn" else CONVS[kind](dim, dim // heads, heads=heads, dropout=dropout, residual=True) for _ in range(layers)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """[n_items, dim] -> [n_items, dim]."""
        for conv in self.convs:
            x = F.elu(conv(x, self.edge_index))
        return x

    def attention(self, x: torch.Tensor, layer: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
        """(edge_index with self-loops, attention [E, heads]) of one layer for input ``x``."""
        if self.kind == "gcn":
            raise MTM4FError("A GCN layer has no attention weights; they exist for kinds 'gat' and 'gatv2'.")
        for conv in self.convs[:layer]:
            x = F.elu(conv(x, self.edge_index))
        _, (edges, alpha) = self.convs[layer](x, self.edge_index, return_attention_weights=True)
        return edges, alpha
