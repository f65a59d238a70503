"""Train the digit classifier on MNIST and write the weights and metrics.json.

    python spaces/mnist_cnn/train.py            # the shipped model (about 10 min on 2 CPU cores)
    python spaces/mnist_cnn/train.py --quick    # a pipeline check on a subset, under a minute

Everything stays in memory as tensors (no DataLoader workers): on a small CPU machine the
loader, not the network, is otherwise the bottleneck. Training is seeded; with the same
seed, thread count and torch version it gives the same weights.
"""

import argparse
import math
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from mnist_cnn.evaluate import accuracy
from shared import digit_classifier
from shared.digit_classifier import PIXEL_MEAN, PIXEL_STD, MnistCNN
from shared.mnist_training import count_parameters, load_training_data, run_record, weights_record, write_metrics

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK_OUT_DIR = REPO_ROOT / "artifacts" / "mnist_cnn_quick"
QUICK_TRAIN_IMAGES = 6000


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule (AdamW)")
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--label-smoothing", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (the result depends on it slightly)")
    parser.add_argument("--no-augment", action="store_true", help="train on the digits exactly as stored")
    parser.add_argument("--quick", action="store_true",
                        help=f"pipeline check: {QUICK_TRAIN_IMAGES} training images, 2 epochs, "
                             f"written to {QUICK_OUT_DIR}")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for digit_classifier.safetensors and metrics.json "
                             f"(default {digit_classifier.WEIGHTS_DIR}; "
                             "with --quick, artifacts/mnist_cnn_quick so the shipped weights stay untouched)")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = min(args.epochs, 2)
    if args.out is None:
        args.out = QUICK_OUT_DIR if args.quick else digit_classifier.WEIGHTS_DIR
    return args


def random_affine(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Small random rotations, scalings and shifts of a batch (N, 1, 28, 28) of [0, 1] images.

    Writers slant, size and place digits differently; showing the network such variants
    makes it rely on shape rather than exact position, which also helps with drawn digits.
    """
    n = images.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(12)
    scale = 1 + (torch.rand(n, generator=generator) * 2 - 1) * 0.10
    shear = (torch.rand(n, generator=generator) * 2 - 1) * 0.15
    shift = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2.5 / 14)  # ±2.5 pixels in [-1, 1] units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([
        torch.stack([cos, -sin + shear, shift[:, 0]], dim=1),
        torch.stack([sin, cos, shift[:, 1]], dim=1),
    ], dim=1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def load_average() -> list[float] | None:
    """The 1-, 5- and 15-minute load averages: above the core count, other programs were
    competing for the CPU and the wall-clock times are pessimistic."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not available on this system
        return None


def train(args: argparse.Namespace) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    generator = torch.Generator().manual_seed(args.seed)

    data = load_training_data(QUICK_TRAIN_IMAGES if args.quick else None)
    test_images, test_labels = data.test_images, data.test_labels
    x_train = torch.tensor(data.train_images).float().div_(255).unsqueeze(1)
    y_train = torch.tensor(data.train_labels, dtype=torch.long)

    # channels-last tensors let the CPU convolution kernels skip layout conversions (~30 % faster).
    model = MnistCNN().to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(x_train) / args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs,
                                                   steps_per_epoch=steps_per_epoch)
    print(f"MnistCNN: {count_parameters(model):,} parameters; {len(x_train):,} training images, "
          f"{len(test_images):,} test images; {args.epochs} epochs on {args.threads} CPU threads")

    history = []
    load_at_start = load_average()
    # CPU time says what the training costs even when other programs share the cores.
    train_seconds = train_cpu_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        started, cpu_started = time.perf_counter(), time.process_time()
        order = torch.randperm(len(x_train), generator=generator)
        running_loss, seen = 0.0, 0
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{args.epochs}", unit="batch", leave=False)
        for step in bar:
            batch = order[step * args.batch_size:(step + 1) * args.batch_size]
            images = x_train[batch]
            if not args.no_augment:
                images = random_affine(images, generator)
            images = ((images - PIXEL_MEAN) / PIXEL_STD).contiguous(memory_format=torch.channels_last)
            loss = F.cross_entropy(model(images), y_train[batch], label_smoothing=args.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            running_loss += loss.item() * len(batch)
            seen += len(batch)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{running_loss / seen:.4f}")
        bar.close()
        epoch_seconds = time.perf_counter() - started
        train_seconds += epoch_seconds
        epoch_cpu_seconds = time.process_time() - cpu_started
        train_cpu_seconds += epoch_cpu_seconds
        test_accuracy = accuracy(model, test_images, test_labels)
        history.append({"epoch": epoch, "train_loss": round(running_loss / seen, 5),
                        "test_accuracy": round(test_accuracy, 4), "seconds": round(epoch_seconds, 1),
                        "cpu_seconds": round(epoch_cpu_seconds, 1)})
        print(f"epoch {epoch:2d}/{args.epochs}: train loss {running_loss / seen:.4f}, "
              f"test accuracy {test_accuracy:.2%} ({round((1 - test_accuracy) * len(test_images))} errors), "
              f"{epoch_seconds:.0f} s ({epoch_cpu_seconds:.0f} s of CPU time)", flush=True)

    # The last epoch is shipped as it is: choosing the best epoch by its test accuracy
    # would tune on the test set and overstate the result.
    final_accuracy = history[-1]["test_accuracy"]
    weights_path = args.out / digit_classifier.WEIGHTS_PATH.name
    digit_classifier.save(model, weights_path, test_accuracy=str(final_accuracy), seed=str(args.seed))
    run = run_record(args, data.checksum)  # seed, --quick, data checksums, machine and time
    run["machine"].update(load_average_at_start=load_at_start, load_average_at_end=load_average())
    metrics = {
        "model": "mnist_cnn",
        "test_accuracy": final_accuracy,
        "test_errors": round((1 - final_accuracy) * len(test_images)),
        "test_images": int(len(test_images)),
        "train_images": int(len(x_train)),
        "parameters": count_parameters(model),
        "epochs": args.epochs,
        "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu_seconds, 1),
        "hyperparameters": {"batch_size": args.batch_size, "optimizer": "AdamW", "peak_lr": args.lr,
                            "schedule": "one-cycle", "weight_decay": args.weight_decay,
                            "label_smoothing": args.label_smoothing,
                            "augmentation": None if args.no_augment else
                            "random affine: rotation ±12°, scale ±10 %, shear ±0.15, shift ±2.5 px"},
        **weights_record(weights_path),  # weights_file, weights_sha256
        "weights_bytes": weights_path.stat().st_size,
        **run,
        "history": history,
    }
    write_metrics(args.out / digit_classifier.METRICS_PATH.name, metrics)
    print(f"test accuracy {final_accuracy:.2%} after {args.epochs} epochs, {train_seconds:.0f} s of training; "
          f"wrote {weights_path} ({metrics['weights_bytes'] / 1e6:.2f} MB) and metrics.json")
    return metrics


if __name__ == "__main__":
    train(parse_args())
