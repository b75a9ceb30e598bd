"""Tables, figures and metrics are written completely or not at all."""

import json

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from mtm4f_lib.atomic import atomic_path
from mtm4f_lib.reporting import save_figure, save_metrics, save_table


def test_save_table_writes_three_formats(tmp_path):
    paths = save_table(pd.DataFrame({"model": ["a", "b"], "rmse": [0.91234, 1.0]}), "t1", tmp_path, meta={"profile": "quick"})
    assert pd.read_csv(paths["csv"])["rmse"].tolist() == [0.91234, 1.0]
    md = paths["md"].read_text()
    assert "profile: quick" in md and "0.912" in md
    assert "\\begin{tabular}" in paths["tex"].read_text()


def test_save_figure_and_metrics(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    png = save_figure(fig, "f", tmp_path)
    assert png.read_bytes()[:4] == b"\x89PNG"
    data = json.loads(save_metrics({"rmse": float("nan"), "n": 3}, "m", tmp_path).read_text())
    assert data == {"n": 3, "rmse": None}


def test_crash_leaves_no_file(tmp_path):
    target = tmp_path / "tables" / "x.csv"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []
