"""The shared runner behind "train a little, live" (autoencoder, VAE and GAN tabs)."""

import time

import gradio as gr
import numpy as np
import pytest
import torch

from shared import i18n, live_training


def counting_run(seconds: float, step_seconds: float = 0.0):
    calls = []

    def train_step():
        calls.append(len(calls))
        time.sleep(step_seconds)
        return float(len(calls)), -float(len(calls))  # two losses, as the GAN reports

    measured = []

    def measure(snapshot):
        measured.append(snapshot.step)
        snapshot.preview = np.full((1, 28, 28), snapshot.step, dtype=np.float32)

    snapshots = [(s.step, s.elapsed, s.done, list(s.losses), s.preview.copy())
                 for s in live_training.train_for(seconds, train_step, live_training.Snapshot(), measure)]
    return snapshots, calls, measured


def test_the_run_starts_untrained_reports_means_and_stops_on_time():
    started = time.perf_counter()
    snapshots, calls, measured = counting_run(1.2, step_seconds=0.01)
    took = time.perf_counter() - started
    assert 1.2 <= took < 2.0
    first_step, first_elapsed, first_done, first_losses, first_preview = snapshots[0]
    assert (first_step, first_elapsed, first_done, first_losses) == (0, 0.0, False, [])
    assert first_preview.max() == 0  # measured before any step
    assert [done for *_, done, _, _ in snapshots] == [False] * (len(snapshots) - 1) + [True]
    assert 2 <= len(snapshots) - 1 <= 4  # about two reports a second
    last_step, last_elapsed, _, losses, last_preview = snapshots[-1]
    assert last_step == len(calls) and last_elapsed >= 1.2 and last_preview.max() == last_step
    assert measured == [s[0] for s in snapshots]
    # each report: (step, mean of each loss since the previous report)
    previous = 0
    for step, mean_first, mean_second in losses:
        expected = np.mean(np.arange(previous + 1, step + 1))
        assert mean_first == pytest.approx(expected) and mean_second == pytest.approx(-expected)
        previous = step
    assert previous == last_step


def test_training_runs_on_one_thread_and_restores_the_setting():
    before = torch.get_num_threads()
    threads = []

    def train_step():
        threads.append(torch.get_num_threads())
        return 0.0

    for _ in live_training.train_for(0.1, train_step, live_training.Snapshot(), lambda snapshot: None):
        assert torch.get_num_threads() == before  # while the tab draws the report
    assert set(threads) == {1}


def test_only_one_live_run_at_a_time():
    with live_training.exclusive_run():
        with pytest.raises(gr.Error, match="busy"):
            with live_training.exclusive_run():
                pass
    with live_training.exclusive_run():  # released again
        pass


def out_of_memory_run():
    yield live_training.Snapshot()
    raise torch.OutOfMemoryError("CUDA out of memory (simulated)")


class NoProgress:
    def __call__(self, *args, **kwargs):
        pass


def test_stream_shows_each_snapshot_and_turns_out_of_memory_into_a_message():
    shown = []
    outputs = live_training.stream(out_of_memory_run, 10, lambda s: (f"step {s.step}", None, None),
                                   preparing_key="shared.busy", heading_key="shared.busy", progress=NoProgress())
    with pytest.raises(gr.Error) as raised:
        for output in outputs:
            shown.append(output[0])
    assert shown == [i18n.message("shared.busy"), "step 0"]
    assert i18n.message("shared.gpu.out_of_memory") in str(raised.value)
    with live_training.exclusive_run():  # the slot was given back
        pass


@pytest.mark.parametrize("demo,inputs,done_key", [
    ("autoencoder", (8, 2), "autoencoder.live.done"),
    ("vae", (2, 2), "vae.live.done"),
    ("gan", (2,), "gan.live.done"),
])
def test_each_tab_streams_a_live_run_to_the_end(serve_app, demo, inputs, done_key):
    from gradio_client import Client
    from PIL import Image

    client = Client(serve_app(["autoencoder", "vae", "gan"]), verbose=False)
    status, plot, preview = client.predict(*inputs, api_name=f"/{demo}_live_train")
    assert i18n.tables()["en"][done_key].split("{")[0] in status, status
    assert plot is not None and Image.open(preview).width > 28
