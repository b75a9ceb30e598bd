"""The paper's tables: number, dataset, the module that defines the grid, and the notebook that shows it.

The CLI's choices, the bench, ``reproduce`` and the notebooks read this one registry; a new table is
one more entry here and its module.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ..errors import MTM4FError, check_choice
from . import table_fusion, table_missing, table_multitask
from .grid_tables import Column, make_table


@dataclass(frozen=True)
class TableDef:
    """One paper table: its grid module (``columns_for(dataset)``, ``TITLE``), dataset and notebook;
    ``hidden``: how many modalities Tables 5-10 hide (None for the complete-modality tables)."""

    number: int
    dataset: str
    module: ModuleType
    notebook: str
    hidden: int | None = None

    @property
    def title(self) -> str:
        return self.module.TITLE

    def columns(self, dataset: str | None = None) -> tuple[Column, ...]:
        return self.module.columns_for(dataset or self.dataset)

    def make(self, profile="quick", dataset: str | None = None, **options):
        """Run and write the table (``dataset`` may swap in 'synthetic'); options go to ``grid_tables.make_table``."""
        if self.hidden is not None:
            return table_missing.make(self, profile, dataset, **options)
        dataset = dataset or self.dataset
        return make_table(self.number, dataset, self.columns(dataset), profile, defined_in=self.module.__name__, notebook=self.notebook, **options)


TABLES: dict[int, TableDef] = {
    1: TableDef(1, "ml100k", table_fusion, "03_fusion"),
    2: TableDef(2, "mmtf", table_fusion, "03_fusion"),
    3: TableDef(3, "ml100k", table_multitask, "04_multitask"),
    4: TableDef(4, "mmtf", table_multitask, "04_multitask"),
    **{n: TableDef(n, "ml100k", table_missing, "05_missing", n - 4) for n in (5, 6, 7)},
    **{n: TableDef(n, "mmtf", table_missing, "05_missing", n - 7) for n in (8, 9, 10)},
}


def get_table(number: int) -> TableDef:
    return TABLES[check_choice("table", number, sorted(TABLES))]


def table_in(notebook: str, dataset: str) -> TableDef:
    """The (first) table a notebook shows for ``dataset``; 'synthetic' (tests, teaching) gets the ml100k one."""
    return tables_in(notebook, dataset)[0]


def tables_in(notebook: str, dataset: str) -> list[TableDef]:
    """Every table a notebook shows for ``dataset`` ('synthetic' gets the ml100k ones)."""
    chosen = [t for t in TABLES.values() if t.notebook == notebook and t.dataset == ("ml100k" if dataset == "synthetic" else dataset)]
    if not chosen:
        raise MTM4FError(f"Notebook {notebook} shows no table for dataset {dataset!r}.")
    return chosen


def find_column(name: str) -> Column:
    """A column of the registered tables by its name (e.g. 'sp_t1t4', 'fuse_standard')."""
    columns = {c.name: c for t in TABLES.values() for c in getattr(t.module, "COLUMNS", ())}
    return columns[check_choice("column", name, sorted(columns))]
