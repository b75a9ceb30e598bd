"""CLIP image and text embeddings of trailer frames and subtitles (paper 5.1.6, the ablation of 5.1.2/5.1.4).

Two backends, both from local weights only (nothing is ever downloaded):

- ``transformers``: a folder with ``config.json`` and the weights of a ``CLIPModel`` plus its
  tokenizer files (``load_clip(folder)``), or any in-memory ``CLIPModel`` and tokenizer
  (``transformers_clip``), e.g. a tiny randomly initialised one;
- ``open_clip`` (optional extra ``mtm4f[clip]``): a checkpoint file and its architecture name.

Images are preprocessed here, without torchvision: the shortest side is resized to the model's
input size (bicubic, antialiased), the centre is cropped, pixels are scaled to [0, 1] and
normalised with the model's mean and std (OpenAI CLIP's unless the folder says otherwise).
Vectors are L2-normalised. An item's video vector is the normalised mean of its frame vectors; its
text vector is the normalised mean over chunks of ``words_per_chunk`` words, because CLIP reads at
most its context length (77 tokens for real CLIP) and truncates the rest.

Where no weights exist, tables print ``NO_CLIP_WEIGHTS``; ``$MTM4F_CLIP`` may name the weights.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import MTM4FError, check_choice

NO_CLIP_WEIGHTS = "n/a: no CLIP weights"
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
_CHECKPOINT_SUFFIXES = (".pt", ".pth", ".bin", ".safetensors")


def _weights_path(path) -> Path | None:
    value = path if path is not None else os.environ.get("MTM4F_CLIP")
    return Path(value) if value else None


def clip_weights_available(path=None) -> bool:
    """True when ``path`` (default ``$MTM4F_CLIP``) is a CLIP model folder or an open_clip checkpoint file."""
    path = _weights_path(path)
    if path is None:
        return False
    if path.is_file():
        return path.suffix in _CHECKPOINT_SUFFIXES and path.stat().st_size > 0
    return path.is_dir() and (path / "config.json").is_file() and any((path / name).is_file() for name in _WEIGHT_FILES)


def prepare_images(frames, size: int, mean=OPENAI_MEAN, std=OPENAI_STD) -> torch.Tensor:
    """uint8 [n, 3, H, W] frames -> float [n, 3, size, size]: resize shortest side, centre crop, normalise."""
    x = torch.as_tensor(np.asarray(frames))
    if x.ndim != 4 or x.shape[1] != 3 or x.dtype != torch.uint8:
        raise MTM4FError(f"CLIP frames must be uint8 [n, 3, H, W] (channels first); got {tuple(x.shape)} {x.dtype}.")
    height, width = x.shape[2:]
    scale = size / min(height, width)
    resized = torch.nn.functional.interpolate(
        x.float() / 255.0, size=(max(size, round(height * scale)), max(size, round(width * scale))), mode="bicubic", antialias=True, align_corners=False
    ).clamp(0, 1)
    top, left = (resized.shape[2] - size) // 2, (resized.shape[3] - size) // 2
    cropped = resized[:, :, top : top + size, left : left + size]
    return (cropped - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def _unit(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(x.float(), dim=-1)


@dataclass
class ClipEncoder:
    """One CLIP model's image and text towers behind a common interface; outputs are unit float32 [n, dim]."""

    name: str
    dim: int
    image_size: int
    encode_pixels: Callable[[torch.Tensor], torch.Tensor]
    encode_tokens: Callable[[list], torch.Tensor]
    mean: tuple = OPENAI_MEAN
    std: tuple = OPENAI_STD
    batch_size: int = 64

    def images(self, frames) -> np.ndarray:
        """Unit vectors of uint8 [n, 3, H, W] frames."""
        frames = np.asarray(frames)
        with torch.no_grad():
            parts = [
                _unit(self.encode_pixels(prepare_images(frames[s : s + self.batch_size], self.image_size, self.mean, self.std)))
                for s in range(0, len(frames), self.batch_size)
            ]
        return torch.cat(parts).numpy() if parts else np.zeros((0, self.dim), np.float32)

    def texts(self, texts) -> np.ndarray:
        """Unit vectors of strings (each truncated to the model's context length)."""
        texts = [str(t) for t in texts]
        with torch.no_grad():
            parts = [_unit(self.encode_tokens(texts[s : s + self.batch_size])) for s in range(0, len(texts), self.batch_size)]
        return torch.cat(parts).numpy() if parts else np.zeros((0, self.dim), np.float32)


def _pooled(output) -> torch.Tensor:
    """Projected features from ``get_*_features``: a tensor, or (newer transformers) an output's pooler_output."""
    return output if isinstance(output, torch.Tensor) else output.pooler_output


def transformers_clip(model, tokenizer, mean=OPENAI_MEAN, std=OPENAI_STD, name: str = "transformers-clip") -> ClipEncoder:
    """A ``ClipEncoder`` over a transformers ``CLIPModel`` and its tokenizer."""
    model.eval()
    context = model.config.text_config.max_position_embeddings

    def encode_tokens(texts):
        tokens = tokenizer(texts, padding=True, truncation=True, max_length=context, return_tensors="pt")
        return _pooled(model.get_text_features(input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"]))

    return ClipEncoder(
        name,
        model.config.projection_dim,
        model.config.vision_config.image_size,
        lambda pixels: _pooled(model.get_image_features(pixel_values=pixels)),
        encode_tokens,
        tuple(mean),
        tuple(std),
    )


def _load_transformers(folder: Path) -> ClipEncoder:
    from transformers import AutoTokenizer, CLIPModel

    try:
        model = CLIPModel.from_pretrained(folder, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as err:
        raise MTM4FError(
            f"Could not load a CLIP model and tokenizer from {folder} ({err}); the folder needs config.json, the weights and the tokenizer files."
        ) from err
    config_file = folder / "preprocessor_config.json"
    processor = json.loads(config_file.read_text()) if config_file.is_file() else {}
    return transformers_clip(model, tokenizer, processor.get("image_mean", OPENAI_MEAN), processor.get("image_std", OPENAI_STD), f"transformers:{folder.name}")


def _load_open_clip(checkpoint: Path, model_name: str) -> ClipEncoder:
    try:
        import open_clip
    except ImportError as err:
        raise MTM4FError(
            "The open_clip backend needs the optional package open_clip_torch: pip install 'mtm4f[clip]', or use backend='transformers' with a CLIP model folder."
        ) from err
    model, _, _ = open_clip.create_model_and_transforms(model_name, pretrained=str(checkpoint))
    model.eval()
    tokenizer = open_clip.get_tokenizer(model_name)
    size = model.visual.image_size
    visual = model.visual
    return ClipEncoder(
        f"open_clip:{model_name}",
        int(visual.output_dim),
        int(size[0] if isinstance(size, (tuple, list)) else size),
        model.encode_image,
        lambda texts: model.encode_text(tokenizer(texts)),
        tuple(getattr(visual, "image_mean", None) or OPENAI_MEAN),
        tuple(getattr(visual, "image_std", None) or OPENAI_STD),
    )


def load_clip(path=None, backend: str = "auto", model_name: str = "ViT-B-32") -> ClipEncoder:
    """A ``ClipEncoder`` from local weights: a transformers folder, or an open_clip checkpoint file.

    ``path`` defaults to ``$MTM4F_CLIP``; ``backend='auto'`` picks transformers for a folder and
    open_clip for a file; ``model_name`` is the open_clip architecture of the checkpoint.
    """
    path = _weights_path(path)
    if path is None or not path.exists():
        raise MTM4FError(
            f"No CLIP weights at {path}: pass the path of a local CLIP model folder or open_clip checkpoint (or set MTM4F_CLIP). Nothing is downloaded."
        )
    check_choice("CLIP backend", backend, ("auto", "transformers", "open_clip"))
    if backend == "open_clip" or (backend == "auto" and path.is_file()):
        return _load_open_clip(path, model_name)
    if not path.is_dir():
        raise MTM4FError(f"The transformers backend reads a model folder; {path} is a file. Use backend='open_clip' for a checkpoint file.")
    return _load_transformers(path)


def clip_frame_embeddings(clip: ClipEncoder, frames, available, progress: bool = True) -> np.ndarray:
    """float32 [n_items, dim]: per item, the normalised mean CLIP vector of its frames [k, 3, H, W]; NaN where unavailable."""
    from tqdm.auto import tqdm

    frames = np.asarray(frames)
    available = np.asarray(available, dtype=bool)
    if frames.ndim != 5 or len(frames) != len(available):
        raise MTM4FError(f"frames must be [n_items, k, 3, H, W] with n_items = {len(available)}; got {frames.shape}.")
    out = np.full((len(available), clip.dim), np.nan, dtype=np.float32)
    index, k = np.flatnonzero(available), frames.shape[1]
    per_batch = max(1, clip.batch_size // k)
    for s in tqdm(range(0, len(index), per_batch), desc="CLIP frames", disable=not progress):
        chunk = index[s : s + per_batch]
        vectors = clip.images(frames[chunk].reshape(-1, *frames.shape[2:])).reshape(len(chunk), k, -1)
        out[chunk] = _unit(torch.from_numpy(vectors.mean(axis=1))).numpy()
    return out


def _chunks(text: str, words_per_chunk: int) -> list[str]:
    words = text.split()
    return [" ".join(words[s : s + words_per_chunk]) for s in range(0, len(words), words_per_chunk)]


def clip_text_embeddings(clip: ClipEncoder, texts, words_per_chunk: int = 50, progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """float32 [n_items, dim] CLIP vectors of texts (normalised mean over word chunks) and the availability mask.

    A text that is None or blank is unavailable and gets a NaN row.
    """
    from tqdm.auto import tqdm

    if words_per_chunk < 1:
        raise MTM4FError("words_per_chunk must be at least 1.")
    chunks = [_chunks(t, words_per_chunk) if isinstance(t, str) else [] for t in texts]
    available = np.array([bool(c) for c in chunks], dtype=bool)
    out = np.full((len(chunks), clip.dim), np.nan, dtype=np.float32)
    for i in tqdm(np.flatnonzero(available), desc="CLIP texts", disable=not progress):
        out[i] = _unit(torch.from_numpy(clip.texts(chunks[i]).mean(axis=0))).numpy()
    return out, available
