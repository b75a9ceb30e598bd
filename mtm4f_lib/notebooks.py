"""Run the numbered notebooks headless with papermill (the `mtm4f reproduce` job)."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm.auto import tqdm

from .atomic import atomic_path
from .errors import MTM4FError
from .experiments.profiles import get_profile
from .paths import REPO, outputs_root

NOTEBOOK_DIR = REPO / "notebooks"
REAL_DATASETS = ("ml100k", "mmtf")


def available_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The numbered notebooks (NN_name.ipynb), in order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb"))


def select_notebooks(names=None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Notebooks whose number or stem matches one of ``names`` (all when None)."""
    notebooks = available_notebooks(folder)
    if not names:
        return notebooks
    chosen = [nb for nb in notebooks if any(nb.stem == n or nb.stem.split("_")[0] == n.zfill(2) for n in names)]
    unknown = [n for n in names if not any(nb.stem == n or nb.stem.split("_")[0] == n.zfill(2) for nb in notebooks)]
    if unknown:
        raise MTM4FError(f"No notebook named {unknown}; available: {[nb.stem for nb in notebooks]}.")
    return chosen


def notebook_parameters(notebook: Path) -> list[str]:
    """The names of the parameters the notebook's parameters cell declares."""
    import papermill as pm

    return list(pm.inspect_notebook(str(notebook)))


def run_notebook(notebook: Path, dataset: str, profile: str = "quick", outputs_dir=None, data_dir=None, seed: int = 0, **extra) -> Path:
    """Execute one notebook for one dataset; the executed copy goes to ``<outputs root>/<profile>/executed/`` once it
    has run to its end (or failed), so an interrupted run never leaves a half-executed copy there. ``extra``: more of
    the notebook's parameters (one it does not declare stops here, naming those it does)."""
    import papermill as pm

    get_profile(profile)  # an unknown profile stops here, naming the profiles
    declared = notebook_parameters(notebook)
    unknown = sorted(set(extra) - set(declared))
    if unknown:
        raise MTM4FError(f"{notebook.name} has no parameter {unknown}; its parameters are {declared}.")
    outputs_dir = outputs_root(outputs_dir)
    executed = outputs_dir / profile / "executed" / f"{notebook.stem}_{dataset}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = {
        "dataset": dataset,
        "profile": profile,
        "seed": seed,
        "outputs_dir": str(outputs_dir),
        "data_dir": str(Path(data_dir).resolve()) if data_dir else None,
        **extra,
    }
    with atomic_path(executed, ".partial.ipynb") as partial:  # papermill saves after every cell: a killed run leaves only a hidden partial file
        try:
            pm.execute_notebook(str(notebook), str(partial), parameters=parameters, cwd=str(notebook.parent), kernel_name="python3", progress_bar=False)
        except pm.PapermillExecutionError as exc:
            os.replace(partial, executed)  # a failed notebook is kept whole, with its traceback, for reading
            raise MTM4FError(
                f"{notebook.name} failed for dataset {dataset}: {exc.ename}: {exc.evalue}. The executed notebook with the traceback is {executed}."
            ) from exc
    return executed


def reproduce(profile: str = "quick", datasets=REAL_DATASETS, notebooks=None, outputs_dir=None, data_dir=None, seed: int = 0, workers: int = 1) -> list[dict]:
    """Train every run the selected notebooks' tables need as one grid (``experiments.plan``), then run the selected
    notebooks, each dataset's in order, with a progress bar and timings; the first log entry is the grid's.

    ``workers``: processes of the grid and of the notebooks that train runs of their own; with two or more, the
    datasets' notebook sequences run side by side (one kernel each), and a failure stops the others at their next notebook.
    """
    from .experiments.plan import run_planned

    chosen = select_notebooks(notebooks)
    if not chosen:
        raise MTM4FError(f"No notebooks found in {NOTEBOOK_DIR}.")
    if not datasets:
        raise MTM4FError(f"Name at least one dataset to reproduce, e.g. {' '.join(REAL_DATASETS)}.")
    start = time.perf_counter()
    plan = run_planned(profile, [nb.stem for nb in chosen], datasets, data_dir, workers)
    log = [{"notebook": "runs", "dataset": " ".join(datasets), "seconds": round(time.perf_counter() - start, 1), "executed": f"{plan}"}]
    failed = threading.Event()

    def sequence(dataset: str) -> list[dict]:
        entries = []
        for nb in chosen:
            if failed.is_set():
                break
            bar.set_postfix_str(f"{nb.stem} [{dataset}]")
            start = time.perf_counter()
            try:
                path = run_notebook(nb, dataset, profile, outputs_dir, data_dir, seed, **({"workers": workers} if "workers" in notebook_parameters(nb) else {}))
            except BaseException:
                failed.set()
                raise
            entries.append({"notebook": nb.stem, "dataset": dataset, "seconds": round(time.perf_counter() - start, 1), "executed": str(path)})
            bar.update()
        return entries

    with tqdm(total=len(chosen) * len(datasets), desc=f"reproduce ({profile})", unit="notebook") as bar:
        with ThreadPoolExecutor(max(1, min(workers, len(datasets)))) as pool:
            done = [entry for entries in pool.map(sequence, datasets) for entry in entries]
    order = {nb.stem: i for i, nb in enumerate(chosen)}
    return log + sorted(done, key=lambda entry: order[entry["notebook"]])
