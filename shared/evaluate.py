"""Evaluate every model the suite trains itself, on its test set (MNIST, or a demo's own data).

    python -m shared.evaluate                      # one JSON object per line, one per model
    python -m shared.evaluate --demos mnist_cnn    # only some demos
    python -m shared.evaluate --samples DIR        # also save generated digits as DIR/<model>.npy

A demo takes part by having a module ``<demo>/evaluate.py`` with

- ``evaluate(test_images, test_labels) -> list[dict]``: one dict per model, with ``"model"``
  and its metrics (e.g. ``"test_accuracy"``); the images are uint8 (N, 28, 28);
- optionally ``samples(n, seed)`` for generative models: an array of ``n`` generated images,
  or a dict ``{model name: array}``. With ``--samples DIR`` each is saved to ``DIR/<model>.npy``.

A demo whose models learn from other data says so with ``DATASET = "<name>"`` in that module and
has ``evaluate(limit=None) -> list[dict]`` instead: it reads its own test set (``--limit`` clips of it).

Only JSON goes to standard output, so ``python -m shared.evaluate > results.jsonl`` works;
progress and failures go to standard error. The exit status is 1 if any demo failed.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from shared import demos
from shared.mnist import load_mnist


def evaluation_modules(names: list[str] | None = None) -> dict[str, ModuleType]:
    """``{demo: its evaluate module}`` for the installed demos (or ``names``) that have one."""
    modules = {}
    for demo in names or demos.names():
        if importlib.util.find_spec(f"{demo}.evaluate") is not None:
            modules[demo] = importlib.import_module(f"{demo}.evaluate")
    return modules


def write_samples(demo: str, module: ModuleType, directory: Path, n: int, seed: int) -> list[Path]:
    generated = module.samples(n, seed)
    per_model = generated if isinstance(generated, dict) else {demo: generated}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for model, images in per_model.items():
        path = directory / f"{model}.npy"
        np.save(path, np.asarray(images))
        written.append(path)
    return written


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m shared.evaluate",
                                     description="Evaluate the suite's own models on their test sets.")
    parser.add_argument("--demos", default="", help="comma-separated demos (default: every installed one)")
    parser.add_argument("--limit", type=int, default=None, help="use only N test items (a quick check)")
    parser.add_argument("--samples", type=Path, default=None, metavar="DIR",
                        help="also write generated images of generative demos to DIR/<model>.npy")
    parser.add_argument("--n-samples", type=int, default=10000, help="images per generative model (with --samples)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --samples")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [d.strip() for d in args.demos.split(",") if d.strip()] or None
    installed = demos.names()
    unknown = sorted(set(names or ()) - set(installed))
    if unknown:
        print(f"unknown demo(s): {', '.join(unknown)}; installed: {', '.join(installed)}", file=sys.stderr)
        return 2
    failed = False
    mnist_test = None
    for demo, module in evaluation_modules(names).items():
        started = time.perf_counter()
        try:
            if getattr(module, "DATASET", "mnist") == "mnist":
                if mnist_test is None:  # read once, and only when a demo needs it
                    images, labels = load_mnist("test")
                    mnist_test = (images[:args.limit], labels[:args.limit]) if args.limit else (images, labels)
                results = module.evaluate(*mnist_test)
            else:
                results = module.evaluate(limit=args.limit)
            for result in results:
                print(json.dumps(result), flush=True)
            if args.samples is not None and hasattr(module, "samples"):
                for path in write_samples(demo, module, args.samples, args.n_samples, args.seed):
                    print(f"{demo}: wrote {path}", file=sys.stderr)
        except Exception as exc:  # one broken demo must not hide the others' results
            failed = True
            print(f"{demo}: evaluation failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        else:
            print(f"{demo}: evaluated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
