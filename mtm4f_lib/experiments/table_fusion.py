"""Tables 1 (ml100k) and 2 (mmtf): RMSE per modality subset for three fusion set-ups (paper 6.2.1).

Columns: CentralNet variant ``fuse`` (only the central network enters the loss) and ``all`` (every
modality network too) on the standard embeddings of section 5.1, and ``fuse`` on CLIP embeddings.
All use the shared-private multi-task network with every task the dataset has (the paper's set-up).
No CLIP weights are available offline, so the CLIP column says so instead of showing a number.
"""

from __future__ import annotations

from ..embeddings.clip import NO_CLIP_WEIGHTS
from .grid_tables import Column

TITLE = "RMSE per modality subset: CentralNet fuse / all, standard and CLIP embeddings"
COLUMNS = (
    Column("fuse_standard", "CNet_fuse standard", {"fusion": "fuse", "multitask": "sp"}),
    Column("fuse_clip", "CNet_fuse CLIP", unavailable=NO_CLIP_WEIGHTS),
    Column("all_standard", "CNet_all standard", {"fusion": "all", "multitask": "sp"}),
)


def columns_for(dataset: str) -> tuple[Column, ...]:
    """The same three columns on every dataset."""
    return COLUMNS
