"""Notebooks: committed without outputs, thin, parameterised; the quick reproduce of 01 and 02 for both
datasets; every notebook on `synthetic` without real data; papermill from any working directory."""

import hashlib
import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

from mtm4f_lib import notebooks
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.notebooks import available_notebooks, run_notebook
from mtm4f_lib.paths import REPO

NOTEBOOKS = available_notebooks()


def digests(folder) -> dict[str, str]:
    """MD5 of every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_parameterised_and_thin(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1 and "dataset" in "".join(params[0]["source"]) and "outputs_dir = None" in "".join(params[0]["source"])
    assert max(len("".join(c["source"]).splitlines()) for c in code) <= 15


@pytest.mark.notebook
def test_quick_reproduce_leaves_the_paper_outputs_untouched(quick_outputs):
    assert digests(quick_outputs / "paper") == digests(REPO / "outputs" / "paper")
    executed = sorted(p.name for p in (quick_outputs / "quick" / "executed").iterdir())
    assert executed == sorted(f"{nb.stem}_{ds}.ipynb" for nb in NOTEBOOKS for ds in ("ml100k", "mmtf"))


@pytest.mark.notebook
def test_the_reproduce_plan_is_every_run_the_notebooks_tables_hold(quick_outputs, data_dir, capsys):
    """`mtm4f reproduce` trains its runs as one grid before the notebooks: the plan is exactly the runs their tables report."""
    from mtm4f_lib.cli import main
    from mtm4f_lib.experiments.plan import planned_runs

    tables, references = planned_runs("quick", [nb.stem for nb in NOTEBOOKS], ("ml100k", "mmtf"), data_dir)
    metrics = [json.loads(p.read_text()) for p in (quick_outputs / "quick" / "metrics").glob("*.json")]
    written = {run["key"] for m in metrics for run in m.get("runs", []) if isinstance(run, dict) and "key" in run}
    assert written and written == {spec.key for spec in tables + references}
    capsys.readouterr()
    assert main(["reproduce", "--plan", "--profile", "quick", "--dataset", "ml100k", "mmtf", "--data-dir", str(data_dir)]) == 0
    assert f"0 of {len(tables) + len(references)} runs left" in capsys.readouterr().out  # a finished reproduction has nothing left to train


@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_01_outputs(dataset, quick_outputs):
    folder = quick_outputs / "quick"
    summary = pd.read_csv(folder / "tables" / f"datasets_summary_{dataset}.csv")
    expected = {"ml100k": (943, 1682, 100_000), "mmtf": (610, 3777, 57_089)}[dataset]
    assert tuple(summary.loc[0, ["users", "items", "ratings"]]) == expected
    counts = pd.read_csv(folder / "tables" / f"complete_modality_counts_{dataset}.csv")
    assert len(counts) == 15 and (counts["train"] > 0).all()
    assert (counts.set_index("abbrev").loc["AMSV", "train"] <= counts["train"]).all()
    for fig in ("ratings_genres", "modality_coverage", "figure1_movie"):
        assert (folder / "figures" / f"{fig}_{dataset}.png").stat().st_size > 10_000


@pytest.mark.notebook
@pytest.mark.parametrize("dataset", ["ml100k", "mmtf"])
def test_notebook_02_outputs(dataset, quick_outputs, request):
    ds = request.getfixturevalue(dataset)
    folder = quick_outputs / "quick"
    tables = folder / "tables"
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
        assert (folder / "figures" / f"{fig}_{dataset}.png").stat().st_size > 10_000
    metrics = json.loads((folder / "metrics" / f"embeddings_{dataset}.json").read_text())
    assert metrics["dim_subtitle"] == 384 and metrics["probe_f1_meta"] == pytest.approx(probe.loc["meta", "genre_micro_f1"])
    assert metrics["clip"] == "n/a: no CLIP weights"  # no CLIP weights on this machine: the notebook says so


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_runs_on_synthetic_without_real_data(notebook, tmp_path, monkeypatch):
    monkeypatch.delenv("MTM4F_DATA", raising=False)
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    executed = run_notebook(notebook, "synthetic", "quick", tmp_path)
    assert executed == tmp_path / "quick" / "executed" / f"{notebook.stem}_synthetic.ipynb"
    written = {p.name for p in (tmp_path / "quick").rglob("*_synthetic.*")}
    assert len(written) >= 3 and not (tmp_path / "cache" / "data").exists()  # nothing was downloaded


@pytest.mark.notebook
def test_a_failing_notebook_is_kept_whole_with_its_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    notebook = next(nb for nb in NOTEBOOKS if nb.stem == "05_missing")
    with pytest.raises(MTM4FError, match="05_missing.ipynb failed for dataset synthetic") as error:
        run_notebook(notebook, "synthetic", "quick", tmp_path, missing_rates=[150])
    executed = tmp_path / "quick" / "executed" / "05_missing_synthetic.ipynb"
    assert str(executed) in str(error.value)
    errors = [o for c in json.loads(executed.read_text())["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1 and "150" in errors[0]["evalue"]
    assert [p.name for p in executed.parent.iterdir()] == [executed.name]  # no partial file is left beside it


def test_an_undeclared_notebook_parameter_stops_before_anything_runs(tmp_path):
    notebook = next(nb for nb in NOTEBOOKS if nb.stem == "01_datasets")
    with pytest.raises(MTM4FError, match=r"01_datasets.ipynb has no parameter \['workers'\]; its parameters are \['dataset'"):
        run_notebook(notebook, "synthetic", "quick", tmp_path, workers=2)
    assert not any(tmp_path.iterdir())


def _reproduce_sleeping(monkeypatch, calls: list, failing: str | None = None) -> list[tuple[str, str]]:
    """The logged (notebook, dataset) pairs of a two-worker reproduce of 01-03 for ml100k and mmtf whose notebooks only
    sleep and append to ``calls`` (the ``failing`` dataset's first one raises at once); the grid is skipped."""

    def run(notebook, dataset, *args, **parameters):
        calls.append((notebook.stem, dataset))
        if dataset == failing:
            raise MTM4FError(f"{notebook.name} failed")
        time.sleep(0.3)
        return notebook

    monkeypatch.setattr(notebooks, "run_notebook", run)
    monkeypatch.setattr("mtm4f_lib.experiments.plan.run_planned", lambda *args: "no runs")
    log = notebooks.reproduce("quick", ("ml100k", "mmtf"), ["01", "02", "03"], workers=2)
    return [(entry["notebook"], entry["dataset"]) for entry in log[1:]]


def test_two_workers_run_the_datasets_side_by_side_and_log_them_in_order(monkeypatch):
    calls, start = [], time.perf_counter()
    logged = _reproduce_sleeping(monkeypatch, calls)
    assert time.perf_counter() - start < 0.3 * 6 * 0.75  # six sleeps of 0.3 s, two at a time
    assert [c for c in calls if c[1] == "mmtf"] == [("01_datasets", "mmtf"), ("02_embeddings", "mmtf"), ("03_fusion", "mmtf")]
    assert logged == [(nb, ds) for nb in ("01_datasets", "02_embeddings", "03_fusion") for ds in ("ml100k", "mmtf")]


def test_a_failed_notebook_stops_the_other_datasets_sequence_at_its_next_notebook(monkeypatch):
    calls = []
    with pytest.raises(MTM4FError, match="01_datasets.ipynb failed"):
        _reproduce_sleeping(monkeypatch, calls, failing="mmtf")
    assert sorted(calls) == [("01_datasets", "ml100k"), ("01_datasets", "mmtf")]


@pytest.fixture
def repo_synthetic_outputs():
    """Removes the `synthetic` files a test writes into the repository's own outputs/quick/."""
    yield REPO / "outputs" / "quick"
    for path in (REPO / "outputs" / "quick").rglob("*_synthetic.*"):
        path.unlink()


@pytest.mark.notebook
@pytest.mark.parametrize("cwd", ["root", "notebooks"])
def test_papermill_writes_into_the_project_outputs_from_any_folder(cwd, tmp_path, repo_synthetic_outputs, monkeypatch):
    monkeypatch.delenv("MTM4F_OUTPUTS", raising=False)
    notebook = "notebooks/01_datasets.ipynb" if cwd == "root" else "01_datasets.ipynb"
    papermill = [sys.executable, "-m", "papermill", notebook, str(tmp_path / "out.ipynb"), "-p", "dataset", "synthetic", "--no-progress-bar"]
    subprocess.run(papermill, cwd=REPO if cwd == "root" else REPO / "notebooks", check=True, capture_output=True, env=os.environ)
    assert (repo_synthetic_outputs / "tables" / "datasets_summary_synthetic.csv").is_file()
    assert not (REPO.parent / "outputs").exists() and not (REPO / "notebooks" / "outputs").exists()

    monkeypatch.setenv("MTM4F_OUTPUTS", str(tmp_path / "elsewhere"))
    subprocess.run(papermill, cwd=REPO if cwd == "root" else REPO / "notebooks", check=True, capture_output=True, env=os.environ)
    assert (tmp_path / "elsewhere" / "quick" / "tables" / "datasets_summary_synthetic.csv").is_file()
