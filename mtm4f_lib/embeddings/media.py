"""Raw trailer media encoders (paper 5.1.2-5.1.4), for a user-supplied folder of media files.

Files are looked up as ``<folder>/<raw_id><extension>``; an item without a file, or whose file
can not be decoded, is unavailable (a warning names the undecodable ones). No trailers ship with
the datasets here, so these encoders run only when a user points them at such a folder.

- Video (5.1.2): the I-frames (key frames) of the first video stream are decoded and resized to
  ``size`` x ``size`` RGB (aspect ratio not kept). K-means (K = ``k``, seeded) over the pixels picks
  the most representative frames: for each centroid in turn, the nearest frame not already chosen;
  the chosen frames are kept in time order. A video with fewer than K I-frames keeps every I-frame
  in time order, each repeated to fill K slots (frame ``i * n // K`` for slot ``i``). ``VideoEncoder``
  runs the paper's CNN on each frame, concatenates the K frame maps and maps them through dense
  1024-512 layers to the 231-d embedding.
- Audio (5.1.3): the first audio stream is decoded to mono float at ``sample_rate``, centre-cropped
  (or zero-padded at the end) to ``seconds``, and standardised to zero mean and unit variance over
  the real signal (padding stays 0). ``AudioEncoder`` maps it through dense layers to 512-d.
- Subtitles (5.1.4): ``.srt`` files are parsed (index, timestamps, text; markup tags removed), the
  cue texts joined with spaces, and encoded with SBERT (384-d with the default offline model).

Video and audio encoders are trained on the rating objective with ``task_specific.fit_encoder``.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..data.container import MultiModalDataset
from ..errors import MTM4FError
from .task_specific import DenseEncoder, embed_items, fit_encoder

VIDEO_EXTENSIONS = (".mp4", ".mkv", ".avi", ".mov", ".webm", ".m4v", ".mpg")
AUDIO_EXTENSIONS = (".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".opus", ".mp4", ".mkv", ".webm")
SUBTITLE_EXTENSIONS = (".srt",)


def media_paths(folder, raw_ids, extensions) -> list[Path | None]:
    """For each raw id, the first ``<folder>/<raw_id><ext>`` file that exists, else None."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MTM4FError(f"Media folder {folder} does not exist: pass a folder of files named <raw_id>{extensions[0]}.")
    found = {p.name: p for p in folder.iterdir() if p.is_file()}
    return [next((found[f"{raw}{ext}"] for ext in extensions if f"{raw}{ext}" in found), None) for raw in raw_ids]


@contextmanager
def _open_media(path):
    """An open PyAV container; decoding errors become MTM4FError naming the file."""
    import av

    try:
        with av.open(str(path)) as container:
            yield container
    except (av.FFmpegError, OSError) as err:
        raise MTM4FError(f"Could not decode {path} ({err}); re-encode or remove the file.") from err


def _per_file(paths, read, what: str, progress: bool) -> tuple[list, np.ndarray]:
    """``read(path)`` for each path with a tqdm bar; missing or undecodable files give None / unavailable."""
    from tqdm.auto import tqdm

    values, failed = [], []
    for path in tqdm(paths, desc=what, disable=not progress):
        try:
            values.append(None if path is None else read(path))
        except MTM4FError:
            values.append(None)
            failed.append(path.name)
    if failed:
        warnings.warn(f"{len(failed)} {what} file(s) could not be used and count as unavailable, e.g. {failed[:3]}.", stacklevel=3)
    return values, np.array([v is not None for v in values], dtype=bool)


def _stack(values, available: np.ndarray, shape, dtype) -> np.ndarray:
    out = np.zeros((len(values), *shape), dtype=dtype)
    for i in np.flatnonzero(available):
        out[i] = values[i]
    return out


# --- video -------------------------------------------------------------------------------------


def read_key_frames(path, size: int = 64) -> np.ndarray:
    """uint8 [n_iframes, size, size, 3]: every I-frame of the file's first video stream, resized."""
    with _open_media(path) as container:
        if not container.streams.video:
            raise MTM4FError(f"{path} has no video stream.")
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        frames = [frame.to_ndarray(width=size, height=size, format="rgb24") for frame in container.decode(stream)]
    if not frames:
        raise MTM4FError(f"{path} has no decodable I-frame.")
    return np.stack(frames)


def select_key_frames(frames: np.ndarray, k: int = 5, seed: int = 0) -> np.ndarray:
    """Indices (time order) of ``k`` representative frames: K-means centroids' nearest distinct frames.

    With ``n <= k`` frames, slot ``i`` takes frame ``i * n // k``: every frame, in order, repeated to fill.
    """
    n = len(frames)
    if n == 0 or k < 1:
        raise MTM4FError("select_key_frames needs at least one frame and k >= 1.")
    if n <= k:
        return np.arange(k) * n // k
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    pixels = frames.reshape(n, -1).astype(np.float32) / 255.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # identical frames: fewer distinct clusters; handled below
        distances = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(pixels).transform(pixels)
    chosen: list[int] = []
    for centroid in range(k):
        chosen.append(next(int(i) for i in np.argsort(distances[:, centroid], kind="stable") if i not in chosen))
    return np.sort(np.array(chosen))


def representative_frames(path, k: int = 5, size: int = 64, seed: int = 0) -> np.ndarray:
    """uint8 [k, 3, size, size]: the K-means-selected I-frames of one video, channels first."""
    frames = read_key_frames(path, size)
    return frames[select_key_frames(frames, k, seed)].transpose(0, 3, 1, 2)


def key_frames_from_folder(folder, raw_ids, k: int = 5, size: int = 64, seed: int = 0, progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """uint8 [n_items, k, 3, size, size] representative frames and the availability mask."""
    paths = media_paths(folder, raw_ids, VIDEO_EXTENSIONS)
    values, available = _per_file(paths, lambda p: representative_frames(p, k, size, seed), "video", progress)
    return _stack(values, available, (k, 3, size, size), np.uint8), available


class VideoEncoder(nn.Module):
    """Per frame: 3 x (Conv 3x3 -> BatchNorm -> ReLU -> MaxPool 2); K frame maps concatenated -> dense -> ``out_dim``.

    Convolutions keep the spatial size (padding 1), so 64-px frames give 16 x 8 x 8 = 1024 values per
    frame. Input: [batch, k, 3, size, size], uint8 (scaled to [0, 1] here) or float.
    """

    def __init__(self, k: int = 5, size: int = 64, out_dim: int = 231, channels=(64, 128, 16), dense=(1024, 512)):
        super().__init__()
        side = size // 2 ** len(channels)
        if side < 1:
            raise MTM4FError(f"Frames of {size} px are too small for {len(channels)} pooling layers; use size >= {2 ** len(channels)}.")
        blocks, c_in = [], 3
        for c_out in channels:
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
            c_in = c_out
        self.cnn = nn.Sequential(*blocks)
        self.head = DenseEncoder(k * c_in * side * side, out_dim, dense)
        self.out_dim = out_dim

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        x = frames.float() / 255.0 if frames.dtype == torch.uint8 else frames.float()
        return self.head(self.cnn(x.flatten(0, 1)).reshape(len(frames), -1))


# --- audio -------------------------------------------------------------------------------------


def read_waveform(path, sample_rate: int = 16000) -> np.ndarray:
    """float32 mono waveform of the file's first audio stream, resampled to ``sample_rate``."""
    import av

    with _open_media(path) as container:
        if not container.streams.audio:
            raise MTM4FError(f"{path} has no audio stream.")
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        chunks = [out.to_ndarray().reshape(-1) for frame in container.decode(container.streams.audio[0]) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if not chunks:
        raise MTM4FError(f"{path} has no decodable audio.")
    return np.concatenate(chunks).astype(np.float32)


def standardize_waveform(wave: np.ndarray, length: int) -> np.ndarray:
    """Centre crop to ``length`` samples (or zero-pad at the end), zero mean / unit variance over the real signal."""
    wave = np.asarray(wave, dtype=np.float32)
    if len(wave) == 0 or length < 1:
        raise MTM4FError("standardize_waveform needs a non-empty waveform and length >= 1.")
    start = max(0, (len(wave) - length) // 2)
    wave = wave[start : start + length]
    std = float(wave.std())
    wave = (wave - wave.mean()) / std if std > 1e-8 else np.zeros_like(wave)
    return np.pad(wave, (0, length - len(wave)))


def waveforms_from_folder(folder, raw_ids, sample_rate: int = 16000, seconds: float = 4.0, progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """float32 [n_items, sample_rate * seconds] standardised waveforms and the availability mask."""
    length = int(round(sample_rate * seconds))
    paths = media_paths(folder, raw_ids, AUDIO_EXTENSIONS)
    values, available = _per_file(paths, lambda p: standardize_waveform(read_waveform(p, sample_rate), length), "audio", progress)
    return _stack(values, available, (length,), np.float32), available


class AudioEncoder(DenseEncoder):
    """Standardised waveform [batch, n_samples] -> dense ReLU layers -> linear ``out_dim`` (512) embedding."""

    def __init__(self, n_samples: int, out_dim: int = 512, hidden=(512,)):
        super().__init__(n_samples, out_dim, hidden)


# --- subtitles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """One subtitle: its index, start and end in seconds, and its text without markup."""

    index: int
    start: float
    end: float
    text: str


_TIMES = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")
_MARKUP = re.compile(r"<[^>]*>|\{[^}]*\}")


def _seconds(h, m, s, ms) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[Cue]:
    """Cues of an .srt document; the index line may be missing, tags like <i> and {\\an8} are removed."""
    blocks = re.split(r"\n[ \t]*\n", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip())
    cues = []
    for number, block in enumerate(b for b in blocks if b.strip()):
        lines = block.split("\n")
        at = 1 if len(lines) > 1 and _TIMES.search(lines[1]) else 0
        times = _TIMES.search(lines[at])
        if times is None:
            raise MTM4FError(f"Subtitle block {number + 1} has no 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line ({lines[0][:60]!r}); fix or remove the .srt file.")
        index = int(lines[0]) if at == 1 and lines[0].strip().isdigit() else number + 1
        words = " ".join(_MARKUP.sub(" ", line) for line in lines[at + 1 :]).split()
        cues.append(Cue(index, _seconds(*times.groups()[:4]), _seconds(*times.groups()[4:]), " ".join(words)))
    return cues


def read_srt(path) -> list[Cue]:
    """Cues of an .srt file (UTF-8, else Windows-1252)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return parse_srt(text)


def subtitle_text(path) -> str:
    """The cue texts of an .srt file joined with single spaces."""
    return " ".join(cue.text for cue in read_srt(path) if cue.text)


def subtitle_texts_from_folder(folder, raw_ids, progress: bool = True) -> tuple[list, np.ndarray]:
    """Per item, the joined subtitle text (None without a file or with an empty one) and the availability mask."""
    values, _ = _per_file(media_paths(folder, raw_ids, SUBTITLE_EXTENSIONS), lambda p: subtitle_text(p) or None, "subtitle", progress)
    return values, np.array([v is not None for v in values], dtype=bool)


def srt_embeddings_from_folder(folder, raw_ids, model: str | None = None, progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """float32 [n_items, d] SBERT vectors of the .srt texts (d = 384 by default), NaN rows where unavailable."""
    from .text import encode_texts

    texts, available = subtitle_texts_from_folder(folder, raw_ids, progress)
    vectors = encode_texts([t for t in texts if t is not None], model, progress=progress)
    out = np.full((len(texts), vectors.shape[1]), np.nan, dtype=np.float32)
    out[available] = vectors
    return out, available


# --- end to end ----------------------------------------------------------------------------------


def _train_and_embed(dataset: MultiModalDataset, make_encoder, inputs, available, seed: int, fit_options) -> np.ndarray:
    torch.manual_seed(seed)
    encoder, _ = fit_encoder(dataset, make_encoder(), inputs, available, seed=seed, **fit_options)
    return embed_items(encoder, inputs, available)


def video_embeddings(
    dataset: MultiModalDataset, folder, out_dim: int = 231, k: int = 5, size: int = 64, seed: int = 0, progress: bool = True, **fit_options
) -> np.ndarray:
    """Train ``VideoEncoder`` on the trailers in ``folder``; float32 [n_items, out_dim], NaN where no video."""
    frames, available = key_frames_from_folder(folder, dataset.items["raw_id"], k, size, seed, progress)
    return _train_and_embed(dataset, lambda: VideoEncoder(k, size, out_dim), frames, available, seed, fit_options)


def audio_embeddings(
    dataset: MultiModalDataset,
    folder,
    out_dim: int = 512,
    sample_rate: int = 16000,
    seconds: float = 4.0,
    hidden=(512,),
    seed: int = 0,
    progress: bool = True,
    **fit_options,
) -> np.ndarray:
    """Train ``AudioEncoder`` on the trailer audio in ``folder``; float32 [n_items, out_dim], NaN where no audio."""
    waves, available = waveforms_from_folder(folder, dataset.items["raw_id"], sample_rate, seconds, progress)
    return _train_and_embed(dataset, lambda: AudioEncoder(waves.shape[1], out_dim, hidden), waves, available, seed, fit_options)
