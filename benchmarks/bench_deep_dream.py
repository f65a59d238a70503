"""Speed of the "Deep Dream & class visualisation" tab with its default settings. Not a test:
it prints numbers for the README.

    python benchmarks/bench_deep_dream.py            # defaults of this machine (CPU or GPU)
    LAB_DEVICE=cpu python benchmarks/bench_deep_dream.py

Class visualisation and "fool it" run on the shipped MNIST network. Deep Dream loads
GoogLeNet through the production loader; where its pretrained weights cannot be downloaded
(offline), a GoogLeNet with random weights stands in: the time per step depends on the
architecture and the picture size, not on the values of the weights.
"""

from __future__ import annotations

import os
import platform
import resource
import time

import numpy as np
import torch
from PIL import Image

from deep_dream.class_visualization import noise_start, visualize_class
from deep_dream.controls import ITERATIONS, OCTAVES, SIDE
from deep_dream.dream import build_googlenet, dream, load_googlenet
from deep_dream.fool import fool
from deep_dream.layers import DEFAULT_LAYER
from deep_dream.pictures import fit_photo
from deep_dream.ui import EXAMPLES_DIR
from shared import models
from shared.device import pick_device
from shared.digit_classifier import shipped_model
from shared.mnist import load_mnist


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def googlenet(device):
    try:
        return models.load("deep_dream", lambda ident: load_googlenet(ident, device)), "pretrained"
    except models.ModelUnavailable:
        torch.manual_seed(0)
        return build_googlenet().eval().requires_grad_(False).to(device), "random weights (offline stand-in)"


def main() -> None:
    device = pick_device()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, "
          f"device {device.type}; Python {platform.python_version()}, torch {torch.__version__}")

    model = shipped_model()
    visualize_class(model, noise_start(0), 1, steps=3)  # warm-up
    run, seconds = timed(lambda: visualize_class(model, noise_start(0), 1, steps=60, step_size=0.1, jitter=1))
    print(f"class visualisation, 60 steps (default): {seconds:.2f} s; p(1) {run.target_probability[0]:.2f} -> "
          f"{run.target_probability[-1]:.2f}")
    images, _ = load_mnist("test")
    digits = images[:10].astype(np.float32) / 255.0
    results, seconds = timed(lambda: [fool(model, d, target=(i + 3) % 10) for i, d in enumerate(digits)])
    fooled = sum(r.succeeded for r in results)
    print(f"fool it, 10 test digits: {seconds / 10:.2f} s per digit; fooled {fooled}/10, median L2 change "
          f"{np.median([r.l2 for r in results]):.2f} (a digit's own norm is about 9)")

    net, kind = googlenet(device)
    photo = fit_photo(Image.open(EXAMPLES_DIR / "chelsea.jpg"), SIDE.default)
    list(dream(net, photo[:64, :64], DEFAULT_LAYER, octaves=1, iterations=1, device=device))  # warm-up
    steps, seconds = timed(lambda: list(dream(net, photo, DEFAULT_LAYER, octaves=OCTAVES.default,
                                              iterations=ITERATIONS.default, device=device)))
    print(f"Deep Dream default on {device.type} ({kind}): {photo.shape[1]}x{photo.shape[0]} px, "
          f"{OCTAVES.default} octaves x {ITERATIONS.default} steps = {len(steps)} steps in {seconds:.1f} s")
    big = fit_photo(Image.open(EXAMPLES_DIR / "chelsea.jpg"), SIDE.high)
    _, seconds = timed(lambda: list(dream(net, big, DEFAULT_LAYER, octaves=1, iterations=2, device=device)))
    print(f"Deep Dream at the size cap {big.shape[1]}x{big.shape[0]}: {seconds / 2:.2f} s per step")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
