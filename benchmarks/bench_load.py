"""Load benchmark: how many light calls a second the suite serves to several clients at once, and
how it holds a burst, beside a bare Gradio app serving the same compute in the same run. Not a
test: it prints numbers for the README.

    python benchmarks/bench_load.py [--clients 8] [--seconds 10] [--burst 200] [--families mnist_classify,vae_decode]

It starts ``python app.py`` (every tab) and a bare Gradio app (one ``gr.api`` endpoint: the MNIST
tab's own ``classify``, the same default concurrency, nothing else) on free ports. Each client is
a thread with its own session that calls the endpoint again and again for ``--seconds``, the way
gradio_client does (join the queue, read the event stream to the end). Then ``--burst`` clients,
each a new session, call ``/mnist_classify`` at the same moment. It prints, per endpoint family,
calls a second, the median and 95th-percentile latency and the errors; and the same for
``/mnist_classify`` with gradio_client itself (one ``Client`` per thread, the digit uploaded with
every call), against both apps. gradio_client waits in polling loops (a 1 ms loop for each call's
result, 50 ms sleeps in its stream reader), which cost about 100 ms a call and CPU on the machine
that also serves, so its rates are a client's limit, the same for the bare app.

Targets (issue #14): 0 errors in the burst of 200; ``/mnist_classify`` at 8 clients >= 30 calls/s
on an idle machine of this kind, and >= 50 % of the bare app's rate in the same run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from bench_startup import free_port

REPO = Path(__file__).resolve().parents[1]

DIGIT = REPO / "spaces" / "mnist_cnn" / "examples" / "mnist_test_0000_digit_7.png"
SPOKEN = REPO / "spaces" / "spoken_digits" / "examples" / "7_jackson_0.wav"
# The light endpoint families and what each call sends: a list of values, where a Path is a file
# uploaded once beforehand.
FAMILIES = {
    "mnist_classify": [DIGIT],
    "ae_reconstruct": [DIGIT, 8],
    "vae_decode": [[0.5, -1.0]],
    "gan_generate": [7, 16, -1],
    "spoken_digit_classify": [SPOKEN],
}
# Run from the repository's root: importing app puts spaces/ on the import path, as the suite does.
BARE_APP = """
import gradio as gr
from app import DEFAULT_CONCURRENCY
from mnist_cnn.ui import classify
with gr.Blocks() as bare:
    gr.api(classify, api_name="mnist_classify")
bare.queue(default_concurrency_limit=DEFAULT_CONCURRENCY)
bare.launch(server_name="127.0.0.1", server_port={port}, quiet=True)
"""


def start(command: list[str], port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(base, timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"{command} did not start")
        time.sleep(0.5)


def endpoint_index(base: str, api_name: str) -> int:
    config = httpx.get(f"{base}/config", timeout=30).json()
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)


def upload(base: str, path: Path) -> dict:
    with path.open("rb") as handle:
        [served] = httpx.post(f"{base}/gradio_api/upload", files={"files": (path.name, handle)}, timeout=30).json()
    return {"path": served, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def call(http: httpx.Client, base: str, index: int, data: list, session: str) -> None:
    """One call as gradio_client makes it: join the queue, then read the stream to the answer."""
    joined = http.post(f"{base}/gradio_api/queue/join", json={"data": data, "fn_index": index, "session_hash": session})
    if joined.status_code != 200:
        raise RuntimeError(f"HTTP {joined.status_code}: {joined.text[:200]}")
    with http.stream("GET", f"{base}/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(str(message.get("output"))[:200])
                    return
    raise RuntimeError("the stream ended without an answer")


class Tally:
    """The latencies and errors of calls made from several threads."""

    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def time(self, make_call) -> None:
        started = time.perf_counter()
        try:
            make_call()
        except Exception as failure:  # counted and shown, the run goes on
            with self.lock:
                self.errors.append(str(failure))
            return
        with self.lock:
            self.latencies.append(time.perf_counter() - started)


def in_threads(workers: list, tally: Tally) -> dict:
    """Run each worker in its own thread, all at once; the tally's summary over the wall time."""
    threads = [threading.Thread(target=worker) for worker in workers]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(tally, time.perf_counter() - began)


def run_clients(base: str, index: int, data: list, clients: int, seconds: float) -> dict:
    """``clients`` threads, each its own session, calling for ``seconds``."""
    tally, stop_at = Tally(), time.monotonic() + seconds

    def client() -> None:
        session = secrets.token_hex(8)
        with httpx.Client(timeout=120) as http:
            while time.monotonic() < stop_at:
                tally.time(lambda: call(http, base, index, data, session))

    return in_threads([client] * clients, tally)


def run_gradio_clients(base: str, clients: int, seconds: float) -> dict:
    """The same with gradio_client, one ``Client`` per thread, uploading the digit with every call
    (``handle_file``), as an API user's script does."""
    from gradio_client import Client, handle_file

    tally = Tally()
    connected = [Client(base, verbose=False) for _ in range(clients)]
    stop_at = time.monotonic() + seconds

    def client(connection) -> None:
        while time.monotonic() < stop_at:
            tally.time(lambda: connection.predict(handle_file(str(DIGIT)), api_name="/mnist_classify"))

    return in_threads([functools.partial(client, connection) for connection in connected], tally)


def run_burst(base: str, index: int, data: list, clients: int) -> dict:
    """``clients`` new sessions calling once, all released at the same moment."""
    tally, barrier = Tally(), threading.Barrier(clients)

    def client() -> None:
        with httpx.Client(timeout=300) as http:
            barrier.wait()
            tally.time(lambda: call(http, base, index, data, secrets.token_hex(8)))

    return in_threads([client] * clients, tally)


def summary(tally: Tally, seconds: float) -> dict:
    ordered = sorted(tally.latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")
    return {"calls": len(ordered), "errors": len(tally.errors), "calls_per_s": len(ordered) / seconds,
            "p50_ms": 1000 * statistics.median(ordered) if ordered else float("nan"), "p95_ms": 1000 * p95,
            "first_error": tally.errors[0] if tally.errors else None}


def line(name: str, result: dict) -> str:
    text = (f"{name}: {result['calls_per_s']:.1f} calls/s, p50 {result['p50_ms']:.0f} ms, "
            f"p95 {result['p95_ms']:.0f} ms, {result['calls']} calls, {result['errors']} errors")
    return text + (f" (first: {result['first_error']})" if result["first_error"] else "")


def payload(base: str, values: list) -> list:
    return [upload(base, value) if isinstance(value, Path) else value for value in values]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()

    suite_port, bare_port = free_port(), free_port()
    suite, suite_base = start([sys.executable, str(REPO / "app.py"), "--port", str(suite_port)], suite_port)
    bare_code = BARE_APP.format(port=bare_port)
    bare, bare_base = start([sys.executable, "-c", bare_code], bare_port)
    load_before = os.getloadavg()[0]
    try:
        results = {}
        bare_data = payload(bare_base, FAMILIES["mnist_classify"])
        bare_index = endpoint_index(bare_base, "mnist_classify")
        run_clients(bare_base, bare_index, bare_data, 2, 2)  # warm-up
        results["bare mnist_classify"] = run_clients(bare_base, bare_index, bare_data, args.clients, args.seconds)
        results["bare gradio_client"] = run_gradio_clients(bare_base, args.clients, args.seconds)
        for family in args.families.split(","):
            data, index = payload(suite_base, FAMILIES[family]), endpoint_index(suite_base, family)
            run_clients(suite_base, index, data, 2, 2)  # warm-up: the model loads on first use
            results[family] = run_clients(suite_base, index, data, args.clients, args.seconds)
        index = endpoint_index(suite_base, "mnist_classify")
        run_clients(suite_base, index, payload(suite_base, FAMILIES["mnist_classify"]), 2, 2)  # loaded
        results["suite gradio_client"] = run_gradio_clients(suite_base, args.clients, args.seconds)
        results["burst"] = run_burst(suite_base, index, payload(suite_base, FAMILIES["mnist_classify"]), args.burst)
    finally:
        for process in (suite, bare):
            process.terminate()
            process.wait(30)

    print(f"{args.clients} clients for {args.seconds:.0f} s each, every client its own session:")
    print("  " + line("bare Gradio app, mnist_classify", results["bare mnist_classify"]))
    for family in args.families.split(","):
        print("  " + line(f"suite, {family}", results[family]))
    if "mnist_classify" in results:
        ratio = results["mnist_classify"]["calls_per_s"] / results["bare mnist_classify"]["calls_per_s"]
        print(f"  suite / bare on mnist_classify: {ratio:.0%} (target >= 50 %; >= 30 calls/s)")
    print(f"{args.clients} gradio_client clients (threads), uploading the digit with every call:")
    print("  " + line("bare Gradio app, mnist_classify", results["bare gradio_client"]))
    print("  " + line("suite, mnist_classify", results["suite gradio_client"]))
    print(line(f"burst of {args.burst} new sessions at once, /mnist_classify", results["burst"]) + " (target 0 errors)")
    print(f"machine: {os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          "(a shared machine: other work lowers every rate)")


if __name__ == "__main__":
    main()
