"""One module per paper table: the grid of runs it needs and how its rows are made."""
from . import table_fusion, table_multitask
from .columns import find_column
from .grid_tables import Column, make_table
from .profiles import PROFILES, Profile, get_profile
from .runs import RunSpec, RunStore, execute, prepared_dataset, run_grid

TABLES = {1: table_fusion, 2: table_fusion, 3: table_multitask, 4: table_multitask}
TABLE_DATASET = {1: "ml100k", 2: "mmtf", 3: "ml100k", 4: "mmtf"}

__all__ = ["Column", "PROFILES", "Profile", "RunSpec", "RunStore", "TABLES", "TABLE_DATASET", "execute", "find_column", "get_profile",
           "make_table", "prepared_dataset", "run_grid", "table_fusion", "table_multitask"]
