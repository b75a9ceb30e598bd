"""The `mtm4f` command line."""
import zipfile

import pytest

from mtm4f_lib.cli import main
from mtm4f_lib.data import files


def test_data_check_real(data_dir, capsys):
    assert main(["data", "check", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "ok      ml-100k/  (6/6 files verified)" in out
    assert "all present files verified" in out


def test_data_check_reports_missing_and_broken(tmp_path, data_dir, capsys):
    import shutil

    shutil.copytree(data_dir / "ml-100k", tmp_path / "ml-100k")
    (tmp_path / "ml-100k" / "u.user").write_text("broken")
    assert main(["data", "check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "MISSING mmtf14k/comp90049/" in out and "BROKEN" in out and "u.user" in out


def test_unknown_notebook_is_a_clear_error(capsys):
    assert main(["reproduce", "--notebook", "99"]) == 2
    assert "No notebook named ['99']" in capsys.readouterr().err


def test_download_verifies_archive(tmp_path, data_dir, monkeypatch):
    """Without MTM4F_DATA the GroupLens archive is fetched, unpacked and checked."""
    def fake_urlretrieve(url, target):
        with zipfile.ZipFile(target, "w") as zf:
            for path in (data_dir / "ml-100k").iterdir():
                zf.write(path, f"ml-100k/{path.name}")

    monkeypatch.setattr(files.urllib.request, "urlretrieve", fake_urlretrieve)
    files.download_archive("ml-100k", tmp_path)
    assert (tmp_path / "ml-100k" / "u.data").is_file()


def test_download_rejects_corrupt_archive(tmp_path, monkeypatch):
    def fake_urlretrieve(url, target):
        with zipfile.ZipFile(target, "w") as zf:
            zf.writestr("ml-100k/u.data", "1\t1\t5\t0\n")

    monkeypatch.setattr(files.urllib.request, "urlretrieve", fake_urlretrieve)
    with pytest.raises(files.DataError, match="Missing data file|Checksum mismatch"):
        files.download_archive("ml-100k", tmp_path)
    assert not (tmp_path / "ml-100k").exists()


def test_download_without_internet(tmp_path, monkeypatch):
    def offline(url, target):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(files.urllib.request, "urlretrieve", offline)
    with pytest.raises(files.DataError, match="Could not download.*set MTM4F_DATA"):
        files.download_archive("ml-latest-small", tmp_path)
