"""Train the three shipped autoencoders (bottlenecks 2, 8 and 32) and write weights and metrics.json.

    python spaces/autoencoder/train.py               # all three (a few minutes on one busy CPU core)
    python spaces/autoencoder/train.py --sizes 8     # one of them
    python spaces/autoencoder/train.py --quick       # a pipeline check on a subset, to artifacts/autoencoder_quick

The loss is the mean squared error between the digit and its reconstruction, the error the
lecture names; the metric is the same error on the test set, per pixel (pixels in [0, 1]).
"""

import argparse
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from autoencoder import checkpoint
from autoencoder.checkpoint import CODE_SIZES
from autoencoder.evaluate import reconstruction_error
from autoencoder.model import Autoencoder
from shared import mnist_training

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK_OUT_DIR = REPO_ROOT / "artifacts" / "autoencoder_quick"
QUICK_TRAIN_IMAGES = 6000


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(CODE_SIZES), choices=list(CODE_SIZES))
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, decayed by a cosine schedule")
    mnist_training.add_run_options(parser, QUICK_TRAIN_IMAGES)  # --seed, --threads, --quick, --out
    return mnist_training.parse_run_args(parser, argv, QUICK_OUT_DIR, checkpoint.WEIGHTS_DIR)


def train_one(code_size: int, args, x_train, test_images) -> dict:
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    name = checkpoint.model_name(code_size)
    model = Autoencoder(code_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil(len(x_train) / args.batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * steps_per_epoch,
                                                          eta_min=args.lr / 20)
    print(f"{name}: {mnist_training.count_parameters(model):,} parameters, {args.epochs} epochs, "
          f"{len(x_train):,} training images")
    history, train_seconds = [], 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        started = time.perf_counter()
        order = torch.randperm(len(x_train), generator=generator)
        running = 0.0
        bar = tqdm(range(steps_per_epoch), desc=f"{name} epoch {epoch}/{args.epochs}", unit="batch", leave=False)
        for step in bar:
            images = x_train[order[step * args.batch_size:(step + 1) * args.batch_size]]
            loss = F.mse_loss(model(images), images)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            running += loss.item() * len(images)
            if step % 50 == 0:
                bar.set_postfix(mse=f"{loss.item():.4f}")
        bar.close()
        seconds = time.perf_counter() - started
        train_seconds += seconds
        row = {"epoch": epoch, "train_mse": round(running / len(x_train), 6),
               "test_mse": round(reconstruction_error(model, test_images), 6), "seconds": round(seconds, 1)}
        history.append(row)
        print(f"{name} epoch {epoch:2d}/{args.epochs}: train MSE {row['train_mse']:.5f}, "
              f"test MSE {row['test_mse']:.5f} per pixel, {seconds:.0f} s", flush=True)
    path = checkpoint.weights_path(code_size, args.out)
    checkpoint.save(model, path, seed=str(args.seed))
    mse = history[-1]["test_mse"]
    return {
        "model": name, "code_size": code_size,
        "test_mse_per_pixel": mse,
        "test_psnr_db": round(10 * math.log10(1.0 / mse), 2),
        "compression_ratio_float32": round(784 / (4 * code_size), 2),
        "parameters": mnist_training.count_parameters(model), "epochs": args.epochs,
        "train_seconds": round(train_seconds, 1),
        "hyperparameters": {"batch_size": args.batch_size, "optimizer": "Adam", "lr": args.lr,
                            "schedule": "cosine to lr/20", "loss": "MSE", "hidden": list(model.hidden)},
        **mnist_training.weights_record(path),
        "history": history,
    }


def main(args) -> dict:
    torch.set_num_threads(args.threads)
    data = mnist_training.load_training_data(QUICK_TRAIN_IMAGES if args.quick else None)
    x_train = torch.tensor(data.train_images).float().div_(255)
    results = {checkpoint.model_name(size): train_one(size, args, x_train, data.test_images)
               for size in args.sizes}
    metrics = mnist_training.merge_metrics(args.out / checkpoint.METRICS_PATH.name, results, {
        "metric": "test mean squared error per pixel (pixels in [0, 1]) over all 10 000 test images",
        **mnist_training.run_record(args, data.checksum),
    })
    for size in args.sizes:
        entry = metrics["models"][checkpoint.model_name(size)]
        print(f"{entry['model']}: test MSE {entry['test_mse_per_pixel']:.5f} per pixel, "
              f"PSNR {entry['test_psnr_db']} dB")
    return metrics


if __name__ == "__main__":
    main(parse_args())
