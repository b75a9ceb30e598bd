"""References on the package's rows: the collaborative-filtering ones (Surprise's models, biased MF, LightGCN), the
content baseline (``models.baselines.content_baseline``: a linear model of the modalities, fitted on the embedded
dataset MTM4F's runs read), and models tuned over a search space (the hybrids), through the run store.

A :class:`ReferenceSpec` names a reference model, a seed and the protocol: ``complete`` (the complete
AMSV rows of the dataset's split: Table 11's rows), ``full`` (the whole split: ML-100K's u1 with
80,000 / 20,000 ratings), ``cold`` (item cold start) or ``folds`` (ML-100K's official folds), as
``RunSpec.protocol`` names them for MTM4F. Each run tunes its model over the same budget of settings on the seeded
validation slice (``models.baselines``) and reads the test rows once; records sit in the same run
store as MTM4F's runs, so a table of references resumes and is rebuilt without refitting.
A :class:`TunedSpec` does the same for an MTM4F run over a space of ModelConfig settings: every
setting is a stored run of its own, the one with the lowest validation RMSE is the result.

With ``refit`` (either spec) the chosen setting is trained once more on every training row, validation
slice included, and that model reads the test rows: a torch model for the epochs it stopped at on
validation (``TrainConfig.refit_epochs``), a Surprise model as its setting says. The choice itself still
reads the validation slice only.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from ..data import MODALITIES, complete_modality_split, load_dataset
from ..data.container import MultiModalDataset, Split
from ..data.splits import SEEDED_PROTOCOLS, seeded_split
from ..errors import MTM4FError, check_choice
from ..evaluation import rmse
from ..models.baselines import (
    CONTENT_SPACE,
    LIGHTGCN_SPACE,
    LIGHTGCN_TRAIN,
    MF_SPACE,
    MF_TRAIN,
    SURPRISE_MODELS,
    TUNING_BUDGET,
    biased_mf_builder,
    content_predictions,
    lightgcn_builder,
    surprise_predictions,
    tune_biased_mf,
    tune_content,
    tune_lightgcn,
    tune_surprise,
)
from ..models.baselines.tuning import settings
from ..training import train_and_evaluate
from .runs import COLD_EMBEDDINGS, COLD_VALIDATION, RunSpec, RunStore, prepared_dataset, spec_key, stored_record, train_spec

# Each torch reference: its search, the loop's build of one setting, its training config.
TORCH_REFERENCES = {"BiasedMF": (tune_biased_mf, biased_mf_builder, MF_TRAIN), "LightGCN": (tune_lightgcn, lightgcn_builder, LIGHTGCN_TRAIN)}
# The reference that reads the movies' modalities (the embedded dataset, as MTM4F's runs read it); the others read ratings only.
CONTENT_BASELINE = "ContentBaseline"
COLLABORATIVE_REFERENCES = (*SURPRISE_MODELS, *TORCH_REFERENCES)
REFERENCES = (*COLLABORATIVE_REFERENCES, CONTENT_BASELINE)
# Each reference's search space, in its runs' keys: a changed space trains the model again.
REFERENCE_SPACES = {
    **{name: model.space for name, model in SURPRISE_MODELS.items()},
    "BiasedMF": MF_SPACE,
    "LightGCN": LIGHTGCN_SPACE,
    CONTENT_BASELINE: CONTENT_SPACE,
}
PROTOCOLS = {
    "complete": "the complete AMSV rows of the split (Table 11)",
    "full": "every rating of the split",
    "cold": "item cold start: every rating of a seeded 20% of the movies held out of training (seed: the run's)",
    "folds": "ML-100K's five official folds u1..u5 (the run of seed s reads fold u<s + 1>; u1 is the full protocol's split)",
}


def reference_split(dataset: MultiModalDataset, protocol: str, seed: int, data_dir=None) -> Split:
    """The rows a run of ``seed`` reads under ``protocol`` (see ``PROTOCOLS``), as ``RunSpec`` reads them for MTM4F."""
    check_choice("protocol", protocol, PROTOCOLS)
    if protocol in SEEDED_PROTOCOLS:
        return seeded_split(dataset, protocol, seed, data_dir)
    return complete_modality_split(dataset, MODALITIES, verbose=False) if protocol == "complete" else dataset.split


@dataclass(frozen=True)
class ReferenceSpec:
    """One reference run: ``model`` of ``REFERENCES`` tuned and tested under ``protocol`` on ``dataset`` with ``seed``,
    over ``space`` (sorted (parameter, values) pairs; empty: the model's whole space, ``REFERENCE_SPACES``)."""

    dataset: str
    model: str
    seed: int = 0
    protocol: str = "complete"
    refit: bool = False
    space: tuple = ()

    def __post_init__(self):
        check_choice("reference model", self.model, REFERENCES)
        check_choice("protocol", self.protocol, PROTOCOLS)

    @property
    def key(self) -> str:
        """Hash of the spec and the space it searches; ``refit`` enters it only when set, so the runs stored before it keep their keys."""
        fields = {name: value for name, value in asdict(self).items() if name != "space" and (name != "refit" or value)}
        cold = {**COLD_VALIDATION, **(COLD_EMBEDDINGS if self.model == CONTENT_BASELINE else {})} if self.protocol == "cold" else {}
        return spec_key({"reference": fields, "space": self.search_space, **cold})

    @property
    def search_space(self) -> dict:
        """{parameter: values} the run searches."""
        return dict(self.space) or REFERENCE_SPACES[self.model]

    @property
    def label(self) -> str:
        return f"{self.dataset} {self.model}"

    def trained_record(self, data_dir: str | None, store: RunStore) -> dict:
        """Tune, test and store the run (what a grid worker does with a spec); a refit starts from the stored choice of
        the same spec without it (tuned and stored first if the store lacks it)."""
        if self.model == CONTENT_BASELINE:
            dataset = prepared_dataset(self.dataset, data_dir, "standard", self.protocol, self.seed)
        else:
            dataset = load_dataset(self.dataset, data_dir=data_dir)
        split = reference_split(dataset, self.protocol, self.seed, data_dir)
        if not self.refit:
            return self.tuned(dataset, split, store)
        plain = replace(self, refit=False)
        return self.refitted(dataset, split, (store.get(plain) or plain.tuned(dataset, split, store))["result"], store)

    def tuned(self, dataset: MultiModalDataset, split: Split, store: RunStore) -> dict:
        """The model tuned on the validation slice of ``split`` and tested, stored."""
        if self.model in TORCH_REFERENCES:
            tuned = TORCH_REFERENCES[self.model][0](dataset, split, self.seed, space=self.search_space)
        elif self.model == CONTENT_BASELINE:
            tuned = tune_content(dataset, split, self.seed, space=self.search_space)
        else:
            tuned = tune_surprise(dataset, split, self.model, self.seed, space=self.search_space)
        if not tuned["trials"]:
            raise MTM4FError(f"Reference {self.model} tried no setting.")
        result = {"metrics": {"rmse": tuned["rmse"]}, "val_rmse": tuned["val_rmse"], "params": tuned["params"], "trials": tuned["trials"],
                  "seconds": tuned["seconds"], "counts": {"train": len(split.train), "test": len(split.test)}}  # fmt: skip
        return stored_record(self, asdict(self), result, store, ("mtm4f", "scikit-surprise", "torch"), tuned["predictions"])

    def refitted(self, dataset: MultiModalDataset, split: Split, chosen: dict, store: RunStore) -> dict:
        """The setting ``chosen`` (the result of the run without refit) fitted on every training row and tested, stored."""
        start, params, extra = time.perf_counter(), chosen["params"], {}
        if self.model in TORCH_REFERENCES:
            _, builder, train = TORCH_REFERENCES[self.model]
            epochs = min(chosen["trials"], key=lambda trial: trial["val_rmse"])["best_epoch"]
            predictions = train_and_evaluate(dataset, split, builder(params), replace(train, seed=self.seed, refit_epochs=epochs)).test_predictions
            extra = {"refit_epochs": epochs}
        elif self.model == CONTENT_BASELINE:
            predictions = np.clip(content_predictions(dataset, split.train, [split.test], params)[0], *dataset.rating_range)
        else:
            predictions = np.clip(surprise_predictions(dataset, split.train, [split.test], self.model, params, self.seed)[0], *dataset.rating_range)
        seconds = time.perf_counter() - start
        test = rmse(predictions, dataset.ratings["rating"].to_numpy()[split.test], dataset.rating_range)
        result = {**chosen, "metrics": {"rmse": test}, "seconds": chosen["seconds"] + seconds, "refit_seconds": seconds, **extra}
        return stored_record(self, asdict(self), result, store, ("mtm4f", "scikit-surprise", "torch"), predictions)


# MTM4F's own search space, the paper's setting (GAT, dropout 0.2) among its six: the attention layer and the
# dropout, the two fields whose variants came closest to the paper's setting on validation (``mtm4f variants``).
MTM4F_SPACE = {"gat": ("gat", "gatv2"), "dropout": (0.1, 0.2, 0.3)}
# The hybrids (ModelConfig.collaborative_dim > 0): the paper's model plus an id term, tuned over one budget each:
# biased MF, or LightGCN's propagated embeddings (64-d, as the LightGCN reference; its penalties were first
# 0.1, 0.3, 0.9, and moved down once because the smallest had the best validation RMSE on seed 0's complete rows).
HYBRID_SPACE = {"collaborative_dim": (20, 50), "collaborative_reg": (0.4, 0.8, 1.2)}
LIGHTGCN_HYBRID_SPACE = {"collaborative": ("lightgcn",), "collaborative_dim": (64,), "collaborative_layers": (1, 2), "collaborative_reg": (0.03, 0.1, 0.3)}
# The models of the references table that are the paper's model tuned over a space of its ModelConfig fields.
# MTM4F+CB: the paper's model learning the residual of the content baseline (``ModelConfig.rating_baseline``), over MTM4F's space.
CONTENT_HYBRID = {"rating_baseline": ("content",)}
TUNED_MODELS = {"MTM4F": MTM4F_SPACE, "MTM4F+MF": HYBRID_SPACE, "MTM4F+LightGCN": LIGHTGCN_HYBRID_SPACE, "MTM4F+CB": {**CONTENT_HYBRID, **MTM4F_SPACE}}
# Item cold start: the co-rating graph gives a held-out movie no edge, so its GAT output is its own vector while
# every training movie's mixes its neighbours', and a wide item network learns the training movies by heart within
# two epochs. There the tuned models run without the item graph and with a narrower item network (on seeds 0-2 of
# ML-100K this lowered MTM4F's validation RMSE in every seed); with no graph the attention kind has nothing to act on,
# so MTM4F's space tunes the item width in its place.
COLD_MODEL = {"gat_layers": 0, "fusion_hidden": (64,), "item_dim": 16}
COLD_SPACES = {"MTM4F": {"item_dim": (16, 64), "dropout": (0.1, 0.2, 0.3)}}
COLD_SPACES["MTM4F+CB"] = {**CONTENT_HYBRID, **COLD_SPACES["MTM4F"]}
assert all(len(settings(space)) == TUNING_BUDGET for space in (*TUNED_MODELS.values(), *COLD_SPACES.values()))


@dataclass(frozen=True)
class TunedSpec:
    """``base`` with each setting of ``space`` (ModelConfig fields and their values, as sorted pairs); the
    setting with the lowest validation RMSE gives the result (with ``refit``: that setting refitted on every training row)."""

    base: RunSpec
    space: tuple[tuple[str, tuple], ...]
    refit: bool = False

    @property
    def dataset(self) -> str:
        return self.base.dataset

    @property
    def seed(self) -> int:
        return self.base.seed

    @property
    def protocol(self) -> str:
        return self.base.protocol

    @property
    def label(self) -> str:
        return f"{self.base.label} tuned"

    @property
    def key(self) -> str:
        return spec_key({"tuned": self.base.key, "space": self.space, **({"refit": True} if self.refit else {})})

    def settings(self) -> list[RunSpec]:
        return [replace(self.base, model=replace(self.base.model, **chosen)) for chosen in settings(dict(self.space))]

    def trials(self, store: RunStore, data_dir: str | None = None) -> list[tuple[RunSpec, dict]]:
        """Every setting with its record (from the store, else trained and stored)."""
        return [(spec, store.get(spec) or train_spec(spec, data_dir, store)[1]) for spec in self.settings()]

    def tested_spec(self, trials: list[tuple[RunSpec, dict]]) -> tuple[RunSpec, RunSpec, dict]:
        """(the setting with the lowest validation RMSE, the run that reads the test rows for it, that setting's record):
        the setting itself, or with ``refit`` its run on every training row for its best epoch."""
        best_spec, best = min(trials, key=lambda trial: trial[1]["result"]["val_rmse"])
        refit = replace(best_spec.train, refit_epochs=best["result"]["best_epoch"])
        return best_spec, replace(best_spec, train=refit) if self.refit else best_spec, best

    def trained_record(self, data_dir: str | None, store: RunStore) -> dict:
        """Every setting's run, then the best one by validation RMSE, stored with the test predictions of its tested run
        (``tested_spec``; trained again if it was stored without them)."""
        trials = self.trials(store, data_dir)
        best_spec, tested_spec, best = self.tested_spec(trials)
        tested = store.get(tested_spec, True) or train_spec(tested_spec, data_dir, store)[1]
        params = {name: getattr(best_spec.model, name) for name, _ in self.space}
        refit = {"refit_epochs": tested_spec.train.refit_epochs, "refit_seconds": tested["result"]["seconds"]} if self.refit else {}
        seconds = sum(r["result"]["seconds"] for _, r in trials) + (tested["result"]["seconds"] if self.refit else 0)
        result = {**tested["result"], "val_rmse": best["result"]["val_rmse"], "best_epoch": best["result"]["best_epoch"], "params": params, "seconds": seconds, **refit,
                  "trials": [{"params": {n: getattr(s.model, n) for n, _ in self.space}, "val_rmse": r["result"]["val_rmse"], "key": s.key} for s, r in trials]}  # fmt: skip
        fields = {"base": asdict(self.base), "space": self.space, **({"refit": True} if self.refit else {})}
        return stored_record(self, fields, result, store, predictions=store.predictions(tested_spec))


def tuned(base: RunSpec, space: dict, refit: bool = False) -> TunedSpec:
    """A TunedSpec over ``space`` ({field: values}, at most the tuning budget of settings)."""
    if len(settings(space)) > TUNING_BUDGET:
        raise MTM4FError(f"A search space of {len(settings(space))} settings exceeds the tuning budget of {TUNING_BUDGET}.")
    return TunedSpec(base, tuple(sorted((name, tuple(values)) for name, values in space.items())), refit)


def tuned_model(base: RunSpec, model: str, refit: bool = False, chosen: dict | None = None) -> TunedSpec:
    """``model`` of ``TUNED_MODELS`` on ``base``'s rows, tuned over its space (under 'cold' on ``COLD_MODEL``, over
    ``COLD_SPACES``), or over the one setting ``chosen`` (a choice made on another seed's validation slice)."""
    space = COLD_SPACES.get(model, TUNED_MODELS[model]) if base.protocol == "cold" else TUNED_MODELS[model]
    if chosen is not None:
        space = one_setting(chosen)
    return tuned(replace(base, model=replace(base.model, **COLD_MODEL)) if base.protocol == "cold" else base, space, refit)


def one_setting(params: dict) -> dict:
    """The search space of the one setting ``params``."""
    return {name: (value,) for name, value in params.items()}
