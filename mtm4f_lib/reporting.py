"""Write tables (CSV, Markdown, LaTeX), figures (PNG) and metrics (JSON) into outputs/, atomically.

Each file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .atomic import atomic_path, write_text


def provenance_line(meta: dict | None) -> str:
    return "; ".join(f"{k}: {v}" for k, v in (meta or {}).items())


def formatted(table: pd.DataFrame, float_format: str = "{:.3f}") -> pd.DataFrame:
    """A copy with every float column written as text (empty where NaN)."""
    shown = table.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else float_format.format(v))
    return shown


def save_table(
    table: pd.DataFrame, name: str, outputs_dir, meta: dict | None = None, index: bool = False, float_format: str = "{:.3f}", shown: pd.DataFrame | None = None
) -> dict[str, Path]:
    """``tables/<name>.csv`` (the numbers of ``table``), ``.md`` and ``.tex`` (``shown``, default ``table``
    with floats formatted); ``meta`` (profile, seeds, source, command) heads the Markdown and LaTeX files."""
    folder = Path(outputs_dir) / "tables"
    shown = formatted(table if shown is None else shown, float_format)
    line = provenance_line(meta)
    paths = {
        "csv": write_text(folder / f"{name}.csv", table.to_csv(index=index)),
        "md": write_text(folder / f"{name}.md", (f"<!-- {line} -->\n\n" if meta else "") + shown.to_markdown(index=index, disable_numparse=True) + "\n"),
        "tex": write_text(folder / f"{name}.tex", (f"% {line}\n" if meta else "") + shown.to_latex(index=index, escape=True)),
    }
    return paths


def save_figure(fig, name: str, outputs_dir, dpi: int = 120) -> Path:
    """``figures/<name>.png``."""
    target = Path(outputs_dir) / "figures" / f"{name}.png"
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    return target


def save_metrics(metrics: dict, name: str, outputs_dir) -> Path:
    """``metrics/<name>.json`` (sorted keys, NaN written as null)."""
    text = json.dumps(metrics, indent=2, sort_keys=True, default=_jsonable)
    return write_text(Path(outputs_dir) / "metrics" / f"{name}.json", text.replace("NaN", "null"))


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)
