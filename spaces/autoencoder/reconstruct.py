"""Squeeze a digit through each bottleneck and measure what came back; where the test digits'
2-number codes lie on a plane."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from PIL import Image

from autoencoder import checkpoint
from autoencoder.model import PIXELS
from shared import digit_pictures
from shared.mnist import MnistNotFound, load_mnist

BYTES_PER_PIXEL = 1  # an MNIST pixel is one byte (0–255)
BYTES_PER_NUMBER = 4  # the code is stored as float32
PLANE_SIZE = 2  # the bottleneck whose codes can be drawn as points on a plane
PLANE_POINTS = 2000  # test digits on that plane


@dataclass(frozen=True)
class Reconstruction:
    code_size: int
    code: np.ndarray  # (code_size,) float32: the numbers in the bottleneck
    image: np.ndarray  # (28, 28) float32 in [0, 1]: what the decoder rebuilt from them
    mse: float  # mean squared error per pixel, pixels in [0, 1]
    psnr: float  # peak signal-to-noise ratio in dB (peak 1.0)

    @property
    def code_bytes(self) -> int:
        return self.code_size * BYTES_PER_NUMBER

    @property
    def compression_ratio(self) -> float:
        return PIXELS * BYTES_PER_PIXEL / self.code_bytes

    def as_dict(self) -> dict:
        return {"code_size": self.code_size, "code": [round(float(v), 5) for v in self.code],
                "mse": round(self.mse, 6), "psnr_db": round(self.psnr, 2),
                "original_bytes": PIXELS * BYTES_PER_PIXEL, "code_bytes": self.code_bytes,
                "compression_ratio": round(self.compression_ratio, 2)}


def psnr(mse: float) -> float:
    return 10.0 * math.log10(1.0 / max(mse, 1e-10))


@torch.inference_mode()
def reconstruct(digit: np.ndarray, code_size: int, model=None) -> Reconstruction:
    """Encode one (28, 28) digit in [0, 1] with the autoencoder of this bottleneck, then decode it."""
    model = model or checkpoint.shipped_model(code_size)
    batch = torch.from_numpy(np.ascontiguousarray(digit, dtype=np.float32))[None]
    code = model.encode(batch)
    image = model.decode(code)[0].numpy()
    mse = float(np.mean((image - batch[0].numpy()) ** 2))
    return Reconstruction(code_size=code_size, code=code[0].numpy(), image=image, mse=mse, psnr=psnr(mse))


def reconstruct_all(digit: np.ndarray) -> list[Reconstruction]:
    return [reconstruct(digit, size) for size in checkpoint.CODE_SIZES]


@torch.inference_mode()
def code_plane(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2-number codes of uint8 digits (N, 28, 28) from the smallest autoencoder, with their labels."""
    model = checkpoint.shipped_model(PLANE_SIZE)
    codes = model.encode(torch.tensor(np.asarray(images)).float().div_(255)).numpy()
    return codes, np.asarray(labels)


@lru_cache(maxsize=1)
def test_codes() -> tuple[np.ndarray, np.ndarray, float, float]:
    """The 2-number codes of the first PLANE_POINTS test digits, their labels, and the square
    [low, high]² the plane shows: the box of the 0.5–99.5 percentiles with a 5 % margin, so that
    a few far-out codes do not squeeze all the others into a corner."""
    images, labels = load_mnist("test")
    codes, labels = code_plane(images[:PLANE_POINTS], labels[:PLANE_POINTS])
    low, high = np.percentile(codes, [0.5, 99.5])
    margin = 0.05 * (high - low)
    return codes, labels, float(low - margin), float(high + margin)


def plane_image(code: np.ndarray) -> Image.Image | None:
    """The test digits' codes as dots coloured by digit, and ``code`` (the visitor's digit) as a
    white cross; None without the test set (offline), where the rest of the tab still works."""
    try:
        codes, labels, low, high = test_codes()
    except MnistNotFound:
        return None
    return digit_pictures.scatter_image(codes, labels, low, high, marker=code)
