"""The missing-modality method on one example, for notebook 05: the protocol's counts, the priors of a
modality over its feature cloud, a reconstructed against a true vector, the learnt regularisation
spread per layer, the effect of one meta step, and an RMSE look-up for the interactive widget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch.func import functional_call

from ..data import MODALITIES, MissingSetting, abbreviate, complete_modality_split, hidden_items, missing_views, parse_modalities
from ..data.container import MultiModalDataset
from ..models import MTM4F
from ..training import row_data
from .profiles import Profile, get_profile
from .runs import RunStore, prepared_dataset, run_grid
from .table_missing import method_spec


def example_views(dataset: MultiModalDataset, setting: MissingSetting):
    """(split, training view, test view) of the complete AMSV rows under ``setting``."""
    split = complete_modality_split(dataset, MODALITIES, verbose=False)
    return (split, *missing_views(dataset, split, setting))


def protocol_summary(dataset: MultiModalDataset, setting: MissingSetting) -> pd.DataFrame:
    """Per modality: the training movies of the complete AMSV rows, how many keep it and how many have it hidden."""
    split = complete_modality_split(dataset, MODALITIES, verbose=False)
    masks = hidden_items(dataset, split, setting)
    n_train = len(np.unique(dataset.ratings["item"].to_numpy()[split.train]))
    rows = [{"modality": m, "training movies": n_train, "hidden": int(masks[m].sum()) if m in masks else 0} for m in MODALITIES]
    frame = pd.DataFrame(rows)
    frame["kept %"] = 100 * (1 - frame["hidden"] / frame["training movies"])
    return frame


def prior_cloud(model: MTM4F, modality: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """2-d PCA projections (fitted on the movies) of the model's standardised ``modality`` vectors of the movies that have it, and of its priors."""
    from sklearn.decomposition import PCA

    features = model.items.features[modality][model.items.masks[modality]].numpy()
    pca = PCA(n_components=2, random_state=seed).fit(features)
    return pca.transform(features), pca.transform(model.reconstruct[modality].priors.numpy())


def reconstruction_example(model: MTM4F, dataset: MultiModalDataset, modality: str) -> tuple[str, pd.DataFrame]:
    """The most-rated movie whose ``modality`` is hidden in training: its title, and per feature its true
    (standardised, as the test sees it) and reconstructed value (evaluation mode), with their cosine in the frame's attrs."""
    hidden = ~model.items.masks[modality]
    counts = np.bincount(dataset.ratings["item"].to_numpy(), minlength=dataset.n_items)[model.served_items.numpy()]
    local = int(np.flatnonzero(hidden.numpy())[np.argmax(counts[hidden.numpy()])])
    model.eval()
    with torch.no_grad():
        rebuilt = model._item_inputs()[0][modality][local]
    true = model.test_items.features[modality][local]
    frame = pd.DataFrame({"true": true.numpy(), "reconstructed": rebuilt.numpy()})
    frame.attrs["cosine"] = float(torch.nn.functional.cosine_similarity(true, rebuilt, dim=0))
    return str(dataset.items["title"].iloc[int(model.served_items[local])]), frame


def regularisation_spread(model: MTM4F, dataset: MultiModalDataset, rows: np.ndarray) -> pd.DataFrame:
    """Per regularised layer: the mean sigma and mean |mu| of r over the given rating rows' forward pass (evaluation mode)."""
    found = {}

    def record(name):
        def hook(module, inputs, output):
            mu, sigma = module.moments(inputs[0])
            found[name] = {"layer": name, "mean sigma": float(sigma.mean()), "mean |mu|": float(mu.abs().mean())}

        return hook

    handles = [layer.register_forward_hook(record(name)) for name, layer in model.regularisers.items()]
    data = row_data(dataset, rows, model.tasks)
    model.eval()
    with torch.no_grad():
        model.predict(data.users, data.items)
    for handle in handles:
        handle.remove()
    return pd.DataFrame([found[n] for n in model.regularisers if n in found])


def meta_step_effect(model: MTM4F, dataset: MultiModalDataset, rows: np.ndarray) -> pd.Series:
    """One meta step on ``rows``: the training loss, and the meta-test loss on the complete rows
    (their reconstructed modalities treated as missing) before and after the inner step adapts theta."""
    data = row_data(dataset, rows, model.tasks)
    model.train()
    torch.manual_seed(0)
    step = model.meta_step(data.users, model._local(data.items), data.labels)
    if step is None:
        return pd.Series(dtype=float)
    train, adapted, complete = step
    torch.manual_seed(1)
    before = model(*complete, simulate=True)
    torch.manual_seed(1)
    after = functional_call(model, adapted, complete, {"simulate": True})
    losses = {"training loss (whole batch)": train, "meta-test loss with theta": before, "meta-test loss with theta'": after}
    return pd.Series({name: float(value.detach()) for name, value in losses.items()})


def missing_rmse(dataset: str, hidden, chi: float, method: str = "m4", profile: str | Profile = "quick", seed: int = 0, data_dir=None,
                 store: RunStore | None = None) -> pd.Series:  # fmt: skip
    """Test RMSE of ``method`` with ``hidden`` kept for ``chi``% of training movies: from the run store, else trained now and stored."""
    store = store or RunStore()
    ds = prepared_dataset(dataset, data_dir)
    if len(parse_modalities(hidden)) == len(MODALITIES):
        return pd.Series({"hidden": "all four", "test RMSE": "keep at least one modality present"})
    spec = method_spec(ds, method, abbreviate(hidden), chi, seed, get_profile(profile))
    stored = store.get(spec) is not None
    result = run_grid([spec], store, data_dir, progress=False)[spec.key]["result"]
    return pd.Series({"hidden": "+".join(parse_modalities(hidden)), "chi": chi, "method": method, "test RMSE": round(result["metrics"]["rmse"], 4),
                      "from": "run store" if stored else "trained now"})  # fmt: skip


def missing_tables(dataset: str, profile: Profile, rates, rows: dict | None, methods, test_missing: bool = False, data_dir=None, outputs_dir=None,
                   workers: int = 1) -> dict[int, pd.DataFrame]:  # fmt: skip
    """Run and write the Tables 5-10 of ``dataset`` that ``rows`` asks for (all with None); {number hidden: cell numbers}."""
    from .registry import tables_in

    written = {}
    for table in tables_in("05_missing", dataset):
        if rows is None or table.hidden in rows:
            written[table.hidden], _ = table.make(profile, dataset, data_dir=data_dir, outputs_dir=outputs_dir, workers=workers, methods=methods, rates=rates,
                                                  rows=None if rows is None else rows[table.hidden], test_missing=test_missing)  # fmt: skip
    return written
