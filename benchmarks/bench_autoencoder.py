"""Autoencoder tab benchmark: load time, latency of one drawn digit through all three bottlenecks,
live-training speed and memory. Not a test: it prints numbers for the README.

    python benchmarks/bench_autoencoder.py [--repeats 20]
"""

import time

import measure
import numpy as np

from shared import demos


def main() -> None:
    args = measure.parse_arguments(repeats=20)
    from autoencoder import checkpoint, live
    from autoencoder.reconstruct import reconstruct_all
    from autoencoder.ui import _show
    from shared.mnist import load_mnist

    demos.register_texts(demos.describe("autoencoder"))
    measure.print_machine()
    started = time.perf_counter()
    for size in checkpoint.CODE_SIZES:
        checkpoint.shipped_model(size)
    print(f"load the three shipped models: {(time.perf_counter() - started) * 1000:.0f} ms")
    test_images, _ = load_mnist("test")
    digit = test_images[0].astype(np.float32) / 255
    median, worst = measure.timed(lambda: reconstruct_all(digit), args.repeats)
    print(f"one digit through the 3 autoencoders: median {median:.1f} ms, max {worst:.1f} ms")
    median, worst = measure.timed(lambda: _show(digit), args.repeats)
    print(f"everything the tab shows for one stroke (3 reconstructions, plots, code map): median {median:.1f} ms, "
          f"max {worst:.1f} ms")
    train_images, _ = load_mnist("train")
    last = measure.last_report(live.train_live(train_images, test_images, 8, args.live_seconds))
    print(f"live training: {measure.training_speed(last)}; test MSE {last.test_loss:.4f}")
    measure.print_resident_memory()


if __name__ == "__main__":
    main()
