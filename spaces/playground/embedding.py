"""A network that groups points by itself: it learns to give every point a few numbers (its code)
such that neighbouring points get nearly the same code, while the codes as a whole stay spread out;
k-means on the codes then finds the groups. This is the idea of SpectralNet (Shaham et al., 2018,
https://arxiv.org/abs/1801.01587): the network learns the smallest eigenvectors of the
neighbourhood graph's Laplacian, which spectral clustering computes directly, so groups that are
chains of neighbours (two moons) come out whole, where k-means, which only measures distance to a
centre, cuts them.

The graph joins each point to its ``neighbours`` nearest ones (scikit-learn). The codes are made
orthonormal in the degree-weighted inner product by a Cholesky step inside the forward pass, so
the loss, the mean squared code difference across the graph's edges, cannot be lowered by
shrinking every code to one point; its lowest value is the sum of the ``k`` smallest eigenvalues
of the generalised problem L v = λ D v (``smallest_eigenvalues``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import torch
from sklearn.cluster import KMeans
from sklearn.neighbors import kneighbors_graph
from torch import nn

from shared.errors import LabError

MIN_NEIGHBOURS, MAX_NEIGHBOURS = 2, 30


@dataclass(frozen=True)
class Grouping:
    groups: np.ndarray  # each point's group, 0 … k-1
    codes: np.ndarray  # n×k, orthonormal in the degree-weighted inner product
    loss: float  # the mean squared code difference across the graph's edges, at the end
    steps: list[int]  # the steps at which ``losses`` were taken: every ``record_every``, and the end
    losses: list[float]  # the loss at each of them


def graph(xy: np.ndarray, neighbours: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The symmetric k-nearest-neighbour graph as its Laplacian L = D − W and its degrees D."""
    if not MIN_NEIGHBOURS <= neighbours < len(xy):
        raise LabError("playground.cluster.bad_neighbours", low=MIN_NEIGHBOURS, high=min(MAX_NEIGHBOURS, len(xy) - 1))
    joined = kneighbors_graph(xy, neighbours, include_self=False)
    weights = torch.from_numpy(((joined + joined.T) > 0).astype(np.float32).toarray())
    degrees = weights.sum(dim=1)
    return torch.diag(degrees) - weights, degrees


class Coder(nn.Module):
    """(x, y) → tanh layers → k numbers."""

    def __init__(self, k: int, hidden: int = 64, scale: float = 5.0):
        super().__init__()
        self.scale = scale
        self.body = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                  nn.Linear(hidden, k))

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        return self.body(xy / self.scale)


def orthonormal(raw: torch.Tensor, degrees: torch.Tensor) -> torch.Tensor:
    """The codes turned so that codesᵀ·D·codes / n = I (a Cholesky factor of their Gram matrix)."""
    gram = raw.T @ (degrees[:, None] * raw) / len(raw)
    factor = torch.linalg.cholesky(gram + 1e-5 * torch.eye(raw.shape[1]))
    return torch.linalg.solve_triangular(factor, raw.T, upper=False).T


def rayleigh(codes: torch.Tensor, laplacian: torch.Tensor) -> torch.Tensor:
    """trace(codesᵀ L codes) / n: half the sum over edges of the squared code differences, per point."""
    return torch.trace(codes.T @ laplacian @ codes) / len(codes)


def group(xy: np.ndarray, k: int, *, neighbours: int = 8, steps: int = 1500, learning_rate: float = 0.01,
          record_every: int = 50, seed: int = 0) -> Grouping:
    """The network trained on ``xy`` (full batch, Adam), then k-means on its codes."""
    xy = np.asarray(xy, dtype=np.float64)
    if not 1 <= k <= len(xy):
        raise LabError("playground.cluster.bad_k", high=len(xy))
    laplacian, degrees = graph(xy, neighbours)
    torch.manual_seed(seed)
    coder = Coder(k)
    optimiser = torch.optim.Adam(coder.parameters(), lr=learning_rate)
    inputs = torch.from_numpy(xy.astype(np.float32))
    recorded, losses = [], []
    for step in range(steps):
        loss = rayleigh(orthonormal(coder(inputs), degrees), laplacian)
        if step % record_every == 0:
            recorded.append(step)
            losses.append(float(loss.detach()))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        codes = orthonormal(coder(inputs), degrees)
        final = float(rayleigh(codes, laplacian))
    groups = KMeans(k, n_init=10, random_state=seed).fit_predict(codes.numpy())
    return Grouping(groups, codes.numpy(), final, [*recorded, steps], [*losses, final])


def smallest_eigenvalues(xy: np.ndarray, k: int, neighbours: int = 8) -> np.ndarray:
    """The k smallest λ of L v = λ D v for the same graph (SciPy): what the loss can reach at best."""
    laplacian, degrees = graph(np.asarray(xy, dtype=np.float64), neighbours)
    return scipy.linalg.eigh(laplacian.double().numpy(), np.diag(degrees.double().numpy()),
                             eigvals_only=True, subset_by_index=[0, k - 1])
