"""Modality toggles react to checkbox changes headless."""

from mtm4f_lib.data import complete_modality_split
from mtm4f_lib.widgets import ModalityToggles


def test_toggles_recompute_on_change(synthetic):
    toggles = ModalityToggles(lambda mods: complete_modality_split(synthetic, mods, verbose=False).counts)
    all_four = toggles.result
    toggles.checkboxes["audio"].value = False
    assert toggles.selected == ("meta", "subtitle", "video")
    assert toggles.result[0] >= all_four[0]
    for box in toggles.checkboxes.values():
        box.value = False
    assert toggles.result is None


def test_the_output_widget_shows_the_current_result(synthetic):
    toggles = ModalityToggles(lambda mods: "+".join(mods), initial=("audio", "video"))
    (shown,) = toggles.output.outputs
    assert shown["output_type"] == "display_data" and shown["data"]["text/plain"] == "'audio+video'"
    toggles.checkboxes["video"].value = False
    assert [o["data"]["text/plain"] for o in toggles.output.outputs] == ["'audio'"]


def test_hidden_modalities_and_chi_pick_a_stored_or_new_run(tmp_path):
    from dataclasses import replace

    import ipywidgets as widgets

    from mtm4f_lib.experiments import PROFILES, RunStore
    from mtm4f_lib.experiments.missing_walkthrough import missing_rmse

    tiny = replace(PROFILES["quick"], max_epochs=2, patience=1)
    store = RunStore(tmp_path / "runs")
    slider = widgets.SelectionSlider(options=[50, 90], value=90)
    toggles = ModalityToggles(
        lambda hidden, chi: missing_rmse("synthetic", hidden, chi, "mean", tiny, store=store), initial=("audio",), controls={"chi": slider}
    )
    first = toggles.result
    assert first["hidden"] == "audio" and first["chi"] == 90 and first["from"] == "trained now" and 0.5 < first["test RMSE"] < 2
    slider.value = 50
    assert toggles.result["chi"] == 50
    slider.value = 90
    assert toggles.result["from"] == "run store" and toggles.result["test RMSE"] == first["test RMSE"]
    for box in toggles.checkboxes.values():
        box.value = True
    assert toggles.result["test RMSE"] == "keep at least one modality present"
