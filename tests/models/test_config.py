import dataclasses

import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models import ModelConfig


def test_fields_are_normalised_and_hashable():
    config = ModelConfig(modalities="VA", tasks=["genre", "rating"], task_weights=[0.5, 1.0], fusion_hidden=[32, 16])
    assert config.modalities == ("audio", "video")
    assert config.tasks == ("rating", "genre") and config.task_weights == (1.0, 0.5)
    assert config.weight("genre") == 0.5 and config.fusion_hidden == (32, 16)
    assert ModelConfig(tasks=("rating", "genre")).task_weights == (1.0, 1.0)
    assert hash(config) == hash(ModelConfig(modalities=("audio", "video"), tasks=("rating", "genre"), task_weights=(1.0, 0.5), fusion_hidden=(32, 16)))
    assert all(isinstance(v, (str, int, float, tuple, type(None))) for v in dataclasses.asdict(config).values())


@pytest.mark.parametrize(
    "change, message",
    [
        ({"modalities": "AX"}, "Unknown modality"),
        ({"tasks": ("genre",)}, "including 'rating'"),
        ({"task_weights": (1.0,)}, "one non-negative weight"),
        ({"fusion": "late"}, "fusion"),
        ({"graph": "full"}, "graph"),
        ({"multitask": "mmoe"}, "multitask"),
        ({"fusion_hidden": ()}, "fusion_hidden"),
        ({"item_dim": 30, "gat_heads": 4}, "divisible"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_bad_values_raise(change, message):
    with pytest.raises(MTM4FError, match=message):
        ModelConfig(**change)
