"""Timing targets: one SP-MT run, the wall time of a whole table grid, the cost of the missing-modality methods
against the complete-modality run of one cell, and the scale-out of a grid from one worker to several."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time

import torch

from ..errors import check_choice
from ..paths import profile_outputs
from ..reporting import save_metrics
from .executors import chosen_executor
from .profiles import get_profile
from .registry import TABLES, find_column
from .runs import RunStore, prepared_dataset, run_grid, train_spec
from .table_missing import complete_spec, method_spec

PARTS = ("one_run", "grid", "missing_cost", "scale_out")


def _timed(spec, data_dir, threads: int, device: str) -> dict:
    """Train ``spec`` once with ``threads`` torch threads on ``device`` (never from the run store) and time it."""
    spec = dataclasses.replace(spec, train=dataclasses.replace(spec.train, threads=threads, device=device))
    start = time.perf_counter()
    result = train_spec(spec, data_dir)[1]["result"]
    return {
        "wall_seconds": round(time.perf_counter() - start, 2),
        "epochs": len(result["history"]),
        "seconds_per_epoch": round(sum(h["seconds"] for h in result["history"]) / len(result["history"]), 2),
        "rmse": result["metrics"]["rmse"],
    }


def _hardware(device: str) -> str:
    return torch.cuda.get_device_name(device) if device.startswith("cuda") else f"CPU, {os.cpu_count()} cores"


def one_run(profile: str = "paper", data_dir=None, threads: int = 1, device: str = "cpu") -> dict:
    """Train SP-MT with tasks t1..t4 on all four modalities of ml100k once with ``threads`` torch
    threads on ``device`` (never from the run store; the grid's runs use 1 thread each)."""
    dataset = prepared_dataset("ml100k", data_dir)
    spec = find_column("sp_t1t4").spec(dataset, "AMSV", get_profile(profile), seed=0)
    return {
        "run": "SP-MT t1..t4, AMSV, ml100k, complete-modality",
        "profile": profile,
        "threads": threads,
        "device": device,
        "hardware": _hardware(device),
        **_timed(spec, data_dir, threads, device),
        "target_seconds": 30,
        "goal_seconds": 10,
    }


def missing_cost(profile: str = "paper", data_dir=None, hidden: str = "A", chi: float = 90, device: str = "cpu") -> dict:
    """Each missing-modality method (m4; m4 with the meta step on every 2nd batch, ``ModelConfig.meta_every``; drop,
    mean fill) and the complete-modality run on one cell of Table 5 (ml100k, ``hidden`` kept for ``chi``% of training
    movies, repeat 0), trained one after another with one thread each; every run's wall time and time per epoch as
    multiples of the complete run's (target: m4 at most 3x)."""
    dataset, chosen = prepared_dataset("ml100k", data_dir), get_profile(profile)
    specs = {"complete": complete_spec(dataset, 0, chosen), **{m: method_spec(dataset, m, hidden, chi, 0, chosen) for m in ("m4", "drop", "mean")}}
    m4 = specs["m4"]
    specs["m4, meta step every 2nd batch"] = dataclasses.replace(m4, model=dataclasses.replace(m4.model, meta_every=2))
    runs = {name: _timed(spec, data_dir, 1, device) for name, spec in specs.items()}
    for run in runs.values():
        run["times_complete"] = round(run["wall_seconds"] / runs["complete"]["wall_seconds"], 2)
        run["epoch_times_complete"] = round(run["seconds_per_epoch"] / runs["complete"]["seconds_per_epoch"], 2)
    return {"cell": f"ml100k, {hidden} kept for {chi}% of training movies, repeat 0", "profile": profile, "device": device, "hardware": _hardware(device),
            "runs": runs, "target_times_complete": 3.0}  # fmt: skip


def scale_out(data_dir=None, workers: int = 2, runs: int = 6, epochs: int = 10, device: str = "cpu", dataset: str = "ml100k") -> dict:
    """One grid of ``runs`` equal runs (SP-MT t1..t4, AMSV, seeds 0.. with exactly ``epochs`` epochs each), trained
    fresh in a temporary run store on the chosen executor with 1 worker, then with ``workers``; the speed-up
    (target: 1.8 with 2 workers on two cores)."""
    base = find_column("sp_t1t4").spec(prepared_dataset(dataset, data_dir), "AMSV", get_profile("paper"), seed=0)
    train = dataclasses.replace(base.train, max_epochs=epochs, patience=epochs, device=device)
    specs = [dataclasses.replace(base, train=dataclasses.replace(train, seed=seed)) for seed in range(runs)]
    wall = {}
    for n in dict.fromkeys((1, workers)):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            run_grid(specs, RunStore(folder), data_dir, n, progress=False)
            wall[n] = round(time.perf_counter() - start, 1)
    return {"grid": f"{runs} runs of SP-MT t1..t4, AMSV, {dataset}, {epochs} epochs each", "executor": chosen_executor()[0], "device": device,
            "hardware": _hardware(device), "wall_seconds": {str(n): w for n, w in wall.items()}, "speed_up": round(wall[1] / wall[workers], 2),
            "target_speed_up": 1.8}  # fmt: skip


def grid(profile: str = "paper", data_dir=None, outputs_dir=None, workers: int = 2, device: str = "cpu") -> dict:
    """Run every registered table on ``device`` (stored runs are reused) and time it."""
    start = time.perf_counter()
    seconds = {}
    chosen = dataclasses.replace(get_profile(profile), device=device)
    for table in TABLES.values():
        for dataset in table.datasets:
            _, summary = table.make(chosen, dataset, data_dir=data_dir, outputs_dir=outputs_dir, workers=workers)
            seconds[f"table{table.number}_{dataset}"] = round(sum(r["seconds"] for r in summary), 1)
    return {
        "profile": profile,
        "workers": workers,
        "device": device,
        "wall_seconds": round(time.perf_counter() - start, 1),
        "run_seconds_per_table": seconds,
        "run_seconds_total": round(sum(seconds.values()), 1),
        "target_seconds": 3600,
        "goal_seconds": 1800,
    }


def bench(profile: str = "paper", data_dir=None, outputs_dir=None, workers: int = 2, parts=("one_run", "grid"), device: str = "cpu") -> dict:
    """Measure the chosen ``parts`` on ``device`` and write them into ``metrics/bench_<profile>.json``
    (``bench_<profile>_cuda.json`` off the CPU); the parts not measured now keep their earlier numbers there."""
    measure = {
        "one_run": lambda: [one_run(profile, data_dir, threads, device) for threads in (1, 2)],
        "grid": lambda: grid(profile, data_dir, outputs_dir, workers, device),
        "missing_cost": lambda: missing_cost(profile, data_dir, device=device),
        "scale_out": lambda: scale_out(data_dir, workers, device=device),
    }
    report = {part: measure[check_choice("bench part", part, PARTS)]() for part in parts}
    name = f"bench_{profile}" + ("" if device == "cpu" else f"_{device.replace(':', '')}")
    folder = profile_outputs(profile, outputs_dir)
    path = folder / "metrics" / f"{name}.json"
    earlier = json.loads(path.read_text()) if path.is_file() else {}
    save_metrics({**earlier, **report}, name, folder)
    return report
