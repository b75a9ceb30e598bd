"""Every notebook is committed without outputs and has a parameters cell; notebook 01 runs for both datasets."""
import json

import pandas as pd
import pytest

from mtm4f_lib.notebooks import REPO
from mtm4f_lib.notebooks import available_notebooks, run_notebook

NOTEBOOKS = available_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_parameterised(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1 and "dataset" in "".join(params[0]["source"])


@pytest.mark.notebook
@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_01_runs(dataset, data_dir, tmp_path):
    executed = run_notebook(REPO / "notebooks" / "01_datasets.ipynb", dataset, "quick", tmp_path, data_dir)
    assert executed.is_file()
    summary = pd.read_csv(tmp_path / "tables" / f"datasets_summary_{dataset}.csv")
    expected = {"ml100k": (943, 1682, 100_000), "mmtf": (610, 3777, 57_089)}[dataset]
    assert tuple(summary.loc[0, ["users", "items", "ratings"]]) == expected
    counts = pd.read_csv(tmp_path / "tables" / f"complete_modality_counts_{dataset}.csv")
    assert len(counts) == 15 and (counts["train"] > 0).all()
    assert (counts.set_index("abbrev").loc["AMSV", "train"] <= counts["train"]).all()
    for fig in ("ratings_genres", "modality_coverage", "figure1_movie"):
        assert (tmp_path / "figures" / f"{fig}_{dataset}.png").stat().st_size > 10_000
