"""`mtm4f` command line: data check, reproduce, tables, references, bench, variants, tune."""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from .errors import MTM4FError


def data_check(data_dir=None) -> int:
    """Print which data folders are present, verify their checksums, and say what is missing."""
    from .data.catalog import SOURCES
    from .data.files import data_file, resolve_data_dir

    root = resolve_data_dir(data_dir, download=False)
    print(f"data directory: {root}")
    problems = 0
    for source in SOURCES:
        folder, what = source.folder, source.description
        files = [f"{folder}/{name}" for name in source.md5]
        if not (root / folder).is_dir():
            print(f"  MISSING {folder}/  - {what}")
            continue
        bad = []
        for rel in files:
            try:
                data_file(root, rel)
            except MTM4FError as exc:
                bad.append(str(exc))
        status = "ok     " if not bad else "BROKEN "
        problems += len(bad)
        print(f"  {status} {folder}/  ({len(files) - len(bad)}/{len(files)} files verified) - {what}")
        for message in bad:
            print(f"      {message}")
    if not (root / "ml-100k").is_dir() and not (root / "ml-latest-small").is_dir():
        print("No MovieLens folder found: nothing can be loaded.")
        problems += 1
    print("data check: " + ("all present files verified" if not problems else f"{problems} problem(s)"))
    return 1 if problems else 0


def _reproduce(args) -> int:
    from .experiments.registry import TABLES
    from .notebooks import reproduce
    from .paths import profile_outputs

    if args.plan:
        return _plan(args)
    start = time.perf_counter()
    log = reproduce(args.profile, args.dataset, args.notebook, args.outputs_dir, args.data_dir, args.seed, args.workers)
    for entry in log:
        tables = [f"table {t.number}" for t in TABLES.values() if t.notebook == entry["notebook"] and entry["dataset"] in t.datasets]
        print(f"{entry['notebook']:<16} {entry['dataset']:<8} {entry['seconds']:>7.1f} s  {entry['executed']}  {', '.join(tables)}")
    folder = profile_outputs(args.profile, args.outputs_dir)
    print(f"total {time.perf_counter() - start:.1f} s; tables in {folder}/tables, figures in {folder}/figures")
    return 0


def _plan(args) -> int:
    from .experiments.plan import plan_summary
    from .notebooks import select_notebooks

    frame = plan_summary(args.profile, [nb.stem for nb in select_notebooks(args.notebook)], args.dataset, args.data_dir, outputs_dir=args.outputs_dir)
    print(frame.to_string(index=False, float_format="{:.1f}".format))
    known = frame["run hours left"].notna()
    print(f"{frame['left'].sum()} of {frame['runs'].sum()} runs left: {frame.loc[known, 'run hours left'].sum():.1f} run hours for the"
          f" {frame.loc[known, 'left'].sum()} in grids with stored or committed runs (at their mean run time; divide by --workers),"
          f" {frame.loc[~known, 'left'].sum()} in grids with neither; {frame['committed'].sum()} runs are in committed metrics files")  # fmt: skip
    return 0


def _profile(args):
    """The named profile with the command's seeds (when given) and device."""
    from dataclasses import replace

    from .experiments import get_profile

    profile = get_profile(args.profile)
    seeds = tuple(args.seeds) if getattr(args, "seeds", None) else None
    return replace(profile, seeds=seeds or profile.seeds, missing_repeats=seeds or profile.missing_repeats, reference_seeds=seeds or profile.reference_seeds,
                   device=args.device)  # fmt: skip


def _tables(args) -> int:
    from .experiments import get_table
    from .experiments.table_missing import check_parameters

    profile = _profile(args)
    rows = check_parameters(profile, combinations=args.missing_combinations)[1]
    for number in args.table:
        table = get_table(number)
        if table.hidden and rows is not None and table.hidden not in rows:
            print(f"Table {number} skipped: none of --missing-combinations hides {table.hidden} modalities.")
            continue
        options = {"methods": args.missing_methods, "rates": args.missing_rates, "test_missing": args.test_missing} if table.hidden else {}
        if table.hidden and rows is not None:
            options["rows"] = rows[table.hidden]
        for dataset in table.datasets:
            numbers, summary = table.make(
                profile,
                dataset,
                data_dir=args.data_dir,
                outputs_dir=args.outputs_dir,
                workers=args.workers,
                from_metrics=args.from_metrics is not None,
                from_folders=tuple(args.from_metrics or ()),
                keep_committed=args.keep_committed,
                **options,
            )
            print(f"Table {number} ({dataset}, {args.profile}): {len(summary)} runs, {sum(r['seconds'] for r in summary):.0f} s of training")
            print((numbers.shown() if hasattr(numbers, "shown") else numbers).to_string(index=False))
    return 0


def _bench(args) -> int:
    import json

    from .experiments.bench import bench

    report = bench(args.profile, args.data_dir, args.outputs_dir, args.workers, args.parts, device=args.device)
    print(json.dumps(report, indent=2))
    return 0


def _references(args) -> int:
    from .experiments.table_references import make

    profile = _profile(args)
    for dataset in args.dataset:
        table, buckets = make(dataset, profile, args.protocols, args.models, args.data_dir, args.outputs_dir, args.workers, refit=args.refit)
        print(table.to_string(index=False, float_format="{:.4f}".format))
        print(buckets.to_string(index=False, float_format="{:.4f}".format))
    return 0


def _tune(args) -> int:
    import json

    from .experiments.tune import tune

    try:
        space = json.loads(args.space) if args.space else None
    except json.JSONDecodeError as exc:
        raise MTM4FError(f'--space must be JSON, e.g. \'{{"dropout": ["float", 0.0, 0.5]}}\': {exc}.') from exc
    table = tune(
        args.dataset, args.column, args.subset, _profile(args), space, args.trials, args.seed, args.workers, args.storage, args.data_dir, args.outputs_dir
    )
    print(table.to_string(index=False, float_format="{:.4f}".format))
    return 0


def _variants(args) -> int:
    from .experiments.variants import compare_variants
    from .paths import profile_outputs
    from .provenance import git_commit
    from .reporting import save_table

    profile = _profile(args)
    frame = compare_variants(args.dataset, args.column, args.subset, args.variant, profile, args.data_dir, args.workers)
    variants = " ".join(shlex.quote(v) for v in frame["variant"])
    meta = {
        "dataset": args.dataset,
        "column": args.column,
        "subset": args.subset,
        "profile": args.profile,
        "seeds": list(profile.seeds),
        "device": args.device,
        "metric": "RMSE, mean over seeds; ranked by validation RMSE",
        "commit": git_commit(),
        "regenerate": f"mtm4f variants --dataset {args.dataset} --column {args.column} --subset {args.subset} --profile {args.profile}"
        f" --seeds {' '.join(map(str, profile.seeds))}" + ("" if args.device == "cpu" else f" --device {args.device}") + f" --variant {variants}",
    }
    paths = save_table(
        frame, f"variants_{args.dataset}_{args.column}_{args.subset}", profile_outputs(args.profile, args.outputs_dir), meta, float_format="{:.4f}"
    )
    print(frame.to_string(index=False, float_format="{:.4f}".format))
    print(f"written: {paths['csv']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .experiments.bench import PARTS
    from .experiments.reference_runs import PROTOCOLS
    from .experiments.registry import TABLES
    from .experiments.table_references import MODELS

    parser = argparse.ArgumentParser(prog="mtm4f", description="MTM4F reproduction package")
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="data directory tools")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    check = data_sub.add_parser("check", help="verify a data directory and list what is missing")
    check.add_argument("--data-dir", default=None, help="data folder (default: $MTM4F_DATA)")
    rep = sub.add_parser("reproduce", help="run the notebooks headless and write outputs/")
    rep.add_argument("--profile", choices=["quick", "paper"], default="quick")
    rep.add_argument("--dataset", nargs="+", default=["ml100k", "mmtf"], choices=["ml100k", "mmtf", "synthetic"])
    rep.add_argument("--notebook", nargs="+", default=None, help="numbers or names, e.g. 01 03_fusion (default: all)")
    rep.add_argument("--data-dir", default=None)
    rep.add_argument("--seed", type=int, default=0)
    rep.add_argument("--workers", type=int, default=1, help="runs trained in parallel (processes); with 2 or more, the datasets' notebooks run side by side")
    rep.add_argument(
        "--plan", action="store_true", help="print the runs the reproduction needs per grid, how many are stored and an estimate of the rest; train nothing"
    )
    tab = sub.add_parser("tables", help="run the grids of paper tables (stored runs are reused) and write them")
    tab.add_argument("--table", nargs="+", type=int, default=sorted(TABLES), choices=sorted(TABLES))
    source = tab.add_mutually_exclusive_group()
    source.add_argument(
        "--from-metrics",
        nargs="*",
        metavar="OUTPUTS_DIR",
        help="rebuild the tables from the per-run numbers in their committed metrics files (no training; every run key must match); "
        "given outputs folders (e.g. slices of one table measured on different machines), from theirs instead, a run held by several from the first",
    )
    source.add_argument(
        "--keep-committed",
        action="store_true",
        help="keep the runs of the tables' committed metrics files that the grids ask for and train only the rest (e.g. more --seeds); "
        "the fastest kept run is trained again first and must measure the committed test RMSE",
    )
    tab.add_argument("--missing-methods", nargs="+", default=None, help="Tables 5-10: methods to run (default: the profile's), e.g. m4 drop mean")
    tab.add_argument("--missing-rates", nargs="+", type=float, default=None, help="Tables 5-10: chi values in (0, 100] (default: the profile's)")
    tab.add_argument(
        "--missing-combinations",
        nargs="+",
        default=None,
        help="Tables 5-10: the rows to run, as the hidden modalities, e.g. A AV (default: the profile's rows); a table with none of them is skipped",
    )
    tab.add_argument("--test-missing", action="store_true", help="Tables 5-10: hide modalities of test-only movies too (beyond the paper)")
    refs = sub.add_parser("references", help="MTM4F beside Surprise's models and biased MF, tuned alike, per protocol; writes tables/references_*")
    refs.add_argument("--dataset", nargs="+", default=["ml100k", "mmtf"], choices=["ml100k", "mmtf", "synthetic"])
    refs.add_argument(
        "--protocols",
        nargs="+",
        default=None,
        choices=list(PROTOCOLS),
        help="default: the profile's; " + "; ".join(f"{k}: {v}" for k, v in PROTOCOLS.items()).replace("%", "%%"),
    )
    refs.add_argument(
        "--models",
        nargs="+",
        default=None,
        help=f"among {' '.join(MODELS)} (default: the profile's)",
    )
    refs.add_argument(
        "--refit",
        action="store_true",
        help="train every model's chosen setting again on every training row, validation slice included (torch models for their validated "
        "epochs) before it reads the test rows; writes tables/references_*_refit",
    )
    bench = sub.add_parser("bench", help="time one SP-MT run, the table grid, the missing-modality methods, the scale-out; writes metrics/bench_<profile>.json")
    bench.add_argument("--parts", nargs="+", default=["one_run", "grid"], choices=PARTS,
                       help="one_run: one SP-MT run with 1 and 2 threads; grid: every table; missing_cost: m4, drop and mean fill against the "
                       "complete run of Table 5's first cell; scale_out: a grid of equal runs on 1 and --workers workers (default: one_run grid)")  # fmt: skip
    var = sub.add_parser("variants", help="compare settings of one table cell over seeds, ranked by validation RMSE; writes tables/variants_*")
    var.add_argument("--dataset", required=True, choices=["ml100k", "mmtf", "synthetic"])
    var.add_argument("--column", required=True, help="a column of Tables 1-4: fuse_standard, all_standard, fs_t1t2, fs_t1t4, sp_t1t4, sp_t1t2")
    var.add_argument("--subset", default="AMSV", help="modality subset, e.g. AMSV, SV, M")
    var.add_argument(
        "--variant", nargs="+", default=["base"], help="'base' or field=value pairs joined by commas, e.g. dropout=0.3 gat=gatv2,train.batch_size=2048"
    )
    tun = sub.add_parser("tune", help="an Optuna search for one cell's settings on the validation slice; writes tables/tune_* and Optuna's figures")
    tun.add_argument("--dataset", required=True, choices=["ml100k", "mmtf", "synthetic"])
    tun.add_argument("--column", default="sp_t1t4", help="a column of Tables 1-4 (default sp_t1t4: the paper's model)")
    tun.add_argument("--subset", default="AMSV")
    tun.add_argument("--trials", type=int, default=20, help="finished trials the study should hold (a rerun with more continues it)")
    tun.add_argument("--space", default=None, help='JSON {field: ["float", low, high(, "log")] | ["int", low, high] | ["categorical", [...]]}')
    tun.add_argument("--storage", default=None, help="an Optuna storage URL (default: an SQLite file under $MTM4F_CACHE/studies)")
    tun.add_argument("--seed", type=int, default=0, help="the seed of the runs and of the sampler")
    for command in (tab, var, refs):
        command.add_argument("--seeds", nargs="+", type=int, default=None, help="override the profile's seeds (the tables record which)")
    for command in (rep, tab, bench, var, refs, tun):
        command.add_argument(
            "--outputs-dir",
            default=None,
            help="outputs root (default $MTM4F_OUTPUTS, else the repository's outputs/); each profile writes into <root>/<profile>/",
        )
    for command in (rep, tab, bench, var, refs, tun):
        command.add_argument("--executor", choices=["local", "dask"], default=None, help="where grids train their runs (default: $MTM4F_EXECUTOR, else local)")
        command.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (default: a LocalCluster of --workers processes)")
    for command in (tab, bench, var, refs, tun):
        command.add_argument("--profile", choices=["quick", "paper"], default="paper" if command is bench else "quick")
        command.add_argument("--workers", type=int, default=2, help="runs trained in parallel (processes)")
        command.add_argument("--data-dir", default=None)
        command.add_argument("--device", default="cpu", help="torch device of the runs: cpu (default), cuda, cuda:1, ...")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "executor", None) or getattr(args, "scheduler", None):
            from .experiments.executors import use_executor

            use_executor(args.executor or "local", args.scheduler)
        commands = {"data": lambda a: data_check(a.data_dir), "reproduce": _reproduce, "tables": _tables, "bench": _bench, "variants": _variants,
                    "references": _references, "tune": _tune}  # fmt: skip
        return commands[args.command](args)
    except MTM4FError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
