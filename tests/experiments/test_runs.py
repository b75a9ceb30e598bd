"""Run specs hash what they depend on; the run store resumes a grid without retraining."""

import json
from dataclasses import replace

import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments import executors, runs
from mtm4f_lib.experiments.runs import RunSpec, RunStore, run_grid
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.models.config import KEYED_ONLY_OFF_DEFAULT
from mtm4f_lib.training import TrainConfig

MODEL = ModelConfig(modalities="AV", fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)
TRAIN = TrainConfig(max_epochs=3, patience=1, batch_size=512)


def test_key_names_every_field():
    spec = RunSpec("synthetic", MODEL, TRAIN)
    assert spec.key == RunSpec("synthetic", MODEL, TRAIN).key
    changed = [replace(spec, dataset="ml100k"), replace(spec, model=replace(MODEL, fusion="fuse")), replace(spec, train=replace(TRAIN, seed=1))]
    assert len({spec.key, *(s.key for s in changed)}) == 4


def test_keys_of_the_stored_grids_stay_what_they_were():
    """The committed Table 1 run (AMSV, CNet_fuse, seed 0, paper profile) keeps its key: fields added later stay out of it at their defaults."""
    from mtm4f_lib.data import TASKS
    from mtm4f_lib.experiments import get_profile

    spec = RunSpec("ml100k", ModelConfig(modalities="AMSV", tasks=TASKS, fusion="fuse", multitask="sp"), get_profile("paper").train_config(0))
    assert spec.key == "6e636e12e6be7a6eba51"
    assert replace(spec, model=replace(spec.model, missing="mean")).key != spec.key


def test_device_and_refit_enter_the_key_only_off_their_defaults():
    spec = RunSpec("synthetic", MODEL, TRAIN)
    fields = json.loads(json.dumps(runs.asdict(spec)))
    del fields["train"]["device"], fields["train"]["refit_epochs"], fields["missing"]
    for name in KEYED_ONLY_OFF_DEFAULT:
        del fields["model"][name]
    text = json.dumps({"results_version": runs.RESULTS_VERSION, **fields}, sort_keys=True)
    assert spec.key == runs.hashlib.sha256(text.encode()).hexdigest()[:20]
    assert replace(spec, train=replace(TRAIN, device="cuda")).key not in (spec.key, replace(spec, train=replace(TRAIN, device="cuda:1")).key)
    assert replace(spec, train=replace(TRAIN, refit_epochs=3)).key not in (spec.key, replace(spec, train=replace(TRAIN, refit_epochs=4)).key)


def test_unknown_protocol_is_a_clear_error():
    with pytest.raises(MTM4FError, match="protocol"):
        RunSpec("synthetic", MODEL, TRAIN, protocol="missing")


def test_grid_runs_once_and_resumes(tmp_path, monkeypatch):
    store = RunStore(tmp_path / "runs")
    specs = [RunSpec("synthetic", MODEL, replace(TRAIN, seed=s)) for s in (0, 1)]
    first = run_grid(specs[:1], store, progress=False)
    assert store.path(specs[0]).is_file() and not store.path(specs[1]).exists()
    stored = json.loads(store.path(specs[0]).read_text())
    assert stored["result"]["metrics"] == first[specs[0].key]["result"]["metrics"] and stored["spec"]["dataset"] == "synthetic"

    calls = []
    real_train = runs.train_spec
    monkeypatch.setattr(runs, "train_spec", lambda spec, data_dir=None, store=None: calls.append(spec.key) or real_train(spec, data_dir, store))
    both = run_grid(specs + specs[:1], store, progress=False)
    assert calls == [specs[1].key]  # the stored run is read back, the missing one trained once
    assert both[specs[0].key]["result"] == first[specs[0].key]["result"]
    assert both[specs[1].key]["result"]["metrics"]["rmse"] > 0


def test_a_run_another_grid_stored_meanwhile_is_not_trained_again(tmp_path, monkeypatch):
    store = RunStore(tmp_path / "runs")
    spec = RunSpec("synthetic", MODEL, TRAIN)
    monkeypatch.setattr(runs, "train_spec", lambda *args, **kwargs: pytest.fail("trained a run that was already stored"))
    store.put(spec, {"key": spec.key, "result": {"metrics": {"rmse": 0.5}}})  # as if a second grid on the same store finished it
    assert executors.stored_or_trained(spec, store, None)["result"]["metrics"]["rmse"] == 0.5


def test_a_run_stores_its_test_predictions_and_a_grid_that_needs_them_retrains_a_run_without(tmp_path):
    import numpy as np

    from mtm4f_lib.data import load_dataset
    from mtm4f_lib.evaluation import rmse

    store = RunStore(tmp_path / "runs")
    spec = RunSpec("synthetic", MODEL, TRAIN, protocol="full")
    record = run_grid([spec], store, progress=False)[spec.key]
    predicted = store.predictions(spec)
    dataset = load_dataset("synthetic")
    truth = dataset.ratings["rating"].to_numpy()[dataset.split.test]
    assert predicted.shape == truth.shape and np.isclose(rmse(predicted, truth), record["result"]["metrics"]["rmse"], atol=1e-5)
    store.path(spec, runs.PREDICTIONS).unlink()  # as a run stored before runs kept predictions
    assert store.get(spec) is not None and store.get(spec, with_predictions=True) is None
    other = replace(spec, train=replace(TRAIN, seed=TRAIN.seed + 1))
    run_grid([other], store, progress=False)
    store.path(other, runs.PREDICTIONS).unlink()
    again = run_grid([spec, other], store, progress=False, predictions={spec.key})  # only spec's predictions are read
    assert again[spec.key]["result"]["metrics"] == record["result"]["metrics"] and np.array_equal(store.predictions(spec), predicted)  # same seed, same numbers
    assert store.predictions(other) is None, "a run whose predictions are not read is not trained again"


def test_a_run_records_its_versions_when_the_package_runs_from_a_checkout_without_being_installed(tmp_path, monkeypatch):
    from importlib.metadata import PackageNotFoundError

    from mtm4f_lib import provenance

    real = provenance.version
    monkeypatch.setattr(provenance, "version", lambda name: (_ for _ in ()).throw(PackageNotFoundError(name)) if name == "mtm4f" else real(name))
    spec = RunSpec("synthetic", MODEL, TRAIN)
    record = runs.stored_record(spec, {"dataset": "synthetic"}, {"metrics": {"rmse": 0.9}}, RunStore(tmp_path / "runs"))
    assert record["versions"]["mtm4f"] == "not installed" and record["versions"]["torch"] == real("torch")
