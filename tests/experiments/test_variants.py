"""Variants of a table cell: parsing, errors, validation ranking, the run store, the command."""

import shlex
from dataclasses import replace

import pandas as pd
import pytest

from mtm4f_lib.cli import main
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments.profiles import PROFILES
from mtm4f_lib.experiments.registry import find_column
from mtm4f_lib.experiments.runs import RunStore
from mtm4f_lib.experiments.variants import compare_variants, parse_variant, variant_spec

TINY = replace(PROFILES["quick"], subsets=("AV",), seeds=(0, 1), max_epochs=2, patience=1)


def test_parse_variant():
    assert parse_variant("base") == {"model": {}, "train": {}}
    assert parse_variant("dropout=0.3, gat=gatv2,fusion_hidden=[32],train.batch_size=512") == {
        "model": {"dropout": 0.3, "gat": "gatv2", "fusion_hidden": [32]},
        "train": {"batch_size": 512},
    }


@pytest.mark.parametrize("text", ["dropout", "nosuch=1", "train.nosuch=1", "train.seed=3", "modalities=AV"])
def test_unknown_fields_are_a_clear_error(text):
    with pytest.raises(MTM4FError, match="field=value"):
        parse_variant(text)


def test_bad_values_are_a_clear_error(synthetic):
    spec = find_column("sp_t1t4").spec(synthetic, "AV", TINY, seed=0)
    assert variant_spec(spec, "dropout=0.5,train.lr=0.01").model.dropout == 0.5
    with pytest.raises(MTM4FError, match="dropout"):
        variant_spec(spec, "dropout=1.5")
    with pytest.raises(MTM4FError, match="Unknown column"):
        find_column("sp_t9")


def test_variants_are_ranked_by_validation_and_stored(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    frame = compare_variants("synthetic", "sp_t1t4", "AV", ["base", "fusion_hidden=[16],item_dim=8"], TINY, store=store, progress=False)
    assert list(frame["variant"]) == sorted(["base", "fusion_hidden=[16],item_dim=8"], key=dict(zip(frame["variant"], frame["val_rmse"])).get)
    assert frame["chosen"].tolist() == [True, False] and (frame["epochs_total"] <= 4).all() and frame["val_std"].notna().all()
    assert len(list(store.root.glob("*.json"))) == 4  # two variants x two seeds
    again = compare_variants("synthetic", "sp_t1t4", "AV", ["base"], TINY, store=store, progress=False)
    assert again.loc[0, "test_rmse"] == frame.set_index("variant").loc["base", "test_rmse"]


def test_variants_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    argv = [
        "variants",
        "--dataset",
        "synthetic",
        "--column",
        "fs_t1t2",
        "--subset",
        "V",
        "--variant",
        "base",
        "dropout=0.0",
        "--seeds",
        "0",
        "--workers",
        "1",
        "--outputs-dir",
        str(tmp_path / "out"),
    ]
    assert main(argv) == 0
    written = pd.read_csv(tmp_path / "out" / "quick" / "tables" / "variants_synthetic_fs_t1t2_V.csv")
    assert set(written["variant"]) == {"base", "dropout=0.0"} and "written:" in capsys.readouterr().out
    header = (tmp_path / "out" / "quick" / "tables" / "variants_synthetic_fs_t1t2_V.md").read_text().splitlines()[0]
    assert "commit: " in header
    regenerate = shlex.split(header.split("regenerate: ")[1].removesuffix(" -->"))
    assert regenerate[0] == "mtm4f" and main([*regenerate[1:], "--outputs-dir", str(tmp_path / "again")]) == 0  # reads the stored runs
    assert pd.read_csv(tmp_path / "again" / "quick" / "tables" / "variants_synthetic_fs_t1t2_V.csv").equals(written)
    assert main(["variants", "--dataset", "synthetic", "--column", "sp_t1t4", "--variant", "nosuch=1"]) == 2
    assert "field=value" in capsys.readouterr().err
