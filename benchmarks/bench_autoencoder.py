"""Autoencoder tab benchmark: load time, latency of one drawn digit through all three bottlenecks,
live-training speed and memory. Not a test: it prints numbers for the README.

    python benchmarks/bench_autoencoder.py [--repeats 20]
"""

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "spaces")]

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import torch  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--live-seconds", type=float, default=5.0)
    args = parser.parse_args()
    import autoencoder
    from autoencoder import checkpoint, live
    from autoencoder.reconstruct import reconstruct_all
    from autoencoder.ui import _show
    from shared import i18n
    from shared.mnist import load_mnist

    i18n.register(autoencoder.TEXTS)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads "
          f"{torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} (shared machine: pessimistic)")
    started = time.perf_counter()
    for size in (2, 8, 32):
        checkpoint.shipped_model(size)
    print(f"load the three shipped models: {(time.perf_counter() - started) * 1000:.0f} ms")
    test_images, _ = load_mnist("test")
    digit = test_images[0].astype(np.float32) / 255
    median, worst = timed(lambda: reconstruct_all(digit), args.repeats)
    print(f"one digit through the 3 autoencoders: median {median:.1f} ms, max {worst:.1f} ms")
    median, worst = timed(lambda: _show(digit), args.repeats)
    print(f"everything the tab shows for one stroke (3 reconstructions, plots, code map): median {median:.1f} ms, "
          f"max {worst:.1f} ms")
    train_images, _ = load_mnist("train")
    last = None
    for last in live.train_live(train_images, test_images, 8, args.live_seconds):
        pass
    print(f"live training: {last.step} steps in {last.elapsed:.1f} s ({last.step / last.elapsed:.0f} steps/s, "
          f"batch {live.BATCH_SIZE}); test MSE {last.test_loss:.4f}")
    print(f"resident memory: {psutil.Process().memory_info().rss / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
