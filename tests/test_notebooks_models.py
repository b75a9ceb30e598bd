"""Notebooks 03 (fusion, Tables 1-2) and 04 (multi-task, Tables 3-4) in the quick reproduce for both datasets."""

import json

import pandas as pd
import pytest

from mtm4f_lib.experiments.profiles import get_profile

QUICK = get_profile("quick")


def rmse_cells(table: pd.DataFrame, label: str) -> list[float]:
    return table[f"{label} mean"].tolist()


def quick_table(dataset: str, numbers: dict[str, int], folder) -> tuple[int, pd.DataFrame]:
    """The notebook's table for ``dataset`` from the quick reproduce, rows checked."""
    table = pd.read_csv(folder / "tables" / f"table{numbers[dataset]}_{dataset}.csv")
    assert list(table["abbrev"]) == list(QUICK.subsets)
    return numbers[dataset], table


@pytest.mark.notebook
@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_03_writes_the_fusion_table(dataset, quick_outputs):
    folder = quick_outputs / "quick"
    number, table = quick_table(dataset, {"ml100k": 1, "mmtf": 2}, folder)
    assert table["CNet_fuse CLIP mean"].isna().all() and (table["CNet_all standard n"] == 1).all()
    for column in ("CNet_fuse standard", "CNet_all standard"):
        assert all(0.80 < v < 1.15 for v in rmse_cells(table, column))
    assert table["paper: CNet_all standard"].iloc[0] == {1: 0.930, 2: 0.961}[number]
    weights = pd.read_csv(folder / "tables" / f"fusion_weights_{dataset}.csv")
    assert {"audio", "meta", "subtitle", "video", "central"} <= set(weights.columns) and len(weights) == 2
    for figure in ("figure3_centralnet", "training_curve_cnet_all", "fusion_weights"):
        assert (folder / "figures" / f"{figure}_{dataset}.png").stat().st_size > 10_000
    runs = json.loads((folder / "metrics" / f"table{number}_{dataset}.json").read_text())["runs"]
    assert len(runs) == 2 * len(QUICK.subsets) and all(r["seconds"] > 0 for r in runs)


@pytest.mark.notebook
@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_04_writes_the_multitask_table(dataset, quick_outputs):
    folder = quick_outputs / "quick"
    _, table = quick_table(dataset, {"ml100k": 3, "mmtf": 4}, folder)
    assert all(0.80 < v < 1.15 for v in rmse_cells(table, "FS {t1,t2}"))
    if dataset == "mmtf":
        assert table["SP {t1..t4} mean"].isna().all()
        assert all(0.80 < v < 1.15 for v in rmse_cells(table, "SP {t1,t2}"))
    else:
        assert all(0.80 < v < 1.15 for v in rmse_cells(table, "SP {t1..t4}"))
    metrics = pd.read_csv(folder / "tables" / f"multitask_metrics_{dataset}.csv").set_index("metric")
    assert metrics.loc["rmse", "SP-MT (AMSV)"] < metrics.loc["rmse", "input-free baseline"]
    assert metrics.loc["genre_f1", "SP-MT (AMSV)"] > metrics.loc["genre_f1", "input-free baseline"]
    for figure in ("figure4_fs_mt", "figure5_sp_mt", "training_curve_sp_mt"):
        assert (folder / "figures" / f"{figure}_{dataset}.png").stat().st_size > 10_000
