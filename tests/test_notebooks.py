"""Every notebook is committed without outputs and has a parameters cell; notebooks 01 and 02 run for both datasets."""
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
    summary = pd.read_csv(tmp_path / "quick" / "tables" / f"datasets_summary_{dataset}.csv")
    expected = {"ml100k": (943, 1682, 100_000), "mmtf": (610, 3777, 57_089)}[dataset]
    assert tuple(summary.loc[0, ["users", "items", "ratings"]]) == expected
    counts = pd.read_csv(tmp_path / "quick" / "tables" / f"complete_modality_counts_{dataset}.csv")
    assert len(counts) == 15 and (counts["train"] > 0).all()
    assert (counts.set_index("abbrev").loc["AMSV", "train"] <= counts["train"]).all()
    for fig in ("ratings_genres", "modality_coverage", "figure1_movie"):
        assert (tmp_path / "quick" / "figures" / f"{fig}_{dataset}.png").stat().st_size > 10_000


@pytest.mark.notebook
@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_02_runs(dataset, data_dir, tmp_path, request):
    ds = request.getfixturevalue(dataset)
    executed = run_notebook(REPO / "notebooks" / "02_embeddings.ipynb", dataset, "quick", tmp_path, data_dir)
    assert executed.is_file()
    tables = tmp_path / "quick" / "tables"
    summary = pd.read_csv(tables / f"embeddings_summary_{dataset}.csv").set_index("modality")
    assert list(summary.index) == ["audio", "meta", "subtitle", "video"]
    assert summary.loc["meta", "dim"] == {"ml100k": 1152, "mmtf": 512}[dataset]
    assert tuple(summary.loc[["subtitle", "audio", "video"], "dim"]) == (384, 512, 231)
    assert summary["items"].to_dict() == {m: ds.modalities[m].n_available for m in summary.index}
    probe = pd.read_csv(tables / f"genre_probe_{dataset}.csv").set_index("modality")
    assert list(probe.index) == ["audio", "meta", "subtitle", "video", "meta w/o genre"]
    scores = probe[["genre_micro_f1", "majority_micro_f1", "top_genre_micro_f1"]]
    assert ((scores >= 0) & (scores <= 1)).all().all()
    assert (probe["genre_micro_f1"] > probe["top_genre_micro_f1"]).any()
    assert probe.loc["meta", "genre_micro_f1"] > probe.loc["meta w/o genre", "genre_micro_f1"]  # the genre slot holds the answer
    neighbours = pd.read_csv(tables / f"embedding_neighbours_{dataset}.csv")
    assert set(neighbours["movie"]) == {"Godfather, The", "Aladdin", "Back to the Future"}
    assert len(neighbours) == 3 * 4 * 5 and neighbours["cosine"].between(-1, 1).all()
    assert not (neighbours["movie"] == neighbours["neighbour"]).any()
    users = pd.read_csv(tables / f"user_vectors_{dataset}.csv").set_index("modality")
    meta_dims = {"ml100k": 2 + 7 + 21, "mmtf": 0}[dataset]  # gender, age group, occupation one-hots; mmtf has none
    assert (users["users"] == ds.n_users).all() and (users["meta_dims"] == meta_dims).all()
    assert (users["dim"] == meta_dims + summary.loc[users.index, "dim"] + 1).all()
    for fig in ("embedding_projections", "genre_probe"):
        assert (tmp_path / "quick" / "figures" / f"{fig}_{dataset}.png").stat().st_size > 10_000
    metrics = json.loads((tmp_path / "quick" / "metrics" / f"embeddings_{dataset}.json").read_text())
    assert metrics["dim_subtitle"] == 384 and metrics["probe_f1_meta"] == pytest.approx(probe.loc["meta", "genre_micro_f1"])
    assert metrics["clip"] == "n/a: no CLIP weights" or "CLIP text vectors" in metrics["clip"]
