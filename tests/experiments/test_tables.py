"""Table modules turn their columns into grids and write tables from the runs."""

import json
from dataclasses import replace

import pandas as pd
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments import get_table, table_fusion, table_multitask
from mtm4f_lib.experiments.grid_tables import grid_specs
from mtm4f_lib.experiments.paper_values import PAPER, ROWS, paper_value
from mtm4f_lib.experiments.profiles import PROFILES, get_profile
from mtm4f_lib.experiments.runs import RunStore
from mtm4f_lib.provenance import machine

TINY = replace(PROFILES["quick"], subsets=("AMSV", "V"), max_epochs=2, patience=1)


def test_paper_profile_covers_the_15_subsets_with_3_seeds():
    paper = get_profile("paper")
    assert paper.subsets == ROWS and len(set(paper.subsets)) == 15 and len(paper.seeds) == 3
    with pytest.raises(MTM4FError, match="Unknown profile"):
        get_profile("huge")


def test_paper_values_cover_every_cell_of_tables_1_to_4():
    for table in PAPER.values():
        assert list(table) == list(ROWS)  # the 15 rows, in the paper's order
        values = [v for row in table.values() for v in row.values()]
        assert len(values) == 15 * 3 and all(v is None or 0.9 < v < 1.2 for v in values)
    assert [k for k, v in PAPER[1]["A"].items() if v is None] == ["fuse_clip"]  # the paper has no CLIP vector for audio alone
    assert paper_value(1, "AMSV", "no_such_column") is None


def test_fusion_and_multitask_tables_share_the_sp_all_runs(synthetic):
    fusion = grid_specs(synthetic, table_fusion.COLUMNS, TINY)
    multitask = grid_specs(synthetic, table_multitask.columns_for("synthetic"), TINY)
    assert ("AMSV", "fuse_clip") not in fusion  # no CLIP weights: no run
    assert {s.key for s in fusion[("V", "all_standard")]} == {s.key for s in multitask[("V", "sp_t1t4")]}
    assert multitask[("V", "fs_t1t2")][0].model.tasks == ("rating", "genre")


def test_tables_are_written_from_runs(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    table, summary = get_table(1).make(TINY, "synthetic", outputs_dir=tmp_path, store=store, progress=False)
    shown = table.shown()
    assert list(shown["abbrev"]) == ["AMSV", "V"] and (shown["CNet_fuse CLIP"] == "n/a: no CLIP weights").all()
    means = table.means()
    assert list(means.columns) == ["CNet_fuse standard", "CNet_all standard"] and means.stack().between(0.3, 2.0).all()
    assert shown.loc[0, "CNet_all standard"] == f"{means.loc['AMSV', 'CNet_all standard']:.3f}"  # one seed: no ± part
    assert len(summary) == 4 and all(r["seconds"] > 0 for r in summary)
    folder = tmp_path / "quick"
    written = pd.read_csv(folder / "tables" / "table1_synthetic.csv")
    assert written["train"].iloc[0] <= written["train"].iloc[1]  # AMSV keeps no more ratings than V alone
    assert written["CNet_all standard mean"].tolist() == means["CNet_all standard"].tolist()  # numbers, not text
    header = (folder / "tables" / "table1_synthetic.md").read_text().splitlines()[0]
    assert "defined in: mtm4f_lib.experiments.table_fusion" in header and "regenerate: mtm4f tables --table 1 --profile quick --seeds 0" in header
    metrics = json.loads((folder / "metrics" / "table1_synthetic.json").read_text())
    assert metrics["runs"][0]["model"]["fusion"] in ("fuse", "all") and metrics["runs"][0]["train"]["max_epochs"] == 2
    assert metrics["versions"]["torch"].startswith("2.13") and metrics["device"] == "cpu" and len(metrics["commit"]) >= 7
    assert metrics["machine"] == machine() and "torch CPU kernels " in machine()  # runs repeat exactly where this agrees
    assert (folder / "figures" / "table1_synthetic.png").stat().st_size > 10_000

    table3, summary3 = get_table(3).make(TINY, "synthetic", outputs_dir=tmp_path, store=store, progress=False)
    shared = {r["key"] for r in summary} & {r["key"] for r in summary3}
    assert len(shared) == 2 and list(table3.shown().columns[4:]) == ["FS {t1,t2}", "FS {t1..t4}", "SP {t1..t4}"]

    rebuilt, _ = get_table(1).make(TINY, "synthetic", outputs_dir=tmp_path, from_metrics=True, progress=False)
    pd.testing.assert_frame_equal(rebuilt.numbers(), table.numbers())
    with pytest.raises(MTM4FError, match=r"lacks 4 run.*AMSV/fuse_standard seed 1"):
        get_table(1).make(replace(TINY, seeds=(0, 1)), "synthetic", outputs_dir=tmp_path, from_metrics=True, progress=False)


def test_a_grid_grows_on_its_committed_runs_after_the_store_is_gone(synthetic, tmp_path):
    one_seed = get_table(1).make(TINY, "synthetic", outputs_dir=tmp_path, store=RunStore(tmp_path / "first"), progress=False)[1]
    two_seeds = replace(TINY, seeds=(0, 1))
    fresh = RunStore(tmp_path / "second")  # another machine: the runs of seed 0 are only in the committed metrics
    table, summary = get_table(1).make(two_seeds, "synthetic", outputs_dir=tmp_path, store=fresh, progress=False, keep_committed=True)
    assert len(list(fresh.root.glob("*.json"))) == 1 + 4  # the check run and the runs of seed 1
    kept = {r["key"]: r for r in summary if r["seed"] == 0}
    assert [kept[r["key"]]["rmse"] for r in one_seed] == [r["rmse"] for r in one_seed]
    assert all(len(r["commit"]) >= 7 and r["machine"] == machine() for r in kept.values())  # who measured each kept run
    metrics = json.loads((tmp_path / "quick" / "metrics" / "table1_synthetic.json").read_text())
    check = metrics["kept runs"]["check"]
    assert metrics["kept runs"]["count"] == 4 and check["retrained rmse"] == check["committed rmse"] and check["seed"] == 0
    assert metrics["kept runs"]["machines"] == [machine()] and metrics["kept runs"]["commits"] == [kept[check["key"]]["commit"]]
    assert "4 of 8 runs kept" in (tmp_path / "quick" / "tables" / "table1_synthetic.md").read_text().splitlines()[0]
    retrained, _ = get_table(1).make(two_seeds, "synthetic", outputs_dir=tmp_path / "all", store=RunStore(tmp_path / "first"), progress=False)
    pd.testing.assert_frame_equal(table.numbers(), retrained.numbers())  # kept runs are the runs this code trains
    before = {path.name: path.stat().st_mtime_ns for path in fresh.root.glob("*.json")}
    get_table(1).make(two_seeds, "synthetic", outputs_dir=tmp_path, store=fresh, progress=False, keep_committed=True)
    assert sum(before[path.name] != path.stat().st_mtime_ns for path in fresh.root.glob("*.json")) == 1  # the check trains even a stored run

    path = tmp_path / "quick" / "metrics" / "table1_synthetic.json"
    for run in metrics["runs"]:
        run["rmse"] += 0.01  # as if the committed runs came from code whose results have moved since
    path.write_text(json.dumps(metrics))
    written = (tmp_path / "quick" / "tables" / "table1_synthetic.csv").read_text()
    with pytest.raises(MTM4FError, match=r"seed [01] of the committed .* RMSE .* trained again here \(.*torch CPU kernels .*without --keep-committed"):
        get_table(1).make(replace(TINY, seeds=(0, 1, 2)), "synthetic", outputs_dir=tmp_path, store=RunStore(tmp_path / "third"), progress=False,
                          keep_committed=True)  # fmt: skip
    assert (tmp_path / "quick" / "tables" / "table1_synthetic.csv").read_text() == written
    assert len(list((tmp_path / "third").glob("*.json"))) == 1  # the check run alone: nothing else was trained
