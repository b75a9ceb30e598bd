"""The columns (model variants) of Tables 1-4, looked up by name."""
from __future__ import annotations

from ..errors import MTM4FError
from . import table_fusion, table_multitask
from .grid_tables import Column


def find_column(name: str) -> Column:
    """A column of Tables 1-4 by its name (e.g. 'sp_t1t4', 'fuse_standard')."""
    columns = {c.name: c for c in (*table_fusion.COLUMNS, *table_multitask.COLUMNS)}
    if name not in columns:
        raise MTM4FError(f"Unknown column {name!r}; use one of {sorted(columns)}.")
    return columns[name]
