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
