"""Cached runs: a frozen run spec, its hash, a store of finished runs, and a resumable grid runner.

A :class:`RunSpec` names everything a result depends on (dataset, protocol, embeddings, model and
training configs, and ``RESULTS_VERSION``, bumped whenever model or training code changes what a
run measures). Its hash names a JSON file in the run store (``$MTM4F_CACHE/runs`` by default), which
holds the metrics, seconds, history and package versions; beside it, ``<key>.predictions.npy`` holds
the rating predicted for each test row (what per-rating tests and per-bucket RMSEs read). :func:`run_grid`
skips every spec that is already stored, so an interrupted grid resumes where it stopped, and a table
is rebuilt from stored runs without retraining.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..atomic import atomic_path, write_text
from ..data import MODALITIES, MissingSetting, abbreviate, complete_modality_split, load_dataset, missing_views
from ..data.container import MultiModalDataset, Split
from ..data.fills import FILLS, fill_hidden
from ..data.splits import SEEDED_PROTOCOLS, seeded_split
from ..embeddings.media_folder import embeddings_id
from ..errors import MTM4FError
from ..models import MTM4F, ModelConfig
from ..models.config import KEYED_ONLY_OFF_DEFAULT
from ..paths import cache_root
from ..provenance import installed_version
from ..training import RunResult, TrainConfig, train_and_evaluate
from . import executors

RESULTS_VERSION = "2"
PREDICTIONS = ".predictions.npy"
COLD_VALIDATION = {"validation": "held-out movies"}  # in the key of every cold-start run: its validation slice is whole movies
COLD_ENCODER_FOLDS = 5  # item cold start: the embeddings learnt from ratings are out of fold (no movie's from its own ratings)
COLD_EMBEDDINGS = {"rating-learnt embeddings": f"out of {COLD_ENCODER_FOLDS} folds"}  # in the key of every cold-start MTM4F run
PROTOCOLS = ("complete", "missing", "full", "cold", "folds")
EMBEDDINGS = ("standard",)


@dataclass(frozen=True)
class RunSpec:
    """One run: ``model`` trained with ``train`` on ``dataset`` under ``protocol``.

    protocol    'complete': the complete-modality filter of the model's modalities on the
                dataset's split (Tables 1-4, 11); 'missing': the rows of the complete AMSV split with
                the modalities of ``missing`` hidden from training movies (Tables 5-10, ``data.missing``);
                'full': every rating of the split (ML-100K u1: 80,000 / 20,000), a modality a movie
                lacks handled as the model's ``missing`` says (the collaborative-filtering literature's rows);
                'cold': item cold start, every rating of a seeded 20% of the movies (seed: the run's)
                held out of training, the embeddings learnt from ratings rebuilt from the other rows out of
                ``COLD_ENCODER_FOLDS`` folds (every movie's from an encoder that never read its ratings, so the
                validation movies are as cold as the test movies);
                'folds': ML-100K's official fold u<seed + 1> (seeds 0-4: the five folds), the embeddings
                learnt from ratings rebuilt from the fold's training rows.
    embeddings  'standard': the section-5.1 embeddings of ``embed_dataset`` (the generated
                features for ``synthetic``); 'media-<fingerprint>': those with the trailer media of
                $MTM4F_MEDIA laid over them (see ``embeddings.media_folder``).
    """

    dataset: str
    model: ModelConfig
    train: TrainConfig
    protocol: str = "complete"
    embeddings: str = "standard"
    missing: MissingSetting | None = None

    def __post_init__(self):
        if self.protocol not in PROTOCOLS or not (self.embeddings in EMBEDDINGS or self.embeddings.startswith("media-")):
            raise MTM4FError(f"RunSpec needs protocol in {list(PROTOCOLS)} and embeddings in {list(EMBEDDINGS)}; got {self.protocol!r}, {self.embeddings!r}.")
        if (self.protocol == "missing") != (self.missing is not None):
            raise MTM4FError("RunSpec: the 'missing' protocol needs a MissingSetting, and only it takes one.")

    @property
    def key(self) -> str:
        """Hash of the spec. Fields added since the stored grids were run (the device off the CPU, the refit's
        epochs, the missing setting, ``KEYED_ONLY_OFF_DEFAULT`` model fields) enter it only when set, so older keys stay as they were."""
        fields = asdict(self)
        for name, default in (("device", "cpu"), ("refit_epochs", 0)):
            if fields["train"][name] == default:
                del fields["train"][name]
        if fields["missing"] is None:
            del fields["missing"]
        for name, default in KEYED_ONLY_OFF_DEFAULT.items():
            if fields["model"][name] == default:
                del fields["model"][name]
        return spec_key({**fields, **({**COLD_VALIDATION, **COLD_EMBEDDINGS} if self.protocol == "cold" else {})})

    @property
    def seed(self) -> int:
        return self.train.seed

    @property
    def label(self) -> str:
        """What a progress bar shows of the run."""
        return f"{self.dataset} {abbreviate(self.model.modalities)}"

    def trained_record(self, data_dir: str | None, store: RunStore) -> dict:
        """Train the run and store its record (what a grid worker does with a spec)."""
        return train_spec(self, data_dir, store)[1]


def spec_key(payload: dict) -> str:
    """The hash that names a run in the store: ``payload`` (what the result depends on) with the results version."""
    text = json.dumps({"results_version": RESULTS_VERSION, **payload}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def stored_record(spec, fields: dict, result: dict, store=None, packages=("mtm4f", "torch", "torch_geometric"), predictions=None) -> dict:
    """A run's record (``fields``: what its spec says) exactly as the store reads it back, put in ``store`` with its
    test ``predictions`` when given."""
    record = {"key": spec.key, "spec": fields, "result": result, "results_version": RESULTS_VERSION,
              "versions": {p: installed_version(p) for p in packages}, "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}  # fmt: skip
    record = json.loads(json.dumps(record))
    if store is not None:
        store.put(spec, record, predictions)
    return record


def runs_root(root=None) -> Path:
    """The run store folder: ``root``, else the ``runs`` folder of the package cache ($MTM4F_CACHE)."""
    return Path(root) if root is not None else cache_root("runs")


class RunStore:
    """Finished runs as ``<dataset>_<key>.json`` files with their test predictions beside them, each written atomically."""

    def __init__(self, root=None):
        self.root = runs_root(root)

    def path(self, spec: RunSpec, suffix: str = ".json") -> Path:
        return self.root / f"{spec.dataset}_{spec.key}{suffix}"

    def get(self, spec: RunSpec, with_predictions: bool = False) -> dict | None:
        """The stored record, or None; with ``with_predictions``, None too when the run stored no predictions."""
        path = self.path(spec)
        if not path.is_file() or (with_predictions and not self.path(spec, PREDICTIONS).is_file()):
            return None
        return json.loads(path.read_text())

    def predictions(self, spec: RunSpec) -> np.ndarray | None:
        """The rating the run predicted for each test row (the split's order), or None when it stored none."""
        path = self.path(spec, PREDICTIONS)
        return np.load(path) if path.is_file() else None

    def put(self, spec: RunSpec, record: dict, predictions=None) -> None:
        """Store the record, its predictions first, so that a record on disk always finds its predictions."""
        if predictions is not None:
            with atomic_path(self.path(spec, PREDICTIONS)) as tmp, open(tmp, "wb") as out:
                np.save(out, np.asarray(predictions, dtype=np.float32))
        write_text(self.path(spec), json.dumps(record, indent=1, sort_keys=True))


def prepared_dataset(name: str, data_dir=None, embeddings: str | None = None, protocol: str | None = None, seed: int = 0) -> MultiModalDataset:
    """The dataset with its embeddings (built once per data folder and split, then read from the embedding cache).

    ``embeddings`` is a RunSpec's field; None means what the environment gives (:func:`embeddings_id`).
    Under a protocol of ``data.splits.SEEDED_PROTOCOLS`` the dataset's split is that protocol's split of
    ``seed`` (``data.splits.seeded_split``), and the embeddings that learn from ratings learn from its training rows
    (under 'cold' out of ``COLD_ENCODER_FOLDS`` folds).
    """
    seeded = (protocol, seed) if protocol in SEEDED_PROTOCOLS else None
    return _prepared_dataset(name, str(data_dir) if data_dir else None, embeddings or embeddings_id(), seeded)


@lru_cache(maxsize=8)
def _prepared_dataset(name: str, data_dir: str | None, embeddings: str, seeded: tuple[str, int] | None) -> MultiModalDataset:
    from ..embeddings.pipeline import embed_dataset

    dataset = load_dataset(name, data_dir=data_dir)
    if seeded is not None:
        dataset = replace(dataset, split=seeded_split(dataset, *seeded, data_dir))
    folds = COLD_ENCODER_FOLDS if seeded is not None and seeded[0] == "cold" else None
    if embeddings == "standard":
        return dataset if name == "synthetic" else embed_dataset(dataset, progress=False, media_dir=False, folds=folds)[0]
    if embeddings != (now := embeddings_id()):
        raise MTM4FError(f"This run was made with embeddings {embeddings!r} but $MTM4F_MEDIA now gives {now!r}; point it at the same media folder.")
    return embed_dataset(dataset, progress=False, folds=folds)[0]


def train_mtm4f(
    dataset: MultiModalDataset,
    split: Split,
    model_config: ModelConfig,
    train_config: TrainConfig,
    user_features: np.ndarray | None = None,
    progress: bool = False,
    test_dataset: MultiModalDataset | None = None,
    **loop,
) -> tuple[MTM4F, RunResult]:
    """Train and test one MTM4F model on ``split`` (validation slice carved from its training rows);
    the trained model (best validation state) and its result. The model serves the split's items only.

    ``test_dataset`` is the view the test reads (the complete one under the missing-modality
    protocol; default ``dataset``). With ``ModelConfig.missing`` a fill, the movies that lack a
    modality get it filled from the fitting rows before the model is built (``data.fills``).
    ``loop``: ``on_epoch`` and ``read_test`` of ``training.train_and_evaluate``.
    """
    served = np.unique(dataset.ratings["item"].to_numpy()[np.concatenate([split.train, split.test])])
    built = []

    def build(ds: MultiModalDataset, rows: np.ndarray) -> MTM4F:
        view = fill_hidden(ds, model_config.modalities, model_config.missing, rows, served, seed=train_config.seed) if model_config.missing in FILLS else ds
        test_view = None if test_dataset is None or test_dataset is ds else test_dataset
        built.append(MTM4F.from_dataset(view, rows, model_config, user_features, served, test_view))
        return built[-1]

    result = train_and_evaluate(dataset, split, build, train_config, progress, **loop)
    return built[0], result


def spec_rows(spec: RunSpec, data_dir: str | None = None) -> tuple[MultiModalDataset, Split, MultiModalDataset]:
    """What a spec trains on: (the training view of its dataset, its split, the view its test reads)."""
    dataset = prepared_dataset(spec.dataset, data_dir, spec.embeddings, spec.protocol, spec.seed)
    if spec.protocol == "missing":
        split = complete_modality_split(dataset, MODALITIES, verbose=False)
        train_view, test_view = missing_views(dataset, split, spec.missing)
        return train_view, split, test_view
    split = complete_modality_split(dataset, spec.model.modalities, verbose=False) if spec.protocol == "complete" else dataset.split
    return dataset, split, dataset


def train_spec(spec: RunSpec, data_dir: str | None = None, store: RunStore | None = None, progress: bool = False) -> tuple[MTM4F, dict]:
    """Train and test one spec; the trained model and its record (JSON types only), put in ``store`` when
    one is given (later tables and look-ups then reuse the run)."""
    train_view, split, test_view = spec_rows(spec, data_dir)
    model, result = train_mtm4f(train_view, split, spec.model, spec.train, progress=progress, test_dataset=test_view)
    record = stored_record(spec, asdict(spec), result.to_dict(), store, predictions=result.test_predictions)
    return model, record


def run_grid(specs, store: RunStore | None = None, data_dir=None, workers: int = 1, progress: bool = True, predictions=False) -> dict[str, dict]:
    """Every spec's record by key, training only those the store lacks (``workers`` processes, on the executor
    ``executors.chosen_executor`` names).

    Each finished run is stored at once, so an interrupted grid resumes where it stopped. The settings of a tuned
    spec (``reference_runs.TunedSpec``) are trained as runs of their own beside the others, then (a refitted tuned spec)
    the chosen setting's refit, then the tuned spec picks among them here; an ensemble (``ensemble.EnsembleSpec``) reads its
    candidates' stored runs last. ``predictions`` (True: every spec; or the keys of some specs) names the runs whose test
    predictions are read: such a run stored without them (stored before runs kept them) is trained again.
    """
    store = store or RunStore()
    data_dir = str(data_dir) if data_dir else None
    unique = {spec.key: spec for spec in specs}
    read = set(unique) if predictions is True else set(predictions or ())
    records = {key: record for key, spec in unique.items() if (record := store.get(spec, key in read)) is not None}
    todo = [(spec, key in read) for key, spec in unique.items() if key not in records]
    tuned = [(spec, read_predictions) for spec, read_predictions in todo if hasattr(spec, "settings")]
    derived = [spec for spec, _ in todo if hasattr(spec, "candidates")]  # an ensemble: from its candidates' stored runs, last
    settings = {s.key: s for spec, _ in tuned for s in spec.settings() if s.key not in unique and store.get(s) is None}
    bar = tqdm(total=len(unique) + len(settings), initial=len(records), desc="runs", unit="run", disable=not progress)
    jobs = [(s, False) for s in settings.values()] + [job for job in todo if not hasattr(job[0], "settings") and not hasattr(job[0], "candidates")]
    for record in executors.records(jobs, store, data_dir, workers):
        if record["key"] in unique:
            records[record["key"]] = record
        bar.update()
    refits = {tested.key: (tested, True) for spec, _ in tuned if spec.refit and store.get(tested := spec.tested_spec(spec.trials(store))[1], True) is None}
    bar.total += len(refits)
    for _ in executors.records(list(refits.values()), store, data_dir, workers):  # each chosen setting's refit, as a run of its own
        bar.update()
    for spec, read_predictions in tuned:  # every setting is stored now: the tuned run only picks the best
        records[spec.key] = executors.stored_or_trained(spec, store, data_dir, read_predictions)
        bar.update()
    for spec in derived:
        records[spec.key] = spec.trained_record(data_dir, store)
        bar.update()
    bar.close()
    return records
