"""Models: CentralNet fusion, item graph and GAT, multi-task networks, and the MTM4F assembly."""

from .centralnet import CentralNet
from .config import ModelConfig
from .gat import ItemGAT
from .inputs import ItemInputs, item_inputs, user_inputs
from .item_graph import corating_graph, item_graph, knn_graph
from .mtm4f import MTM4F
from .multitask import MultiTaskNet, RatingScale, TaskObjective, multitask_net, task_output_dims

__all__ = [
    "MTM4F",
    "CentralNet",
    "ItemGAT",
    "ItemInputs",
    "ModelConfig",
    "MultiTaskNet",
    "RatingScale",
    "TaskObjective",
    "corating_graph",
    "item_graph",
    "item_inputs",
    "knn_graph",
    "multitask_net",
    "task_output_dims",
    "user_inputs",
]
