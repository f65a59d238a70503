"""Train the two shipped VAEs on MNIST and write their weights and metrics.json.

    python spaces/vae/train.py                  # both models (about 10 min on one busy CPU core)
    python spaces/vae/train.py --models vae_2d  # one of them
    python spaces/vae/train.py --quick          # a pipeline check on a subset, to artifacts/vae_quick

Everything stays in memory as tensors; training is seeded. The metric is the test negative
ELBO in nats per image (Bernoulli likelihood on pixel intensities in [0, 1], one sample of z).
"""

import argparse
import math
import time
from pathlib import Path

import torch
from tqdm import tqdm

from shared import mnist_training
from vae import checkpoint
from vae.evaluate import mean_negative_elbo
from vae.model import VAE, negative_elbo

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK_OUT_DIR = REPO_ROOT / "artifacts" / "vae_quick"
QUICK_TRAIN_IMAGES = 6000
DEFAULT_EPOCHS = {checkpoint.MAP_MODEL: 20, checkpoint.QUALITY_MODEL: 40}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(checkpoint.LATENT_DIMS),
                        choices=list(checkpoint.LATENT_DIMS))
    parser.add_argument("--epochs", type=int, default=None,
                        help="override the per-model default (20 for 2-D, 40 for 32-D)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate, decayed by a cosine schedule")
    mnist_training.add_run_options(parser, QUICK_TRAIN_IMAGES)  # --seed, --threads, --quick (sets --epochs 1), --out
    return mnist_training.parse_run_args(parser, argv, QUICK_OUT_DIR, checkpoint.WEIGHTS_DIR)


def train_one(name: str, args, x_train, test_images) -> dict:
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    epochs = args.epochs or DEFAULT_EPOCHS[name]
    model = VAE(checkpoint.LATENT_DIMS[name])
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil(len(x_train) / args.batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch,
                                                          eta_min=args.lr / 20)
    print(f"{name}: {mnist_training.count_parameters(model):,} parameters, {epochs} epochs, "
          f"{len(x_train):,} training images")
    history, train_seconds = [], 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        started = time.perf_counter()
        order = torch.randperm(len(x_train), generator=generator)
        totals = {"loss": 0.0, "reconstruction": 0.0, "kl": 0.0}
        bar = tqdm(range(steps_per_epoch), desc=f"{name} epoch {epoch}/{epochs}", unit="batch", leave=False)
        for step in bar:
            images = x_train[order[step * args.batch_size:(step + 1) * args.batch_size]]
            logits, mean, log_variance = model(images, generator)
            reconstruction, kl = negative_elbo(logits, images, mean, log_variance)
            loss = (reconstruction + kl).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            totals["loss"] += loss.item() * len(images)
            totals["reconstruction"] += reconstruction.sum().item()
            totals["kl"] += kl.sum().item()
            if step % 50 == 0:
                bar.set_postfix(neg_elbo=f"{loss.item():.1f}")
        bar.close()
        seconds = time.perf_counter() - started
        train_seconds += seconds
        test = mean_negative_elbo(model, test_images, seed=args.seed)
        row = {"epoch": epoch, **{f"train_{k}": round(v / len(x_train), 3) for k, v in totals.items()},
               "test_negative_elbo": round(test["negative_elbo"], 3), "seconds": round(seconds, 1)}
        history.append(row)
        print(f"{name} epoch {epoch:2d}/{epochs}: train −ELBO {row['train_loss']:.2f} "
              f"(reconstruction {row['train_reconstruction']:.2f} + KL {row['train_kl']:.2f}), "
              f"test −ELBO {row['test_negative_elbo']:.2f} nats, {seconds:.0f} s", flush=True)
    path = checkpoint.weights_path(name, args.out)
    checkpoint.save(model, path, seed=str(args.seed))
    final = mean_negative_elbo(model, test_images, seed=args.seed)
    return {
        "model": name,
        "latent_dim": model.latent_dim,
        "test_negative_elbo": round(final["negative_elbo"], 3),
        "test_reconstruction": round(final["reconstruction"], 3),
        "test_kl": round(final["kl"], 3),
        "parameters": mnist_training.count_parameters(model),
        "epochs": epochs,
        "train_seconds": round(train_seconds, 1),
        "hyperparameters": {"batch_size": args.batch_size, "optimizer": "Adam", "lr": args.lr,
                            "schedule": "cosine to lr/20", "hidden": list(model.hidden)},
        **mnist_training.weights_record(path),
        "history": history,
    }


def main(args) -> dict:
    torch.set_num_threads(args.threads)
    data = mnist_training.load_training_data(QUICK_TRAIN_IMAGES if args.quick else None)
    x_train = torch.tensor(data.train_images).float().div_(255)
    results = {name: train_one(name, args, x_train, data.test_images) for name in args.models}
    metrics = mnist_training.merge_metrics(args.out / checkpoint.METRICS_PATH.name, results, {
        "metric": "test negative ELBO, nats per image: Bernoulli cross-entropy on intensities in [0, 1] summed "
                  "over 784 pixels + KL(q(z|x) || N(0, I)), one sample of z, all 10 000 test images",
        **mnist_training.run_record(args, data.checksum),
    })
    for name in args.models:
        print(f"{name}: test −ELBO {metrics['models'][name]['test_negative_elbo']:.2f} nats per image")
    return metrics


if __name__ == "__main__":
    main(parse_args())
