"""Tables 3 (ml100k) and 4 (mmtf): RMSE per modality subset for three multi-task set-ups (paper 6.2.2).

Columns: fully shared with tasks {t1, t2} (rating, genre), fully shared with {t1..t4} (plus gender
and age group) and shared-private with {t1..t4}; all fuse with CentralNet ``all``. mmtf has no user
demographics, so its t1..t4 columns say so, and a shared-private {t1, t2} column stands in.
"""

from __future__ import annotations

from ..data import TASKS
from .grid_tables import Column

TITLE = "RMSE per modality subset: fully shared and shared-private multi-task networks"
T1T2 = ("rating", "genre")
COLUMNS = (
    Column("fs_t1t2", "FS {t1,t2}", {"fusion": "all", "multitask": "fs"}, T1T2),
    Column("fs_t1t4", "FS {t1..t4}", {"fusion": "all", "multitask": "fs"}, TASKS),
    Column("sp_t1t4", "SP {t1..t4}", {"fusion": "all", "multitask": "sp"}, TASKS),
    Column("sp_t1t2", "SP {t1,t2}", {"fusion": "all", "multitask": "sp"}, T1T2),
)


def columns_for(dataset: str) -> tuple[Column, ...]:
    """The paper's three columns; SP {t1,t2} only where t3, t4 do not exist (mmtf)."""
    return COLUMNS if dataset == "mmtf" else COLUMNS[:3]
