"""Where a grid's runs are trained: here, in a local process pool, or on Dask distributed.

``$MTM4F_EXECUTOR`` chooses: 'local' (the default: this process, or a pool of ``workers`` processes
that write the run store themselves) or 'dask'. With 'dask', ``$MTM4F_SCHEDULER`` names a running
scheduler (``tcp://host:8786``: a cluster of your own, e.g. from dask-jobqueue on SLURM or PBS); without
it a LocalCluster of ``workers`` processes is started for the grid. ``mtm4f ... --executor dask
--scheduler ADDRESS`` sets both, for the notebooks it runs too.

On Dask the driver alone writes the run store: a worker trains a spec against an empty :class:`MemoryStore`
and sends back every run it stored, which the driver writes (a tuned spec's settings reach the executor as
runs of their own; ``runs.run_grid`` then picks the best in the driver). Workers need no shared disk for results, each prepares its dataset once (the
cache of ``runs.prepared_dataset`` lives in the worker process), and a task whose worker dies is run
again by Dask on another worker: a run is stored only once it is finished, under the one file its key names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from multiprocessing import get_context

import numpy as np

from ..errors import MTM4FError, check_choice

EXECUTOR_ENV, SCHEDULER_ENV = "MTM4F_EXECUTOR", "MTM4F_SCHEDULER"
EXECUTORS = ("local", "dask")


def chosen_executor() -> tuple[str, str | None]:
    """(executor, scheduler address or None) from the environment."""
    name = os.environ.get(EXECUTOR_ENV) or "local"
    return check_choice(f"executor (${EXECUTOR_ENV})", name, EXECUTORS), os.environ.get(SCHEDULER_ENV) or None


def use_executor(name: str, scheduler: str | None = None) -> None:
    """Make ``name`` (and the Dask ``scheduler``) the executor of every later grid, in this process and the notebooks it starts."""
    check_choice("executor", name, EXECUTORS)
    if scheduler and name != "dask":
        raise MTM4FError("--scheduler names a Dask scheduler: use it with --executor dask.")
    os.environ[EXECUTOR_ENV] = name
    if scheduler:
        os.environ[SCHEDULER_ENV] = scheduler
    else:
        os.environ.pop(SCHEDULER_ENV, None)


def stored_or_trained(spec, store, data_dir: str | None, predictions: bool = False) -> dict:
    """A grid worker's job (a top-level function, so that a process pool can run it): the record, trained and stored
    unless another grid on the same store has stored it since this grid started."""
    return store.get(spec, predictions) or spec.trained_record(data_dir, store)


class MemoryStore:
    """A run store in memory, with the run store's interface: what a Dask worker trains against."""

    def __init__(self):
        self.entries = {}  # key -> (spec, record, predictions)
        self.stored: list[str] = []

    def get(self, spec, with_predictions: bool = False) -> dict | None:
        entry = self.entries.get(spec.key)
        return None if entry is None or (with_predictions and entry[2] is None) else entry[1]

    def predictions(self, spec) -> np.ndarray | None:
        entry = self.entries.get(spec.key)
        return None if entry is None else entry[2]

    def put(self, spec, record: dict, predictions=None) -> None:
        self.entries[spec.key] = (spec, record, None if predictions is None else np.asarray(predictions, dtype=np.float32))
        self.stored.append(spec.key)


def remote_runs(spec, data_dir: str | None, predictions: bool) -> tuple[dict, list[tuple]]:
    """A Dask worker's job: the spec's record and every (spec, record, predictions) it stored."""
    store = MemoryStore()
    record = stored_or_trained(spec, store, data_dir, predictions)
    return record, [store.entries[key] for key in dict.fromkeys(store.stored)]


def completed(fn, jobs: list[tuple], workers: int) -> Iterator:
    """``fn(*job)`` for every job on the chosen executor (here, a pool of ``workers`` processes, or Dask), yielded as each finishes."""
    executor, scheduler = chosen_executor()
    if executor == "dask":
        yield from _dask_completed(fn, jobs, workers, scheduler)
    elif workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(*job)
    else:
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
        try:
            for future in as_completed([pool.submit(fn, *job) for job in jobs]):
                yield future.result()
        except BaseException:  # a failed job stops the grid at once: no job starts after it (those running finish and are kept)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


def records(todo: list[tuple], store, data_dir: str | None, workers: int) -> Iterator[dict]:
    """Train every spec of ``todo`` ((spec, whether its test predictions are read) pairs) on the chosen executor;
    yields each record once it is stored."""
    if chosen_executor()[0] != "dask":
        yield from completed(stored_or_trained, [(spec, store, data_dir, predictions) for spec, predictions in todo], workers)
        return
    for record, stored in completed(remote_runs, [(spec, data_dir, predictions) for spec, predictions in todo], workers):
        for spec, run, predicted in stored:
            store.put(spec, run, predicted)
        yield record


def _dask_completed(fn, jobs: list[tuple], workers: int, scheduler: str | None) -> Iterator:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None))
        client = stack.enter_context(Client(scheduler or cluster))
        for future in dask_completed([client.submit(fn, *job, pure=False) for job in jobs]):
            yield future.result()
