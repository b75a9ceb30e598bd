"""MTM4F against the collaborative-filtering references a user already trusts and a linear model of the content
(``ContentBaseline``), per protocol (beyond the paper).

Protocol ``complete`` reads Table 11's rows (the complete AMSV rows of the split); ``full`` the whole
split (ML-100K u1: 80,000 / 20,000), where the modalities a movie lacks are masked and the numbers
compare with the collaborative-filtering literature. MTM4F is the paper's model tuned over
``MTM4F_SPACE`` (the paper's setting, the run of Table 3's / 4's SP AMSV cell on the complete rows, is
one of its six); MTM4F+MF and MTM4F+LightGCN are the hybrids (the paper's model plus a biased-MF or a LightGCN
id term, ``ModelConfig.collaborative_dim``, tuned over ``TUNED_MODELS``' spaces), MTM4F+CB the paper's model learning
the residual of the content baseline (``ModelConfig.rating_baseline``); under item cold start they run
without the item graph and with a narrower item network (``reference_runs.COLD_MODEL``); every model, these and each
reference, is tuned over the same budget of settings on the validation slice (``models.baselines``). Per model and protocol: mean, std, n and the 95%
confidence interval over seeds, a paired t-test against MTM4F over seeds (seed s of each), and a paired
t-test against MTM4F on the same test ratings (``per_rating``). With ``refit`` every model's chosen setting is
trained again on every training row before it reads the test rows (``reference_runs``), for every model alike.
Writes ``tables/references_<dataset>`` (``..._refit`` with ``refit``) with a figure of the intervals, ``tables/references_<dataset>_popularity`` (RMSE per item-popularity
bucket) with its figure, and the metrics with every run.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from ..data import load_dataset
from ..data.splits import FOLDS
from ..errors import MTM4FError, check_choice
from ..models.baselines import TUNING_BUDGET
from ..paths import profile_outputs
from ..plots.tables import bucket_figure, interval_figure
from ..provenance import provenance
from ..reporting import save_figure, save_metrics, save_table
from .ensemble import ENSEMBLE, EnsembleSpec
from .per_rating import bucket_rmse, paired_rating_test, rated_errors
from .profiles import get_profile
from .reference_runs import COLLABORATIVE_REFERENCES, CONTENT_BASELINE, PROTOCOLS, REFERENCES, TUNED_MODELS, ReferenceSpec, one_setting, tuned_model
from .runs import RunStore, prepared_dataset, run_grid
from .table_missing import complete_spec

MTM4F = "MTM4F"
MODELS = (*TUNED_MODELS, *REFERENCES, ENSEMBLE)
CONTENT_MODELS = (*TUNED_MODELS, CONTENT_BASELINE)  # the single models that read the movies' modalities


def grid(dataset, profile, protocols=tuple(PROTOCOLS), models=None, refit: bool = False, choices: dict | None = None, seeds=None) -> dict:
    """{(model, protocol): [one spec per seed]}: ``models`` (default: the profile's, else all) under each protocol,
    over the profile's reference seeds (or ``seeds``); under 'folds' over the five folds (seeds 0-4), fold u1 read from the
    'full' protocol's runs. ``refit``: every model's chosen setting refitted on every training row (``reference_runs``).
    ``choices`` ({(model, protocol): settings}, ``tuning_choices``): a seed other than the profile's tuning seed runs that
    setting alone; a cell without a choice is left out. The ensemble (``ensemble``) averages, per seed, the best of
    the other models by validation RMSE."""
    models, out = profile_models(profile, models), {}
    for kind in protocols:
        check_choice("protocol", kind, PROTOCOLS)
        if kind == "folds" and dataset.name != "ml100k":
            raise MTM4FError(f"The protocol 'folds' reads ML-100K's official folds; dataset {dataset.name!r} has none. Use the protocols complete, full, cold.")
        seeded = [(seed, "full" if (kind, seed) == ("folds", 0) else kind) for seed in (protocol_seeds(profile, kind) if seeds is None else seeds)]
        singles = [model for model in models if model != ENSEMBLE]
        for model in singles:
            out[(model, kind)] = []
            for seed, run_kind in seeded:
                searches = choices is None or seed == profile.reference_tuning_seed
                if searches or (model, kind) in choices:
                    out[(model, kind)].append(model_spec(dataset, profile, model, seed, run_kind, refit, None if searches else choices[(model, kind)]))
        if ENSEMBLE in models and all(len(out[(model, kind)]) == len(seeded) for model in singles):
            out[(ENSEMBLE, kind)] = [EnsembleSpec(tuple((model, out[(model, kind)][i]) for model in singles)) for i in range(len(seeded))]
    return out


def protocol_seeds(profile, kind: str) -> list[int]:
    """The seeds of a protocol: the five folds under 'folds', else the profile's reference seeds."""
    return list(range(len(FOLDS)) if kind == "folds" else profile.reference_seeds or profile.seeds)


def model_spec(dataset, profile, model: str, seed: int, run_kind: str, refit: bool, chosen: dict | None = None):
    """The run of one model, seed and protocol; ``chosen``: the one setting it runs (else it searches its whole space)."""
    if model in TUNED_MODELS:
        return tuned_model(replace(complete_spec(dataset, seed, profile), protocol=run_kind), model, refit, chosen)
    return ReferenceSpec(dataset.name, model, seed, run_kind, refit, () if chosen is None else tuple(sorted(one_setting(chosen).items())))


def profile_models(profile, models=None) -> tuple[str, ...]:
    """``models`` (default: the profile's, else all), each checked."""
    models = tuple(models or profile.reference_models or MODELS)
    for model in models:
        check_choice("model", model, MODELS)
    return models


def tuning_choices(
    dataset, profile, protocols, models, store: RunStore, data_dir=None, workers: int = 1, progress: bool = True, train: bool = True
) -> dict | None:
    """{(model, protocol): the setting chosen on the validation slice of the profile's tuning seed} (its runs trained
    first, or read from the store; without ``train`` only the stored ones); None where the profile tunes every seed on its own slice."""
    if profile.reference_tuning_seed is None:
        return None
    singles = tuple(model for model in profile_models(profile, models) if model != ENSEMBLE)
    tuning = grid(dataset, profile, protocols, singles, seeds=[profile.reference_tuning_seed])
    specs = [spec for seeded in tuning.values() for spec in seeded]
    records = run_grid(specs, store, data_dir, workers, progress) if train else {s.key: r for s in specs if (r := store.get(s)) is not None}
    return {cell: json.loads(json.dumps(records[seeded[0].key]["result"]["params"])) for cell, seeded in tuning.items() if seeded[0].key in records}


def tuning_note(profile) -> str:
    """How the table's runs chose their settings."""
    budget = f"{TUNING_BUDGET} settings per model on a validation slice of the training rows"
    if profile.reference_tuning_seed is None:
        return f"{budget}, searched in every seed"
    return f"{budget}, searched in seed {profile.reference_tuning_seed} (fold u{profile.reference_tuning_seed + 1} under folds); every other seed trains the setting chosen there"


def specs(dataset: str, profile="quick", data_dir=None, store: RunStore | None = None) -> list:
    """Every run notebook 06's references table needs under ``profile`` (its protocols and models) that can be named
    now: where the profile tunes on one seed, the other seeds' runs once that seed's choice is in the store."""
    profile, ds = get_profile(profile), load_dataset(dataset, data_dir=data_dir)  # a run's key needs no embeddings
    protocols = profile_protocols(profile, dataset)
    choices = tuning_choices(ds, profile, protocols, None, store or RunStore(), data_dir, train=False)
    return [spec for seeded in grid(ds, profile, protocols, choices=choices).values() for spec in seeded]


def summarise(specs: dict, records: dict) -> pd.DataFrame:
    """One row per run: model, protocol, seed, test and validation RMSE, seconds, chosen settings."""
    runs = []
    for (model, kind), seeded in specs.items():
        for spec in seeded:
            result = records[spec.key]["result"]
            runs.append({"model": model, "protocol": kind, "seed": spec.seed, "key": spec.key, "rmse": result["metrics"]["rmse"], "val_rmse": result["val_rmse"],
                         "seconds": round(result["seconds"], 2), "params": str(result.get("params", "paper settings"))})  # fmt: skip
    return pd.DataFrame(runs)


def cells(runs: pd.DataFrame, errors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (model, protocol): mean, std, n, 95% CI half-width, MTM4F minus the model with a paired t-test over seeds,
    and with ``errors`` (``per_rating.rated_errors``) the paired t-test on the same test ratings."""
    out = []
    for (model, kind), part in runs.groupby(["model", "protocol"], sort=False):
        n, std = len(part), part["rmse"].std(ddof=1)
        ours = runs[(runs["model"] == MTM4F) & (runs["protocol"] == kind)].set_index("seed")["rmse"]
        paired = pd.concat([ours, part.set_index("seed")["rmse"]], axis=1, keys=["ours", "theirs"]).dropna()
        diff = paired["ours"] - paired["theirs"]
        test = len(paired) > 1 and model != MTM4F and diff.std() > 0
        out.append({"model": model, "protocol": kind, "mean": part["rmse"].mean(), "std": std, "n": n,
                    "ci95": stats.t.ppf(0.975, n - 1) * std / np.sqrt(n) if n > 1 else np.nan,
                    "MTM4F minus model": np.nan if model == MTM4F or paired.empty else diff.mean(),
                    "paired t-test p": float(stats.ttest_rel(paired["ours"], paired["theirs"]).pvalue) if test else np.nan,
                    **(paired_rating_test(errors, MTM4F, model, kind) if errors is not None else {}),
                    "seconds per run": part["seconds"].mean()})  # fmt: skip
    return pd.DataFrame(out)


def profile_protocols(profile, dataset: str) -> tuple[str, ...]:
    """The profile's protocols that ``dataset`` has ('folds' is ML-100K's)."""
    return tuple(kind for kind in get_profile(profile).protocols if kind != "folds" or dataset == "ml100k")


def check_parameters(profile, protocols=None, models=None, dataset: str = "ml100k") -> tuple[tuple, tuple]:
    """Notebook 06's parameters, checked: (protocols, models); lists may come as text (``-p protocols '["full"]'``),
    None means the profile's protocols (those ``dataset`` has) and models; an unknown name stops with one message."""
    import ast

    def listed(value):
        return ast.literal_eval(value) if isinstance(value, str) else value

    chosen = tuple(listed(protocols) or profile_protocols(profile, dataset))
    for kind in chosen:
        check_choice("protocol", kind, PROTOCOLS)
    return chosen, profile_models(get_profile(profile), listed(models))


def p_value(p: float) -> str:
    """'p = 0.0123', or 'p < 1e-16' below what a double tells apart from 0."""
    return "p < 1e-16" if p < 1e-16 else f"p = {p:.3g}"


def content_against_collaborative(ranked: pd.DataFrame) -> str:
    """The best single model that reads the modalities against the best collaborative-only reference (rows sorted by
    mean): the gap, whether their 95% confidence intervals separate, and which other models reading the modalities have an
    interval wholly below the reference's; empty when either is absent."""
    content, collaborative = ranked[ranked["model"].isin(CONTENT_MODELS)], ranked[ranked["model"].isin(COLLABORATIVE_REFERENCES)]
    if not len(content) or not len(collaborative):
        return ""
    ours, theirs = content.iloc[0], collaborative.iloc[0]
    if np.isnan(ours["ci95"]) or np.isnan(theirs["ci95"]):
        intervals = "one seed: no intervals"
    else:
        below = content[content["mean"] + content["ci95"] < theirs["mean"] - theirs["ci95"]]["model"].tolist()
        intervals = f"95% intervals {'separate' if ours['model'] in below else 'overlap'}"
        if below and ours["model"] not in below:
            intervals += f"; wholly below {theirs['model']}'s: {', '.join(below)}"
    return (f"; the best model reading the modalities ({ours['model']}) minus the best collaborative-only one ({theirs['model']}) = "
            f"{ours['mean'] - theirs['mean']:+.4f} ({intervals})")  # fmt: skip


def reading(cells: pd.DataFrame, sota: pd.Series | None = None) -> str:
    """The results in words, computed from the numbers: per protocol the best model, MTM4F's rank and its gap
    to the best other single model with the paired test, the ensemble against the best single model, the best model
    reading the modalities against the best collaborative-only one (``content_against_collaborative``); with ``sota`` (Table 11's means by model) the same against the paper's baselines."""
    lines = []
    for kind, part in cells.groupby("protocol", sort=False):
        ranked = part.sort_values("mean").reset_index(drop=True)
        best = ranked.iloc[0]
        line = f"{kind}: best {best['model']} at {best['mean']:.4f}"
        if MTM4F in set(ranked["model"]):
            rank = int(ranked.index[ranked["model"] == MTM4F][0]) + 1
            others = ranked[~ranked["model"].isin([MTM4F, ENSEMBLE])]
            line += f"; MTM4F {ranked.loc[rank - 1, 'mean']:.4f}, rank {rank} of {len(ranked)}"
            if len(others):
                rival, p = others.iloc[0], others.iloc[0]["paired t-test p"]
                test = "one seed: no paired test" if np.isnan(p) else f"paired t-test over seeds {p_value(p)}, {'' if p < 0.05 else 'not '}significant at 0.05"
                if not np.isnan(per_rating := rival.get("per-rating paired t-test p", np.nan)):
                    test += f"; on the same {int(rival['rated pairs']):,} test ratings {p_value(per_rating)}"
                line += f"; MTM4F minus the best other model ({rival['model']}) = {rival['MTM4F minus model']:+.4f} ({test})"
        if ENSEMBLE in set(ranked["model"]) and len(singles := ranked[ranked["model"] != ENSEMBLE]):
            ensemble, single = ranked[ranked["model"] == ENSEMBLE].iloc[0], singles.iloc[0]
            line += f"; the ensemble {ensemble['mean']:.4f}, {ensemble['mean'] - single['mean']:+.4f} against the best single model ({single['model']})"
        lines.append(line + content_against_collaborative(ranked) + ".")
    if sota is not None and MTM4F in sota:
        baselines = sota.drop(MTM4F).sort_values()
        lines.append(f"Table 11: MTM4F {sota[MTM4F]:.4f}; best paper baseline {baselines.index[0]} {baselines.iloc[0]:.4f} "
                     f"(MTM4F minus it = {sota[MTM4F] - baselines.iloc[0]:+.4f}).")  # fmt: skip
    return "\n".join(lines)


def make(dataset: str, profile="quick", protocols=None, models=None, data_dir=None, outputs_dir=None, workers: int = 1,
         store: RunStore | None = None, progress: bool = True, refit: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Run (or read from the store) every run and write ``references_<dataset>`` and its popularity table;
    returns the cells and the RMSE per popularity bucket. ``protocols``: None means the profile's that the dataset has;
    a table of only some of those is written as ``references_<dataset>_<protocols>``, beside the profile's whole table;
    with ``refit`` (see ``grid``) the name ends in ``_refit``."""
    profile, store = get_profile(profile), store or RunStore()
    protocols = tuple(protocols or profile_protocols(profile, dataset))
    ds = prepared_dataset(dataset, data_dir)
    specs = grid(ds, profile, protocols, models, refit, tuning_choices(ds, profile, protocols, models, store, data_dir, workers, progress))
    runs = summarise(specs, run_grid([s for seeded in specs.values() for s in seeded], store, data_dir, workers, progress, predictions=True))
    errors = rated_errors(ds, specs, store, data_dir)
    table = cells(runs, errors)
    buckets = bucket_rmse(errors)
    seeds = " ".join(map(str, profile.reference_seeds or profile.seeds))
    used = " ".join(dict.fromkeys(model for model, _ in specs))
    regenerate = (
        f"mtm4f references --dataset {dataset} --profile {profile.name} --seeds {seeds} --protocols {' '.join(protocols)} --models {used}{' --refit' * refit}"
    )
    meta = {"dataset": dataset, "profile": profile.name, "seeds": list(profile.reference_seeds or profile.seeds), "protocols": {k: PROTOCOLS[k] for k in protocols},
            "metric": "test RMSE over seeds: mean, std, n, 95% CI; MTM4F minus the model, paired t-test over seeds and over the same test ratings (per_rating)",
            "tuning": tuning_note(profile), "defined in": __name__, "shown in": "notebooks/06_sota.ipynb", "regenerate": regenerate}  # fmt: skip
    if "folds" in protocols:
        meta["folds"] = "seeds 0-4 read folds u1..u5"
    if refit:
        meta["refit"] = "every model's chosen setting trained again on every training row (validation slice included), torch models for their validated epochs"
    folder = profile_outputs(profile.name, outputs_dir)
    name = "_".join(["references", dataset, *(protocols if set(protocols) < set(profile_protocols(profile, dataset)) else ()), *(("refit",) if refit else ())])
    save_table(table, name, folder, meta, float_format="{:.4f}")
    save_figure(interval_figure(table, f"{dataset}: MTM4F and collaborative-filtering references ({profile.name} profile, seeds {seeds})"), name, folder)
    popularity = f"{name}_popularity"
    bucket_meta = {
        **meta,
        "metric": "test RMSE per item-popularity bucket (training ratings of the movie), per seed, averaged over seeds; ratings: test ratings per seed",
    }
    save_table(buckets, popularity, folder, bucket_meta, float_format="{:.4f}")
    save_figure(bucket_figure(buckets, f"{dataset}: test RMSE by the movie's training ratings ({profile.name} profile)"), popularity, folder)
    save_metrics({**meta, **provenance(regenerate, profile.device), "runs": runs.to_dict("records")}, name, folder)
    return table, buckets
