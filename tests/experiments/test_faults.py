"""Processes killed with SIGKILL mid-way: a grid leaves only whole runs behind, and two grids resuming it at once on
the same run store finish it with the records of an uninterrupted grid; an embedding build leaves only whole
matrices, and a rerun finishes it with the matrices of an uninterrupted build."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time

import numpy as np

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
