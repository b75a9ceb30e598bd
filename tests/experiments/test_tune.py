"""`mtm4f tune`: an Optuna study over one cell that starts from the shipped setting, never reads the test rows while
it searches, resumes from its SQLite file, and writes the shipped and the best setting side by side."""

import json

import optuna
import pandas as pd
import pytest

from mtm4f_lib import training
from mtm4f_lib.cli import main
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments.tune import check_space

SPACE = {"dropout": ["float", 0.0, 0.4], "train.batch_size": ["categorical", [512, 4096]]}


def test_a_study_starts_from_the_shipped_setting_reads_no_test_row_and_resumes(synthetic, tmp_path, monkeypatch):
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    tested = []
    real_metrics = training.task_metrics
    monkeypatch.setattr(training, "task_metrics", lambda *a: tested.append(1) or real_metrics(*a))
    argv = [
        "tune",
        "--dataset",
        "synthetic",
        "--column",
        "sp_t1t4",
        "--subset",
        "AV",
        "--workers",
        "1",
        "--outputs-dir",
        str(tmp_path),
        "--space",
        json.dumps(SPACE),
    ]
    assert main([*argv, "--trials", "3"]) == 0
    table = pd.read_csv(tmp_path / "quick" / "tables" / "tune_synthetic_sp_t1t4_AV.csv").set_index("setting")
    assert table.loc["shipped", "trial"] == 0 and table.loc["shipped", "dropout"] == 0.2 and table.loc["shipped", "train.batch_size"] == 4096
    assert table.loc["best", "search val_rmse"] <= table.loc["shipped", "search val_rmse"]
    assert len(tested) == len(set(table["trial"]))  # the test rows are read once per setting written, never by the search
    assert table["search val_rmse"].round(6).tolist() == table["val_rmse"].round(6).tolist()  # a trial and its stored run are the same training
    storage = f"sqlite:///{next((tmp_path / 'cache' / 'studies').glob('*.db'))}"
    first = [t.params for t in optuna.load_study(study_name=optuna.get_all_study_names(storage)[0], storage=storage).trials]
    assert main([*argv, "--trials", "5"]) == 0
    study = optuna.load_study(study_name=optuna.get_all_study_names(storage)[0], storage=storage)
    assert len(study.trials) == 5 and [t.params for t in study.trials[:3]] == first  # resumed, not restarted
    assert (tmp_path / "quick" / "figures" / "tune_synthetic_sp_t1t4_AV_history.png").stat().st_size > 5_000
    metrics = json.loads((tmp_path / "quick" / "metrics" / "tune_synthetic_sp_t1t4_AV.json").read_text())
    assert len(metrics["trials_run"]) == 5 and metrics["space"] == SPACE


@pytest.mark.parametrize(
    "space, message",
    [({"nosuch": ["float", 0, 1]}, "not a settable field"), ({"dropout": ["float", 0.5, 0.1]}, "low < high"), ({"gat": ["choice", ["gat"]]}, "categorical")],
)
def test_a_bad_space_is_one_clear_error(space, message):
    with pytest.raises(MTM4FError, match=message):
        check_space(space)
