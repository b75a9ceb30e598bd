"""Where the data lives: resolve the data directory, verify checksums, download archives."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from functools import lru_cache
from pathlib import Path

from ..errors import DataError
from .checksums import ARCHIVES, FOLDERS, MD5

ENV_VAR = "MTM4F_DATA"


def default_cache_dir() -> Path:
    """Download cache: $MTM4F_CACHE or ~/.cache/mtm4f/data."""
    return Path(os.environ.get("MTM4F_CACHE", Path.home() / ".cache" / "mtm4f")) / "data"


def resolve_data_dir(data_dir=None, download: bool = True) -> Path:
    """The data directory: ``data_dir``, else $MTM4F_DATA, else the download cache.

    With neither set, the GroupLens archives are downloaded into the cache when ``download``
    is True; without internet this stops with a message that says how to point at local data.
    """
    chosen = data_dir or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen).expanduser().resolve()
        if not path.is_dir():
            raise DataError(f"Data directory {path} does not exist. Set {ENV_VAR} (or data_dir) to the folder that holds ml-100k/, ml-latest-small/, ...")
        return path
    cache = default_cache_dir()
    missing = [name for name in ARCHIVES if not (cache / name).is_dir()]
    if missing and download:
        for name in missing:
            download_archive(name, cache)
    if not cache.is_dir() or missing and not download:
        raise DataError(f"No data: {ENV_VAR} is not set and {cache} holds no downloaded archives. Set {ENV_VAR} to your data folder, or run with internet to download MovieLens.")
    return cache


def download_archive(name: str, cache: Path) -> None:
    """Fetch one GroupLens archive into ``cache``, unpack it and verify its checksums."""
    url = ARCHIVES[name]
    cache.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            archive = Path(tmp) / f"{name}.zip"
            print(f"Downloading {url} ...", flush=True)
            urllib.request.urlretrieve(url, archive)
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
            verify_files(Path(tmp), prefix=name)
            shutil.move(str(Path(tmp) / name), str(cache / name))
    except OSError as exc:
        raise DataError(f"Could not download {url} ({exc}). Without internet, set {ENV_VAR} to a folder that holds {name}/.") from exc


def md5sum(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _verified(path: str, mtime: float, size: int) -> str:
    return md5sum(Path(path))


def data_file(data_dir: Path, relative: str) -> Path:
    """Path of a known data file after checking that it exists and that its MD5 is right."""
    path = Path(data_dir) / relative
    if not path.is_file():
        raise DataError(f"Missing data file {path}. It belongs to {FOLDERS.get(relative.rsplit('/', 1)[0], 'the data folder')}; see `mtm4f data check`.")
    stat = path.stat()
    actual = _verified(str(path), stat.st_mtime, stat.st_size)
    expected = MD5[relative] if isinstance(MD5[relative], tuple) else (MD5[relative],)
    if actual not in expected:
        raise DataError(f"Checksum mismatch for {path}: md5 {actual}, expected {' or '.join(expected)}. The file is corrupted or a different release; replace it with a fresh copy (delete it and re-download, or copy it again).")
    return path


def verify_files(data_dir: Path, prefix: str = "") -> list[str]:
    """Check every known file under ``prefix``; return the relative paths verified."""
    checked = []
    for relative in MD5:
        if relative.startswith(prefix):
            data_file(data_dir, relative)
            checked.append(relative)
    return checked


def folder_present(data_dir: Path, folder: str) -> bool:
    return (Path(data_dir) / folder).is_dir()
