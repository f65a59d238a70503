"""What the VAEs compute for the tab: the 2-D latent map, decoding a point, digits similar to
a given one, interpolation between two digits, and samples from the prior N(0, I).

Light to import (the page reads the map's span and size while it is built); torch is imported
by the functions that run a network.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image

from shared import digit_pictures
from shared.errors import LabError
from shared.i18n import message
from shared.mnist import MnistNotFound, load_mnist
from shared.validation import check_finite_array
from vae import checkpoint

MAP_SPAN = 3.0  # the map shows the square [-3, 3]²: 99.7 % of the prior's mass on each axis
MAP_TILES = 15  # decoded digits per side of the map
MAP_SIDE = 600  # pixels
MAP_POINTS = 2000  # test digits scattered over the map
MAP_DIMMING = 0.55  # the decoded digits behind the dots are dimmed so the dots stand out
MAX_LATENT = 10.0  # |z| beyond this is far outside anything the decoder was trained on


def decode(z: np.ndarray, model_name: str) -> np.ndarray:
    """Points (N, latent_dim) → digits (N, 28, 28) float32 in [0, 1]."""
    import torch

    model = checkpoint.shipped_model(model_name)
    with torch.inference_mode():
        return model.decode(torch.as_tensor(np.asarray(z, dtype=np.float32))).numpy()


def encode(digit: np.ndarray, model_name: str) -> tuple[np.ndarray, np.ndarray]:
    """One (28, 28) digit → the mean and standard deviation of its region in the latent space."""
    import torch

    model = checkpoint.shipped_model(model_name)
    with torch.inference_mode():
        mean, log_variance = model.encode(torch.from_numpy(np.ascontiguousarray(digit, dtype=np.float32))[None])
        return mean[0].numpy(), torch.exp(0.5 * log_variance[0]).numpy()


def checked_point(values: object) -> tuple[np.ndarray, str]:
    """``values`` as a point of one of the shipped latent spaces (a list of 2 or 32 finite numbers,
    each within ±MAX_LATENT), with the name of the model whose space it is."""
    name = message("vae.latent")
    if not isinstance(values, (list, tuple)):
        raise LabError("shared.number.not_number", name=name)
    point = check_finite_array(values, name, limit=MAX_LATENT)
    if point.ndim != 1:
        raise LabError("shared.number.not_number", name=name)
    if len(point) not in checkpoint.LATENT_DIMS.values():
        raise LabError("vae.latent_length", n=point.size)
    return point, checkpoint.model_with(len(point))


def map_to_latent(x: float, y: float, side: int = MAP_SIDE) -> tuple[float, float]:
    """A pixel of the map (as the browser reports a click) → its point (z1, z2)."""
    x, y = min(max(x, 0.0), side - 1.0), min(max(y, 0.0), side - 1.0)
    z1 = -MAP_SPAN + x / (side - 1) * 2 * MAP_SPAN
    z2 = MAP_SPAN - y / (side - 1) * 2 * MAP_SPAN
    return round(z1, 2), round(z2, 2)


@lru_cache(maxsize=1)
def map_background() -> Image.Image:
    """The latent plane as a grid of the digits decoded at its points (centre of each tile)."""
    centres = (np.arange(MAP_TILES) + 0.5) / MAP_TILES * 2 * MAP_SPAN - MAP_SPAN
    z = np.array([(z1, z2) for z2 in centres[::-1] for z1 in centres], dtype=np.float32)
    tiles = decode(z, checkpoint.MAP_MODEL) * MAP_DIMMING
    return digit_pictures.grid_image(tiles, columns=MAP_TILES, scale=1, gap=0)


@lru_cache(maxsize=1)
def test_encodings() -> tuple[np.ndarray, np.ndarray]:
    """Where the first MAP_POINTS test digits lie on the 2-D map (their means), with their labels."""
    import torch

    images, labels = load_mnist("test")
    model = checkpoint.shipped_model(checkpoint.MAP_MODEL)
    with torch.inference_mode():
        mean, _ = model.encode(torch.tensor(np.asarray(images[:MAP_POINTS])).float().div_(255))
    return mean.numpy(), np.asarray(labels[:MAP_POINTS])


def latent_map(marker: np.ndarray | None = None, show_points: bool = True) -> Image.Image:
    """The map: decoded digits, the test set's encodings coloured by digit, and an optional marker."""
    points, labels = np.zeros((0, 2)), np.zeros(0)
    if show_points:
        try:
            points, labels = test_encodings()
        except MnistNotFound:  # offline without the test set: the map still works, without dots
            pass
    return digit_pictures.scatter_image(points, labels, -MAP_SPAN, MAP_SPAN, size=MAP_SIDE, marker=marker,
                                        background=map_background(), dot_radius=2)


def similar(digit: np.ndarray, spread: float, count: int, seed: int) -> np.ndarray:
    """Digits decoded from points around the person's digit: z = mean + spread · σ · ε.

    spread 0 gives the reconstruction ``count`` times; 1 samples the region the encoder gave
    the digit; larger values wander further away from it.
    """
    mean, std = encode(digit, checkpoint.QUALITY_MODEL)
    noise = np.random.default_rng(int(seed)).standard_normal((count, len(mean)), dtype=np.float32)
    return decode(mean[None] + spread * std[None] * noise, checkpoint.QUALITY_MODEL)


def interpolate(digit_a: np.ndarray, digit_b: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` digits on the straight line between the two digits' points (ends included)."""
    mean_a, _ = encode(digit_a, checkpoint.QUALITY_MODEL)
    mean_b, _ = encode(digit_b, checkpoint.QUALITY_MODEL)
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return decode((1 - t) * mean_a[None] + t * mean_b[None], checkpoint.QUALITY_MODEL)


def prior_samples(model_name: str, count: int, seed: int) -> np.ndarray:
    """``count`` digits decoded from points drawn from N(0, I), reproducible from ``seed``."""
    from vae.evaluate import prior_samples as decoded_prior_samples

    return decoded_prior_samples(checkpoint.shipped_model(model_name), count, seed)
