"""Benchmark of the CNN classifier tab: training cost, test accuracy and the latency of one live update.

    python benchmarks/bench_mnist_cnn.py              # 200 sketches
    python benchmarks/bench_mnist_cnn.py --sketches 500 --app

Prints the training time and test accuracy recorded in metrics.json, a fresh evaluation of the
shipped weights on the 10 000 test images, and the time of one sketchpad update on the server:

- compute: prepare the picture as MNIST, run the network, draw every layer (the event's function);
- server: what Gradio does for one ``mnist_sketch`` event without the network: decode the
  sketchpad's PNGs (background, stroke layer, composite, as the browser sends them), call the
  function, encode the pictures and move them to its cache (``Blocks.process_api``).

``--app`` also times whole round trips through a running app with gradio_client, which adds
HTTP, the queue and the upload and download of every file.
"""

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from mnist_cnn.evaluate import accuracy
from shared import demos, digit_classifier
from shared.mnist import load_mnist

CANVAS_SIDE = 400  # the tab's sketchpad


def sketches(count: int, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """Test digits as strokes on a 400×400 sketchpad: ink coverage (alpha) at a random size
    and place."""
    images, labels = load_mnist("test")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images), size=count, replace=False)
    strokes = []
    for index in chosen:
        size = int(rng.integers(60, 360))
        left, top = (int(v) for v in rng.integers(0, CANVAS_SIDE - size + 1, size=2))
        alpha = np.zeros((CANVAS_SIDE, CANVAS_SIDE), dtype=np.uint8)
        alpha[top:top + size, left:left + size] = np.asarray(
            Image.fromarray(images[index]).resize((size, size), Image.Resampling.BILINEAR))
        strokes.append(alpha)
    return strokes, labels[chosen]


def transparent_canvas(alpha: np.ndarray) -> Image.Image:
    """Black ink on a transparent canvas, as an API caller may send it."""
    rgba = np.zeros(alpha.shape + (4,), dtype=np.uint8)
    rgba[..., 3] = alpha
    return Image.fromarray(rgba, "RGBA")


def browser_files(alpha: np.ndarray, folder: Path, name: str) -> dict:
    """The three PNGs the sketchpad uploads after a stroke: an opaque white background, the
    stroke layer (black on transparent) and their composite."""
    layer = transparent_canvas(alpha)
    background = Image.new("RGBA", layer.size, (255, 255, 255, 255))
    composite = Image.alpha_composite(background, layer)
    files = {}
    for part, picture in (("background", background), ("layer", layer), ("composite", composite)):
        path = folder / f"{name}_{part}.png"
        picture.save(path)
        files[part] = {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}
    return {"background": files["background"], "layers": [files["layer"]], "composite": files["composite"], "id": None}


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_compute(canvases: list[Image.Image]) -> tuple[list[float], list[str]]:
    from mnist_cnn.ui import analyse_sketch

    seconds, answers = [], []
    for canvas in canvases:
        started = time.perf_counter()
        shown = analyse_sketch({"background": None, "layers": [], "composite": canvas})
        seconds.append(time.perf_counter() - started)
        answers.append(max(shown[2], key=shown[2].get) if shown[2] else "")
    return seconds, answers


def time_server(payloads: list[dict]) -> list[float]:
    """Gradio's own processing of the ``mnist_sketch`` event: decode, call, encode."""
    from gradio.state_holder import SessionState

    from app import build_app

    app = build_app(["mnist_cnn"])
    event = next(fn for fn in app.fns.values() if fn.api_name == "mnist_sketch")

    async def run_all() -> list[float]:
        seconds = []
        for payload in payloads:
            started = time.perf_counter()
            await app.process_api(block_fn=event, inputs=[payload], state=SessionState(app), explicit_call=True)
            seconds.append(time.perf_counter() - started)
        return seconds

    return asyncio.run(run_all())


def time_app(payloads: list[dict]) -> list[float]:
    from gradio_client import Client, handle_file

    from app import build_app, launch_kwargs

    app = build_app(["mnist_cnn"])
    app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
    client = Client(app.local_url, verbose=False)
    seconds = []
    for payload in payloads:
        sketch = {key: handle_file(payload[key]["path"]) if key in ("background", "composite") else value
                  for key, value in payload.items()}
        sketch["layers"] = [handle_file(layer["path"]) for layer in payload["layers"]]
        started = time.perf_counter()
        client.predict(sketch, api_name="/mnist_sketch")
        seconds.append(time.perf_counter() - started)
    app.close()
    return seconds


def report(name: str, seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    row = {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1),
           "max_ms": round(max(ms), 1)}
    print(f"{name}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, max {row['max_ms']} ms "
          f"over {len(ms)} sketches")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sketches", type=int, default=200)
    parser.add_argument("--app", action="store_true", help="also time round trips through a running app")
    args = parser.parse_args()
    demos.register_texts(demos.describe("mnist_cnn"))
    load_before = os.getloadavg()

    metrics = json.loads(digit_classifier.METRICS_PATH.read_text())
    machine = metrics["machine"]
    print(f"training (metrics.json): {metrics['epochs']} epochs, {metrics['train_seconds']:.0f} s, "
          f"test accuracy {metrics['test_accuracy']:.2%}, {metrics['parameters']:,} parameters; "
          f"{machine['cpu']}, {machine['cores']} cores, {machine['threads']} threads, torch {machine['torch']}")

    images, labels = load_mnist("test")
    started = time.perf_counter()
    fresh = accuracy(digit_classifier.shipped_model(), images, labels)
    weights_mb = digit_classifier.WEIGHTS_PATH.stat().st_size / 1e6
    print(f"fresh evaluation: test accuracy {fresh:.2%} on {len(images):,} images "
          f"({time.perf_counter() - started:.1f} s, weights {weights_mb:.2f} MB)")

    strokes, truth = sketches(args.sketches)
    canvases = [transparent_canvas(alpha) for alpha in strokes]
    time_compute(canvases[:10])  # warm-up: first-call allocations, lazy imports
    compute, answers = time_compute(canvases)
    results = {"compute": report("update, compute (one CPU thread, as the tab runs it)", compute)}
    correct = float(np.mean([a == str(t) for a, t in zip(answers, truth, strict=True)]))
    print(f"sketch-style test digits (random size and place, transparent canvas): {correct:.1%} correct")
    with tempfile.TemporaryDirectory() as folder:
        payloads = [browser_files(alpha, Path(folder), str(i)) for i, alpha in enumerate(strokes)]
        time_server(payloads[:10])
        results["server"] = report("update, server side (Gradio decode + compute + encode)", time_server(payloads))
        if args.app:
            results["app_round_trip"] = report("round trip through the app (gradio_client)", time_app(payloads))
    load_after = os.getloadavg()
    print(f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} cores")
    print(json.dumps({"model": "mnist_cnn", "test_accuracy": round(fresh, 4),
                      "train_seconds": metrics["train_seconds"], "epochs": metrics["epochs"],
                      "sketch_accuracy": round(correct, 4), **results,
                      "load_average": [round(load_before[0], 2), round(load_after[0], 2)]}))


if __name__ == "__main__":
    main()
