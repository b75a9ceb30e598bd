"""Timing targets of the multi-task model: one SP-MT run, and the wall time of a whole table grid."""

from __future__ import annotations

import dataclasses
import os
import time

import torch

from ..paths import profile_outputs
from ..reporting import save_metrics
from .profiles import get_profile
from .registry import TABLES, find_column
from .runs import prepared_dataset, train_spec


def one_run(profile: str = "paper", data_dir=None, threads: int = 1, device: str = "cpu") -> dict:
    """Train SP-MT with tasks t1..t4 on all four modalities of ml100k once with ``threads`` torch
    threads on ``device`` (never from the run store; the grid's runs use 1 thread each)."""
    dataset = prepared_dataset("ml100k", data_dir)
    spec = find_column("sp_t1t4").spec(dataset, "AMSV", get_profile(profile), seed=0)
    spec = dataclasses.replace(spec, train=dataclasses.replace(spec.train, threads=threads, device=device))
    start = time.perf_counter()
    result = train_spec(spec, data_dir)[1]["result"]
    hardware = torch.cuda.get_device_name(device) if device.startswith("cuda") else f"CPU, {os.cpu_count()} cores"
    return {
        "run": "SP-MT t1..t4, AMSV, ml100k, complete-modality",
        "profile": profile,
        "threads": threads,
        "device": device,
        "hardware": hardware,
        "wall_seconds": round(time.perf_counter() - start, 2),
        "epochs": len(result["history"]),
        "seconds_per_epoch": round(sum(h["seconds"] for h in result["history"]) / len(result["history"]), 2),
        "rmse": result["metrics"]["rmse"],
        "target_seconds": 30,
        "goal_seconds": 10,
    }


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


def bench(profile: str = "paper", data_dir=None, outputs_dir=None, workers: int = 2, with_grid: bool = True, device: str = "cpu") -> dict:
    """Measure both targets on ``device`` and write ``metrics/bench_<profile>.json`` (``bench_<profile>_cuda.json`` off the CPU)."""
    report = {"one_run": [one_run(profile, data_dir, threads, device) for threads in (1, 2)]}
    if with_grid:
        report["grid"] = grid(profile, data_dir, outputs_dir, workers, device)
    save_metrics(report, f"bench_{profile}" + ("" if device == "cpu" else f"_{device.replace(':', '')}"), profile_outputs(profile, outputs_dir))
    return report
