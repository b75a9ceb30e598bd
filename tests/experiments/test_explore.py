"""The modality toggles of notebook 03 answer with the RMSE of the ticked subset, headless."""

from dataclasses import replace

from mtm4f_lib.experiments import find_column
from mtm4f_lib.experiments.explore import subset_rmse
from mtm4f_lib.experiments.profiles import PROFILES
from mtm4f_lib.experiments.runs import RunStore
from mtm4f_lib.widgets import ModalityToggles

TINY = replace(PROFILES["quick"], max_epochs=2, patience=1)
COLUMN = find_column("all_standard")


def test_toggles_train_then_read_the_store(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    toggles = ModalityToggles(lambda mods: subset_rmse("synthetic", mods, COLUMN, TINY, store=store), initial=("video",))
    first = toggles.result
    assert first.name == "V" and first["from"] == "trained now" and 0.3 < first["test RMSE"] < 2.0
    toggles.checkboxes["audio"].value = True
    assert toggles.result.name == "AV" and toggles.result["train ratings"] <= first["train ratings"]
    toggles.checkboxes["audio"].value = False
    again = toggles.result
    assert again["from"] == "run store" and again["test RMSE"] == first["test RMSE"]
    toggles.checkboxes["video"].value = False
    assert toggles.result is None  # nothing ticked
