"""What the GAN tab computes: a grid from a seed with the discriminator's verdicts, a walk
between two seeds, the discriminator on real test digits, and the training story."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from gan import checkpoint
from gan.digits import ANY_DIGIT, CLASSES
from gan.model import from_unit
from gan.sampling import generate, noise_and_labels
from shared.interpolation import slerp


@torch.inference_mode()
def real_probability(images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The discriminator's probability that each (28, 28) picture in [0, 1] is a real digit of its label."""
    discriminator = checkpoint.shipped_discriminator()
    pictures = from_unit(torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)))
    return torch.sigmoid(discriminator(pictures, torch.as_tensor(np.asarray(labels), dtype=torch.long))).numpy()


def generate_grid(seed: int, count: int, digit: int = ANY_DIGIT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` generated digits for ``seed``: (pictures (N, 28, 28), digits (N,), D's "real" probability (N,))."""
    generator_net = checkpoint.shipped_generator()
    noise, labels = noise_and_labels(seed, count, generator_net.noise_dim, digit)
    images = generate(generator_net, noise, labels)
    return images, labels.numpy(), real_probability(images, labels.numpy())


def walk(seed_a: int, digit_a: int, seed_b: int, digit_b: int, steps: int) -> np.ndarray:
    """Pictures along the way from (noise of seed A, digit A) to (noise of seed B, digit B).

    The noise follows the sphere between the two noise vectors; the digit condition blends
    the two one-hot vectors, so the generator morphs one digit into the other.
    """
    generator_net = checkpoint.shipped_generator()
    noise_a, _ = noise_and_labels(seed_a, 1, generator_net.noise_dim, digit_a)
    noise_b, _ = noise_and_labels(seed_b, 1, generator_net.noise_dim, digit_b)
    t = torch.linspace(0.0, 1.0, steps)
    noise = slerp(noise_a[0], noise_b[0], t)
    one_hot = torch.eye(CLASSES)
    condition = (1 - t)[:, None] * one_hot[digit_a] + t[:, None] * one_hot[digit_b]
    return generate(generator_net, noise, condition)


@lru_cache(maxsize=1)
def _test_set() -> tuple[np.ndarray, np.ndarray]:
    from shared.mnist import load_mnist

    return load_mnist("test")


def real_digits(seed: int, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` test digits picked by ``seed``: (pictures in [0, 1], labels, D's "real" probability)."""
    images, labels = _test_set()
    picked = np.random.default_rng(seed).choice(len(images), size=count, replace=False)
    pictures = images[picked].astype(np.float32) / 255.0
    return pictures, labels[picked].astype(np.int64), real_probability(pictures, labels[picked])


@lru_cache(maxsize=4)
def probability_samples(count: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """D's "real" probability for ``count`` real test digits and ``count`` generated digits."""
    _, _, real = real_digits(seed, count)
    _, _, generated = generate_grid(seed, count)
    return real, generated


def story() -> dict[str, np.ndarray]:
    """The training story: ``steps`` (S,), ``images`` uint8 (S, n, 28, 28), ``labels`` (n,)."""
    return checkpoint.shipped_story()


def loss_history() -> dict[str, np.ndarray]:
    rows = checkpoint.shipped_metrics().get("loss_history", [])
    return {key: np.array([row[key] for row in rows], dtype=np.float64)
            for key in ("step", "generator_loss", "discriminator_loss", "d_real", "d_fake")}
