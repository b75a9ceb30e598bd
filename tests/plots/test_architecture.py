"""Architecture diagrams are drawn from the config: one box per layer of the configured model."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mtm4f_lib.models import ModelConfig  # noqa: E402
from mtm4f_lib.models.multitask import task_output_dims  # noqa: E402
from mtm4f_lib.plots.architecture import centralnet_figure, fusion_weights_figure, multitask_figure, training_curve_figure  # noqa: E402

DIMS = {"audio": 512, "meta": 1152, "subtitle": 384, "video": 231}


def boxes(fig) -> int:
    return len(fig.axes[0].patches)


@pytest.mark.parametrize("fusion, per_modality_output", [("all", 1), ("fuse", 0)])
def test_centralnet_boxes_follow_the_config(fusion, per_modality_output):
    config = ModelConfig(fusion=fusion, fusion_hidden=(128, 64, 32))
    # inputs + hidden layers (+ outputs) per modality, z_i per depth, the central output and the GAT
    assert boxes(centralnet_figure(config, DIMS)) == 4 * (1 + 3 + per_modality_output) + 3 + 1 + 1
    assert boxes(centralnet_figure(ModelConfig(modalities="V", fusion=fusion), {"video": 231})) == 1 + 2 + per_modality_output + 2 + 1 + 1


def test_learnt_weights_label_the_arrows():
    weights = pd.DataFrame({m: [0.31, 0.27] for m in DIMS} | {"central": [float("nan"), 0.55]}, index=pd.Index([1, 2], name="depth"))
    texts = [t.get_text() for t in centralnet_figure(ModelConfig(), DIMS, weights).axes[0].texts]
    assert texts.count("w=0.31") == 4 and "w=0.55" in texts
    assert len(fusion_weights_figure(weights, "w").axes[0].texts) == 9  # NaN cell left blank


@pytest.mark.parametrize("kind, private", [("fs", 0), ("sp", 1)])
def test_multitask_boxes_follow_the_config(kind, private):
    config = ModelConfig(multitask=kind, trunk_hidden=(128, 64), private_hidden=(32,))
    fig = multitask_figure(config, 96, task_output_dims(config.tasks, 19))
    assert boxes(fig) == 1 + 2 + 4 * (1 + private)


def test_training_curve_marks_the_best_epoch():
    history = [{"epoch": e, "train_loss": 1 / e, "val_rmse": v} for e, v in zip((1, 2, 3), (1.0, 0.9, 0.95))]
    assert "best epoch 2: 0.900" in training_curve_figure(history, "t").axes[1].get_title()
