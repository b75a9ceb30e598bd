"""Where the data lives: resolve the data directory, verify checksums, download every public source.

Downloads land in a temporary folder inside the cache, are verified file by file against the
catalog's MD5s, and only then are moved into place with one rename per source folder: a failed or
corrupted download leaves nothing behind and stops with one error naming the file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from functools import cache
from pathlib import Path

from tqdm.auto import tqdm

from ..errors import DataError
from ..paths import cache_root
from .catalog import MD5, SOURCES, Source, base_urls, source_of

ENV_VAR = "MTM4F_DATA"
MOVIELENS = ("ml-100k", "ml-latest-small")


def resolve_data_dir(data_dir=None, download: bool = True, urls: dict[str, str] | None = None) -> Path:
    """The data directory: ``data_dir``, else $MTM4F_DATA, else the download cache.

    With neither set, every source the cache lacks is downloaded into it when ``download`` is True
    (``urls`` overrides host base URLs, see :mod:`.catalog`); without internet this stops with a
    message that says how to point at local data.
    """
    chosen = data_dir or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen).expanduser().resolve()
        if not path.is_dir():
            raise DataError(f"Data directory {path} does not exist. Set {ENV_VAR} (or data_dir) to the folder that holds ml-100k/, ml-latest-small/, ...")
        return path
    cache = cache_root("data")
    if download:
        download_missing(cache, urls)
    if not any((cache / name).is_dir() for name in MOVIELENS):
        raise DataError(
            f"No data: {ENV_VAR} is not set and {cache} holds no downloaded sources. Set {ENV_VAR} to your data folder, or run with internet to download them."
        )
    return cache


def download_missing(cache: Path, urls: dict[str, str] | None = None) -> list[str]:
    """Download every source whose folder ``cache`` lacks; the folders downloaded."""
    missing = [s for s in SOURCES if not (Path(cache) / s.folder).is_dir()]
    for source in missing:
        download_source(source, Path(cache), urls)
    return [s.folder for s in missing]


def download_source(source: Source, cache: Path, urls: dict[str, str] | None = None) -> Path:
    """Fetch one source into ``cache/<folder>``: download, verify every MD5, then rename into place."""
    base = base_urls(urls)[source.host]
    target = Path(cache) / source.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.download-") as tmp:
        staged = Path(tmp) / "files"
        staged.mkdir()
        if source.archive:
            archive = Path(tmp) / "archive.zip"
            _fetch(f"{base}/{source.archive}", archive, source.folder)
            _unpack(archive, source, staged)
        else:
            for name, remote in source.remote.items():
                _fetch(f"{base}/{remote}", staged / name, f"{source.folder}/{name}")
        for name in source.md5:
            _check(staged / name, f"{source.folder}/{name}", source.expected(name), where="downloaded ")
        os.replace(staged, target)
    return target


def _fetch(url: str, target: Path, what: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            size = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=size, unit="B", unit_scale=True, desc=f"download {what}", leave=False) as bar:
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
                    bar.update(len(block))
    except (urllib.error.URLError, OSError) as exc:
        raise DataError(
            f"Could not download {what} from {url} ({exc}). Check the connection and retry, or set {ENV_VAR} to a folder that holds {what.split('/')[0]}/."
        ) from exc


def _unpack(archive: Path, source: Source, staged: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = set(zf.namelist())
            for name in source.md5:
                member = source.member_prefix + name
                if member not in members:
                    raise DataError(
                        f"The downloaded archive for {source.folder}/ lacks {member}; the source has changed. Download {source.folder}/ by hand and set {ENV_VAR}."
                    )
                with zf.open(member) as src, open(staged / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile as exc:
        raise DataError(f"The download for {source.folder}/ is not a valid zip archive ({exc}); retry, or download it by hand and set {ENV_VAR}.") from exc


def md5sum(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _verified(path: str, mtime: float, size: int) -> str:
    return md5sum(Path(path))


def _check(path: Path, relative: str, expected: tuple[str, ...], where: str = "") -> None:
    stat = path.stat()
    actual = _verified(str(path), stat.st_mtime, stat.st_size)
    if actual not in expected:
        raise DataError(
            f"Checksum mismatch for {where}{relative} ({path}): md5 {actual}, expected {' or '.join(expected)}. The file is corrupted or a different release; replace it with a fresh copy (delete it and download again, or copy it again)."
        )


def data_file(data_dir: Path, relative: str) -> Path:
    """Path of a known data file after checking that it exists and that its MD5 is right."""
    path = Path(data_dir) / relative
    if not path.is_file():
        raise DataError(f"Missing data file {path}. It belongs to {source_of(relative).description}; see `mtm4f data check`.")
    _check(path, relative, MD5[relative])
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
