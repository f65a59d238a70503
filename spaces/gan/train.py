"""Train the shipped conditional DCGAN on MNIST; write the weights, the training story and metrics.json.

    python spaces/gan/train.py            # the shipped model (about 10 min on one busy CPU core)
    python spaces/gan/train.py --quick    # a pipeline check on a subset, to artifacts/gan_quick

Each step first teaches the discriminator to tell a batch of real digits from a batch of
generated ones, then teaches the generator to fool the updated discriminator (the
"non-saturating" loss of Goodfellow et al.). A fixed batch of noise is rendered at regular
points of training: the tab's slider through training shows those pictures.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from gan import checkpoint
from gan.digits import CLASSES
from gan.model import Discriminator, Generator, from_unit, to_unit
from shared.mnist_training import (
    add_run_options,
    count_parameters,
    file_sha256,
    load_training_data,
    parse_run_args,
    run_record,
    write_metrics,
)
from shared.run_control import WeightsMissing

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK_OUT_DIR = REPO_ROOT / "artifacts" / "gan_quick"
QUICK_TRAIN_IMAGES = 3200
STORY_ROWS = 4  # the fixed noise batch: STORY_ROWS examples of each digit
STORY_SNAPSHOTS = 30
LOSS_EVERY = 25  # steps averaged into one point of the loss curves


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4, help="Adam learning rate of both networks")
    parser.add_argument("--real-label", type=float, default=0.9,
                        help="target for real digits (one-sided label smoothing keeps D from overconfidence)")
    add_run_options(parser, QUICK_TRAIN_IMAGES)  # --seed, --threads, --quick, --out
    return parse_run_args(parser, argv, QUICK_OUT_DIR, checkpoint.WEIGHTS_DIR)


@torch.no_grad()
def render(generator_net: Generator, noise: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """The fixed batch as uint8 pictures, with the generator in evaluation mode."""
    was_training = generator_net.training
    generator_net.eval()
    pictures = (to_unit(generator_net(noise, labels)) * 255).round().to(torch.uint8).numpy()
    generator_net.train(was_training)
    return pictures


def train(args) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    data = load_training_data(QUICK_TRAIN_IMAGES if args.quick else None)
    x_train = from_unit(torch.tensor(data.train_images).float().div_(255)).contiguous(memory_format=torch.channels_last)
    y_train = torch.tensor(data.train_labels, dtype=torch.long)

    # channels-last tensors let the CPU convolution kernels skip layout conversions.
    generator_net = Generator().to(memory_format=torch.channels_last)
    discriminator = Discriminator().to(memory_format=torch.channels_last)
    optimizer_g = torch.optim.Adam(generator_net.parameters(), lr=args.lr, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=args.lr, betas=(0.5, 0.999))

    story_labels = torch.arange(CLASSES).repeat(STORY_ROWS)
    story_noise = torch.randn(len(story_labels), generator_net.noise_dim, generator=generator)
    steps_per_epoch = len(x_train) // args.batch_size  # drop the last, smaller batch: BatchNorm likes even batches
    total_steps = steps_per_epoch * args.epochs
    snapshot_every = max(1, total_steps // STORY_SNAPSHOTS)
    story_steps, story_images = [0], [render(generator_net, story_noise, story_labels)]
    print(f"generator {count_parameters(generator_net):,} parameters, discriminator "
          f"{count_parameters(discriminator):,}; {args.epochs} epochs × {steps_per_epoch} steps of {args.batch_size}")

    losses, window, history = [], [], []
    step, train_seconds = 0, 0.0
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        order = torch.randperm(len(x_train), generator=generator)
        sums = np.zeros(4)
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{args.epochs}", unit="step", leave=False)
        for batch_index in bar:
            batch = order[batch_index * args.batch_size:(batch_index + 1) * args.batch_size]
            real, labels = x_train[batch], y_train[batch]
            n = len(batch)
            noise = torch.randn(n, generator_net.noise_dim, generator=generator)
            fake_labels = torch.randint(0, CLASSES, (n,), generator=generator)
            fake = generator_net(noise, fake_labels)

            # 1. the discriminator: real digits → "real", generated ones → "fake"
            real_logits = discriminator(real, labels)
            fake_logits = discriminator(fake.detach(), fake_labels)
            loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.full((n,), args.real_label))
                      + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(n)))
            optimizer_d.zero_grad(set_to_none=True)
            loss_d.backward()
            optimizer_d.step()

            # 2. the generator: make the updated discriminator say "real" to its pictures
            loss_g = F.binary_cross_entropy_with_logits(discriminator(fake, fake_labels), torch.ones(n))
            optimizer_g.zero_grad(set_to_none=True)
            loss_g.backward()
            optimizer_g.step()

            step += 1
            values = (loss_g.item(), loss_d.item(), torch.sigmoid(real_logits).mean().item(),
                      torch.sigmoid(fake_logits).mean().item())
            sums += values
            window.append(values)
            if len(window) == LOSS_EVERY:
                mean = np.mean(window, axis=0)
                losses.append({"step": step, "generator_loss": round(float(mean[0]), 4),
                               "discriminator_loss": round(float(mean[1]), 4),
                               "d_real": round(float(mean[2]), 4), "d_fake": round(float(mean[3]), 4)})
                window = []
            if step % snapshot_every == 0 or step == total_steps:
                story_steps.append(step)
                story_images.append(render(generator_net, story_noise, story_labels))
            if batch_index % 20 == 0:
                bar.set_postfix(loss_g=f"{values[0]:.2f}", loss_d=f"{values[1]:.2f}")
        bar.close()
        seconds = time.perf_counter() - started
        train_seconds += seconds
        mean = sums / steps_per_epoch
        row = {"epoch": epoch, "generator_loss": round(float(mean[0]), 4),
               "discriminator_loss": round(float(mean[1]), 4), "d_real": round(float(mean[2]), 4),
               "d_fake": round(float(mean[3]), 4), "seconds": round(seconds, 1)}
        history.append(row)
        print(f"epoch {epoch}/{args.epochs}: G loss {row['generator_loss']:.3f}, "
              f"D loss {row['discriminator_loss']:.3f}, D(real) {row['d_real']:.2f}, "
              f"D(fake) {row['d_fake']:.2f}, {seconds:.0f} s", flush=True)

    generator_net = generator_net.to(memory_format=torch.contiguous_format).eval()
    discriminator = discriminator.to(memory_format=torch.contiguous_format).eval()
    args.out.mkdir(parents=True, exist_ok=True)
    generator_path = args.out / checkpoint.GENERATOR_PATH.name
    discriminator_path = args.out / checkpoint.DISCRIMINATOR_PATH.name
    story_path = args.out / checkpoint.STORY_PATH.name
    checkpoint.save(generator_net, generator_path, seed=str(args.seed))
    checkpoint.save(discriminator, discriminator_path, seed=str(args.seed))
    checkpoint.save_story(story_path, story_steps, np.stack(story_images), story_labels.numpy())

    metrics = {
        "model": checkpoint.MODEL_NAME,
        "generator_parameters": count_parameters(generator_net),
        "discriminator_parameters": count_parameters(discriminator),
        "epochs": args.epochs, "steps": total_steps, "train_seconds": round(train_seconds, 1),
        "hyperparameters": {"batch_size": args.batch_size, "optimizer": "Adam (β1 0.5, β2 0.999)", "lr": args.lr,
                            "loss": "non-saturating GAN loss", "real_label": args.real_label,
                            "noise_dim": generator_net.noise_dim, "channels": generator_net.channels},
        "weights_files": {p.name: file_sha256(p) for p in (generator_path, discriminator_path, story_path)},
        "story": {"snapshots": len(story_steps), "images_per_snapshot": len(story_labels)},
        **run_record(args, data.checksum),
        "history": history,
        "loss_history": losses,
    }
    try:  # the quality numbers need the shared digit classifier's weights; training does not
        from gan.quality import sample_quality
        from gan.sampling import generate, noise_and_labels

        noise, labels = noise_and_labels(0, 10_000, generator_net.noise_dim)
        metrics.update(sample_quality(generate(generator_net, noise, labels), data.test_images))
    except WeightsMissing as missing:
        print(f"quality metrics skipped: {missing}")
    write_metrics(args.out / checkpoint.METRICS_PATH.name, metrics)
    print(f"wrote {generator_path.name}, {discriminator_path.name}, {story_path.name} and metrics.json to {args.out}")
    return metrics


if __name__ == "__main__":
    train(parse_args())
