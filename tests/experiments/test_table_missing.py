"""Tables 5-10: the grid of hidden combinations, missing rates, methods and repeats, and the files written from it."""

import json
from dataclasses import replace

import pandas as pd
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments import PROFILES, RunStore, get_table
from mtm4f_lib.experiments.table_missing import grid, row_label
from mtm4f_lib.paths import REPO, shown_path

TINY = replace(PROFILES["quick"], max_epochs=2, patience=1, missing_rates=(50, 100), missing_repeats=(0, 1))


def test_rows_follow_the_paper():
    assert row_label("AV") == "A(χ%)+M(100%)+S(100%)+V(χ%)"
    assert [get_table(n).hidden for n in range(5, 11)] == [1, 2, 3, 1, 2, 3]
    assert {get_table(n).datasets for n in (5, 6, 7)} == {("ml100k",)} and {get_table(n).datasets for n in (8, 9, 10)} == {("mmtf",)}


def test_a_missing_table_is_written_from_its_runs(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    cells, summary = get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path, store=store, progress=False)
    assert len(summary) == (1 * 2 * 3 + 1) * 2  # one row (AM), two rates, three methods, the complete reference; two repeats
    by_cell = cells.set_index(["hidden", "chi", "method"])
    assert (by_cell["n"] == 2).all() and by_cell["mean"].between(0.5, 2.0).all()
    # chi = 100 hides nothing: the method and the mean fill are the complete model, repeat by repeat
    assert by_cell.loc[("AM", 100, "m4"), "mean"] == by_cell.loc[("AM", 100, "mean"), "mean"] == by_cell.loc[("complete", 100, "complete"), "mean"]
    folder = tmp_path / "quick"
    numbers = pd.read_csv(folder / "tables" / "table6_synthetic.csv")
    assert numbers.loc[0, "50% n"] == 2 and numbers.loc[0, "50% mean"] == pytest.approx(by_cell.loc[("AM", 50, "m4"), "mean"])
    header = (folder / "tables" / "table6_synthetic.md").read_text().splitlines()[0]
    assert "defined in: mtm4f_lib.experiments.table_missing" in header and "--table 6 --profile quick --seeds 0 1" in header
    comparison = pd.read_csv(folder / "tables" / "table6_synthetic_comparison.csv").set_index("baseline")
    assert set(comparison.index) == {"drop", "mean"} and (comparison["pairs"] == 4).all()
    metrics = json.loads((folder / "metrics" / "table6_synthetic.json").read_text())
    assert {r["method"] for r in metrics["runs"]} == {"m4", "drop", "mean", "complete"} and metrics["runs"][0]["missing"]["hidden"] == ["audio", "meta"]
    assert (folder / "figures" / "table6_synthetic.png").stat().st_size > 10_000
    get_table(5).make(TINY, "synthetic", outputs_dir=tmp_path, store=store, progress=False, methods=("m4", "drop"))
    joined = pd.read_csv(folder / "tables" / "missing_comparison_synthetic.csv")
    assert list(zip(joined["tables"].astype(str), joined["hidden modalities"], joined["baseline"])) == [
        ("5", "1", "drop"), ("6", "2", "drop"), ("6", "2", "mean"), ("5, 6", "all", "drop"), ("5, 6", "all", "mean")]  # fmt: skip
    pooled = joined.set_index(["hidden modalities", "baseline"])
    assert pooled.loc[("all", "drop"), "pairs"] == pooled.loc[("1", "drop"), "pairs"] + pooled.loc[("2", "drop"), "pairs"] == 8
    assert pooled.loc[("all", "mean"), "mean difference"] == pytest.approx(pooled.loc[("2", "mean"), "mean difference"])
    assert "tables: [5, 6]" in (folder / "tables" / "missing_comparison_synthetic.md").read_text().splitlines()[0]
    assert (folder / "figures" / "missing_overview_synthetic.png").stat().st_size > 10_000
    get_table(7).make(TINY, "synthetic", outputs_dir=tmp_path, store=store, progress=False, methods=("mean",))  # baselines alone: nothing to compare
    assert pd.read_csv(folder / "tables" / "table7_synthetic_comparison.csv").empty
    sliced, _ = get_table(5).make(TINY, "synthetic", outputs_dir=tmp_path / "slice", store=store, progress=False, methods=("mean",), rows=("M",))
    assert set(sliced["hidden"]) == {"M", "complete"}
    assert "--missing-rates 50 100 --missing-combinations M" in (tmp_path / "slice" / "quick" / "tables" / "table5_synthetic.md").read_text().splitlines()[0]
    rebuilt, _ = get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path, from_metrics=True, progress=False)
    pd.testing.assert_frame_equal(rebuilt, cells)
    for part, methods in (("m4", ("m4",)), ("baselines", ("drop", "mean"))):  # slices of one table, as if measured on two machines
        get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path / part, store=store, progress=False, methods=methods)
    merged, _ = get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path / "merged", from_metrics=True, from_folders=(tmp_path / "m4", tmp_path / "baselines"),
                                  progress=False)  # fmt: skip
    pd.testing.assert_frame_equal(merged, cells)
    origin = json.loads((tmp_path / "merged" / "quick" / "metrics" / "table6_synthetic.json").read_text())["merged runs"]
    assert origin["sources"][1] == str(tmp_path.resolve() / "baselines/quick/metrics/table6_synthetic.json") and len(origin["machines"]) == 1
    assert shown_path(REPO / "outputs" / "slices") == "outputs/slices"  # a committed folder is named as the repository names it
    with pytest.raises(MTM4FError, match=r"m4/quick/metrics/table6_synthetic.json lacks 8 run\(s\) of this grid \(e.g. \['AM/50/drop seed 0'"):
        get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path / "merged", from_metrics=True, from_folders=(tmp_path / "m4",), progress=False)
    one_repeat = replace(TINY, missing_repeats=(0,))
    get_table(6).make(one_repeat, "synthetic", outputs_dir=tmp_path / "grown", store=store, progress=False)
    grown, _ = get_table(6).make(TINY, "synthetic", outputs_dir=tmp_path / "grown", store=RunStore(tmp_path / "empty"), progress=False, keep_committed=True)
    pd.testing.assert_frame_equal(grown, cells)  # repeat 0 kept from the metrics file, repeat 1 trained again: the same table
    kept = json.loads((tmp_path / "grown" / "quick" / "metrics" / "table6_synthetic.json").read_text())["kept runs"]
    assert kept["count"] == 6  # seven cells of repeat 0, six distinct runs (chi 100 shares one)


def test_bad_settings_stop_with_one_message(synthetic):
    with pytest.raises(MTM4FError, match="percentage"):
        grid(synthetic, 1, replace(TINY, missing_rates=(0,)))
    with pytest.raises(MTM4FError, match="Unknown missing-modality method 'median'"):
        grid(synthetic, 1, TINY, methods=("median",))
    with pytest.raises(MTM4FError, match="hides 2 modalities; this table hides 1"):
        grid(synthetic, 1, TINY, rows=("AV",))
