"""Bad input stops with one clear message."""

import shutil

import pytest

from mtm4f_lib.data import MissingSetting, load_dataset, parse_modalities
from mtm4f_lib.errors import DataError, MTM4FError


def test_unknown_dataset():
    with pytest.raises(MTM4FError, match="Unknown dataset 'ml1m'.*ml100k"):
        load_dataset("ml1m")


def test_unknown_modality():
    with pytest.raises(MTM4FError, match="Unknown modality 'X'"):
        parse_modalities("AX")


@pytest.mark.parametrize("chi", [0, -5, 101])
def test_chi_out_of_range(chi):
    with pytest.raises(MTM4FError, match="percentage"):
        MissingSetting("A", chi)


def test_at_least_one_modality_stays():
    with pytest.raises(MTM4FError, match="at most three"):
        MissingSetting("AMSV", 50)


def test_missing_data_dir(tmp_path):
    with pytest.raises(DataError, match="does not exist.*MTM4F_DATA"):
        load_dataset("ml100k", data_dir=tmp_path / "nowhere")


def test_no_data_and_no_download(tmp_path, monkeypatch):
    from mtm4f_lib.data.files import resolve_data_dir

    monkeypatch.delenv("MTM4F_DATA", raising=False)
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path))
    with pytest.raises(DataError, match="MTM4F_DATA is not set"):
        resolve_data_dir(download=False)


def test_corrupted_copy_gives_checksum_error(tmp_path, data_dir):
    copy = tmp_path / "data"
    shutil.copytree(data_dir / "ml-100k", copy / "ml-100k")
    with open(copy / "ml-100k" / "u.data", "a") as fh:
        fh.write("1\t1\t5\t0\n")
    with pytest.raises(DataError, match=r"Checksum mismatch for .*u\.data.*replace it"):
        load_dataset("ml100k", data_dir=copy)


def test_missing_enrichment_folder_warns(tmp_path, data_dir):
    root = tmp_path / "data"
    root.mkdir()
    (root / "ml-100k").symlink_to(data_dir / "ml-100k")
    with pytest.warns(UserWarning, match="mmtf14k/ not found"):
        ds = load_dataset("ml100k", data_dir=root)
    assert ds.modalities["audio"].n_available == 0 and "mmtf14k" in ds.notes["missing_folders"]
