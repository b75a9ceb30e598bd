"""One module per paper table: the grid of runs it needs and how its rows are made; the registry names them."""

from . import table_fusion, table_multitask
from .grid_tables import Column, GridTable, make_table
from .profiles import PROFILES, Profile, get_profile
from .registry import TABLES, TableDef, find_column, get_table, table_in, tables_in
from .runs import RunSpec, RunStore, prepared_dataset, run_grid, train_mtm4f, train_spec

__all__ = [
    "Column",
    "GridTable",
    "PROFILES",
    "Profile",
    "RunSpec",
    "RunStore",
    "TABLES",
    "TableDef",
    "find_column",
    "get_profile",
    "get_table",
    "make_table",
    "prepared_dataset",
    "run_grid",
    "table_fusion",
    "table_in",
    "tables_in",
    "table_multitask",
    "train_mtm4f",
    "train_spec",
]
