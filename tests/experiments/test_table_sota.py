"""Table 11: the paper's multimodal baselines beside MTM4F on the complete AMSV rows."""

from dataclasses import replace

import pandas as pd
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.evaluation import global_mean_rmse
from mtm4f_lib.experiments import RunStore, get_table
from mtm4f_lib.experiments.paper_values import paper_value

from .test_tables import TINY

LONGER = replace(TINY, max_epochs=80, patience=8)  # synthetic has 2,880 training rows: one Adam step an epoch


def test_table_11_is_made_per_dataset_with_the_papers_values():
    table = get_table(11)
    assert table.datasets == ("ml100k", "mmtf") and table.notebook == "06_sota"
    assert paper_value(11, "AMSV", "gcn", "ml100k") == 0.951 and paper_value(11, "AMSV", "mtm4f", "mmtf") == 0.961
    with pytest.raises(MTM4FError, match="made per dataset"):
        table.make(TINY)


def test_each_baseline_beats_the_global_mean_on_synthetic(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    table, summary = get_table(11).make(LONGER, "synthetic", outputs_dir=tmp_path, store=store, progress=False)
    assert list(table.shown()["abbrev"]) == ["AMSV"] and len(summary) == 5
    split = synthetic.split
    ratings = synthetic.ratings["rating"].to_numpy()
    items_with_all = synthetic.items_with("AMSV")[synthetic.ratings["item"].to_numpy()]
    floor = global_mean_rmse(ratings[split.train][items_with_all[split.train]], ratings[split.test][items_with_all[split.test]])
    means = table.means().loc["AMSV"]
    assert list(means.index) == ["Siamese [19]", "GAT [5]", "GCN [17]", "Multitasking [21]", "MTM4F"] and (means.iloc[:4] < floor).all()
    by_column = {r["column"]: r["model"] for r in summary}
    assert by_column["gcn"]["gat"] == "gcn" and by_column["siamese"]["gat_layers"] == 0 and by_column["multitasking"]["tasks"] == ("rating", "genre")
    table3, summary3 = get_table(3).make(LONGER, "synthetic", outputs_dir=tmp_path, store=store, progress=False)
    assert {r["key"] for r in summary if r["column"] == "mtm4f"} <= {r["key"] for r in summary3}  # MTM4F's row is Table 3's SP AMSV cell
    written = pd.read_csv(tmp_path / "quick" / "tables" / "table11_synthetic.csv")
    assert written.loc[0, "MTM4F mean"] == pytest.approx(means["MTM4F"])
