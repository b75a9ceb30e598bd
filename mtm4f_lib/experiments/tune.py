"""`mtm4f tune`: an Optuna search for the settings of one table cell, on the validation slice only.

The search space is declared as ``{name: distribution}``: ``name`` a ModelConfig field, or
``train.<field>`` for a TrainConfig one (as ``mtm4f variants`` names them); a distribution is
``["int", low, high]``, ``["float", low, high]`` (``["float", low, high, "log"]`` on a log scale) or
``["categorical", [choices]]``. ``DEFAULT_SPACE`` unless one is given. TPE samples the space (seeded);
a trial trains the cell's run with the sampled settings by the package's one loop and reports the
validation RMSE of every epoch, so the median pruner stops a trial that trails the others at the same
epoch; its value is its best validation RMSE. The first trial is the cell's shipped setting, so the
search can only match or beat it on validation. No trial reads the test rows (``read_test=False``).

The study is an SQLite file under ``$MTM4F_CACHE/studies`` (or ``storage``, any Optuna storage URL),
named after the dataset, cell, profile, seed and space: an interrupted search resumes, and asking for
more trials continues it. ``workers`` processes run trials at once through the grid executor
(``executors.completed``; Dask workers need the storage too: a shared disk or a database URL); with one
worker the search is reproducible. Afterwards the best setting and the shipped one are trained
through the run store, each reading the test rows once, and written side by side into
``tables/tune_<dataset>_<column>_<subset>`` with Optuna's optimisation history and parameter
importances as figures.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import pandas as pd

from ..errors import MTM4FError
from ..paths import cache_root, profile_outputs
from ..provenance import provenance
from ..reporting import save_figure, save_metrics, save_table
from .executors import completed
from .profiles import get_profile
from .registry import find_column
from .runs import RunSpec, RunStore, prepared_dataset, run_grid, spec_rows, train_mtm4f
from .variants import changed_spec, field_changes

DEFAULT_SPACE = {
    "dropout": ["float", 0.0, 0.5],
    "gat": ["categorical", ["gat", "gatv2"]],
    "item_dim": ["categorical", [32, 64, 128]],
    "train.lr": ["float", 1e-3, 1e-2, "log"],
    "train.batch_size": ["categorical", [1024, 2048, 4096]],
}
KINDS = ("int", "float", "categorical")


def check_space(space: dict) -> dict:
    """The space, checked: every name a settable field, every distribution of a known kind; one message otherwise."""
    field_changes(dict.fromkeys(space), "Search space")
    for name, distribution in space.items():
        kind, *args = distribution
        ok = kind in KINDS and (len(args) == 1 and len(args[0]) > 0 if kind == "categorical" else 2 <= len(args) <= 3 and args[0] < args[1])
        if not ok or (len(args) == 3 and args[2] != "log"):
            raise MTM4FError(
                f"Search space: {name!r} needs ['int'|'float', low, high(, 'log')] with low < high, or ['categorical', [choices]]; got {distribution!r}."
            )
    return space


def _sample(trial, space: dict) -> dict:
    values = {}
    for name, (kind, *args) in space.items():
        if kind == "categorical":
            values[name] = trial.suggest_categorical(name, list(args[0]))
        else:
            suggest = trial.suggest_int if kind == "int" else trial.suggest_float
            values[name] = suggest(name, args[0], args[1], log=len(args) == 3)
    return values


def shipped_values(spec: RunSpec, space: dict) -> dict:
    """The cell's own values of the space's fields."""
    return {name: getattr(spec.train, name[len("train.") :]) if name.startswith("train.") else getattr(spec.model, name) for name in space}


def tuned_spec(base: RunSpec, values: dict) -> RunSpec:
    return changed_spec(base, field_changes(values, "Search space"), f"Setting {values}")


def _study(name: str, storage: str, seed: int):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler, pruner = optuna.samplers.TPESampler(seed=seed), optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)
    return optuna.create_study(study_name=name, storage=storage, direction="minimize", sampler=sampler, pruner=pruner, load_if_exists=True)


def _optimize(name: str, storage: str, base: RunSpec, space: dict, trials: int, data_dir: str | None, seed: int) -> int:
    """One worker's share of the search: trials until the study holds ``trials`` finished ones (with several
    workers, the trials still running then finish too)."""
    import optuna

    study = _study(name, storage, seed)

    def objective(trial) -> float:
        spec = tuned_spec(base, _sample(trial, space))
        train_view, split, test_view = spec_rows(spec, data_dir)

        def report(epoch: int, val_rmse: float) -> None:
            trial.report(val_rmse, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()

        result = train_mtm4f(train_view, split, spec.model, spec.train, test_dataset=test_view, on_epoch=report, read_test=False)[1]
        trial.set_user_attr("best_epoch", result.best_epoch)
        return result.val_rmse

    finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)

    def show(study, trial) -> None:  # a line per finished trial: the search's progress
        value = "pruned" if trial.value is None else f"validation RMSE {trial.value:.4f}"
        print(f"trial {trial.number + 1}/{trials}: {value} {trial.params}", flush=True)

    study.optimize(objective, n_trials=trials, callbacks=[optuna.study.MaxTrialsCallback(trials, states=finished), show])
    return len(study.trials)


def study_name(dataset: str, column: str, subset: str, profile: str, seed: int, space: dict) -> str:
    digest = hashlib.sha256(json.dumps(space, sort_keys=True).encode()).hexdigest()[:8]
    return f"{dataset}_{column}_{subset}_{profile}_s{seed}_{digest}"


def tune(dataset: str, column: str, subset: str = "AMSV", profile="quick", space: dict | None = None, trials: int = 20, seed: int = 0, workers: int = 1,
         storage: str | None = None, data_dir=None, outputs_dir=None, store: RunStore | None = None, progress: bool = True) -> pd.DataFrame:  # fmt: skip
    """Search (or resume) the study of one cell and write the shipped and the best setting side by side; returns that table."""
    import optuna

    profile, space = get_profile(profile), check_space(space or DEFAULT_SPACE)
    if trials < 1:
        raise MTM4FError(f"A search needs at least one trial; got {trials}.")
    ds = prepared_dataset(dataset, data_dir)
    base = find_column(column).spec(ds, subset, profile, seed)
    name = study_name(dataset, column, subset, profile.name, seed, space)
    if storage is None:
        cache_root("studies").mkdir(parents=True, exist_ok=True)
        storage = f"sqlite:///{cache_root('studies') / name}.db"
    study = _study(name, storage, seed)
    if not study.trials:
        study.enqueue_trial(shipped_values(base, space))  # the shipped setting is the first trial
    remaining = trials - len([t for t in study.trials if t.state.is_finished()])
    jobs = [(name, storage, base, space, trials, str(data_dir) if data_dir else None, seed + worker) for worker in range(min(workers, max(remaining, 0)))]
    list(completed(_optimize, jobs, workers))
    study = _study(name, storage, seed)
    shipped_trial = min(study.trials, key=lambda t: t.number)
    settings = {"shipped": shipped_values(base, space), "best": study.best_trial.params}
    specs = {label: tuned_spec(base, values) for label, values in settings.items()}
    records = run_grid(list(specs.values()), store, data_dir, workers, progress)
    states = pd.Series([t.state.name for t in study.trials]).value_counts().to_dict()
    rows = []
    for label, spec in specs.items():
        result, trial = records[spec.key]["result"], shipped_trial if label == "shipped" else study.best_trial
        rows.append({"setting": label, "trial": trial.number, "search val_rmse": trial.value, "val_rmse": result["val_rmse"], "test_rmse": result["metrics"]["rmse"],
                     "best_epoch": result["best_epoch"], **{k: settings[label][k] for k in space}})  # fmt: skip
    table = pd.DataFrame(rows)
    regenerate = f"mtm4f tune --dataset {dataset} --column {column} --subset {subset} --profile {profile.name} --seed {seed} --trials {trials} --space '{json.dumps(space)}'"
    meta = {"dataset": dataset, "cell": f"{column} {subset}", "profile": profile.name, "seed": seed, "trials": dict(states), "study": name,
            "metric": "RMSE; the search reads the validation slice only, the two settings are then trained and tested once each",
            "defined in": __name__, "regenerate": regenerate}  # fmt: skip
    folder, out = profile_outputs(profile.name, outputs_dir), f"tune_{dataset}_{column}_{subset}"
    save_table(table, out, folder, meta, float_format="{:.4f}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        from optuna.visualization import matplotlib as plots

        save_figure(plots.plot_optimization_history(study).figure, f"{out}_history", folder)
        if states.get("COMPLETE", 0) >= 2:  # importances compare finished trials
            save_figure(plots.plot_param_importances(study).figure, f"{out}_importances", folder)
        else:
            print(f"No importance figure: the study has {states.get('COMPLETE', 0)} complete trial(s); it needs two.")
    trials_run = [{"number": t.number, "state": t.state.name, "value": t.value, "params": t.params, "epochs": len(t.intermediate_values)} for t in study.trials]
    save_metrics({**meta, **provenance(regenerate, profile.device), "space": space, "trials_run": trials_run, "table": rows}, out, folder)
    return table
