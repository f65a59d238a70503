"""Clustering: groups found in points without their labels. k-means one half-step at a time
(assign every point to its nearest centre, then move each centre to its points' mean), with its
inertia and the elbow curve, beside DBSCAN (scikit-learn), and the adjusted Rand index against the
true groups where they are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.metrics import adjusted_rand_score

from shared.errors import LabError

MAX_K = 8


@dataclass(frozen=True)
class KMeansState:
    centres: np.ndarray  # k×2
    assignment: np.ndarray | None  # each point's centre, once assigned
    inertia: float | None  # the sum of squared distances to the assigned centres


def start(xy: np.ndarray, k: int, *, seed: int = 0) -> KMeansState:
    """k-means++ starting centres: each next one drawn far from those already chosen."""
    if not 1 <= k <= min(MAX_K, len(xy)):
        raise LabError("playground.cluster.bad_k", high=min(MAX_K, len(xy)))
    rng = np.random.default_rng(seed)
    centres = [xy[rng.integers(len(xy))]]
    for _ in range(1, k):
        nearest = np.min(((xy[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2), axis=1)
        total = nearest.sum()
        chosen = rng.choice(len(xy), p=nearest / total) if total > 0 else rng.integers(len(xy))
        centres.append(xy[chosen])
    return KMeansState(np.array(centres, dtype=np.float64), None, None)


def assign(xy: np.ndarray, state: KMeansState) -> KMeansState:
    """The first half-step: every point to its nearest centre."""
    squared = ((xy[:, None, :] - state.centres[None]) ** 2).sum(axis=2)
    assignment = squared.argmin(axis=1)
    return KMeansState(state.centres, assignment, float(squared[np.arange(len(xy)), assignment].sum()))


def move(xy: np.ndarray, state: KMeansState) -> KMeansState:
    """The second half-step: every centre to the mean of its points (a centre with none stays)."""
    centres = state.centres.copy()
    for index in range(len(centres)):
        mine = xy[state.assignment == index]
        if len(mine):
            centres[index] = mine.mean(axis=0)
    return assign(xy, KMeansState(centres, state.assignment, state.inertia))


def kmeans(xy: np.ndarray, k: int, *, seed: int = 0, max_rounds: int = 100) -> list[KMeansState]:
    """Every state of a k-means run, from the start to where nothing changes any more."""
    xy = np.asarray(xy, dtype=np.float64)
    states = [assign(xy, start(xy, k, seed=seed))]
    for _ in range(max_rounds):
        moved = move(xy, states[-1])
        states.append(moved)
        if np.array_equal(moved.assignment, states[-2].assignment):
            break
    return states


def elbow(xy: np.ndarray, *, seed: int = 0, largest_k: int = MAX_K) -> list[float]:
    """The final inertia for k = 1 … largest_k: the bend of this curve suggests k."""
    return [kmeans(xy, k, seed=seed)[-1].inertia for k in range(1, min(largest_k, len(xy)) + 1)]


def dbscan(xy: np.ndarray, eps: float, min_samples: int) -> np.ndarray:
    """Density-based groups (scikit-learn's DBSCAN); -1 marks a point in no group (noise)."""
    return DBSCAN(eps=eps, min_samples=min_samples).fit_predict(np.asarray(xy, dtype=np.float64))


def agreement(found: np.ndarray, truth: np.ndarray) -> float:
    """The adjusted Rand index of the found groups against the true ones: 1 the same grouping,
    about 0 no better than chance (the groups' numbering does not matter)."""
    return float(adjusted_rand_score(truth, found))
