"""Train the spoken-digit models on the Free Spoken Digit Dataset and write weights and metrics.json.

    python spaces/spoken_digits/train.py                  # every model, official split (the shipped weights)
    python spaces/spoken_digits/train.py --loso           # leave-one-speaker-out: six runs per model
    python spaces/spoken_digits/train.py --loso --models m5 --speakers george,jackson   # some of them
    python spaces/spoken_digits/train.py --quick          # a pipeline check on 300 clips, 1 epoch

Models: ``slide_sigmoid`` (the lecture's Keras code as written: one sigmoid unit, binary
cross-entropy, 10 epochs, Adam 1e-3, as Keras defaults), ``slide_softmax`` (the same network with
the fix: ten outputs, cross-entropy), ``m5`` (raw-waveform CNN) and ``mel_cnn`` (log-mel CNN), both
with augmentation, and ``mfcc_logreg`` (MFCC statistics and logistic regression). The slide
models' 16.4 M weights (65 MB) are not shipped: their numbers are, in metrics.json.
Clips stay in memory as one tensor (3 000 × 8 000 floats, 96 MB); training is seeded.
"""

from __future__ import annotations

import argparse
import fcntl
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from tqdm import tqdm

from shared.mnist_training import (
    add_run_options,
    count_parameters,
    merge_metrics,
    parse_run_args,
    read_metrics,
    run_record,
    save_model,
    weights_record,
)
from spoken_digits import data
from spoken_digits.augment import augment
from spoken_digits.evaluate import scores
from spoken_digits.mfcc_baseline import fit as fit_mfcc
from spoken_digits.mfcc_baseline import logits as mfcc_logits
from spoken_digits.model import ARCHITECTURES
from spoken_digits.predict import WEIGHTS_DIR, classes_from_logits

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK_OUT_DIR = REPO_ROOT / "artifacts" / "spoken_digits_quick"
QUICK_CLIPS = 300
NETWORKS = ("slide_sigmoid", "slide_softmax", "m5", "mel_cnn")
SHIPPED = ("m5", "mel_cnn", "mfcc_logreg")  # the ones whose weights go into the repository
# (epochs, peak learning rate, augmentation) per network; the slide's as its code would run in Keras
RECIPES = {"slide_sigmoid": (10, 1e-3, False), "slide_softmax": (10, 1e-3, False),
           "m5": (30, 1e-2, True), "mel_cnn": (30, 3e-3, True)}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join((*NETWORKS, "mfcc_logreg")),
                        help="comma-separated: " + ", ".join((*NETWORKS, "mfcc_logreg")))
    parser.add_argument("--loso", action="store_true",
                        help="train and test leave-one-speaker-out instead of on the official split")
    parser.add_argument("--speakers", default=",".join(data.SPEAKERS),
                        help="with --loso: the speakers to hold out, one run each (runs for different "
                             "speakers may go in parallel processes: each adds its result to metrics.json)")
    parser.add_argument("--epochs", type=int, default=None, help="override every network's epochs")
    parser.add_argument("--batch-size", type=int, default=32)
    add_run_options(parser, QUICK_CLIPS)
    args = parse_run_args(parser, argv, QUICK_OUT_DIR, WEIGHTS_DIR)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.speakers = [s.strip() for s in args.speakers.split(",") if s.strip()]
    if set(args.speakers) - set(data.SPEAKERS):
        parser.error(f"unknown speaker(s); the dataset's are {', '.join(data.SPEAKERS)}")
    unknown = set(args.models) - {*NETWORKS, "mfcc_logreg"}
    if unknown:
        parser.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    return args


def load_clips(recordings: list[data.Recording]) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 8000) prepared waveforms and (N,) digits, as tensors."""
    clips, digits = data.read_prepared(recordings)
    return torch.from_numpy(clips), torch.from_numpy(digits)


def quick_subset(training: list[data.Recording], args: argparse.Namespace) -> list[data.Recording]:
    """With ``--quick``, ``QUICK_CLIPS`` training clips spread over every speaker and digit."""
    return training[::len(training) // QUICK_CLIPS][:QUICK_CLIPS] if args.quick else training


def loss_of(name: str, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    if name == "slide_sigmoid":
        # Keras' binary_crossentropy on the digit itself as the target, as the slide's code does:
        # it clips the probability to [1e-7, 1 - 1e-7]; a target above 1 just pushes towards "1".
        p = torch.sigmoid(logits.squeeze(1)).clamp(1e-7, 1 - 1e-7)
        y = labels.float()
        return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    return F.cross_entropy(logits, labels, label_smoothing=0.05 if RECIPES[name][2] else 0.0)


@torch.no_grad()
def evaluate_network(name: str, model: torch.nn.Module, clips: torch.Tensor, labels: torch.Tensor,
                     batch: int = 250) -> tuple[float, np.ndarray]:
    """(mean loss, predicted digits)."""
    model.eval()
    losses, predicted = [], []
    for i in range(0, len(clips), batch):
        logits = model(clips[i:i + batch])
        losses.append(float(loss_of(name, logits, labels[i:i + batch])) * len(logits))
        predicted.append(classes_from_logits(logits))
    return sum(losses) / len(clips), np.concatenate(predicted)


def train_network(name: str, train: tuple, test: tuple, args: argparse.Namespace, label: str) -> tuple:
    """Train ``name`` on ``train``; return the model, its history per epoch and the test predictions."""
    epochs, peak_lr, augmented = RECIPES[name]
    epochs = 1 if args.quick else (args.epochs or epochs)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = ARCHITECTURES[name]()
    clips, labels = train
    batches = math.ceil(len(clips) / args.batch_size)
    if name.startswith("slide"):
        optimiser, schedule = torch.optim.Adam(model.parameters(), lr=peak_lr), None
    else:
        optimiser = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=1e-4)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, peak_lr, total_steps=epochs * batches)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(clips), generator=generator)
        total = 0.0
        for i in tqdm(range(batches), desc=f"{label} epoch {epoch}/{epochs}", leave=False):
            index = order[i * args.batch_size:(i + 1) * args.batch_size]
            batch = augment(clips[index], generator) if augmented else clips[index]
            loss = loss_of(name, model(batch), labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if schedule is not None:
                schedule.step()
            total += loss.item() * len(index)
        test_loss, predicted = evaluate_network(name, model, *test)
        accuracy = float((predicted == test[1].numpy()).mean())
        history.append({"epoch": epoch, "train_loss": total / len(clips), "test_loss": test_loss,
                        "test_accuracy": accuracy})
        print(f"{label} epoch {epoch}: train loss {total / len(clips):.4f}, test loss {test_loss:.4f}, "
              f"test accuracy {accuracy:.2%}", flush=True)
    return model.eval(), history, predicted


def run(name: str, train: tuple, test: tuple, args: argparse.Namespace, label: str) -> tuple:
    """(model or fitted tensors, history, test predictions) for any of the models."""
    if name == "mfcc_logreg":
        tensors = fit_mfcc(train[0].numpy(), train[1].numpy(), seed=args.seed)
        return tensors, [], classes_from_logits(mfcc_logits(tensors, test[0].numpy()))
    return train_network(name, train, test, args, label)


def main(argv=None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    recordings = data.list_recordings()
    args.out.mkdir(parents=True, exist_ok=True)
    fields = run_record(args, {"fsdd": data.checksum(recordings)}) | {"batch_size": args.batch_size}
    for name in args.models:
        if args.loso:
            for speaker in args.speakers:
                accuracy, seconds = held_out_speaker(name, recordings, speaker, args)
                update_record(args.out, name, lambda record, s=speaker, a=accuracy, t=seconds:
                              add_held_out(record, s, a, t), fields)
        else:
            record = official(name, recordings, args)
            update_record(args.out, name, lambda old, new=record: {**old, **new}, fields)


def official(name: str, recordings: list[data.Recording], args: argparse.Namespace) -> dict:
    """Train on the official training split, test on its test split, save the weights of a shipped model."""
    training, testing = data.official_split(recordings)
    training = quick_subset(training, args)
    test = load_clips(testing)
    started = time.perf_counter()
    model, history, predicted = run(name, load_clips(training), test, args, f"{name} (official split)")
    record = {"official": {**scores(predicted, test[1].numpy(), np.array([r.speaker for r in testing])),
                           "history": history, "train_seconds": round(time.perf_counter() - started, 1)}}
    if name == "mfcc_logreg":
        record["parameters"] = sum(t.numel() for t in model.values())
        path = args.out / "mfcc_logreg.safetensors"
        save_file({k: v.contiguous() for k, v in model.items()}, str(path))
        path.chmod(0o644)
        record.update(weights_record(path))
    else:
        record["parameters"] = count_parameters(model)
        if name in SHIPPED:
            path = args.out / f"{name}.safetensors"
            save_model(model, path, architecture=name)
            record.update(weights_record(path))
    print(f"{name}: official split {record['official']['accuracy']:.2%}", flush=True)
    return record


def held_out_speaker(name: str, recordings: list[data.Recording], speaker: str,
                     args: argparse.Namespace) -> tuple[float, float]:
    """(accuracy on all of ``speaker``'s clips after training on the other five, training seconds)."""
    training, testing = data.speaker_split(recordings, speaker)
    training = quick_subset(training, args)
    test = load_clips(testing)
    started = time.perf_counter()
    _, _, predicted = run(name, load_clips(training), test, args, f"{name} (without {speaker})")
    accuracy = float((predicted == test[1].numpy()).mean())
    print(f"{name} without {speaker}: {accuracy:.2%}", flush=True)
    return accuracy, time.perf_counter() - started


def add_held_out(record: dict, speaker: str, accuracy: float, seconds: float) -> dict:
    """The model's record with one more held-out speaker; mean and worst once all six are in."""
    loso = dict(record.get("loso", {}))
    loso["per_speaker"] = {**loso.get("per_speaker", {}), speaker: accuracy}
    loso["train_seconds"] = {**loso.get("train_seconds", {}), speaker: round(seconds, 1)}
    done = [loso["per_speaker"][s] for s in data.SPEAKERS if s in loso["per_speaker"]]
    if len(done) == len(data.SPEAKERS):
        loso["mean"], loso["worst"] = float(np.mean(done)), min(done)
    return {**record, "loso": loso}


def update_record(folder: Path, name: str, change, fields: dict) -> None:
    """Read metrics.json, replace the record of ``name`` by ``change(record)``, write it back,
    with the file locked: runs in parallel processes add their results one at a time."""
    with open(folder / "metrics.json", "a") as lock:  # the file itself is the lock: no stray lock file
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = read_metrics(folder / "metrics.json").get("models", {}).get(name, {})
        merge_metrics(folder / "metrics.json", {name: change(record)}, fields)


if __name__ == "__main__":
    main()
