"""Grids on Dask distributed: a LocalCluster of two processes gives the records of the local executor, the driver alone
writes the run store, and a worker killed mid-grid loses and duplicates nothing."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments import executors
from mtm4f_lib.experiments.runs import RunSpec, RunStore, run_grid
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.training import TrainConfig

MODEL = ModelConfig(modalities="AV", fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)
SPECS = [RunSpec("synthetic", MODEL, TrainConfig(max_epochs=3, patience=1, batch_size=512, seed=s), protocol="full") for s in range(3)]

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module


@dataclass(frozen=True)
class DiesOnce:
    """A spec whose first attempt kills its worker process (as kill -9 would), then trains ``spec`` on the next."""

    spec: RunSpec
    marker: str

    key = property(lambda self: self.spec.key)
    dataset = property(lambda self: self.spec.dataset)
    label = property(lambda self: self.spec.label)

    def trained_record(self, data_dir, store):
        if not Path(self.marker).exists():
            Path(self.marker).touch()
            os._exit(9)
        return self.spec.trained_record(data_dir, store)


def _dask(monkeypatch):
    monkeypatch.setenv(executors.EXECUTOR_ENV, "dask")
    monkeypatch.delenv(executors.SCHEDULER_ENV, raising=False)


def test_dask_gives_the_local_records_and_only_the_driver_writes_the_store(tmp_path, monkeypatch):
    local = run_grid(SPECS, RunStore(tmp_path / "local"), progress=False)
    _dask(monkeypatch)
    store = RunStore(tmp_path / "dask")
    writers = []
    real_put = RunStore.put
    monkeypatch.setattr(RunStore, "put", lambda self, *a, **k: writers.append(os.getpid()) or real_put(self, *a, **k))
    remote = run_grid(SPECS, store, workers=2, progress=False)
    assert set(writers) == {os.getpid()} and len(writers) == len(SPECS)  # every run stored here, by the driver
    for spec in SPECS:
        assert np.isclose(remote[spec.key]["result"]["metrics"]["rmse"], local[spec.key]["result"]["metrics"]["rmse"], atol=1e-6)
        assert np.allclose(store.predictions(spec), RunStore(tmp_path / "local").predictions(spec), atol=1e-5)


def test_a_worker_killed_mid_grid_loses_nothing_and_duplicates_nothing(tmp_path, monkeypatch):
    _dask(monkeypatch)
    store = RunStore(tmp_path / "runs")
    specs = [*SPECS[:2], DiesOnce(SPECS[2], str(tmp_path / "killed-once"))]
    done = run_grid(specs, store, workers=2, progress=False)
    assert (tmp_path / "killed-once").exists() and set(done) == {s.key for s in SPECS}
    files = sorted(p.name for p in store.root.iterdir())
    assert files == sorted([*(store.path(s).name for s in SPECS), *(store.path(s, ".predictions.npy").name for s in SPECS)])  # once each, no temp file
    assert run_grid(SPECS, store, workers=2, progress=False) == done  # a rerun trains nothing


def test_a_scheduler_needs_the_dask_executor(monkeypatch):
    monkeypatch.setenv(executors.EXECUTOR_ENV, "spark")
    with pytest.raises(MTM4FError, match="Unknown executor"):
        executors.chosen_executor()
    with pytest.raises(MTM4FError, match="use it with --executor dask"):
        executors.use_executor("local", "tcp://127.0.0.1:8786")


def test_a_tuned_specs_settings_are_runs_of_the_grid_and_the_driver_picks_the_best(tmp_path, monkeypatch):
    from mtm4f_lib.experiments.reference_runs import tuned

    spec = tuned(SPECS[0], {"dropout": (0.1, 0.3)})
    alone = spec.trained_record(None, RunStore(tmp_path / "alone"))  # the settings one after another, in this process
    _dask(monkeypatch)
    jobs = []
    real_records = executors.records
    monkeypatch.setattr(executors, "records", lambda todo, *a: jobs.extend(s.key for s, _ in todo) or real_records(todo, *a))
    store = RunStore(tmp_path / "grid")
    record = run_grid([spec], store, workers=2, progress=False, predictions=True)[spec.key]
    assert sorted(jobs) == sorted(s.key for s in spec.settings())  # the settings went to the workers, the tuned spec did not
    assert record["result"]["params"] == alone["result"]["params"]
    assert np.isclose(record["result"]["metrics"]["rmse"], alone["result"]["metrics"]["rmse"], atol=1e-6)
    assert store.predictions(spec) is not None and all(store.get(s) is not None for s in spec.settings())
