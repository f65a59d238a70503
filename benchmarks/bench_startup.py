"""Start-up benchmark: seconds from `python app.py` to the first HTTP 200, and the server's
resident memory once idle. Not a test: it prints numbers for the README.

    python benchmarks/bench_startup.py [--runs 3] [--idle 5]

Targets on the 2-core development machine: ready in <= 10 s, idle RSS <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(process: psutil.Process) -> int:
    """Resident memory of the server and any children it started."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def one_run(idle_seconds: float) -> tuple[float, int]:
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError("app.py exited during start-up")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        ready = time.perf_counter() - started
        time.sleep(idle_seconds)
        return ready, rss_bytes(psutil.Process(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds to wait before reading RSS")
    args = parser.parse_args()
    results = [one_run(args.idle) for _ in range(args.runs)]
    ready = [r for r, _ in results]
    rss = [m / 2**20 for _, m in results]
    print(f"machine: {machine()}")
    for i, (r, m) in enumerate(zip(ready, rss), 1):
        print(f"run {i}: ready in {r:.2f} s, idle RSS {m:.0f} MiB")
    print(f"ready (median of {args.runs}): {statistics.median(ready):.2f} s   [target <= 10 s]")
    print(f"idle RSS (median of {args.runs}): {statistics.median(rss):.0f} MiB   [target <= 1536 MiB]")


if __name__ == "__main__":
    main()
