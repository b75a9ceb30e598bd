"""Embedding figures for notebook 02: 2-D projections coloured by genre, genre-probe scores."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset


def main_genre(ds: MultiModalDataset, top: int = 6) -> np.ndarray:
    """Each item's most frequent genre among the ``top`` most common ones, else 'other'."""
    counts = ds.genres.sum(0)
    common = np.argsort(-counts)[:top]
    labels = np.full(ds.n_items, "other", dtype=object)
    for idx in common[::-1]:
        labels[ds.genres[:, idx]] = ds.genre_names[idx]
    return labels


def projection_figure(ds: MultiModalDataset, projections: dict[str, np.ndarray]):
    labels = main_genre(ds)
    names = sorted(set(labels), key=lambda g: (g == "other", g))
    colours = dict(zip(names, plt.get_cmap("tab10").colors))
    fig, axes = plt.subplots(1, len(projections), figsize=(4.2 * len(projections), 4), squeeze=False)
    for ax, (modality, xy) in zip(axes[0], projections.items()):
        ok = ~np.isnan(xy[:, 0])
        for genre in names:
            sel = ok & (labels == genre)
            ax.scatter(xy[sel, 0], xy[sel, 1], s=6, alpha=0.6, color=colours[genre], label=genre)
        ax.set_title(f"{modality} ({ok.sum()} items)")
        ax.set_xticks([]), ax.set_yticks([])
    axes[0][-1].legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=8, markerscale=2)
    fig.suptitle(f"{ds.name}: PCA of each modality's item embedding, coloured by genre")
    fig.tight_layout()
    return fig


def probe_figure(ds: MultiModalDataset, probe: pd.DataFrame):
    """Bars of the linear probe's genre micro-F1 per modality beside the baselines in ``probe``
    (rows of ``analysis.genre_probe``; the top-genre bar is drawn when that column is present)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    x = np.arange(len(probe))
    bars = [
        ("genre_micro_f1", "linear probe", None),
        ("majority_micro_f1", "majority baseline", "lightgrey"),
        ("top_genre_micro_f1", "most frequent genre", "darkgrey"),
    ]
    bars = [b for b in bars if b[0] in probe]
    width = 0.8 / len(bars)
    for k, (column, label, colour) in enumerate(bars):
        ax.bar(x + (k - (len(bars) - 1) / 2) * width, probe[column], width=width, label=label, color=colour)
    ax.set_xticks(x, probe["modality"])
    ax.set(ylabel="genre micro-F1", title=f"{ds.name}: how much each modality alone predicts genre", ylim=(0, 1))
    ax.legend()
    fig.tight_layout()
    return fig
