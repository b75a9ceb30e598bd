"""Architecture diagrams drawn from a model's own config (the paper's Figures 3-5), and training figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..models import ModelConfig

COLOURS = {"input": "#dbe9f6", "modality": "#fde0c5", "central": "#c7e9c0", "gat": "#e5d8f0", "task": "#fbd3e0", "shared": "#fff2b3"}


def _box(ax, x: float, y: float, text: str, kind: str, width: float = 0.8) -> None:
    ax.add_patch(plt.Rectangle((x - width / 2, y - 0.3), width, 0.6, facecolor=COLOURS[kind], edgecolor="0.3", linewidth=0.8, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=4)


def _arrow(ax, start, end, label: str | None = None, bend: float = 0.0) -> None:
    """An arrow from ``start`` to ``end`` (bent by ``bend``), ``label`` written beside its tail."""
    ax.annotate(
        "", xy=end, xytext=start, zorder=2, arrowprops=dict(arrowstyle="->", color="0.35", lw=0.8, shrinkA=12, shrinkB=12, connectionstyle=f"arc3,rad={bend}")
    )
    if label:
        step = np.sign(end[0] - start[0]) * 0.62
        ax.text(start[0] + step, start[1] + 0.08, label, fontsize=7, color="0.15", ha="center", va="bottom", zorder=4)


def _canvas(width: float, height: float, title: str):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return fig, ax


def centralnet_figure(config: ModelConfig, input_dims: dict[str, int], weights: pd.DataFrame | None = None):
    """Modality networks, the central network with its weighted sums, branch outputs and the GAT.

    ``weights`` (``CentralNet.fusion_weights()``) labels each arrow into the central network with
    its learnt scalar.
    """
    modalities = list(input_dims)
    half = len(modalities) // 2
    xs = {m: (i if i < half else i + 1) * 1.3 for i, m in enumerate(modalities)}
    x_central = half * 1.3
    depth = len(config.fusion_hidden)
    fig, ax = _canvas(1.5 * (len(modalities) + 1) + 1, 1.0 * (depth + 4), f"CentralNet ({config.fusion}) + GAT, from the model config")
    for m in modalities:
        _box(ax, xs[m], 0, f"{m}\n{input_dims[m]}-d", "input")
        for i, width in enumerate(config.fusion_hidden, start=1):
            _box(ax, xs[m], i, f"h{i} ({width})", "modality")
            _arrow(ax, (xs[m], i - 1), (xs[m], i))
            label = None if weights is None else f"w={weights.loc[i, m]:.2f}"
            far = abs(xs[m] - x_central) > 1.5
            _arrow(ax, (xs[m], i), (x_central, i + 0.45), label, bend=(0.35 if xs[m] < x_central else -0.35) if far else 0.0)
        if config.fusion == "all":
            _box(ax, xs[m], depth + 1, f"out ({config.item_dim})", "modality")
            _arrow(ax, (xs[m], depth), (xs[m], depth + 1))
    for i in range(1, depth + 1):
        _box(ax, x_central, i + 0.45, f"z{i} = Σ w·h", "central", width=1.0)
        if i > 1:
            _arrow(ax, (x_central, i - 0.55), (x_central, i + 0.45))
            if weights is not None:
                ax.text(x_central + 0.08, i - 0.05, f"w={weights.loc[i, 'central']:.2f}", fontsize=7, zorder=4)
    _box(ax, x_central, depth + 1.45, f"central ({config.item_dim})", "central", width=1.0)
    _arrow(ax, (x_central, depth + 0.45), (x_central, depth + 1.45))
    gat = f"{config.gat.upper()} x{config.gat_layers}, {config.gat_heads} heads, {config.graph} graph k={config.graph_k}" if config.gat_layers else "no GAT"
    span = max(xs.values()) if xs else 1
    _box(ax, x_central, depth + 2.5, f"{gat}: fused item vectors", "gat", width=min(span + 0.8, 3.2))
    _arrow(ax, (x_central, depth + 1.45), (x_central, depth + 2.5))
    ax.set_xlim(-0.8, span + 0.8)
    ax.set_ylim(-0.6, depth + 3.0)
    return fig


def multitask_figure(config: ModelConfig, user_dim: int, task_dims: dict[str, int]):
    """FS-MT (shared trunk, one head per task) or SP-MT (plus a private network per task)."""
    tasks = list(task_dims)
    xs = {t: 1.7 + i * 1.3 for i, t in enumerate(tasks)}
    layers = len(config.trunk_hidden)
    private = config.private_hidden if config.multitask == "sp" else ()
    top = max(layers, len(private)) + 1.3
    kind = "shared-private (SP-MT)" if private else "fully shared (FS-MT)"
    fig, ax = _canvas(1.45 * len(tasks) + 2.4, 0.9 * (top + 2), f"Multi-task network: {kind}, from the model config")
    right = max(xs.values())
    _box(ax, right / 2, -0.4, f"row input [user {user_dim} | item {config.item_dim}]", "input", width=right + 0.8)
    for i, width in enumerate(config.trunk_hidden, start=1):
        _box(ax, 0, i, f"shared {width}", "shared")
        _arrow(ax, (0, i - 1 if i > 1 else -0.4), (0, i))
    for t in tasks:
        _box(ax, xs[t], top, f"{t} ({task_dims[t]})\nα={config.weight(t):g}", "task")
        _arrow(ax, (0, layers), (xs[t], top), bend=0.15)
        for j, width in enumerate(private, start=1):
            _box(ax, xs[t], j, f"private {width}", "modality")
            _arrow(ax, (xs[t], j - 1 if j > 1 else -0.4), (xs[t], j))
        if private:
            _arrow(ax, (xs[t], len(private)), (xs[t], top))
    ax.set_xlim(-0.6, right + 0.6)
    ax.set_ylim(-0.9, top + 0.5)
    return fig


def training_curve_figure(history, title: str):
    """Training loss and validation RMSE per epoch, the best epoch marked."""
    frame = pd.DataFrame(history)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.plot(frame["epoch"], frame["train_loss"], marker="o", ms=3)
    left.set(xlabel="epoch", ylabel="training loss (weighted task sum)")
    right.plot(frame["epoch"], frame["val_rmse"], marker="o", ms=3, color="tab:orange")
    best = frame.loc[frame["val_rmse"].idxmin()]
    right.axvline(best["epoch"], color="0.6", ls="--", lw=0.8)
    right.set(xlabel="epoch", ylabel="validation RMSE", title=f"best epoch {int(best['epoch'])}: {best['val_rmse']:.3f}")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def fusion_weights_figure(weights: pd.DataFrame, title: str):
    """Heat map of the learnt CentralNet weights (depth x modality/central)."""
    fig, ax = plt.subplots(figsize=(1.2 * weights.shape[1] + 1.5, 0.6 * len(weights) + 1.2))
    values = weights.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="w" if v < np.nanmean(values) else "k", fontsize=8)
    ax.set_xticks(range(weights.shape[1]), weights.columns)
    ax.set_yticks(range(len(weights)), [f"depth {d}" for d in weights.index])
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
