"""What the training scripts of the demos that learn from MNIST (CNN classifier, autoencoder,
VAE, GAN) share.

- the options each script ends with: ``--seed``, ``--threads``, ``--quick`` and ``--out``
  (the CNN's differ in defaults and help and are its own);
- the data: both MNIST splits with their checksums, the training split cut short by ``--quick``;
- the weights: safetensors files whose metadata records the network's ``config()``, so the
  file alone rebuilds it (safetensors holds only tensors and strings: loading never runs code).
  The same tensors and metadata always give the same bytes, so a file's sha256 names its content;
- ``metrics.json`` beside the weights, and the record of the run written into it: seed, data
  checksums, machine and time.

The training loop itself stays in each demo's ``train.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, TypeVar

import numpy as np
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from shared.machine import machine_description
from shared.mnist import checksum, load_mnist
from shared.run_control import WeightsMissing

# The whole metadata is one entry, a JSON text with sorted keys: safetensors writes the entries
# of a file's metadata in a random order on every run (safetensors issue #584), so with several
# entries the same tensors would give files with different sha256.
_METADATA_KEY = "json"

Model = TypeVar("Model", bound=nn.Module)


def add_run_options(parser: argparse.ArgumentParser, quick_images: int) -> None:
    """``--seed``, ``--threads``, ``--quick`` (``quick_images`` training images, 1 epoch) and ``--out``."""
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads (one is fastest on a machine shared with other jobs)")
    parser.add_argument("--quick", action="store_true", help=f"pipeline check: {quick_images} images, 1 epoch")
    parser.add_argument("--out", type=Path, default=None)


def parse_run_args(parser: argparse.ArgumentParser, argv, quick_dir: Path, weights_dir: Path) -> argparse.Namespace:
    """Parse ``argv``. ``--quick`` means one epoch. Without ``--out`` the files go to ``weights_dir``
    (the shipped weights), or to ``quick_dir`` with ``--quick``, so a pipeline check never overwrites them."""
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = 1
    if args.out is None:
        args.out = quick_dir if args.quick else weights_dir
    return args


class TrainingData(NamedTuple):
    train_images: np.ndarray  # uint8 (N, 28, 28): all 60 000, or the first ``train_limit``
    train_labels: np.ndarray
    test_images: np.ndarray  # always all 10 000
    test_labels: np.ndarray
    checksum: dict[str, str]  # of the full splits: {"train": ..., "test": ...}


def load_training_data(train_limit: int | None = None) -> TrainingData:
    """Both MNIST splits; with ``train_limit`` (``--quick``) only the first images of the training split."""
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    data_checksum = {"train": checksum(train_images, train_labels), "test": checksum(test_images, test_labels)}
    if train_limit is not None:
        train_images, train_labels = train_images[:train_limit], train_labels[:train_limit]
    return TrainingData(train_images, train_labels, test_images, test_labels, data_checksum)


def save_model(model: nn.Module, path: Path, **metadata: str) -> None:
    """Write the weights, with ``model.config()`` (and ``metadata``) in the file's metadata.
    The same tensors and metadata give the same bytes on every run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    record = json.dumps({"config": model.config(), **metadata}, sort_keys=True)
    save_file(tensors, str(path), metadata={_METADATA_KEY: record})
    path.chmod(0o644)  # safetensors creates the file readable by its owner only


def read_metadata(path: Path | str) -> dict:
    """What ``save_model`` recorded: ``{"config": {...}, **metadata}``."""
    with safe_open(str(path), framework="pt") as f:
        return json.loads((f.metadata() or {})[_METADATA_KEY])


def load_model(cls: type[Model], path: Path | str) -> Model:
    """Rebuild ``cls(**config)`` from a file written by ``save_model``: frozen, in evaluation mode.
    A shipped file that is not there raises ``WeightsMissing`` (a translated message in the tab)."""
    if not Path(path).is_file():
        raise WeightsMissing(path)
    model = cls(**read_metadata(path)["config"])
    model.load_state_dict(load_file(str(path)))
    model.requires_grad_(False)
    return model.eval()


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def weights_record(path: Path) -> dict:
    """The weights file of a metrics.json entry: its name and sha256."""
    return {"weights_file": path.name, "weights_sha256": file_sha256(path)}


def run_record(args: argparse.Namespace, data_checksum: dict[str, str]) -> dict:
    """How a training run was made, for its metrics.json: seed, --quick, data, machine and time."""
    return {
        "seed": args.seed, "quick": args.quick, "data_checksum": data_checksum,
        "machine": machine_description(args.threads),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def read_metrics(path: Path) -> dict:
    """The metrics.json at ``path``; {} when there is none yet (or it was just created empty)."""
    text = path.read_text() if path.is_file() else ""
    return json.loads(text) if text.strip() else {}


def write_metrics(path: Path, metrics: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2) + "\n")


def merge_metrics(path: Path, models: dict[str, dict], fields: dict) -> dict:
    """Add ``models`` to the "models" of the metrics.json at ``path`` (the others stay), set the
    top-level ``fields`` and write the file back. The file is read only now, after training:
    another model may have been trained into the same folder meanwhile."""
    metrics = read_metrics(path)
    metrics.setdefault("models", {}).update(models)
    metrics.update(fields)
    write_metrics(path, metrics)
    return metrics
