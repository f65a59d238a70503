""""Train a little, live": a fresh small model trained for up to a minute in front of the class.

The autoencoder, VAE and GAN tabs each bring their own model and training step; this module
runs the step against the clock, reports about twice a second, and streams the reports to the
tab. One such run at a time per server, whichever tab starts it: live training takes the CPU
(or GPU) for up to a minute, and two at once would make both crawl. The lock is a file lock in
the temp folder, so it also holds across the processes a GPU host may fork for each call.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from shared.controls import Number
from shared.cpu import one_thread
from shared.errors import LabError
from shared.i18n import message, widget_key

if TYPE_CHECKING:
    import torch

MAX_SECONDS = 60  # the longest run a tab offers: a minute of the lecture


def seconds_control(default: int) -> Number:
    """How long a tab's live run trains: the slider of its panel and the check of the event."""
    return Number("widget.live.seconds", low=2, high=MAX_SECONDS, default=default, step=1, named=True)


BATCH_SIZE = 64
REPORT_EVERY_SECONDS = 0.5

LOCK_PATH = Path(tempfile.gettempdir()) / "lab-live-training.lock"


@dataclass
class Snapshot:
    """A live run at one moment; each tab adds what else it shows."""

    step: int = 0  # training steps done
    elapsed: float = 0.0  # seconds of training
    done: bool = False  # the time is up: the last snapshot
    losses: list[tuple[float, ...]] = field(default_factory=list)  # (step, loss, …): means over each report
    test_loss: float = float("nan")  # on held-out digits, where the model has one
    preview: np.ndarray | None = None  # digits drawn by the model as it is now


class RandomBatches:
    """Random batches of training digits (pixels in [0, 1], with their labels), drawn with a
    generator of the run's own seed so that a run can be repeated."""

    def __init__(self, images: np.ndarray, labels: np.ndarray | None = None, *, seed: int, device: torch.device):
        import torch

        self.generator = torch.Generator().manual_seed(seed)
        self.device = device
        self.images = torch.tensor(np.asarray(images)).to(device)  # uint8 until a batch is picked
        self.labels = None if labels is None else torch.tensor(np.asarray(labels), dtype=torch.long).to(device)

    def next(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        import torch

        index = torch.randint(0, len(self.images), (BATCH_SIZE,), generator=self.generator).to(self.device)
        return self.images[index].float().div_(255), None if self.labels is None else self.labels[index]


def first_test_digits(images: np.ndarray, device: torch.device, count: int = 500) -> torch.Tensor:
    """The first ``count`` test digits, pixels in [0, 1]: enough for a steady test loss twice a second."""
    import torch

    return torch.tensor(np.asarray(images[:count])).float().div_(255).to(device)


def optimiser_step(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> float:
    """One step of ``optimizer`` down the gradient of ``loss``; the loss as a number."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def train_for(seconds: float, train_step: Callable[[], float | tuple[float, ...]], snapshot: Snapshot,
              measure: Callable[[Snapshot], None]) -> Iterator[Snapshot]:
    """Yield ``snapshot`` of the untrained model, then call ``train_step`` (one optimiser step,
    returning its loss or losses) again and again for ``seconds``, yielding about twice a second.
    Before each yield the mean losses since the last one are appended, and ``measure`` fills in
    what the tab shows besides (a test loss, the preview)."""
    with one_thread():
        measure(snapshot)
    yield snapshot
    started = last_report = time.perf_counter()
    window = []
    while not snapshot.done:
        # One thread while the model works, the server's setting while the tab draws the report.
        with one_thread():
            while True:
                window.append(np.atleast_1d(train_step()))
                snapshot.step += 1
                now = time.perf_counter()
                snapshot.done = now - started >= seconds
                if now - last_report >= REPORT_EVERY_SECONDS or snapshot.done:
                    break
            snapshot.losses.append((snapshot.step, *(float(v) for v in np.mean(window, axis=0))))
            snapshot.elapsed = now - started
            measure(snapshot)
        window, last_report = [], now
        yield snapshot


def loss_rows(losses: list[tuple[float, ...]], curves: Sequence[str], *, before: tuple[float, str]) -> list[dict]:
    """The rows (step, loss, curve) of the panel's loss plot: one per report and loss, the i-th loss
    of each report named ``curves[i]``. Before the first report there is the one point ``before``
    (a loss and its curve's name) at step 0, so that the plot always has its columns."""
    if not losses:
        loss, curve = before
        return [{"step": 0, "loss": loss, "curve": curve}]
    return [{"step": step, "loss": loss, "curve": curve}
            for step, *values in losses for curve, loss in zip(curves, values, strict=True)]


def stream(start: Callable[[], Iterator[Snapshot]], seconds: float, show: Callable[[Snapshot], tuple], *,
           demo: str, progress) -> Iterator[tuple]:
    """The tab's side of a live run: take the server's slot, say it is preparing, then show each
    snapshot with a progress bar. ``start`` loads the data and begins the run (its first snapshot
    is the untrained model); ``show`` turns a snapshot into the tab's three outputs. (The event's
    boundary, ``shared.ui.handler``, turns the GPU running out of memory into a message.)"""
    with exclusive_run():
        yield message(widget_key(demo, "live.preparing")), None, None
        for snapshot in start():
            progress(min(1.0, snapshot.elapsed / seconds), desc=message(widget_key(demo, "live.heading")))
            yield show(snapshot)


_fallback_lock = threading.Lock()  # where file locks are unavailable (Windows)


@contextmanager
def exclusive_run():
    """Hold the server's single live-training slot, or fail at once with the translated "busy"."""
    try:
        import fcntl
    except ImportError:
        if not _fallback_lock.acquire(blocking=False):
            raise LabError("shared.busy") from None
        try:
            yield
        finally:
            _fallback_lock.release()
        return
    handle = open(LOCK_PATH, "a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LabError("shared.busy") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
