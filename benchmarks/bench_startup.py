"""Start-up benchmark: seconds from `python app.py` to the first HTTP 200, and the server's
resident memory once idle, next to a bare Gradio app with as many tabs started the same way.
Not a test: it prints numbers for the README.

    python benchmarks/bench_startup.py [--runs 3] [--idle 5] [--extra-tabs 6]

The bare app has the suite's layout (a first tab, then a tab per section holding a tab per demo)
with one line of Markdown in each tab, and nothing else: what Gradio itself costs for that many
tabs on this machine. The ratio of the two, best run against best run, is what the suite adds.
``--extra-tabs N`` projects the suite with N more tabs: copies of its N largest tabs (by number
of components), built next to the real ones, and as many more tabs in the bare app.
Targets: ratio <= 1.5, idle RSS <= 1 GiB (1024 MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
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


def layout() -> dict[str, list[str]]:
    """The suite's sections and their demos, as the bare app copies them."""
    from shared import demos

    grouped = demos.by_section(demos.installed())
    return {section: [demo.name for demo in members] for section, members in grouped.items()}


def extra_tab_copies(folder: Path, count: int) -> dict[str, str]:
    """``count`` stand-ins for tabs still to come: each of the largest demos again, under a new
    name, building the same page (its ui.py imports the original's modules). Returns
    {copy: section}."""
    import shutil

    import app
    from shared import demos

    sizes = {demo.name: len(app.build_app([demo.name], header=False).blocks) for demo in demos.installed()}
    copies = {}
    for demo in sorted(demos.installed(), key=lambda d: -sizes[d.name])[:count]:
        copy = folder / f"{demo.name}_copy"
        copy.mkdir()
        for part in ("__init__.py", "texts.yaml", "ui.py"):
            shutil.copy(demo.folder / part, copy / part)
        copies[copy.name] = demo.section
    return copies


def serve_bare(port: int, sections: dict[str, list[str]]) -> None:
    """A Gradio app with the suite's tabs and nothing in them, launched as app.py launches."""
    sys.modules.setdefault("IPython", None)  # as app.py does
    import gradio as gr

    with gr.Blocks() as bare:
        with gr.Tabs():
            with gr.Tab("map"):
                gr.Markdown("map")
            for section, names in sections.items():
                with gr.Tab(section), gr.Tabs():
                    for name in names:
                        with gr.Tab(name):
                            gr.Markdown(name)
    bare.queue(api_open=False).launch(server_name="127.0.0.1", server_port=port, quiet=True)


def suite_command(port: int, extra: list[str]) -> list[str]:
    if not extra:
        return [sys.executable, "app.py", "--port", str(port)]
    code = (f"import app; app.build_app(app.demos.names() + {extra!r})"
            f".launch(server_name='127.0.0.1', server_port={port}, quiet=True, **app.launch_kwargs())")
    return [sys.executable, "-c", code]


def one_run(command: list[str], port: int, idle_seconds: float, pythonpath: str = "") -> tuple[float, int]:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    if pythonpath:  # where the stand-in tabs are
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH", "")]))
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited during start-up")
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
    parser.add_argument("--extra-tabs", type=int, default=0, help="project the suite with this many more tabs")
    # The bare app's own process, given the layout as JSON so that it imports nothing of ours.
    parser.add_argument("--serve-bare", nargs=2, metavar=("PORT", "LAYOUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), json.loads(args.serve_bare[1]))
        return
    sections = layout()
    with tempfile.TemporaryDirectory() as folder:
        extra = extra_tab_copies(Path(folder), args.extra_tabs) if args.extra_tabs else {}
        for name, section in extra.items():
            sections[section].append(name)
        tabs = sum(len(names) for names in sections.values())
        runs: dict[str, list[tuple[float, int]]] = {"suite": [], "bare": []}
        for _ in range(args.runs):  # alternate, so that a busy moment of the machine hits both alike
            port = free_port()
            runs["suite"].append(one_run(suite_command(port, list(extra)), port, args.idle, folder if extra else ""))
            port = free_port()
            bare = [sys.executable, __file__, "--serve-bare", str(port), json.dumps(sections)]
            runs["bare"].append(one_run(bare, port, args.idle))
    load = os.getloadavg()[0]
    print(f"machine: {machine()}; load average (1 min) {load:.2f}")
    print(f"{tabs} demo tabs in {len(sections)} sections" + (f" ({len(extra)} of them stand-ins: {', '.join(extra)})"
                                                            if extra else ""))
    for name, results in runs.items():
        for i, (ready, rss) in enumerate(results, 1):
            print(f"{name} run {i}: ready in {ready:.2f} s, idle RSS {rss / 2**20:.0f} MiB")
    best = {name: min(ready for ready, _ in results) for name, results in runs.items()}
    rss = {name: statistics.median(r / 2**20 for _, r in results) for name, results in runs.items()}
    print(f"ready, best of {args.runs}: suite {best['suite']:.2f} s, bare Gradio app with {tabs} tabs "
          f"{best['bare']:.2f} s; ratio {best['suite'] / best['bare']:.2f}   [target <= 1.5]")
    print(f"idle RSS, median of {args.runs}: suite {rss['suite']:.0f} MiB, bare {rss['bare']:.0f} MiB   "
          f"[target <= 1024 MiB]")


if __name__ == "__main__":
    main()
