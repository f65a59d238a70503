"""What the tab benchmarks (autoencoder, VAE, GAN) share: their command line, how they time a call
and a live-training run, how they report the machine and memory, and how they load a tab's texts,
so that their figures in the README are measured and printed the same way.

A script in benchmarks/ imports it as ``measure``: Python puts a script's own folder first on
the import path (the project itself is installed, see CONTRIBUTING.md).
"""

import argparse
import os
import platform
import statistics
import time
from collections import deque

import psutil
import torch


def parse_arguments(repeats: int) -> argparse.Namespace:
    """``--repeats`` (timed calls per figure, ``repeats`` unless given) and ``--live-seconds``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--live-seconds", type=float, default=5.0)
    return parser.parse_args()


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median and slowest of ``repeats`` calls of ``fn()``, in milliseconds."""
    fn()  # warm-up: the figures are for a tab in use, not for its first call
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def last_report(reports):
    """The last progress report of a live-training run, which stops by itself after its seconds."""
    last = deque(reports, maxlen=1)  # runs the whole run, keeping only its latest report
    return last[0] if last else None


def training_speed(last, decimals: int = 0) -> str:
    """How far a live-training run got, from its last progress report: steps, seconds, steps a second."""
    from shared.live_training import BATCH_SIZE

    return (f"{last.step} steps in {last.elapsed:.1f} s ({last.step / last.elapsed:.{decimals}f} steps/s, "
            f"batch {BATCH_SIZE})")


def print_machine() -> None:
    # The load average says how busy the shared machine was: other work slows every figure.
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads "
          f"{torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} (shared machine: pessimistic)")


def print_resident_memory() -> None:
    print(f"resident memory: {psutil.Process().memory_info().rss / 2**20:.0f} MiB")
