"""Tables 5-10: RMSE with hidden modalities, per hidden combination (rows) and chi (columns) (paper 6.3).

Tables 5-7 (ml100k) and 8-10 (mmtf) hide one, two and three modalities. Every cell trains on the
rows of the complete AMSV split with the hidden modalities kept for chi percent of the training
movies (``data.missing``); the test set is complete. The paper's model (CNet_all, shared-private,
every task of the dataset) runs with each method of ``METHODS``: the paper's method 'm4' and the
baselines beside it on the same rows and masks, repeat r using mask seed r and model seed r. The
complete-modality run of the same model (Table 3's SP AMSV cell) is the reference line.

Outputs per table: ``table<N>_<dataset>`` in the paper's layout (the method's mean ± std (n) per
cell, the paper's value beside), ``table<N>_<dataset>_methods`` (every method per cell, numbers),
``table<N>_<dataset>_comparison`` (the method against each baseline: mean paired difference over
cells and repeats, wins, and a paired t-test), a figure of RMSE against chi, and the metrics file
with every run's configuration. Per dataset, :func:`dataset_summary` joins its three tables (whichever
are written): ``missing_comparison_<dataset>`` (the comparison per number of hidden modalities and
over all of them) and the figure ``missing_overview_<dataset>`` (one panel per number hidden).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from ..data import MODALITIES, MissingSetting, abbreviate, available_tasks, load_dataset, parse_modalities
from ..data.container import MultiModalDataset
from ..embeddings.media_folder import embeddings_id
from ..errors import MTM4FError, check_choice
from ..models import ModelConfig
from ..paths import profile_outputs
from ..plots.tables import missing_overview_figure, missing_rate_figure
from ..provenance import provenance
from ..reporting import save_figure, save_metrics, save_table
from .grid_tables import PAPER_DATASETS, grid_summary, metrics_sources
from .paper_values import HIDDEN_ROWS, paper_missing_value
from .profiles import Profile, get_profile
from .runs import RunSpec, RunStore, prepared_dataset

TITLE = "RMSE with hidden modalities: rows hide one, two or three modalities, columns keep them for chi% of training movies"
METHOD = "m4"


@dataclass(frozen=True)
class Method:
    """A way to handle the hidden modalities: ModelConfig changes, or ``drop`` (the model reads only the always-present ones)."""

    name: str
    label: str
    model: dict
    drop: bool = False


METHODS = {
    m.name: m
    for m in (
        Method("m4", "MTM4F (reconstruction + regularisation + meta-learning)", {"missing": "m4"}),
        Method("drop", "drop the hidden modalities", {}, drop=True),
        Method("mask", "zero fill + presence mask", {"missing": "mask"}),
        Method("mean", "mean fill", {"missing": "mean"}),
        Method("moddrop", "modality dropout", {"missing": "moddrop"}),
        Method("regressor", "cross-modal regressor", {"missing": "regressor"}),
        Method("propagate", "co-rating graph propagation", {"missing": "propagate"}),
        Method("m4_nometa", "MTM4F without meta-learning", {"missing": "m4", "meta": "none"}),
        Method("m4_noreg", "MTM4F without regularisation", {"missing": "m4", "regularise": "none"}),
    )
}


def columns_for(dataset: str) -> tuple:
    """Tables 5-10 have no model columns: their columns are the missing rates."""
    return ()


def base_model(dataset: MultiModalDataset) -> ModelConfig:
    """The paper's model of Tables 5-10: CNet_all, shared-private, every task the dataset has."""
    return ModelConfig(modalities=MODALITIES, tasks=available_tasks(dataset), fusion="all", multitask="sp")


def row_label(hidden: str) -> str:
    """'AV' -> 'A(χ%)+M(100%)+S(100%)+V(χ%)', the paper's row names."""
    shown = parse_modalities(hidden)
    return "+".join(f"{m[0].upper()}({'χ' if m in shown else '100'}%)" for m in MODALITIES)


def method_spec(dataset: MultiModalDataset, method: str, hidden: str, chi: float, repeat: int, profile: Profile, test_missing: bool = False) -> RunSpec:
    """The run of one cell, method and repeat (mask seed = model seed = ``repeat``).

    'drop' reads only the always-present modalities, so its run does not depend on chi: it is keyed
    with chi = 100 and serves every column (unless the test hides modalities too).
    """
    chosen = METHODS[check_choice("missing-modality method", method, METHODS)]
    model = base_model(dataset)
    if chosen.drop:
        model = replace(model, modalities=tuple(m for m in MODALITIES if m not in parse_modalities(hidden)))
    model = replace(model, **chosen.model)
    setting = MissingSetting(hidden, 100 if chosen.drop and not test_missing else chi, repeat, test_missing)
    return RunSpec(dataset.name, model, profile.train_config(repeat), protocol="missing", missing=setting, embeddings=embeddings_id())


def check_parameters(profile: Profile, missing_rates=None, combinations=None, methods=None) -> tuple[tuple, dict | None, tuple]:
    """Notebook 05's parameters, checked: (rates, {number hidden: rows} or None, methods). Lists may come as
    text (``-p missing_rates "[50, 90]"``); a chi outside (0, 100], an unknown modality or method stops with one message."""
    import ast

    def listed(value):
        return ast.literal_eval(value) if isinstance(value, str) else value

    rates = tuple(listed(missing_rates) or profile.missing_rates)
    for chi in rates:
        MissingSetting("A", chi)
    rows = None
    if combinations:
        rows = {}
        for combo in listed(combinations):
            hidden = abbreviate(combo)
            MissingSetting(hidden, 50)
            rows.setdefault(len(hidden), []).append(hidden)
    chosen = tuple(listed(methods) or profile.missing_methods)
    for method in chosen:
        check_choice("missing-modality method", method, METHODS)
    return rates, rows, chosen


def complete_spec(dataset: MultiModalDataset, repeat: int, profile: Profile) -> RunSpec:
    """The complete-modality run of the same model (the reference line)."""
    return RunSpec(dataset.name, base_model(dataset), profile.train_config(repeat), embeddings=embeddings_id())


def grid(dataset: MultiModalDataset, n_hidden: int, profile: Profile, methods=None, rates=None, rows=None, test_missing: bool = False) -> dict:
    """{(hidden, chi, method): [one spec per repeat]} plus ('complete', 100, 'complete'): the reference runs."""
    methods = tuple(methods or profile.missing_methods)
    rates = tuple(rates or profile.missing_rates)
    for chi in rates:
        MissingSetting("A", chi)  # a chi outside (0, 100] stops here with its message
    rows = tuple(rows) if rows is not None else HIDDEN_ROWS[n_hidden][: profile.missing_rows]
    for hidden in rows:
        if len(parse_modalities(hidden)) != n_hidden:
            raise MTM4FError(f"Row {hidden!r} hides {len(parse_modalities(hidden))} modalities; this table hides {n_hidden}.")
    specs = {
        (h, chi, m): [method_spec(dataset, m, h, chi, r, profile, test_missing) for r in profile.missing_repeats]
        for h in rows
        for chi in rates
        for m in methods
    }
    specs[("complete", 100, "complete")] = [complete_spec(dataset, r, profile) for r in profile.missing_repeats]
    return specs


def run_summary(specs: dict, records: dict) -> list[dict]:
    """Per run: hidden, chi, method, repeat, key, test metrics, validation RMSE, epochs, seconds and the full configs."""
    out = []
    for (hidden, chi, method), runs in specs.items():
        for spec in runs:
            result = records[spec.key]["result"]
            out.append({"hidden": hidden, "chi": chi, "method": method, "repeat": spec.train.seed, "key": spec.key, **result["metrics"],
                        "val_rmse": result["val_rmse"], "best_epoch": result["best_epoch"], "epochs": len(result["history"]),
                        "seconds": round(result["seconds"], 2), "model": asdict(spec.model), "train": asdict(spec.train),
                        "missing": None if spec.missing is None else asdict(spec.missing)})  # fmt: skip
    return out


def cell_numbers(summary: list[dict]) -> pd.DataFrame:
    """Long frame: per (hidden, chi, method) the mean, std and n of the test RMSE over repeats."""
    runs = pd.DataFrame(summary)
    return runs.groupby(["hidden", "chi", "method"], sort=False)["rmse"].agg(mean="mean", std=lambda v: v.std(ddof=1), n="count").reset_index()


def paper_layout(number: int, dataset: str, cells: pd.DataFrame, rows, rates) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(numbers, shown): the method's cells in the paper's layout, our mean/std/n and the paper's value per chi."""
    ours = cells[cells["method"] == METHOD].set_index(["hidden", "chi"])
    numbers, shown = [], []
    for hidden in rows:
        number_row, shown_row = {"modalities": row_label(hidden), "hidden": hidden}, {"modalities": row_label(hidden)}
        for chi in rates:
            cell = ours.loc[(hidden, chi)] if (hidden, chi) in ours.index else None
            paper = paper_missing_value(number, hidden, chi) if dataset in PAPER_DATASETS else None
            number_row.update({f"{chi:g}% mean": np.nan if cell is None else cell["mean"], f"{chi:g}% std": np.nan if cell is None else cell["std"],
                               f"{chi:g}% n": 0 if cell is None else int(cell["n"]), f"paper: {chi:g}%": np.nan if paper is None else paper})  # fmt: skip
            shown_row[f"{chi:g}%"] = "-" if cell is None else format_cell(cell["mean"], cell["std"], int(cell["n"]))
            shown_row[f"paper: {chi:g}%"] = "-" if paper is None else f"{paper:.3f}"
        numbers.append(number_row)
        shown.append(shown_row)
    return pd.DataFrame(numbers), pd.DataFrame(shown)


def format_cell(mean: float, std: float, n: int) -> str:
    return f"{mean:.3f} (n=1)" if n == 1 else f"{mean:.3f} ± {std:.3f} (n={n})"


COMPARISON_COLUMNS = ["baseline", "baseline label", "pairs", "method RMSE", "baseline RMSE", "mean difference", "method wins", "paired t-test p"]


def comparison(summary: list[dict]) -> pd.DataFrame:
    """The method against each baseline over every (cell, repeat) pair both ran: mean difference
    (method - baseline; negative: the method is better), the cells the method wins, and a paired t-test."""
    runs = pd.DataFrame([r for r in summary if r["method"] != "complete"])
    wide = runs.pivot_table(index=["hidden", "chi", "repeat"], columns="method", values="rmse")
    out = []
    for baseline in [m for m in wide.columns if m != METHOD and METHOD in wide.columns]:  # a grid of baselines alone compares nothing
        pairs = wide[[METHOD, baseline]].dropna()
        if pairs.empty:
            continue
        diff = pairs[METHOD] - pairs[baseline]
        p = float(stats.ttest_rel(pairs[METHOD], pairs[baseline]).pvalue) if len(pairs) > 1 and diff.std() > 0 else float("nan")
        out.append({"baseline": baseline, "baseline label": METHODS[baseline].label, "pairs": len(pairs), "method RMSE": pairs[METHOD].mean(),
                    "baseline RMSE": pairs[baseline].mean(), "mean difference": diff.mean(), "method wins": int((diff < 0).sum()), "paired t-test p": p})  # fmt: skip
    return pd.DataFrame(out, columns=COMPARISON_COLUMNS)


def make(table, profile="quick", dataset: str | None = None, data_dir=None, outputs_dir=None, workers: int = 1, store: RunStore | None = None,
         progress: bool = True, from_metrics: bool = False, keep_committed: bool = False, methods=None, rates=None, rows=None,
         test_missing: bool = False, from_folders=()):  # fmt: skip
    """Run (or read) every run of one of Tables 5-10 and write its files; returns (cell numbers, per-run summary).
    ``from_metrics``, ``keep_committed`` and ``from_folders`` as in ``grid_tables.make_table``."""
    profile = get_profile(profile)
    dataset_name = table.dataset_or_only(dataset)
    folder = profile_outputs(profile.name, outputs_dir)
    name = f"table{table.number}_{dataset_name}" + ("_test-missing" if test_missing else "")
    ds = load_dataset(dataset_name, data_dir=data_dir) if from_metrics else prepared_dataset(dataset_name, data_dir)
    specs = grid(ds, table.hidden, profile, methods, rates, rows, test_missing)
    summary, origin = grid_summary(specs, run_summary, folder / "metrics" / f"{name}.json", ("hidden", "chi", "method"), store, data_dir, workers, progress,
                                   from_metrics, keep_committed, metrics_sources(from_folders, profile.name, name))  # fmt: skip
    cells = cell_numbers(summary)
    used_rows = list(dict.fromkeys(h for h, _, _ in specs if h != "complete"))
    used_rates = list(dict.fromkeys(chi for h, chi, _ in specs if h != "complete"))
    used_methods = list(dict.fromkeys(m for h, _, m in specs if h != "complete"))
    repeats = " ".join(map(str, profile.missing_repeats))
    regenerate = (f"mtm4f tables --table {table.number} --profile {profile.name} --seeds {repeats} --missing-methods {' '.join(used_methods)}"
                  f" --missing-rates {' '.join(f'{c:g}' for c in used_rates)}" + (f" --missing-combinations {' '.join(used_rows)}" if rows is not None else "")
                  + (" --test-missing" if test_missing else ""))  # fmt: skip
    meta = {"table": table.number, "dataset": dataset_name, "profile": profile.name, "repeats": list(profile.missing_repeats),
            "protocol": "missing-modality (per movie; test set " + ("with the same missingness" if test_missing else "complete") + ")",
            "metric": f"test RMSE of method {METHOD}, mean ± std (n repeats)", "methods": used_methods,
            "defined in": __name__, "shown in": f"notebooks/{table.notebook}.ipynb", "regenerate": regenerate, "runs from": origin["runs from"]}  # fmt: skip
    numbers, shown = paper_layout(table.number, dataset_name, cells, used_rows, used_rates)
    save_table(numbers, name, folder, meta, float_format="{:.4f}", shown=shown)
    save_table(cells, f"{name}_methods", folder, {**meta, "metric": "test RMSE per method, mean, std and n over repeats"}, float_format="{:.4f}")
    compared = comparison(summary)
    save_table(
        compared, f"{name}_comparison", folder, {**meta, "metric": f"{METHOD} minus each baseline over paired (cell, repeat) runs"}, float_format="{:.4f}"
    )
    complete = cells[cells["method"] == "complete"]["mean"].mean()
    save_figure(missing_rate_figure(cells, complete, f"Table {table.number}, {dataset_name}: {table.hidden} hidden ({profile.name} profile)"), name, folder)
    save_metrics({**meta, **provenance(regenerate, profile.device), **origin, "runs": summary, "comparison": compared.to_dict("records"),
                  "total_seconds": round(sum(r["seconds"] for r in summary), 1)}, name, folder)  # fmt: skip
    dataset_summary(dataset_name, profile.name, outputs_dir, test_missing)
    return cells, summary


def dataset_summary(dataset: str, profile: str, outputs_dir=None, test_missing: bool = False):
    """(comparison, figure) of the dataset's Tables 5-7 or 8-10 read from their metrics files in the profile's
    outputs, and written as ``missing_comparison_<dataset>`` and ``missing_overview_<dataset>``; None before
    any of them is written. The comparison is :func:`comparison` per number of hidden modalities and over all."""
    from .registry import tables_in

    folder = profile_outputs(profile, outputs_dir)
    suffix = "_test-missing" if test_missing else ""
    found = {}
    for table in tables_in("05_missing", dataset):
        path = folder / "metrics" / f"table{table.number}_{dataset}{suffix}.json"
        if path.exists():
            found[table.number] = (table.hidden, json.loads(path.read_text()))
    if not found:
        return None
    parts = [comparison(metrics["runs"]).assign(tables=str(number), hidden=str(n_hidden)) for number, (n_hidden, metrics) in found.items()]
    pooled = [run for _, metrics in found.values() for run in metrics["runs"]]
    parts.append(comparison(pooled).assign(tables=", ".join(map(str, found)), hidden="all"))
    compared = pd.concat(parts, ignore_index=True).rename(columns={"hidden": "hidden modalities"})
    compared = compared[["tables", "hidden modalities", *[c for c in compared.columns if c not in ("tables", "hidden modalities")]]]
    repeats = {number: metrics["repeats"] for number, (_, metrics) in found.items()}
    shown = next(iter(repeats.values())) if len({str(r) for r in repeats.values()}) == 1 else ", ".join(f"{n}: {r}" for n, r in repeats.items())
    meta = {"tables": list(found), "dataset": dataset, "profile": profile, "repeats": repeats, "protocol": found[next(iter(found))][1]["protocol"],
            "metric": f"{METHOD} minus each baseline over paired (cell, repeat) runs, per number of hidden modalities and over all",
            "defined in": __name__, "regenerate": "; ".join(m["regenerate"] for _, m in found.values())}  # fmt: skip
    save_table(compared, f"missing_comparison_{dataset}{suffix}", folder, meta, float_format="{:.4f}")
    cells = {n_hidden: cell_numbers(metrics["runs"]) for n_hidden, metrics in found.values()}
    title = f"{dataset}: test RMSE against chi, Tables {', '.join(map(str, found))} ({profile} profile, repeats {shown})"
    figure = missing_overview_figure(cells, title)
    save_figure(figure, f"missing_overview_{dataset}{suffix}", folder)
    return compared, figure
