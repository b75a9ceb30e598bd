"""Processes killed with SIGKILL mid-way: a grid leaves only whole runs behind, and two grids resuming it at once on
the same run store finish it with the records of an uninterrupted grid; an embedding build leaves only whole
matrices, and a rerun finishes it with the matrices of an uninterrupted build; a notebook leaves only whole
outputs and runs, and a rerun reuses those runs and executes it to the end."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time

import nbformat
import numpy as np
import pandas as pd
from matplotlib.image import imread

from mtm4f_lib.experiments import find_column, get_profile, prepared_dataset
from mtm4f_lib.experiments.runs import RunSpec, RunStore, run_grid
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.training import TrainConfig

GRID = "import pickle, sys; from mtm4f_lib.experiments.runs import RunSpec, RunStore, run_grid; run_grid(pickle.load(open(sys.argv[1], 'rb')), RunStore(sys.argv[2]), progress=False)"
MODEL = ModelConfig(modalities="AV", fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)
SPECS = [RunSpec("synthetic", MODEL, TrainConfig(max_epochs=4, patience=2, batch_size=512, seed=s), protocol="full") for s in range(6)]


def test_a_grid_killed_mid_way_resumes_to_the_same_records(tmp_path):
    root, specs = tmp_path / "runs", tmp_path / "specs.pickle"
    specs.write_bytes(pickle.dumps(SPECS))
    process = subprocess.Popen([sys.executable, "-c", GRID, str(specs), str(root)], start_new_session=True)
    deadline = time.time() + 300
    while len(list(root.glob("*.json"))) < 2 and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = sorted(root.glob("*.json"))
    assert 2 <= len(finished) < 6, "the grid should have been killed between its runs"
    for path in finished:  # every record on disk is whole, and its predictions are there
        assert json.loads(path.read_text())["result"]["metrics"]["rmse"] > 0
        assert np.load(path.with_suffix(".predictions.npy")).size > 0
    resuming = [subprocess.Popen([sys.executable, "-c", GRID, str(specs), str(root)]) for _ in range(2)]  # two grids share the store at once
    assert [p.wait(timeout=300) for p in resuming] == [0, 0]
    resumed = {spec.key: RunStore(root).get(spec, with_predictions=True) for spec in SPECS}
    uninterrupted = run_grid(SPECS, RunStore(tmp_path / "clean"), progress=False)
    for spec in SPECS:
        assert resumed[spec.key]["result"]["metrics"] == uninterrupted[spec.key]["result"]["metrics"]
    assert len(list(root.glob("*.json"))) == 6


EMBED = "from mtm4f_lib.data import load_dataset; from mtm4f_lib.embeddings.pipeline import embed_dataset; embed_dataset(load_dataset('synthetic'), progress=False, media_dir=False)"


def test_an_embedding_build_killed_mid_way_leaves_whole_matrices_and_a_rerun_finishes_it(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    process = subprocess.Popen([sys.executable, "-c", EMBED], env={**os.environ, "MTM4F_CACHE": str(killed)}, start_new_session=True)
    deadline = time.time() + 300
    while not list((killed / "embeddings").glob("*.npy")) and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    built = sorted((killed / "embeddings").glob("*.npy"))
    assert 1 <= len(built) < 4, "the build should have been killed between two modalities"
    assert all(np.load(path).ndim == 2 for path in built)  # each matrix on disk is whole
    for cache in (killed, clean):
        subprocess.run([sys.executable, "-c", EMBED], env={**os.environ, "MTM4F_CACHE": str(cache)}, check=True)
    resumed, fresh = (sorted((c / "embeddings").glob("*.npy")) for c in (killed, clean))
    assert [p.name for p in resumed] == [p.name for p in fresh] and len(fresh) == 4
    assert all(np.array_equal(np.load(a), np.load(b), equal_nan=True) for a, b in zip(resumed, fresh))  # NaN: a movie without the modality


def _whole(path):
    """Read a visible output file the way its reader would; an error for a half-written one."""
    readers = {
        ".csv": pd.read_csv,
        ".json": lambda p: json.loads(p.read_text()),
        ".png": imread,
        ".npy": np.load,
        ".ipynb": lambda p: nbformat.read(p, as_version=4),
    }
    content = readers.get(path.suffix, lambda p: p.read_text(encoding="utf-8"))(path)
    assert len(content) > 0, path


def test_a_notebook_killed_mid_way_leaves_whole_outputs_and_a_rerun_reuses_its_runs(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    command = [sys.executable, "-m", "mtm4f_lib.cli", "reproduce", "--dataset", "synthetic", "--notebook", "03", "--outputs-dir", str(out)]
    env = {**os.environ, "MTM4F_CACHE": str(cache)}
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while len(list((cache / "runs").glob("*.json"))) < 2 and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the process group: the command and the notebook's kernel
    process.wait()
    executed = out / "quick" / "executed" / "03_fusion_synthetic.ipynb"
    assert not executed.exists(), "the notebook should have been killed before its end"
    visible = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for path in visible:
        _whole(path)
    before = {p.name: p.read_bytes() for p in (cache / "runs").glob("*.json")}
    assert len(before) >= 2, "the notebook should have stored runs before it was killed"
    subprocess.run(command, env=env, check=True, capture_output=True)
    notebook = nbformat.read(executed, as_version=4)
    assert not [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert all(c.get("execution_count") for c in notebook.cells if c.cell_type == "code"), "every cell ran"
    after = {p.name: p.read_bytes() for p in (cache / "runs").glob("*.json")}
    own = f"synthetic_{find_column('all_standard').spec(prepared_dataset('synthetic'), 'AMSV', get_profile('quick'), 0).key}.json"
    metrics = {name: json.loads(record)["result"]["metrics"] for name, record in before.items()}
    assert metrics[own] == json.loads(after[own])["result"]["metrics"], "the run the notebook retrains for its model measures the same"
    assert {n: after[n] for n in before if n != own} == {n: r for n, r in before.items() if n != own}, "the table's stored runs are reused, not trained again"
    assert len(after) > len(before)
    assert (out / "quick" / "tables" / "table1_synthetic.csv").is_file()


def test_a_failed_job_stops_a_pool_grid_at_once_without_starting_the_queued_jobs(tmp_path):
    from mtm4f_lib.experiments.executors import completed

    started = tmp_path / "started"
    started.mkdir()
    slow = [(["sh", "-c", f"touch {started}/{i}; sleep 3"],) for i in range(12)]
    begin = time.perf_counter()
    try:
        for _ in completed(subprocess.check_call, [(["false"],), *slow], workers=2):
            pass
    except subprocess.CalledProcessError:
        pass
    else:
        raise AssertionError("the failing job's error should reach the grid")
    assert time.perf_counter() - begin < 8, "the error should come before the queued jobs run (12 x 3 s on 2 workers)"
    time.sleep(6.5)  # the jobs running when the error came, and the few the pool had already handed out (workers + 1), finish
    assert len(list(started.iterdir())) <= 5, "the jobs still queued are dropped"
