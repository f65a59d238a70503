"""The shared runner behind "train a little, live" (autoencoder, VAE and GAN tabs)."""

import time

import gradio as gr
import numpy as np
import pytest
import torch
from conftest import register_texts

from shared import i18n, live_training, ui
from shared.errors import LabError

DEMOS = ["autoencoder", "vae", "gan"]
register_texts(*DEMOS)


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
    assert last_step == len(calls) and 1.2 <= last_elapsed <= took and last_preview.max() == last_step
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
        with pytest.raises(LabError, match="busy"):
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


def test_stream_shows_each_snapshot_and_the_boundary_turns_out_of_memory_into_a_message():
    """The panel wraps its event in the UI boundary: the run's out-of-memory error reaches the
    visitor as the translated message, after the shared "preparing" line and the first snapshot."""
    shown = []
    outputs = ui.handler(live_training.stream)(out_of_memory_run, 10, lambda s: (f"step {s.step}", None, None),
                                               demo="gan", progress=NoProgress())
    with pytest.raises(gr.Error) as raised:
        for output in outputs:
            shown.append(output[0])
    assert shown == [i18n.message("widget.live.preparing"), "step 0"]
    assert raised.value.message == i18n.message("shared.gpu.out_of_memory")
    with live_training.exclusive_run():  # the slot was given back
        pass


class RecordedProgress:
    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))


def test_stream_reports_the_share_of_the_time_gone_capped_at_one_with_the_panel_s_heading():
    def run():
        for elapsed in (0.0, 5.0, 12.0):  # the last report comes a little after the time is up
            yield live_training.Snapshot(elapsed=elapsed)

    progress = RecordedProgress()
    shown = list(live_training.stream(run, 10, lambda s: (s.elapsed, None, None), demo="vae", progress=progress))
    assert [row[0] for row in shown[1:]] == [0.0, 5.0, 12.0]
    heading = i18n.message("widget.live.heading")
    assert progress.calls == [((share,), {"desc": heading}) for share in (0.0, 0.5, 1.0)]


def test_the_seconds_control_is_the_named_two_to_sixty_second_slider():
    control = live_training.seconds_control(30)
    assert (control.key, control.low, control.high, control.default, control.step, control.named) == (
        "widget.live.seconds", 2, 60, 30, 1, True)


def test_random_batches_are_seeded_batches_of_64_digits_in_0_to_1_with_their_labels():
    labels = np.arange(300) % 10
    images = np.repeat(labels[:, None, None] * 20, 28, axis=1).repeat(28, axis=2).astype(np.uint8)
    batches = live_training.RandomBatches(images, labels, seed=5, device=torch.device("cpu"))
    pixels, picked = batches.next()
    assert pixels.shape == (64, 28, 28) and pixels.dtype == torch.float32 and picked.dtype == torch.long
    assert torch.equal(pixels[:, 0, 0], picked.float() * 20 / 255)  # each image with its own label
    again = live_training.RandomBatches(images, labels, seed=5, device=torch.device("cpu"))
    assert torch.equal(again.next()[0], pixels) and not torch.equal(batches.next()[0], pixels)
    unlabelled = live_training.RandomBatches(images, seed=5, device=torch.device("cpu")).next()
    assert torch.equal(unlabelled[0], pixels) and unlabelled[1] is None
    assert len({int(i) for i in picked}) > 1  # drawn from the whole set, not one digit
    two = live_training.RandomBatches(images[:2], labels[:2].astype(np.uint8), seed=0, device=torch.device("cpu"))
    drawn = two.next()[1]
    assert drawn.dtype == torch.long and set(drawn.tolist()) == {0, 1}  # MNIST's uint8 labels, the first digit too


def test_the_first_test_digits_are_the_first_500_in_0_to_1():
    images = (np.arange(600)[:, None, None] % 256 * np.ones((1, 28, 28))).astype(np.uint8)
    first = live_training.first_test_digits(images, torch.device("cpu"))
    assert first.shape == (500, 28, 28) and first.dtype == torch.float32
    assert torch.equal(first[:, 0, 0], torch.tensor(np.arange(500) % 256 / 255, dtype=torch.float32))
    assert live_training.first_test_digits(images, torch.device("cpu"), count=3).shape == (3, 28, 28)


def test_an_optimiser_step_follows_the_gradient_and_returns_the_loss():
    weight = torch.nn.Parameter(torch.tensor([1.0]))
    optimizer = torch.optim.SGD([weight], lr=0.1)
    assert live_training.optimiser_step(optimizer, ((weight - 3) ** 2).sum()) == pytest.approx(4.0)
    assert weight.item() == pytest.approx(1.4)  # 1 − 0.1 · 2(1 − 3)
    assert live_training.optimiser_step(optimizer, ((weight - 3) ** 2).sum()) == pytest.approx(2.56)
    assert weight.item() == pytest.approx(1.72)  # the first gradient was cleared, not added


def test_the_loss_rows_name_each_curve_and_start_with_one_point():
    assert live_training.loss_rows([], ["G", "D"], before=(0.5, "test")) == [{"step": 0, "loss": 0.5, "curve": "test"}]
    assert live_training.loss_rows([(10, 1.0, 2.0), (20, 0.5, 1.5)], ["G", "D"], before=(0.0, "G")) == [
        {"step": 10, "loss": 1.0, "curve": "G"}, {"step": 10, "loss": 2.0, "curve": "D"},
        {"step": 20, "loss": 0.5, "curve": "G"}, {"step": 20, "loss": 1.5, "curve": "D"}]
    with pytest.raises(ValueError):  # a report with a loss the plot has no name for
        live_training.loss_rows([(10, 1.0, 2.0)], ["G"], before=(0.0, "G"))


@pytest.mark.parametrize("demo", DEMOS)
def test_every_tab_offers_the_same_seconds_and_checks_them_alike(demo):
    """One declaration of the seconds slider (2 to 60): the GAN's check once took 1."""
    import importlib

    tab = importlib.import_module(f"{demo}.ui")
    seconds = tab.LIVE_SECONDS
    assert (seconds.key, seconds.low, seconds.high) == ("widget.live.seconds", 2, live_training.MAX_SECONDS)
    options = {"autoencoder": (8,), "vae": (2,), "gan": ()}[demo]
    for refused in (1, live_training.MAX_SECONDS + 1):
        with pytest.raises(LabError) as raised:
            next(tab.live_train(*options, refused, progress=NoProgress()))
        assert str(raised.value) == i18n.message("shared.number.out_of_range", name="training time", low="2",
                                                 high="60", value=str(refused))


@pytest.mark.parametrize("demo,inputs,done_key", [
    ("autoencoder", (8, 2), "autoencoder.live.done"),
    ("autoencoder", ("8", 2), "autoencoder.live.done"),  # what view_api documents: the radio's choice as text
    ("vae", ("2", 2), "vae.live.done"),
    ("gan", (2,), "gan.live.done"),
])
def test_each_tab_streams_a_live_run_to_the_end(serve_app, demo, inputs, done_key):
    from gradio_client import Client
    from PIL import Image

    client = Client(serve_app(DEMOS), verbose=False)
    status, plot, preview = client.predict(*inputs, api_name=f"/{demo}_live_train")
    assert i18n.tables()["en"][done_key].split("{")[0] in status, status
    assert plot is not None and Image.open(preview).width > 28


@pytest.mark.parametrize("demo, choice", [("autoencoder", "code_size"), ("vae", "latent_size")])
def test_the_live_choice_is_documented_as_text_and_refused_with_a_translated_reason(serve_app, demo, choice):
    from gradio_client import Client

    client = Client(serve_app(DEMOS), headers={"Accept-Language": "pl"}, verbose=False)
    parameters = client.view_api(return_format="dict")["named_endpoints"][f"/{demo}_live_train"]["parameters"]
    assert parameters[0]["parameter_name"] == choice and parameters[0]["type"]["type"] == "string"
    with pytest.raises(Exception, match="musi być jedną z wartości"):
        client.predict("7", 2, api_name=f"/{demo}_live_train")
