"""The paper's tables: number, dataset, the module that defines the grid, and the notebook that shows it.

The CLI's choices, the bench, ``reproduce`` and the notebooks read this one registry; a new table is
one more entry here and its module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import ModuleType

from ..data import load_dataset
from ..errors import MTM4FError, check_choice
from . import table_fusion, table_missing, table_multitask, table_sota
from .grid_tables import Column, grid_specs, make_table
from .profiles import get_profile


@dataclass(frozen=True)
class TableDef:
    """One paper table: its grid module (``columns_for(dataset)``, ``TITLE``, optionally ``SUBSETS``, the
    rows when they are not the profile's), the datasets it is made for (one file each) and its notebook;
    ``hidden``: how many modalities Tables 5-10 hide (None for the complete-modality tables)."""

    number: int
    datasets: tuple[str, ...]
    module: ModuleType
    notebook: str
    hidden: int | None = None

    @property
    def title(self) -> str:
        return self.module.TITLE

    def dataset_or_only(self, dataset: str | None) -> str:
        """``dataset``, else the table's one dataset (an error for a table of several)."""
        if dataset is None and len(self.datasets) > 1:
            raise MTM4FError(f"Table {self.number} is made per dataset {list(self.datasets)}; name one.")
        return dataset or self.datasets[0]

    def columns(self, dataset: str | None = None) -> tuple[Column, ...]:
        return self.module.columns_for(self.dataset_or_only(dataset))

    def specs(self, profile="quick", dataset: str | None = None, data_dir=None) -> list:
        """Every run the table needs for one dataset under ``profile`` (what :meth:`make` trains or reads)."""
        profile, dataset = get_profile(profile), self.dataset_or_only(dataset)
        ds = load_dataset(dataset, data_dir=data_dir)  # a run's key needs no embeddings
        if self.hidden is not None:
            grid = table_missing.grid(ds, self.hidden, profile)
        else:
            subsets = getattr(self.module, "SUBSETS", None)
            grid = grid_specs(ds, self.columns(dataset), replace(profile, subsets=subsets) if subsets else profile)
        return [spec for seeded in grid.values() for spec in seeded]

    def make(self, profile="quick", dataset: str | None = None, **options):
        """Run and write the table for one dataset ('synthetic' may stand in); options go to ``grid_tables.make_table``."""
        dataset = self.dataset_or_only(dataset)
        if self.hidden is not None:
            return table_missing.make(self, profile, dataset, **options)
        subsets = getattr(self.module, "SUBSETS", None)
        return make_table(
            self.number, dataset, self.columns(dataset), profile, defined_in=self.module.__name__, notebook=self.notebook, subsets=subsets, **options
        )


TABLES: dict[int, TableDef] = {
    1: TableDef(1, ("ml100k",), table_fusion, "03_fusion"),
    2: TableDef(2, ("mmtf",), table_fusion, "03_fusion"),
    3: TableDef(3, ("ml100k",), table_multitask, "04_multitask"),
    4: TableDef(4, ("mmtf",), table_multitask, "04_multitask"),
    **{n: TableDef(n, ("ml100k",), table_missing, "05_missing", n - 4) for n in (5, 6, 7)},
    **{n: TableDef(n, ("mmtf",), table_missing, "05_missing", n - 7) for n in (8, 9, 10)},
    11: TableDef(11, ("ml100k", "mmtf"), table_sota, "06_sota"),
}


def get_table(number: int) -> TableDef:
    return TABLES[check_choice("table", number, sorted(TABLES))]


def table_in(notebook: str, dataset: str) -> TableDef:
    """The (first) table a notebook shows for ``dataset``; 'synthetic' (tests, teaching) gets the ml100k one."""
    return tables_in(notebook, dataset)[0]


def tables_in(notebook: str, dataset: str) -> list[TableDef]:
    """Every table a notebook shows for ``dataset`` ('synthetic' gets the ml100k ones)."""
    chosen = [t for t in TABLES.values() if t.notebook == notebook and ("ml100k" if dataset == "synthetic" else dataset) in t.datasets]
    if not chosen:
        raise MTM4FError(f"Notebook {notebook} shows no table for dataset {dataset!r}.")
    return chosen


def find_column(name: str) -> Column:
    """A column of the registered tables by its name (e.g. 'sp_t1t4', 'fuse_standard')."""
    columns = {c.name: c for t in TABLES.values() for c in getattr(t.module, "COLUMNS", ())}
    return columns[check_choice("column", name, sorted(columns))]
