"""Speed of the "Style transfer" tab with its default settings. Not a test: it prints numbers
for the README.

    python benchmarks/bench_style_transfer.py
    LAB_DEVICE=cpu python benchmarks/bench_style_transfer.py

VGG-19 loads through the production loader; where its pretrained weights cannot be
downloaded (offline), VGG-19 features with random weights stand in: the time per pass
depends on the architecture and the picture size, not on the values of the weights.
"""

from __future__ import annotations

import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image

from shared import models
from shared.device import pick_device
from shared.torchvision_weights import save
from style_transfer.pictures import fit
from style_transfer.transfer import style_transfer
from style_transfer.ui import EXAMPLES_DIR, PASSES, SIDE
from style_transfer.vgg import build_features, load_features


def features_for(device):
    try:
        return models.load("style_transfer", lambda ident: load_features(ident, device)), "pretrained"
    except models.ModelUnavailable:
        torch.manual_seed(0)
        with tempfile.TemporaryDirectory() as folder:  # random weights, through the production loader
            path = save({f"features.{k}": v for k, v in build_features().state_dict().items()},
                        Path(folder) / "model.safetensors")
            return load_features(str(path), device), "random weights (offline stand-in)"


def run(features, side, passes, device):
    content = fit(Image.open(EXAMPLES_DIR / "content_chelsea.jpg"), side)
    style = fit(Image.open(EXAMPLES_DIR / "style_van_gogh_starry_night.jpg"), side)
    started = time.perf_counter()
    *_, last = style_transfer(features, content, style, passes=passes, chunk=max(1, passes // 8), device=device)
    return time.perf_counter() - started, content.shape, last


def main() -> None:
    device = pick_device()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, "
          f"device {device.type}; Python {platform.python_version()}, torch {torch.__version__}")
    features, kind = features_for(device)
    run(features, 64, 2, device)  # warm-up
    seconds, shape, last = run(features, SIDE.default, PASSES.default, device)
    print(f"style transfer default on {device.type} ({kind}): {shape[1]}x{shape[0]} px, {last.passes} passes "
          f"in {seconds:.1f} s ({seconds / last.passes:.2f} s per pass); style loss "
          f"{last.style_losses[0]:.3g} -> {last.style_losses[-1]:.3g}")
    seconds, shape, last = run(features, SIDE.high, 3, device)
    print(f"at the size cap {shape[1]}x{shape[0]}: {seconds / last.passes:.2f} s per pass")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
