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
