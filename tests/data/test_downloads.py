"""Every public source downloads into a fresh cache, verified, from a local HTTP server laid out like the real hosts."""

import filecmp
import shutil
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mtm4f_lib.data import load_dataset
from mtm4f_lib.data.catalog import SOURCES
from mtm4f_lib.data.files import resolve_data_dir
from mtm4f_lib.errors import DataError


def build_mirror(data_dir, root):
    """``root/<host>/...``: each source's archive or files where its host serves them."""
    for source in SOURCES:
        host = root / source.host
        if source.archive:
            (host / source.archive).parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(host / source.archive, "w") as zf:
                for name in source.md5:
                    zf.write(data_dir / source.folder / name, source.member_prefix + name)
        for name, remote in source.remote.items():
            (host / remote).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(data_dir / source.folder / name, host / remote)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, data_dir, monkeypatch):
    """A served mirror folder; the package's cache is empty and points the hosts at the server."""
    root = tmp_path / "mirror"
    build_mirror(data_dir, root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.delenv("MTM4F_DATA", raising=False)
    monkeypatch.setenv("MTM4F_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MTM4F_SOURCE_URLS", f"grouplens={base}/grouplens,github={base}/github")
    yield root
    server.shutdown()


def leftovers(cache):
    return [p for p in cache.rglob("*") if ".download-" in p.name]


def test_fresh_cache_is_byte_identical_to_the_data_folder(mirror, data_dir, tmp_path):
    cache = resolve_data_dir()
    assert cache == tmp_path / "cache" / "data"
    expected = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file() and p.parent != data_dir)
    got = sorted(p.relative_to(cache) for p in cache.rglob("*") if p.is_file())
    assert got == expected and len(got) == 44
    assert all(filecmp.cmp(data_dir / rel, cache / rel, shallow=False) for rel in got)
    assert leftovers(cache) == []
    ds = load_dataset("ml100k")  # the trailer features arrived too: not a meta-only dataset
    assert (ds.modalities["audio"].n_available, ds.modalities["video"].n_available, ds.modalities["subtitle"].n_available) == (656, 738, 1484)


def test_corrupted_download_is_refused_and_leaves_nothing(mirror, tmp_path):
    source = next(s for s in SOURCES if s.folder == "imdb-ml100k")
    served = mirror / "github" / source.remote["movielens100k_details.csv"]
    served.write_bytes(served.read_bytes()[:-10])
    with pytest.raises(DataError, match=r"Checksum mismatch for downloaded imdb-ml100k/movielens100k_details\.csv.*fresh copy"):
        resolve_data_dir()
    cache = tmp_path / "cache" / "data"
    assert not (cache / "imdb-ml100k").exists() and leftovers(cache) == []
    assert (cache / "ml-100k" / "u.data").is_file()  # sources before it were complete and stay


def test_missing_file_on_the_server_names_it(mirror, tmp_path):
    source = next(s for s in SOURCES if s.folder == "movielens-links")
    (mirror / "github" / source.remote["ml-youtube.csv"]).unlink()
    with pytest.raises(DataError, match=r"Could not download movielens-links/ml-youtube\.csv from http://127\.0\.0\.1.*set MTM4F_DATA"):
        resolve_data_dir()
    assert not (tmp_path / "cache" / "data" / "movielens-links").exists()


def test_archive_without_a_member_is_refused(mirror, tmp_path):
    archive = mirror / "grouplens" / "ml-100k.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ml-100k/u.data", "1\t1\t5\t0\n")
    with pytest.raises(DataError, match="lacks ml-100k/README"):
        resolve_data_dir()
    assert not (tmp_path / "cache" / "data" / "ml-100k").exists() and leftovers(tmp_path / "cache" / "data") == []


def test_bad_source_urls_setting(monkeypatch):
    monkeypatch.setenv("MTM4F_SOURCE_URLS", "gitlab=http://x")
    from mtm4f_lib.data.catalog import base_urls

    with pytest.raises(DataError, match="host=url"):
        base_urls()
