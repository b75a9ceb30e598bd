"""MTM4F beside the collaborative-filtering references, per protocol, from the command line."""

import json

import numpy as np
import pandas as pd
import pytest

from mtm4f_lib.cli import main
from mtm4f_lib.evaluation import global_mean_rmse
from mtm4f_lib.experiments.reference_runs import reference_split

KINDS = ("complete", "full", "cold")  # "folds" is ML-100K's: tests/experiments/test_folds.py
CHOSEN = ("MTM4F", "MTM4F+MF", "SVD", "BiasedMF")  # the other references: tests/models/baselines


def test_references_table_from_the_command_line(synthetic, tmp_path, monkeypatch, capsys):
    from mtm4f_lib.experiments import reference_runs, table_references

    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(table_references.TUNED_MODELS, "MTM4F", {"dropout": (0.1, 0.2)})  # two of MTM4F's six settings: the test's time
    monkeypatch.setitem(reference_runs.COLD_SPACES, "MTM4F", {"dropout": (0.1, 0.2)})
    argv = "references --dataset synthetic --seeds 0 1 --workers 1 --protocols".split() + [*KINDS, "--outputs-dir", str(tmp_path), "--models", *CHOSEN]
    assert main(argv) == 0
    folder = tmp_path / "quick"
    cells = pd.read_csv(folder / "tables" / "references_synthetic.csv")
    assert list(cells["model"].unique()) == list(CHOSEN) and list(cells["protocol"].unique()) == ["complete", "full", "cold"]
    assert (cells["n"] == 2).all() and cells["ci95"].gt(0).all()
    ratings = synthetic.ratings["rating"].to_numpy()
    splits = {kind: [reference_split(synthetic, kind, seed) for seed in (0, 1)] for kind in KINDS}
    rated = {kind: len(np.unique(np.concatenate([s.test for s in seeded]))) for kind, seeded in splits.items()}  # every test rating, once
    floors = {kind: np.mean([global_mean_rmse(ratings[s.train], ratings[s.test]) for s in seeded]) for kind, seeded in splits.items()}
    references = cells[(cells["model"] != "MTM4F") & (cells["protocol"] != "cold")]  # on unseen movies CF has only biases
    assert (references["mean"] < references["protocol"].map(floors)).all()
    cold = cells[cells["protocol"] == "cold"]
    assert cold["mean"].between(0.9 * floors["cold"], 1.1 * floors["cold"]).all()
    assert references["paired t-test p"].between(0, 1).all() and cells.loc[cells["model"] == "MTM4F", "MTM4F minus model"].isna().all()
    metrics = json.loads((folder / "metrics" / "references_synthetic.json").read_text())
    runs = pd.DataFrame(metrics["runs"])
    svd = runs[(runs["model"] == "SVD") & (runs["protocol"] == "full")]
    assert np.isclose(svd["rmse"].mean(), cells.set_index(["model", "protocol"]).loc[("SVD", "full"), "mean"])
    assert (
        "regenerate: mtm4f references --dataset synthetic --profile quick --seeds 0 1 --protocols complete full cold --models MTM4F MTM4F+MF SVD BiasedMF"
        in (folder / "tables" / "references_synthetic.md").read_text()
    )
    assert (folder / "figures" / "references_synthetic.png").stat().st_size > 10_000
    tested = cells[cells["model"] != "MTM4F"]
    assert tested["per-rating paired t-test p"].between(0, 1).all() and (tested["rated pairs"] == tested["protocol"].map(rated)).all()
    buckets = pd.read_csv(folder / "tables" / "references_synthetic_popularity.csv")
    assert set(buckets.loc[buckets["protocol"] == "cold", "bucket"]) == {"unseen"}  # a held-out movie has no training rating
    assert set(buckets["model"]) == set(CHOSEN) and buckets["rmse"].between(0, 5).all()
    assert (folder / "figures" / "references_synthetic_popularity.png").stat().st_size > 10_000
    capsys.readouterr()
    assert main([*argv[: -len(CHOSEN)], "ALS"]) == 2 and "Unknown model 'ALS'" in capsys.readouterr().err


def test_under_item_cold_start_the_tuned_models_run_without_the_item_graph(synthetic):
    from mtm4f_lib.experiments import PROFILES, table_references
    from mtm4f_lib.experiments.reference_runs import TUNING_BUDGET

    specs = table_references.grid(synthetic, PROFILES["quick"], ("complete", "cold"), ("MTM4F", "MTM4F+MF"))
    for (_, kind), seeded in specs.items():
        settings = [setting.model for spec in seeded for setting in spec.settings()]
        assert len(settings) == TUNING_BUDGET * len(seeded)
        assert {(m.gat_layers, m.fusion_hidden) for m in settings} == ({(0, (64,))} if kind == "cold" else {(1, (128, 64))})
    assert {m.item_dim for spec in specs[("MTM4F", "cold")] for m in (s.model for s in spec.settings())} == {16, 64}


def test_a_tuned_run_keeps_the_setting_with_the_best_validation_rmse(synthetic, tmp_path):
    from dataclasses import replace

    from mtm4f_lib.errors import MTM4FError
    from mtm4f_lib.experiments import PROFILES, RunStore
    from mtm4f_lib.experiments.reference_runs import tuned
    from mtm4f_lib.experiments.table_missing import complete_spec

    store = RunStore(tmp_path / "runs")
    base = complete_spec(synthetic, 0, replace(PROFILES["quick"], max_epochs=3))
    spec = tuned(base, {"collaborative_dim": (4,), "collaborative_reg": (0.1, 1.0)})
    record = spec.trained_record(None, store)
    trials = record["result"]["trials"]
    assert len(trials) == 2 and all(store.get(s) is not None for s in spec.settings())  # every setting is a stored run of its own
    best = min(trials, key=lambda t: t["val_rmse"])
    assert record["result"]["params"] == best["params"] and record["result"]["val_rmse"] == best["val_rmse"]
    assert store.get(spec)["result"]["metrics"] == store.get(spec.settings()[trials.index(best)])["result"]["metrics"]
    with pytest.raises(MTM4FError, match="exceeds the tuning budget of 6"):
        tuned(base, {"collaborative_dim": (4, 8, 16), "collaborative_reg": (0.1, 1.0, 2.0)})


def test_a_table_of_some_of_the_profiles_protocols_never_replaces_its_whole_table(synthetic, tmp_path):
    from dataclasses import replace

    from mtm4f_lib.experiments import RunStore, table_references
    from mtm4f_lib.experiments.profiles import get_profile

    profile = replace(get_profile("quick"), protocols=("complete", "cold"))
    chosen = dict(models=("BaselineOnly",), outputs_dir=tmp_path, store=RunStore(tmp_path / "runs"), progress=False)
    table_references.make("synthetic", profile, protocols=("cold",), **chosen)
    tables = tmp_path / "quick" / "tables"
    assert (tables / "references_synthetic_cold.csv").is_file() and not (tables / "references_synthetic.csv").exists()
    table_references.make("synthetic", profile, **chosen)
    whole = {kind for kind in pd.read_csv(tables / "references_synthetic.csv")["protocol"]}
    assert whole == {"complete", "cold"} and set(pd.read_csv(tables / "references_synthetic_cold.csv")["protocol"]) == {"cold"}


def test_a_profile_that_tunes_on_one_seed_gives_the_other_seeds_the_setting_chosen_there(synthetic, tmp_path, monkeypatch):
    from dataclasses import replace

    from mtm4f_lib.experiments import RunStore, table_references
    from mtm4f_lib.experiments.profiles import get_profile
    from mtm4f_lib.models.baselines.tuning import settings

    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(table_references.TUNED_MODELS, "MTM4F", {"dropout": (0.1, 0.5)})
    profile = replace(get_profile("quick"), reference_seeds=(0, 1, 2), reference_tuning_seed=1, protocols=("full",), reference_models=("MTM4F", "SVD"))
    store = RunStore(tmp_path / "runs")
    assert {spec.seed for spec in table_references.specs("synthetic", profile, store=store)} == {1}  # the others await seed 1's choice
    table_references.make("synthetic", profile, outputs_dir=tmp_path, store=store, progress=False)
    named = table_references.specs("synthetic", profile, store=store)
    searched = sorted((spec.seed, len(spec.settings()) if hasattr(spec, "settings") else len(settings(spec.search_space))) for spec in named)
    assert searched == [(0, 1), (0, 1), (1, 2), (1, 6), (2, 1), (2, 1)]  # seed 1 searches MTM4F's 2 settings and SVD's 6
    runs = pd.DataFrame(json.loads((tmp_path / "quick" / "metrics" / "references_synthetic.json").read_text())["runs"])
    for _, part in runs.groupby("model"):
        assert part["params"].nunique() == 1 and len(part) == 3  # seed 1's choice, in every seed
    meta = json.loads((tmp_path / "quick" / "metrics" / "references_synthetic.json").read_text())
    assert "searched in seed 1" in meta["tuning"]


def test_a_reference_run_is_named_by_its_search_space(monkeypatch):
    from mtm4f_lib.experiments import reference_runs

    spec = reference_runs.ReferenceSpec("ml100k", "LightGCN", seed=0, protocol="full")
    before = spec.key
    monkeypatch.setitem(reference_runs.REFERENCE_SPACES, "LightGCN", {"layers": (2,), "reg": (0.01,)})
    assert spec.key != before


def test_a_refit_tests_the_chosen_setting_trained_again_on_every_training_row(synthetic, tmp_path):
    from dataclasses import replace

    from mtm4f_lib.experiments import PROFILES, RunStore, run_grid
    from mtm4f_lib.experiments.reference_runs import ReferenceSpec, reference_split, tuned
    from mtm4f_lib.experiments.table_missing import complete_spec

    store = RunStore(tmp_path / "runs")
    base = complete_spec(synthetic, 0, replace(PROFILES["quick"], max_epochs=3))
    space = {"collaborative_dim": (4,), "collaborative_reg": (0.1, 1.0)}
    references = [ReferenceSpec("synthetic", model, 0, "full", refit) for model in ("SVD", "BiasedMF") for refit in (False, True)]
    specs = [tuned(base, space), tuned(base, space, refit=True), *references]
    records = run_grid(specs, store, progress=False)
    for plain, refitted in zip(specs[::2], specs[1::2]):
        ours, theirs = records[refitted.key]["result"], records[plain.key]["result"]
        assert refitted.key != plain.key and ours["params"] == theirs["params"] and ours["val_rmse"] == theirs["val_rmse"]  # chosen alike
        assert ours["metrics"]["rmse"] != theirs["metrics"]["rmse"]
    tuned_refit, mf_refit = records[specs[1].key]["result"], records[specs[5].key]["result"]
    assert tuned_refit["refit_epochs"] == records[specs[0].key]["result"]["best_epoch"] and tuned_refit["counts"]["val"] == 0
    assert tuned_refit["counts"]["train"] == records[specs[0].key]["result"]["counts"]["train"] + records[specs[0].key]["result"]["counts"]["val"]
    chosen = min(mf_refit["trials"], key=lambda trial: trial["val_rmse"])
    assert mf_refit["refit_epochs"] == chosen["best_epoch"] and mf_refit["counts"]["train"] == len(reference_split(synthetic, "full", 0).train)
    assert all(store.predictions(spec) is not None for spec in specs)
    assert len(list((tmp_path / "runs").glob("*.json"))) == len(specs) + 2 + 1  # the two settings, shared, and one refit run
    assert ReferenceSpec("ml100k", "LightGCN", 0, "full").key == "907eda309bfd1ab3102a"  # runs stored before refits existed keep their keys


def test_a_refitted_table_has_a_name_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    argv = ["references", "--dataset", "synthetic", "--seeds", "0", "--protocols", "complete", "--models", "BaselineOnly", "--outputs-dir", str(tmp_path)]
    assert main(argv) == 0 and main([*argv, "--refit"]) == 0
    tables = tmp_path / "quick" / "tables"
    plain, refit = (pd.read_csv(tables / f"references_synthetic{suffix}.csv") for suffix in ("", "_refit"))
    assert plain.loc[0, "mean"] != refit.loc[0, "mean"]
    text = (tables / "references_synthetic_refit.md").read_text()
    assert "--models BaselineOnly --refit" in text and "trained again on every training row" in text


def test_the_ensemble_averages_the_test_predictions_of_the_models_best_on_validation(synthetic, tmp_path):
    from mtm4f_lib.errors import MTM4FError
    from mtm4f_lib.evaluation import rmse
    from mtm4f_lib.experiments import PROFILES, RunStore, run_grid, table_references

    store = RunStore(tmp_path / "runs")
    models = ("BaselineOnly", "SVD", "KNNBaseline", "BiasedMF", "Ensemble")
    specs = table_references.grid(synthetic, PROFILES["quick"], ("full",), models)
    records = run_grid([spec for seeded in specs.values() for spec in seeded], store, progress=False, predictions=True)
    ratings = synthetic.ratings["rating"].to_numpy()
    for ensemble in specs[("Ensemble", "full")]:
        runs = {name: records[spec.key] for name, spec in ensemble.candidates}
        members = sorted(runs, key=lambda name: runs[name]["result"]["val_rmse"])[:3]
        result = records[ensemble.key]["result"]
        assert result["params"]["members"] == members and result["val_rmse"] is None
        assert np.isclose(result["candidate seconds"], sum(run["result"]["seconds"] for run in runs.values()))
        mean = np.mean([store.predictions(dict(ensemble.candidates)[name]) for name in members], axis=0)
        assert np.allclose(store.predictions(ensemble), mean)
        test = ratings[reference_split(synthetic, "full", ensemble.seed).test]
        assert np.isclose(result["metrics"]["rmse"], rmse(mean, test, synthetic.rating_range))
        assert result["metrics"]["rmse"] <= np.sqrt(np.mean([runs[name]["result"]["metrics"]["rmse"] ** 2 for name in members])) + 1e-9
    with pytest.raises(MTM4FError, match="list at least 3 other models"):
        table_references.grid(synthetic, PROFILES["quick"], ("full",), ("SVD", "BiasedMF", "Ensemble"))


def test_the_reading_compares_mtm4f_with_the_best_single_model_and_the_ensemble_with_it_too():
    from mtm4f_lib.experiments.table_references import reading

    row = {"MTM4F minus model": np.nan, "paired t-test p": np.nan}
    cells = pd.DataFrame(
        [
            {"model": "MTM4F", "protocol": "full", "mean": 0.92, "ci95": 0.004, **row},
            {"model": "LightGCN", "protocol": "full", "mean": 0.90, "ci95": 0.003, "MTM4F minus model": 0.02, "paired t-test p": 0.01},
            {"model": "SVD", "protocol": "full", "mean": 0.93, "ci95": 0.003, "MTM4F minus model": -0.01, "paired t-test p": 0.2},
            {"model": "Ensemble", "protocol": "full", "mean": 0.89, "ci95": 0.002, "MTM4F minus model": 0.03, "paired t-test p": 0.001},
            {"model": "MTM4F", "protocol": "cold", "mean": 1.04, "ci95": 0.02, **row},
            {"model": "ContentBaseline", "protocol": "cold", "mean": 1.00, "ci95": 0.01, **row},
            {"model": "MTM4F+CB", "protocol": "cold", "mean": 0.99, "ci95": 0.06, **row},
            {"model": "BiasedMF", "protocol": "cold", "mean": 1.06, "ci95": 0.02, **row},
        ]
    )
    full, cold = reading(cells).split("\n")
    assert full.startswith("full: best Ensemble at 0.8900; MTM4F 0.9200, rank 3 of 4")
    assert "MTM4F minus the best other model (LightGCN) = +0.0200 (paired t-test over seeds p = 0.01, significant at 0.05)" in full
    assert "the ensemble 0.8900, -0.0100 against the best single model (LightGCN)" in full
    assert full.endswith("the best model reading the modalities (MTM4F) minus the best collaborative-only one (LightGCN) = +0.0200 (95% intervals overlap).")
    assert cold.endswith(
        "the best model reading the modalities (MTM4F+CB) minus the best collaborative-only one (BiasedMF) = -0.0700"
        " (95% intervals overlap; wholly below BiasedMF's: ContentBaseline)."
    )
