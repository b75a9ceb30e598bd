"""The missing-modality networks of MTM4F (paper 5.2, 5.5, after SMIL, Ma et al. 2021).

* Priors (eq. 3): per modality, ``k`` vectors that summarise its feature cloud over the training
  movies that have it: K-means centroids (default) or the mean plus each of the first ``k``
  principal directions scaled by its standard deviation ('pca').
* Feature reconstruction f_phi_c (eq. 2, 3): from the other modalities' vectors (a missing one
  zeroed) and the presence mask, an MLP gives the mean F and log-spread of weights over the priors;
  training samples W = F + sigma * eps (reparameterised), evaluation uses F; the reconstruction is
  softmax(W) @ priors. It stands in for the modality wherever a movie lacks it.
* Feature regularisation f_phi_r (eq. 4): at a layer with output h, a linear map of h gives mu and
  log sigma; r = mu + sigma * eps in training (mu in evaluation) and h := h + softplus(r) ('add') or
  h * softplus(r) ('mul'). The maps start at zero weights, with 'add' near +0 and 'mul' at x1, so a
  new network starts close to the plain one. Only the rows of movies that lack a modality pass
  through it, as in SMIL's code; complete movies run clean.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..errors import MTM4FError, check_choice
from .config import PRIOR_KINDS, REGULARISATIONS


def modality_priors(features: np.ndarray, kind: str = "kmeans", k: int = 10, seed: int = 0) -> np.ndarray:
    """float32 [k, d] priors of one modality from the rows of ``features`` (the training movies that have it)."""
    check_choice("prior kind", kind, PRIOR_KINDS)
    features = np.unique(np.asarray(features, dtype=np.float32), axis=0)
    if len(features) < k:
        raise MTM4FError(f"{k} priors need at least {k} distinct training movies with the modality; got {len(features)}. Lower ModelConfig.prior_k.")
    if kind == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=4, random_state=seed).fit(features).cluster_centers_.astype(np.float32)
    from sklearn.decomposition import PCA

    pca = PCA(n_components=min(k, features.shape[1]), random_state=seed).fit(features)
    directions = pca.components_ * np.sqrt(pca.explained_variance_)[:, None]
    priors = pca.mean_ + np.concatenate([directions, -directions])[:k]
    return priors.astype(np.float32)


class PriorReconstruction(nn.Module):
    """f_phi_c for one modality: [other modalities | presence mask] -> weights over the priors -> vector."""

    def __init__(self, in_dim: int, priors: torch.Tensor, hidden: int = 64):
        super().__init__()
        self.register_buffer("priors", torch.as_tensor(priors, dtype=torch.float32))
        k = len(self.priors)
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, 2 * k))

    def weights(self, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(F, sigma): the mean and spread of the weight logits, each [n, k]."""
        mean, log_sigma = self.net(context).chunk(2, dim=-1)
        return mean, log_sigma.clamp(-6.0, 2.0).exp()

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        mean, sigma = self.weights(context)
        logits = mean + sigma * torch.randn_like(mean) if self.training else mean
        return torch.softmax(logits, dim=-1) @ self.priors


class Regulariser(nn.Module):
    """f_phi_r at one layer: h -> h + softplus(r) or h * softplus(r), r ~ N(mu(h), sigma(h)^2) in training, mu(h) in evaluation."""

    def __init__(self, dim: int, op: str = "add"):
        super().__init__()
        check_choice("regularisation", op, REGULARISATIONS[1:])
        self.op = op
        self.map = nn.Linear(dim, 2 * dim)
        nn.init.zeros_(self.map.weight)
        with torch.no_grad():
            self.map.bias[:dim] = -4.0 if op == "add" else float(np.log(np.e - 1.0))  # softplus: about 0.018, or exactly 1
            self.map.bias[dim:] = -3.0  # sigma about 0.05

    def moments(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu, sigma) of r for input ``h``."""
        mu, log_sigma = self.map(h).chunk(2, dim=-1)
        return mu, log_sigma.clamp(-6.0, 2.0).exp()

    def sample(self, h: torch.Tensor) -> torch.Tensor:
        mu, sigma = self.moments(h)
        return mu + sigma * torch.randn_like(mu) if self.training else mu

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        r = F.softplus(self.sample(h))
        return h + r if self.op == "add" else h * r
