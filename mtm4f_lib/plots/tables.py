"""A paper table as a figure: our RMSE per modality subset and column, the paper's beside it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def rmse_comparison_figure(ours: pd.DataFrame, paper: pd.DataFrame, title: str):
    """Dot plot: one row per subset (index), one colour per column; filled = ours, hollow = the paper's."""
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(ours) + 1.6))
    y = np.arange(len(ours))
    offsets = np.linspace(-0.25, 0.25, max(len(ours.columns), 1))
    for (column, offset), colour in zip(zip(ours.columns, offsets), plt.get_cmap("tab10").colors):
        ax.scatter(ours[column], y + offset, color=colour, s=28, label=f"{column} (ours)", zorder=3)
        if column in paper:
            ax.scatter(paper[column], y + offset, facecolors="none", edgecolors=colour, s=28, label=f"{column} (paper)", zorder=3)
    ax.set_yticks(y, ours.index)
    ax.invert_yaxis()
    ax.grid(axis="x", color="0.9")
    ax.set_xlabel("test RMSE (lower is better)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def missing_rate_figure(cells: pd.DataFrame, complete_rmse: float, title: str, ax=None):
    """Test RMSE against chi, one line per method (mean over the table's rows), the complete-modality RMSE as a reference line."""
    fig, ax = plt.subplots(figsize=(6.5, 4)) if ax is None else (ax.figure, ax)
    lines = cells[cells["method"] != "complete"].groupby(["method", "chi"], sort=False)["mean"].mean().unstack("chi")
    for (method, row), colour in zip(lines.iterrows(), plt.get_cmap("tab10").colors):
        ax.plot(row.index, row.to_numpy(), marker="o", color=colour, label=method, lw=2.5 if method == "m4" else 1.2)
    if np.isfinite(complete_rmse):
        ax.axhline(complete_rmse, color="0.3", ls="--", lw=1, label="complete modalities")
    ax.set_xlabel("chi: % of training movies that keep a hidden modality")
    ax.set_ylabel("test RMSE (lower is better)")
    ax.set_title(title, fontsize=10)
    ax.grid(color="0.9")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def missing_overview_figure(tables: dict[int, pd.DataFrame], title: str):
    """One panel per number of hidden modalities (``tables``: {n hidden: cells}), as :func:`missing_rate_figure`."""
    fig, axes = plt.subplots(1, len(tables), figsize=(5.2 * len(tables), 4), sharey=True, squeeze=False)
    for ax, (n_hidden, cells) in zip(axes[0], tables.items()):
        complete = cells[cells["method"] == "complete"]["mean"].mean()
        missing_rate_figure(cells, complete, f"{n_hidden} modalit{'y' if n_hidden == 1 else 'ies'} hidden", ax=ax)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def prior_cloud_figure(cloud: np.ndarray, priors: np.ndarray, title: str):
    """The movies' vectors of one modality (grey) and its priors (red), in the 2-d projection."""
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.scatter(cloud[:, 0], cloud[:, 1], s=6, color="0.6", alpha=0.6, label="training movies with the modality")
    ax.scatter(priors[:, 0], priors[:, 1], s=90, marker="*", color="tab:red", label="priors")
    ax.set(xlabel="PC 1", ylabel="PC 2", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def reconstruction_figure(frame: pd.DataFrame, title: str):
    """A movie's true and reconstructed vector, feature by feature."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(frame.index, frame["true"], lw=1.2, label="true (hidden in training)")
    ax.plot(frame.index, frame["reconstructed"], lw=1.2, label="reconstructed from the other modalities")
    ax.set(xlabel="feature", ylabel="standardised value", title=f"{title} (cosine {frame.attrs.get('cosine', float('nan')):.2f})")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def interval_figure(cells: pd.DataFrame, title: str):
    """Test RMSE per model with its 95% confidence interval, one panel per protocol (column ``protocol``)."""
    kinds = list(dict.fromkeys(cells["protocol"]))
    fig, axes = plt.subplots(1, len(kinds), figsize=(5.2 * len(kinds), 0.45 * cells["model"].nunique() + 1.6), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        part = cells[cells["protocol"] == kind].sort_values("mean", ascending=False)
        y = np.arange(len(part))
        ax.errorbar(part["mean"], y, xerr=part["ci95"].fillna(0).to_numpy(), fmt="o", color="tab:blue", ecolor="0.4", capsize=3)
        ax.set_yticks(y, part["model"])
        ax.grid(axis="x", color="0.9")
        ax.set_xlabel("test RMSE, 95% CI over seeds (lower is better)")
        ax.set_title(f"protocol: {kind}", fontsize=10)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def bucket_figure(buckets: pd.DataFrame, title: str):
    """Test RMSE per item-popularity bucket, one line per model, one panel per protocol (``per_rating.bucket_rmse``)."""
    kinds = list(dict.fromkeys(buckets["protocol"]))
    fig, axes = plt.subplots(1, len(kinds), figsize=(5.2 * len(kinds), 4), squeeze=False, sharey=True)
    for ax, kind in zip(axes[0], kinds):
        part = buckets[buckets["protocol"] == kind].pivot_table(index="bucket", columns="model", values="rmse", observed=True, sort=False)
        for (model, line), colour in zip(part.items(), plt.get_cmap("tab10").colors):
            ax.plot(line.index.astype(str), line.to_numpy(), marker="o", color=colour, label=model, lw=2.5 if model.startswith("MTM4F") else 1.2)
        ax.set(xlabel="training ratings of the movie", title=f"protocol: {kind}")
        ax.grid(color="0.9")
    axes[0][0].set_ylabel("test RMSE (lower is better)")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
