"""Table modules turn their columns into grids and write tables from the runs."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mtm4f_lib.experiments import table_fusion, table_multitask
from mtm4f_lib.experiments.grid_tables import grid_specs
from mtm4f_lib.experiments.paper_values import ROWS, paper_value
from mtm4f_lib.experiments.profiles import PROFILES, get_profile
from mtm4f_lib.experiments.runs import RunStore
from mtm4f_lib.errors import MTM4FError

TINY = replace(PROFILES["quick"], subsets=("AMSV", "V"), max_epochs=2, patience=1)


def test_paper_profile_covers_the_15_subsets_with_3_seeds():
    paper = get_profile("paper")
    assert paper.subsets == ROWS and len(set(paper.subsets)) == 15 and len(paper.seeds) == 3
    with pytest.raises(MTM4FError, match="Unknown profile"):
        get_profile("huge")


def test_paper_values_are_the_published_cells():
    assert paper_value(1, "AMSV", "all_standard") == 0.930 and paper_value(4, "AMSV", "sp_t1t4") == 0.961
    assert paper_value(1, "A", "fuse_clip") is None


def test_fusion_and_multitask_tables_share_the_sp_all_runs(synthetic):
    fusion = grid_specs(synthetic, table_fusion.COLUMNS, TINY)
    multitask = grid_specs(synthetic, table_multitask.columns_for("synthetic"), TINY)
    assert ("AMSV", "fuse_clip") not in fusion  # no CLIP weights: no run
    assert {s.key for s in fusion[("V", "all_standard")]} == {s.key for s in multitask[("V", "sp_t1t4")]}
    assert multitask[("V", "fs_t1t2")][0].model.tasks == ("rating", "genre")


def test_tables_are_written_from_runs(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    table, summary = table_fusion.make("synthetic", TINY, outputs_dir=tmp_path, store=store, progress=False)
    assert list(table["abbrev"]) == ["AMSV", "V"]
    assert (table["CNet_fuse CLIP"] == "n/a: no CLIP weights").all()
    assert all(0.3 < float(v) < 2.0 for v in table["CNet_all standard"])
    assert len(summary) == 4 and all(r["seconds"] > 0 for r in summary)
    written = pd.read_csv(tmp_path / "tables" / "table1_synthetic.csv")
    assert written["train"].iloc[0] <= written["train"].iloc[1]  # AMSV keeps no more ratings than V alone
    assert (tmp_path / "metrics" / "table1_synthetic.json").is_file()
    assert (tmp_path / "figures" / "table1_synthetic.png").stat().st_size > 10_000

    table3, summary3 = table_multitask.make("synthetic", TINY, outputs_dir=tmp_path, store=store, progress=False)
    shared = {r["key"] for r in summary} & {r["key"] for r in summary3}
    assert len(shared) == 2 and list(table3.columns[4:]) == ["FS {t1,t2}", "FS {t1..t4}", "SP {t1..t4}"]


def test_comparison_frames_read_our_means_and_the_paper():
    from mtm4f_lib.experiments.grid_tables import comparison_frames

    table = pd.DataFrame({"abbrev": ["AMSV", "A"], "CNet_fuse standard": ["0.940 ± 0.004", "0.950"], "paper: CNet_fuse standard": ["0.936", "0.989"],
                          "CNet_fuse CLIP": ["n/a: no CLIP weights"] * 2, "paper: CNet_fuse CLIP": ["0.936", "-"],
                          "CNet_all standard": ["0.930", "0.960"], "paper: CNet_all standard": ["0.930", "0.984"]})
    ours, paper = comparison_frames(table, table_fusion.COLUMNS)
    assert list(ours.columns) == ["CNet_fuse standard", "CNet_all standard"]  # the all-n/a CLIP column is dropped
    assert ours.loc["AMSV", "CNet_fuse standard"] == 0.940 and paper.loc["A", "CNet_all standard"] == 0.984
    assert np.isnan(paper.loc["A", "CNet_fuse CLIP"])
