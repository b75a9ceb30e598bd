"""The plan of a reproduction: per grid, its runs, those stored, those left and an estimate of the run hours left."""

import numpy as np
import pandas as pd

from mtm4f_lib.experiments import plan
from mtm4f_lib.experiments.runs import RunSpec, RunStore
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.training import TrainConfig

SPECS = [RunSpec("synthetic", ModelConfig(modalities="AV"), TrainConfig(seed=seed)) for seed in range(5)]


def test_the_plan_counts_a_shared_run_once_and_estimates_from_the_stored_ones(tmp_path, monkeypatch):
    grids = [("Table 1", SPECS[:3], False), ("Table 3", SPECS[2:4], False), ("references", SPECS[4:], True)]
    monkeypatch.setattr(plan, "planned_grids", lambda *args: iter(grids))
    store = RunStore(tmp_path)
    for spec, seconds in zip(SPECS[:2], (600.0, 1200.0), strict=True):
        store.put(spec, {"result": {"seconds": seconds}})
    store.put(SPECS[4], {"result": {"seconds": 60.0}})  # stored without predictions: the references grid must train it again
    frame = plan.plan_summary("quick", ["03_fusion"], ["synthetic"], store=store).set_index("grid")
    assert frame.loc["Table 1", ["runs", "stored", "left"]].tolist() == [3, 2, 1]
    assert np.isclose(frame.loc["Table 1", "run hours left"], 900 / 3600)  # one run left at the mean of 600 s and 1200 s
    assert frame.loc["Table 3", ["runs", "stored", "left"]].tolist() == [1, 0, 1] and np.isnan(frame.loc["Table 3", "run hours left"])
    assert frame.loc["references", ["stored", "left"]].tolist() == [0, 1]
    store.put(SPECS[3], {"result": {"seconds": 5.0}})
    store.put(SPECS[4], {"result": {"seconds": 60.0}}, predictions=np.zeros(3))
    done = plan.plan_summary("quick", ["03_fusion"], ["synthetic"], store=store).set_index("grid")
    assert done.loc[["Table 3", "references"], "left"].tolist() == [0, 0] and (done.loc[["Table 3", "references"], "run hours left"] == 0).all()
    assert isinstance(done, pd.DataFrame) and list(done.columns) == ["dataset", "runs", "stored", "left", "run hours left"]
