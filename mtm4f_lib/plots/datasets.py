"""Dataset figures for notebook 01: rating histogram, genres, modality coverage, one movie."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset
from ..data.modalities import MODALITIES


def rating_and_genre_figure(ds: MultiModalDataset, histogram: pd.DataFrame, genres: pd.DataFrame):
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1, 2]})
    left.bar(histogram["rating"].astype(str), histogram["count"], color="#4C72B0")
    left.set(title=f"{ds.name}: ratings", xlabel="rating", ylabel="count")
    right.bar(genres["genre"], genres["items"], color="#55A868")
    right.set(title=f"{ds.name}: movies per genre", ylabel="movies")
    right.tick_params(axis="x", rotation=70)
    fig.tight_layout()
    return fig


def coverage_upset_figure(ds: MultiModalDataset, combos: pd.DataFrame):
    """UpSet-style chart: bars of ratings per availability pattern above a dot matrix."""
    fig, (bars, dots) = plt.subplots(2, 1, figsize=(max(6, 0.7 * len(combos) + 2), 5), sharex=True, gridspec_kw={"height_ratios": [3, 1.4]})
    x = np.arange(len(combos))
    bars.bar(x, combos["ratings"], color="#4C72B0")
    for xi, (n_items, n_ratings) in enumerate(zip(combos["items"], combos["ratings"])):
        bars.text(xi, n_ratings, f"{n_items} items", ha="center", va="bottom", fontsize=7, rotation=90)
    bars.set(ylabel="ratings", title=f"{ds.name}: which modalities a rated movie has", ylim=(0, 1.3 * combos["ratings"].max()))
    for yi, name in enumerate(MODALITIES):
        on = combos[name].to_numpy()
        dots.scatter(x, np.full(len(x), yi), c=np.where(on, "black", "lightgrey"), s=40)
    dots.set_yticks(range(len(MODALITIES)), MODALITIES)
    dots.set_xticks(x, combos["present"], rotation=90)
    dots.set_ylim(-0.5, len(MODALITIES) - 0.5)
    fig.tight_layout()
    return fig


def movie_card_figure(ds: MultiModalDataset, item: int):
    """The paper's Figure 1 for one movie: its metadata, text and trailer feature vectors."""
    row = ds.items.iloc[item]
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), gridspec_kw={"width_ratios": [1.3, 1, 1]})
    lines = [f"{row['title']} ({row['year']})", f"genres: {row['genres'] or '-'}"]
    for col in ("director", "cast", "age_rating", "runtime_min", "tags"):
        if col in row and isinstance(row[col], (list, str, float)) and not (isinstance(row[col], float) and np.isnan(row[col])):
            value = ", ".join(row[col][:4]) if isinstance(row[col], list) else row[col]
            lines.append(f"{col}: {value}")
    text = row.get("description") if "description" in row else row.get("tags")
    lines.append("")
    lines.append("text (subtitle modality): " + (text if isinstance(text, str) else "missing"))
    axes[0].axis("off")
    axes[0].text(0, 1, "\n".join(textwrap.fill(str(line), 60) for line in lines), va="top", fontsize=8, family="monospace")
    axes[0].set_title("meta + text")
    for ax, name in zip(axes[1:], ("audio", "video")):
        mod = ds.modalities[name]
        if mod.available[item] and mod.features is not None:
            vec = mod.features[item]
            ax.bar(np.arange(len(vec)), vec, color="#C44E52" if name == "audio" else "#8172B2")
            ax.set_title(f"{name}: {len(vec)}-d ({mod.source})", fontsize=8)
        else:
            ax.text(0.5, 0.5, f"{name} missing", ha="center", va="center")
            ax.set_title(name)
    fig.tight_layout()
    return fig
