"""The shipped GAN's quality on the MNIST test set (used by ``python -m shared.evaluate``)."""

from __future__ import annotations

import numpy as np

from gan import checkpoint
from gan.quality import sample_quality
from gan.sampling import generate, noise_and_labels
from shared.mnist_training import count_parameters

EVALUATION_SAMPLES = 10_000


def generated_digits(n: int, seed: int) -> np.ndarray:
    """``n`` digits from the shipped generator, the digit drawn uniformly at random."""
    generator_net = checkpoint.shipped_generator()
    noise, labels = noise_and_labels(seed, n, generator_net.noise_dim)
    return generate(generator_net, noise, labels)


def evaluate(test_images: np.ndarray, test_labels: np.ndarray) -> list[dict]:
    generated = generated_digits(EVALUATION_SAMPLES, seed=0)
    return [{"model": checkpoint.MODEL_NAME, **sample_quality(generated, test_images),
             "generator_parameters": count_parameters(checkpoint.shipped_generator()),
             "discriminator_parameters": count_parameters(checkpoint.shipped_discriminator()),
             "test_images": int(len(test_images))}]


def samples(n: int, seed: int) -> dict[str, np.ndarray]:
    return {checkpoint.MODEL_NAME: generated_digits(n, seed)}
