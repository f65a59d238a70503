"""Soak benchmark: the server's resident memory after many light calls, each from a new visitor
(a new session), as a crowd or a script of cheap calls makes them. Not a test: it prints numbers
for the README.

    python benchmarks/bench_soak.py [--calls 1000] [--endpoint vae_decode] [--same-session]

It starts ``python app.py`` (every tab) on a free port, warms it up with a few calls, reads its
resident memory, then makes ``--calls`` calls of the endpoint, each joining the queue under a new
random session hash and reading its answer from the event stream (what a browser or
gradio_client does), and reads the memory again. ``--same-session`` makes every call from one
session instead, for comparison. Target (issue #14): growth <= 10 % and <= 50 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from bench_startup import free_port, rss_bytes

REPO = Path(__file__).resolve().parents[1]

# The light calls of the soak: the endpoint's first input as it sends it.
PAYLOADS = {"vae_decode": [[0.1, -0.1]], "gan_generate": [7, 16]}


def fn_index(base: str, api_name: str) -> int:
    config = httpx.get(f"{base}/config", timeout=30).json()
    for dependency in config["dependencies"]:
        if dependency.get("api_name") == api_name:
            return dependency["id"]
    raise SystemExit(f"no endpoint {api_name}")


def call(http: httpx.Client, base: str, index: int, data: list, session: str) -> None:
    """One call through the queue, as a client makes it: join, then read the stream to its end."""
    joined = http.post(f"{base}/gradio_api/queue/join",
                       json={"data": data, "fn_index": index, "session_hash": session})
    joined.raise_for_status()
    with http.stream("GET", f"{base}/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                message = json.loads(line[5:])
                if not message.get("success"):
                    raise SystemExit(f"the call failed: {message}")
                return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--endpoint", default="vae_decode", choices=sorted(PAYLOADS))
    parser.add_argument("--same-session", action="store_true")
    parser.add_argument("--warm-up", type=int, default=20)
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)], cwd=REPO,
                              env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(base, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the app did not start")
            time.sleep(0.5)
        process = psutil.Process(server.pid)
        index, data = fn_index(base, args.endpoint), PAYLOADS[args.endpoint]
        one_session = secrets.token_hex(8)
        with httpx.Client(timeout=60) as http:
            for _ in range(args.warm_up):
                call(http, base, index, data, secrets.token_hex(8))
            time.sleep(1)
            before = rss_bytes(process)
            started = time.perf_counter()
            for _ in range(args.calls):
                call(http, base, index, data, one_session if args.same_session else secrets.token_hex(8))
            seconds = time.perf_counter() - started
            time.sleep(1)
            after = rss_bytes(process)
        growth = after - before
        kind = "one session" if args.same_session else "a new session each"
        print(f"/{args.endpoint}: {args.calls} calls, {kind}, in {seconds:.1f} s")
        print(f"server RSS {before / 2**20:.0f} MiB -> {after / 2**20:.0f} MiB: "
              f"+{growth / 2**20:.1f} MiB (+{100 * growth / before:.1f} %); target <= 10 % and <= 50 MB")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
