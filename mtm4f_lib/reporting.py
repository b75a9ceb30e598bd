"""Write tables (CSV, Markdown, LaTeX), figures (PNG) and metrics (JSON) into outputs/, atomically.

Each file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written file behind.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

DEFAULT_OUTPUTS = Path("outputs")


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path in ``target``'s folder; on success rename it onto ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _write_text(target: Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def provenance_line(meta: dict | None) -> str:
    return "; ".join(f"{k}: {v}" for k, v in (meta or {}).items())


def save_table(table: pd.DataFrame, name: str, outputs_dir=DEFAULT_OUTPUTS, meta: dict | None = None, index: bool = False, float_format: str = "{:.3f}") -> dict[str, Path]:
    """``tables/<name>.csv``, ``.md`` and ``.tex``; ``meta`` (profile, seeds, source) heads the Markdown."""
    folder = Path(outputs_dir) / "tables"
    shown = table.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else float_format.format(v))
    header = f"<!-- {provenance_line(meta)} -->\n\n" if meta else ""
    paths = {
        "csv": _write_text(folder / f"{name}.csv", table.to_csv(index=index)),
        "md": _write_text(folder / f"{name}.md", header + shown.to_markdown(index=index, disable_numparse=True) + "\n"),
        "tex": _write_text(folder / f"{name}.tex", shown.to_latex(index=index, escape=True)),
    }
    return paths


def save_figure(fig, name: str, outputs_dir=DEFAULT_OUTPUTS, dpi: int = 120) -> Path:
    """``figures/<name>.png``."""
    target = Path(outputs_dir) / "figures" / f"{name}.png"
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    return target


def save_metrics(metrics: dict, name: str, outputs_dir=DEFAULT_OUTPUTS) -> Path:
    """``metrics/<name>.json`` (sorted keys, NaN written as null)."""
    text = json.dumps(metrics, indent=2, sort_keys=True, default=_jsonable)
    return _write_text(Path(outputs_dir) / "metrics" / f"{name}.json", text.replace("NaN", "null"))


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)
