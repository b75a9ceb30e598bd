"""The plan of a reproduction: per grid, its runs, those stored, those left and an estimate of the run hours left."""

import json

import numpy as np
import pandas as pd

from mtm4f_lib.experiments import plan
from mtm4f_lib.experiments.runs import RunSpec, RunStore
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.training import TrainConfig

SPECS = [RunSpec("synthetic", ModelConfig(modalities="AV"), TrainConfig(seed=seed)) for seed in range(5)]


def test_the_plan_counts_a_shared_run_once_and_estimates_from_the_stored_ones(tmp_path, monkeypatch):
    grids = [
        ("Table 1", SPECS[:3], False, "table1_synthetic"),
        ("Table 3", SPECS[2:4], False, "table3_synthetic"),
        ("references", SPECS[4:], True, "references"),
    ]
    monkeypatch.setattr(plan, "planned_grids", lambda *args: iter(grids))
    store = RunStore(tmp_path)
    for spec, seconds in zip(SPECS[:2], (600.0, 1200.0), strict=True):
        store.put(spec, {"result": {"seconds": seconds}})
    store.put(SPECS[4], {"result": {"seconds": 60.0}})  # stored without predictions: the references grid must train it again
    frame = plan.plan_summary("quick", ["03_fusion"], ["synthetic"], store=store, outputs_dir=tmp_path / "none").set_index("grid")
    assert frame.loc["Table 1", ["runs", "stored", "left"]].tolist() == [3, 2, 1]
    assert np.isclose(frame.loc["Table 1", "run hours left"], 900 / 3600)  # one run left at the mean of 600 s and 1200 s
    assert frame.loc["Table 3", ["runs", "stored", "left"]].tolist() == [1, 0, 1] and np.isnan(frame.loc["Table 3", "run hours left"])
    assert frame.loc["references", ["stored", "left"]].tolist() == [0, 1]
    store.put(SPECS[3], {"result": {"seconds": 5.0}})
    store.put(SPECS[4], {"result": {"seconds": 60.0}}, predictions=np.zeros(3))
    done = plan.plan_summary("quick", ["03_fusion"], ["synthetic"], store=store, outputs_dir=tmp_path / "none").set_index("grid")
    assert done.loc[["Table 3", "references"], "left"].tolist() == [0, 0] and (done.loc[["Table 3", "references"], "run hours left"] == 0).all()
    assert isinstance(done, pd.DataFrame) and list(done.columns) == ["dataset", "runs", "stored", "committed", "left", "run hours left"]


def test_with_no_stored_run_the_plan_estimates_from_the_committed_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "planned_grids", lambda *args: iter([("Table 1", SPECS[:3], False, "table1_synthetic")]))
    metrics = tmp_path / "outputs" / "quick" / "metrics" / "table1_synthetic.json"
    metrics.parent.mkdir(parents=True)
    metrics.write_text(json.dumps({"runs": [{"key": SPECS[0].key, "seconds": 30.0}, {"key": "another grid's run", "seconds": 9000.0}]}))
    frame = plan.plan_summary("quick", ["03_fusion"], ["synthetic"], store=RunStore(tmp_path / "empty"), outputs_dir=tmp_path / "outputs")
    assert frame[["runs", "stored", "committed", "left"]].iloc[0].tolist() == [3, 0, 1, 3] and np.isclose(frame["run hours left"].iloc[0], 3 * 30 / 3600)
