"""Deep Dream & class visualisation: the pixels change, the network does not.

Class visualisation and "fool it" run on the CNN tab's shipped MNIST network (the very model
the tab uses). Deep Dream runs on a GoogLeNet of torchvision's architecture with random
weights, saved as safetensors and loaded through the production loader via
LAB_MODEL_DEEP_DREAM, exactly as a local override would be.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
import torch
from conftest import local_models, register_texts
from gradio_client import Client, handle_file
from PIL import Image
from tiny_models import save_random_googlenet

import deep_dream
from deep_dream import class_visualization as cv
from deep_dream.dream import activations, build_googlenet, dream, dream_progress, load_googlenet, octave_sizes
from deep_dream.fool import fool
from deep_dream.layers import LAYERS, STAGES
from shared import i18n, models
from shared.digit_classifier import MnistCNN, shipped_model
from shared.digit_pictures import digit_image
from shared.mnist import load_mnist

register_texts("deep_dream")
EXAMPLES = os.path.join(os.path.dirname(deep_dream.__file__), "examples")


@pytest.fixture(scope="module")
def mnist_model():
    return shipped_model()


@pytest.fixture(scope="module")
def googlenet_dir(tmp_path_factory):
    """A random-weight GoogLeNet saved like a local override, aux heads included (as torchvision's file)."""
    folder = save_random_googlenet(tmp_path_factory.mktemp("googlenet"))
    with local_models(deep_dream=folder):
        yield folder


@pytest.fixture(scope="module")
def googlenet(googlenet_dir):
    return models.load("deep_dream", load_googlenet)


# ------------------------------------------------------------------ class visualisation

def test_the_target_probability_really_rises_like_on_the_slides(mnist_model):
    run = cv.visualize_class(mnist_model, cv.noise_start(0), target=1, steps=40, step_size=0.1, jitter=1)
    p = run.target_probability
    assert run.images.shape == (41, 28, 28) and run.probabilities.shape == (41, 10)
    assert np.allclose(run.probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert p[0] < 0.5 and p[-1] > 0.95, p
    assert np.argmax(run.probabilities[-1]) == 1
    assert run.images.min() >= 0.0 and run.images.max() <= 1.0


def test_it_also_works_on_an_untrained_network_because_only_the_pixels_change():
    torch.manual_seed(1)
    model = MnistCNN(conv1_channels=4, conv2_channels=8, dense_units=16).eval().requires_grad_(False)
    before = [p.clone() for p in model.parameters()]
    run = cv.visualize_class(model, cv.noise_start(3), target=7, steps=30, step_size=0.2, jitter=0)
    assert run.target_probability[-1] > run.target_probability[0]
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_regularisation_changes_the_result(mnist_model):
    start = cv.noise_start(5)
    plain = cv.visualize_class(mnist_model, start, 3, steps=30, step_size=0.1, jitter=0, seed=2)
    decayed = cv.visualize_class(mnist_model, start, 3, steps=30, step_size=0.1, jitter=0, l2_decay=0.05, seed=2)
    blurred = cv.visualize_class(mnist_model, start, 3, steps=30, step_size=0.1, jitter=0, blur_sigma=1.0, seed=2)
    jittered = cv.visualize_class(mnist_model, start, 3, steps=30, step_size=0.1, jitter=2, seed=2)

    def roughness(image):  # total variation: large for speckle, small for smooth strokes
        return np.abs(np.diff(image, axis=0)).sum() + np.abs(np.diff(image, axis=1)).sum()

    assert decayed.images[-1].sum() < 0.8 * plain.images[-1].sum()
    assert roughness(blurred.images[-1]) < 0.8 * roughness(plain.images[-1])
    assert np.abs(jittered.images[-1] - plain.images[-1]).mean() > 0.01
    again = cv.visualize_class(mnist_model, start, 3, steps=30, step_size=0.1, jitter=2, seed=2)
    assert np.array_equal(again.images, jittered.images)  # the seed makes a run repeatable


def test_fool_it_flips_the_answer_with_a_small_change(mnist_model):
    images, labels = load_mnist("test")
    digit = images[0].astype(np.float32) / 255.0
    assert labels[0] == 7
    result = fool(mnist_model, digit, target=3, confidence=0.5)
    assert result.succeeded and np.argmax(result.before) == 7 and np.argmax(result.after) == 3
    assert result.after[3] >= 0.5
    assert result.l2 < 0.5 * np.linalg.norm(digit)  # much less than the digit itself
    # smallest along the line: a slightly smaller change no longer fools the network
    almost = np.clip(digit + 0.97 * result.difference, 0, 1)
    assert cv.probabilities(mnist_model, almost[None])[0, 3] < 0.5
    # a higher required confidence needs a larger change
    sure = fool(mnist_model, digit, target=3, confidence=0.95)
    assert sure.succeeded and sure.l2 > result.l2


def test_fool_it_changes_nothing_when_the_network_already_agrees(mnist_model):
    images, _ = load_mnist("test")
    digit = images[0].astype(np.float32) / 255.0
    result = fool(mnist_model, digit, target=7)
    assert result.steps == 0 and result.l2 == 0.0 and result.succeeded


def test_the_starts_are_faint_seeded_noise_a_black_square_or_a_test_digit(monkeypatch):
    noise = cv.noise_start(4)
    assert noise.shape == (28, 28) and noise.dtype == np.float32
    assert np.array_equal(noise, np.random.default_rng(4).uniform(0.0, 0.2, size=(28, 28)).astype(np.float32))
    assert 0.0 <= noise.min() < 0.01 and 0.19 < noise.max() < 0.2
    assert np.array_equal(cv.noise_start(4), noise) and not np.array_equal(cv.noise_start(5), noise)
    blank = cv.blank_start()
    assert blank.shape == (28, 28) and blank.dtype == np.float32 and not blank.any()
    images, _ = load_mnist("test")
    digit = cv.mnist_test_digit(17)
    assert digit.dtype == np.float32 and np.array_equal(digit, images[17] / np.float32(255))

    def offline(split):
        raise cv.MnistNotFound(f"nowhere (the {split} set is hidden by this test)")

    monkeypatch.setattr(cv, "load_mnist", offline)
    with pytest.raises(cv.LabError) as missing:
        cv.mnist_test_digit(0)
    assert missing.value.key == "deep_dream.mnist_missing"


@pytest.mark.parametrize("sigma", [0.5, 1.0, 1.5])  # the slider's blur values go up to 1.5
def test_the_blur_is_scipys_gaussian_cut_at_three_sigma(sigma):
    """scipy's gaussian_filter with the radius ⌈3σ⌉ (at least 1) and torch's reflection at the edges
    ("mirror" in scipy: d c b | a b c d)."""
    from scipy.ndimage import gaussian_filter

    pictures = np.random.default_rng(1).random((2, 28, 28)).astype(np.float32)
    blurred = cv.blur(torch.as_tensor(pictures), sigma).numpy()
    radius = max(1, int(np.ceil(3 * sigma)))
    for picture, got in zip(pictures, blurred, strict=True):
        expected = gaussian_filter(picture.astype(np.float64), sigma, mode="mirror", radius=radius)
        np.testing.assert_allclose(got, expected, atol=2e-6)
    dot = np.zeros((1, 28, 28), dtype=np.float32)
    dot[0, 14, 14] = 1.0
    spread = cv.blur(torch.as_tensor(dot), sigma).numpy()[0]
    assert spread.sum() == pytest.approx(1.0, abs=1e-5) and np.count_nonzero(spread) == (2 * radius + 1) ** 2


def test_leaving_the_settings_out_is_giving_the_tabs_defaults(mnist_model):
    """step size, jitter, blur, L2 decay and seed as the page starts them (the steps are always given)."""
    from deep_dream import controls

    start = cv.noise_start(2)
    left_out = cv.visualize_class(mnist_model, start, 6, steps=4)
    given = cv.visualize_class(mnist_model, start, 6, steps=4, step_size=controls.STEP_SIZE.default,
                               jitter=controls.JITTER.default, blur_sigma=controls.BLUR.default,
                               l2_decay=controls.L2.default, seed=controls.SEED.default)
    assert np.array_equal(left_out.images, given.images)
    other_seed = cv.visualize_class(mnist_model, start, 6, steps=4, seed=controls.SEED.default + 1)
    assert not np.array_equal(other_seed.images, given.images)  # the jitter's shifts depend on the seed


def test_a_float64_start_runs_as_its_float32_copy(mnist_model):
    start = np.random.default_rng(3).uniform(0.0, 0.3, size=(28, 28))
    wide = cv.visualize_class(mnist_model, start, 2, steps=3)
    narrow = cv.visualize_class(mnist_model, start.astype(np.float32), 2, steps=3)
    assert wide.images.dtype == np.float32 and np.array_equal(wide.images, narrow.images)


def test_the_picture_stays_between_black_and_white_from_a_white_start(mnist_model):
    run = cv.visualize_class(mnist_model, np.ones((28, 28), dtype=np.float32), 0, steps=3, step_size=0.5, jitter=0)
    assert run.images.max() == 1.0 and run.images.min() >= 0.0
    assert (run.images[1:] == 1.0).any() and (run.images[1:] < 1.0).any()


# ------------------------------------------------------------------ Deep Dream

def test_a_local_safetensors_file_loads_like_the_default_id(googlenet_dir, googlenet):
    from safetensors.torch import load_file

    saved = load_file(str(googlenet_dir / "model.safetensors"))
    assert any(k.startswith("aux1.") for k in saved)  # dropped by the loader, as for torchvision's file
    assert torch.equal(googlenet.conv1.conv.weight, saved["conv1.conv.weight"])
    assert models.is_loaded("deep_dream") and "loaded" in models.status_markdown("deep_dream")
    single_file = load_googlenet(str(googlenet_dir / "model.safetensors"))
    assert torch.equal(single_file.inception4c.branch1.conv.weight, googlenet.inception4c.branch1.conv.weight)


def test_unloadable_models_become_clear_messages(tmp_path, monkeypatch):
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(models.ModelUnavailable, match="damaged or in an unexpected format"):
        models.load("deep_dream", load_googlenet, ident=str(tmp_path))
    with pytest.raises(models.ModelUnavailable, match="The server log has the details"):
        models.load("deep_dream", load_googlenet, ident="VGG19_Weights.IMAGENET1K_V1")  # another architecture
    # offline and nothing cached: the default id cannot be downloaded
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    with pytest.raises(models.ModelUnavailable) as caught:
        models.load("deep_dream", load_googlenet, ident="GoogLeNet_Weights.IMAGENET1K_V1")
    assert "GoogLeNet_Weights.IMAGENET1K_V1" in str(caught.value)
    assert "could not be loaded" in models.status_markdown("deep_dream", "GoogLeNet_Weights.IMAGENET1K_V1")


def test_dreaming_raises_the_layer_activation_and_keeps_the_photo_size(googlenet):
    photo = np.asarray(Image.open(os.path.join(EXAMPLES, "chelsea.jpg")).resize((120, 80)), dtype=np.float32) / 255
    steps = list(dream(googlenet, photo, layer="inception4a", octaves=2, octave_scale=1.4, iterations=4,
                       step_size=0.02, jitter=4))
    assert len(steps) == 8 and [s.octave for s in steps] == [0] * 4 + [1] * 4
    assert steps[-1].image.shape == photo.shape
    assert steps[0].image.shape[:2] == octave_sizes(80, 120, 2, 1.4)[0]
    assert 0.0 <= steps[-1].image.min() and steps[-1].image.max() <= 1.0
    last_octave = [s.objective for s in steps[4:]]
    assert last_octave[-1] > last_octave[0]
    with torch.no_grad():
        before = activations(googlenet, torch.from_numpy(photo).permute(2, 0, 1)[None], "inception4a").pow(2).mean()
        after = activations(googlenet, torch.from_numpy(steps[-1].image).permute(2, 0, 1)[None],
                            "inception4a").pow(2).mean()
    assert after > 1.5 * before
    other = list(dream(googlenet, photo, layer="inception3a", octaves=2, iterations=4, step_size=0.02, jitter=4))
    assert np.abs(other[-1].image - steps[-1].image).mean() > 0.002  # the layer matters


def test_the_dream_is_followed_step_by_step_with_a_preview_every_other_step(googlenet):
    photo = np.asarray(Image.open(os.path.join(EXAMPLES, "chelsea.jpg")).resize((120, 80)), dtype=np.float32) / 255
    followed = list(dream_progress(googlenet, photo, layer="inception3a", octaves=2, octave_scale=1.4, iterations=3,
                                   step_size=0.02, jitter=2, seed=1))
    plain = list(dream(googlenet, photo, layer="inception3a", octaves=2, octave_scale=1.4, iterations=3,
                       step_size=0.02, jitter=2, seed=1))
    assert [s.done for s in followed] == [1, 2, 3, 4, 5, 6] and {s.total for s in followed} == {6}
    assert [s.octave for s in followed] == [0, 0, 0, 1, 1, 1] and {s.octaves for s in followed} == {2}
    # every second step and the end of each octave; the last step is the result
    assert [s.preview for s in followed] == [False, True, True, True, False, True]
    assert [s.finished for s in followed] == [False] * 5 + [True]
    assert [len(s.octave_ends) for s in followed] == [0, 0, 1, 1, 1, 2]
    assert followed[-1].octave_ends[0].shape[:2] == octave_sizes(80, 120, 2, 1.4)[0]
    assert followed[-1].picture.dtype == np.uint8 and followed[-1].picture.shape == (80, 120, 3)
    assert np.array_equal(followed[-1].picture, np.round(plain[-1].image * 255).astype(np.uint8))
    assert np.array_equal(followed[-1].octave_ends[-1], followed[-1].picture)
    assert followed[-1].device == "cpu" and followed[-1].seconds > 0


def test_stop_ends_the_dream_before_its_next_step(googlenet):
    import threading

    photo = np.asarray(Image.open(os.path.join(EXAMPLES, "chelsea.jpg")).resize((64, 48)), dtype=np.float32) / 255
    stop = threading.Event()
    done = []
    for state in dream_progress(googlenet, photo, layer="inception3a", octaves=1, iterations=10, stop=stop):
        done.append(state.done)
        stop.set()
    assert done == [1]


def test_the_stop_button_s_signal_reaches_the_running_dream(googlenet):
    """The tab's own path: the event, the run on the device and its StopSignals, for the visitor's session."""
    from deep_dream import ui

    run = ui.deep_dream({"path": os.path.join(EXAMPLES, "coffee.jpg")}, "inception3a", 1, 1.4, 10, 0.02, 4, 128, 0)
    first = next(run)  # the first preview: two steps done
    assert first[2] == i18n.message("deep_dream.dream_running", done=2, total=10)
    assert ui.STOP.stop("")  # what deep_dream_stop does for this session
    assert list(run) == []  # no further step, no result


def test_octaves_go_from_small_to_full_size_and_skip_too_small_ones():
    assert octave_sizes(300, 400, 3, 1.5) == [(133, 178), (200, 267), (300, 400)]
    assert octave_sizes(60, 60, 4, 1.4)[-1] == (60, 60) and len(octave_sizes(60, 60, 4, 1.4)) == 1
    assert set(LAYERS) <= set(STAGES) <= {name for name, _ in build_googlenet().named_children()}


def test_octave_sizes_keep_an_octave_of_exactly_the_smallest_side_and_always_the_full_size():
    from deep_dream.dream import MIN_OCTAVE_SIDE

    assert octave_sizes(2 * MIN_OCTAVE_SIDE, 2 * MIN_OCTAVE_SIDE, 2, 2.0) == [(MIN_OCTAVE_SIDE,) * 2,
                                                                             (2 * MIN_OCTAVE_SIDE,) * 2]
    assert octave_sizes(30, 40, 3, 1.4) == [(30, 40)]  # too small for any octave: the photo itself


def test_the_googlenet_is_frozen_and_unknown_layers_are_refused(googlenet_dir, googlenet):
    fresh = load_googlenet(str(googlenet_dir / "model.safetensors"))  # not the registry's cached one
    assert not any(parameter.requires_grad for parameter in fresh.parameters()) and not fresh.training
    with pytest.raises(ValueError, match="unknown layer 'fc'"):
        activations(googlenet, torch.zeros(1, 3, 32, 32), "fc")


def test_the_dream_is_its_ascent_steps_octave_by_octave(googlenet):
    """Written out: the photo resized to each octave (bilinear, antialiased when shrinking), the
    detail dreamt so far enlarged onto it (bilinear), the ascent steps (each checked above against
    a finite-difference gradient) from one seeded generator, and the detail kept as the dream
    minus the octave's photo."""
    import torch.nn.functional as F

    from deep_dream.dream import _ascent_step

    photo = np.asarray(Image.open(os.path.join(EXAMPLES, "chelsea.jpg")).resize((110, 70)), dtype=np.float32) / 255
    settings = dict(layer="inception3b", octaves=2, octave_scale=1.45, iterations=2, step_size=0.03, jitter=3, seed=4)
    steps = list(dream(googlenet, photo.astype(np.float64), **settings))  # float64 in: the same as float32
    generator = torch.Generator().manual_seed(settings["seed"])
    full = torch.as_tensor(photo).permute(2, 0, 1)[None]
    sizes = octave_sizes(70, 110, 2, 1.45)
    detail, expected = torch.zeros(1, 3, *sizes[0]), []
    for size in sizes:
        base = F.interpolate(full, size=size, mode="bilinear", align_corners=False, antialias=True)
        pixels = base + F.interpolate(detail, size=size, mode="bilinear", align_corners=False)
        for _ in range(settings["iterations"]):
            pixels, _ = _ascent_step(googlenet, pixels, settings["layer"], settings["step_size"], settings["jitter"],
                                     generator)
            expected.append(pixels[0].permute(1, 2, 0).numpy())
        detail = pixels - base
    assert [step.image.shape[:2] for step in steps] == [size for size in sizes for _ in range(2)]
    for step, picture in zip(steps, expected, strict=True):
        np.testing.assert_allclose(step.image, picture, atol=1e-6)


def test_leaving_the_dream_settings_out_is_giving_the_tabs_defaults(googlenet):
    """layer, octave scale, step size, jitter and seed as the page starts them (and the octaves of
    the CPU preset); the iterations are always given (the page's 8 on a CPU, 20 on a GPU)."""
    from deep_dream import controls
    from shared.device import on_gpu

    photo = np.random.default_rng(0).random((150, 170, 3)).astype(np.float32)  # three octaves at scale 1.4
    page = dict(layer=controls.LAYER.default, octave_scale=controls.OCTAVE_SCALE.default,
                step_size=controls.DREAM_STEP.default, jitter=controls.DREAM_JITTER.default,
                seed=controls.SEED.default)
    if not on_gpu():
        page["octaves"] = controls.OCTAVES.default
    left_out, given = ([step.image for step in dream(googlenet, photo, iterations=1, **settings)]
                       for settings in ({}, page))
    assert len(left_out) == len(given) and all(np.array_equal(a, b) for a, b in zip(left_out, given, strict=True))
    left_out, given = ([state.picture for state in dream_progress(googlenet, photo, iterations=1, **settings)]
                       for settings in ({}, page))
    assert len(left_out) == len(given) and all(np.array_equal(a, b) for a, b in zip(left_out, given, strict=True))


def test_the_dream_counts_its_octaves_from_the_photos_own_height_and_width(googlenet):
    import time

    wide = np.random.default_rng(1).random((40, 120, 3)).astype(np.float32)  # too low for a smaller octave
    started = time.perf_counter()
    followed = list(dream_progress(googlenet, wide, octaves=3, iterations=2))
    elapsed = time.perf_counter() - started
    assert [(state.done, state.total, state.octaves) for state in followed] == [(1, 2, 1), (2, 2, 1)]
    assert followed[-1].finished and 0 < followed[-1].seconds <= elapsed


# ------------------------------------------------------------------ through the running app

@pytest.fixture(scope="module")
def client(serve_app, googlenet):
    return Client(serve_app(["deep_dream"]), verbose=False)


@pytest.fixture(scope="module")
def polish(serve_app, googlenet):
    return Client(serve_app(["deep_dream"]), headers={"Accept-Language": "pl"}, verbose=False)


def visualize(client, **overrides):
    args = dict(target="2", start="noise", mnist_index=0, sketch=None, upload=None, steps=25, step_size=0.1,
                jitter=1, blur=0.0, l2=0.0, seed=0)
    args.update(overrides)
    return client.predict(*args.values(), api_name="/class_visualize")


def test_class_visualize_endpoint_shows_every_step(client):
    filmstrip, slider, image, bars, text, curve, numbers = visualize(client)
    probabilities = np.array(numbers["probabilities"])
    assert numbers["target"] == 2 and probabilities.shape == (26, 10)
    assert probabilities[-1, 2] > probabilities[0, 2] + 0.3
    assert len(filmstrip) == 12 and "step 25" in filmstrip[-1]["caption"]
    assert text.startswith("**Step 25:** `[") and os.path.exists(image)


def test_class_visualize_from_a_drawing_and_an_mnist_digit(client, tmp_path):
    drawing = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for y in range(40, 160):
        for x in range(92, 108):
            drawing.putpixel((x, y), (0, 0, 0, 255))
    drawing.save(tmp_path / "one.png")
    numbers = visualize(client, start="drawing", upload=handle_file(str(tmp_path / "one.png")), steps=5)[-1]
    assert np.argmax(numbers["probabilities"][0]) == 1  # the drawn stroke is read as a 1 before any step
    numbers = visualize(client, start="mnist", mnist_index=0, steps=5)[-1]
    assert np.argmax(numbers["probabilities"][0]) == 7


def test_the_step_slider_shows_any_step_of_the_last_run(mnist_model):
    from deep_dream import ui

    *_, state = ui.class_visualize("4", "blank", 0, None, None, "draw", 10, 0.1, 0, 0.0, 0.0, 0)
    image, _, text = ui.show_step(state, 3)
    assert np.array_equal(np.asarray(image), np.asarray(digit_image(state["images"][3])))
    assert text.startswith("**Step 3:**") and f"{state['probabilities'][3][4]:.2f}" in text
    assert state["frames"] == list(range(11))
    with pytest.raises(Exception, match="between 0 and 10"):
        ui.show_step(state, 11)


def test_missing_cnn_weights_get_the_shared_message(monkeypatch, tmp_path):
    """The real loading path, pointed at a file that is not there: the event's boundary turns it
    into the translated message that names the file, for both digit events."""
    import gradio as gr

    from deep_dream import ui
    from shared import digit_classifier
    from shared.run_control import WeightsMissing

    monkeypatch.setattr(digit_classifier, "WEIGHTS_PATH", tmp_path / "digit_classifier.safetensors")
    digit_classifier.shipped_model.cache_clear()
    try:
        with pytest.raises(gr.Error) as visualising:
            ui.class_visualize("4", "blank", 0, None, None, "draw", 3, 0.1, 0, 0.0, 0.0, 0)
        with pytest.raises(gr.Error) as fooling:
            ui.fool_network("3", "mnist", 0, None, None, "draw", 0.5)
    finally:
        digit_classifier.shipped_model.cache_clear()
    expected = str(WeightsMissing(tmp_path / "digit_classifier.safetensors"))
    assert visualising.value.message == fooling.value.message == expected
    assert "digit_classifier.safetensors" in expected


def test_fool_endpoint(client):
    original, changed, difference, before, after, text = client.predict(
        "3", "mnist", 0, None, None, 0.5, api_name="/deep_dream_fool")
    assert before["label"] == "7" and after["label"] == "3"
    assert "after the change it reads **3**" in text
    assert all(os.path.exists(p) for p in (original, changed, difference))


@pytest.mark.parametrize("overrides, expected", [
    (dict(target="x"), "must be one of"),
    (dict(target="11"), "must be one of"),
    (dict(start="dream"), "must be one of"),
    (dict(steps=100000), "between 1 and 300"),
    (dict(steps=2.5), "whole number"),
    (dict(step_size="nan"), "finite"),
    (dict(l2=-1), "between 0 and 0.2"),
    (dict(l2=0.3), "between 0 and 0.2"),  # the slider's range, not a wider one
    (dict(step_size=0.005), "between 0.01 and 1"),
    (dict(seed=-3), "between 0 and"),
    (dict(start="drawing"), "Draw a digit"),
    (dict(start="mnist", mnist_index=10000), "between 0 and 9999"),
])
def test_class_visualize_rejects_bad_input_clearly(client, overrides, expected):
    with pytest.raises(Exception) as caught:
        visualize(client, **overrides)
    assert expected in str(caught.value) and "Traceback" not in str(caught.value)


def test_errors_are_polish_for_a_polish_browser(polish):
    with pytest.raises(Exception, match="Najpierw narysuj cyfrę"):
        visualize(polish, start="drawing")
    with pytest.raises(Exception, match="Aby oszukać sieć"):
        polish.predict("3", "noise", 0, None, None, 0.5, api_name="/deep_dream_fool")


def dream_call(client, photo, side=128, layer="inception3b"):
    return client.predict(handle_file(str(photo)), layer, 1, 1.4, 1, 0.02, 4, side, 0, api_name="/deep_dream")


def test_deep_dream_endpoint_streams_to_a_result(client):
    result, strip, text = dream_call(client, os.path.join(EXAMPLES, "coffee.jpg"), side=160)
    assert Image.open(result).size == (160, 107)
    assert len(strip) == 2 and "160×107" in text


def test_deep_dream_caps_the_size_without_a_gpu(client, tmp_path):
    """The API may ask for a GPU's size (up to 1024); a CPU dreams at its slider's end, 512."""
    Image.open(os.path.join(EXAMPLES, "coffee.jpg")).resize((768, 512)).save(tmp_path / "large.png")
    result, _, text = dream_call(client, tmp_path / "large.png", side=1024)
    assert Image.open(result).size == (512, 341) and "512×341" in text


def odd_pictures(folder):
    """RGBA, palette, grey+alpha and an EXIF-rotated JPEG (stored 160×96, shown 96×160)."""
    base = Image.open(os.path.join(EXAMPLES, "chelsea.jpg")).resize((160, 96))
    base.convert("RGBA").save(folder / "rgba.png")
    base.convert("P").save(folder / "palette.png")
    base.convert("LA").save(folder / "grey_alpha.png")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    base.save(folder / "rotated.jpg", exif=exif.tobytes())
    return {"rgba.png": (128, 77), "palette.png": (128, 77), "grey_alpha.png": (128, 77), "rotated.jpg": (77, 128)}


def test_deep_dream_accepts_odd_but_valid_pictures(client, tmp_path):
    for name, size in odd_pictures(tmp_path).items():
        result, _, _ = dream_call(client, tmp_path / name)
        assert Image.open(result).size == size, name


def test_deep_dream_rejects_bad_pictures_clearly(client, polish, tmp_path, declared_huge_png):
    Image.new("RGB", (1, 1)).save(tmp_path / "dot.png")
    (tmp_path / "text.png").write_text("this is not a picture")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, "PNG")
    (tmp_path / "truncated.png").write_bytes(buffer.getvalue()[:60])
    cases = [(tmp_path / "dot.png", "too small"), (tmp_path / "text.png", "not an image"),
             (declared_huge_png, "too large"), (tmp_path / "truncated.png", "damaged")]
    for path, expected in cases:
        with pytest.raises(Exception, match=expected):
            dream_call(client, path)
    with pytest.raises(Exception, match="za mały"):
        dream_call(polish, tmp_path / "dot.png")
    with pytest.raises(Exception, match="must be one of"):
        dream_call(client, os.path.join(EXAMPLES, "coffee.jpg"), layer="fc")
    with pytest.raises(Exception, match="between 128 and 1024"):
        dream_call(client, os.path.join(EXAMPLES, "coffee.jpg"), side=5000)
    with pytest.raises(Exception, match="between 1.2 and 1.8"):  # the slider's range, not a wider one
        client.predict(handle_file(os.path.join(EXAMPLES, "coffee.jpg")), "inception3b", 1, 2.0, 1, 0.02, 4, 128, 0,
                       api_name="/deep_dream")


def test_the_shared_classifier_still_has_gradients_after_the_cnn_tab_loaded_it_in_inference_mode():
    from shared import digit_classifier

    digit_classifier.shipped_model.cache_clear()
    with torch.inference_mode():
        digit_classifier.shipped_model()  # as the CNN tab's first prediction does
    run = cv.visualize_class(digit_classifier.shipped_model(), cv.noise_start(0), target=4, steps=3, step_size=0.1)
    assert run.images.shape == (4, 28, 28)


# ------------------------------------------------------------------ against a finite-difference gradient

def central_differences(f, x, eps=1e-6):
    """∂f/∂x for every entry of the float64 tensor ``x``, f evaluated on a batch of nudged copies."""
    flat = x.reshape(-1)
    nudges = torch.eye(flat.numel(), dtype=x.dtype) * eps
    up, down = (flat + nudges).reshape(-1, *x.shape), (flat - nudges).reshape(-1, *x.shape)
    with torch.no_grad():
        return ((f(up) - f(down)) / (2 * eps)).reshape(x.shape)


@pytest.mark.parametrize("jitter, l2_decay, blur_sigma", [(0, 0.0, 0.0), (2, 0.05, 0.0), (1, 0.02, 0.8)])
def test_a_class_visualisation_step_follows_the_finite_difference_gradient(jitter, l2_decay, blur_sigma):
    import copy

    torch.manual_seed(1)
    model = MnistCNN(conv1_channels=4, conv2_channels=8, dense_units=16).eval().requires_grad_(False)
    start = np.random.default_rng(0).uniform(0.3, 0.7, size=(28, 28)).astype(np.float32)
    step_size, target, seed = 0.1, 4, 3
    run = cv.visualize_class(model, start, target, steps=1, step_size=step_size, jitter=jitter, l2_decay=l2_decay,
                             blur_sigma=blur_sigma, seed=seed)
    # the shift the run drew: the first draw of its seeded generator
    dy, dx = (torch.randint(-jitter, jitter + 1, (2,), generator=torch.Generator().manual_seed(seed)).tolist()
              if jitter else (0, 0))
    exact = copy.deepcopy(model).double()

    def log_p(pictures):  # (N, 28, 28) → log p(target), the picture shifted as in the run
        from shared.digit_classifier import normalise

        shifted = torch.roll(pictures, shifts=(dy, dx), dims=(1, 2))
        return torch.log_softmax(exact(normalise(shifted)), dim=1)[:, target]

    gradient = central_differences(log_p, torch.as_tensor(start, dtype=torch.float64))
    expected = (torch.as_tensor(start, dtype=torch.float64) + step_size * gradient / gradient.abs().max()) \
        * (1 - l2_decay)
    if blur_sigma:  # then the blur (scipy's, as the blur test above checks it), then the clamp
        from scipy.ndimage import gaussian_filter

        radius = max(1, int(np.ceil(3 * blur_sigma)))
        expected = torch.as_tensor(gaussian_filter(expected.numpy(), blur_sigma, mode="mirror", radius=radius))
    expected = expected.clamp(0, 1)
    assert float((expected - torch.as_tensor(start, dtype=torch.float64)).abs().max()) > 0.05
    np.testing.assert_allclose(run.images[1], expected.numpy(), atol=2e-5)


@pytest.mark.parametrize("jitter", [0, 3])
def test_a_deep_dream_step_follows_the_finite_difference_gradient(googlenet, jitter):
    import copy

    from deep_dream.dream import _ascent_step

    exact = copy.deepcopy(googlenet).double()
    layer, step_size, seed = "inception3b", 0.01, 5
    pixels = torch.as_tensor(np.random.default_rng(2).uniform(0.3, 0.7, size=(1, 3, 12, 12)))
    moved, objective = _ascent_step(exact, pixels, layer, step_size, jitter, torch.Generator().manual_seed(seed))
    dy, dx = (torch.randint(-jitter, jitter + 1, (2,), generator=torch.Generator().manual_seed(seed)).tolist()
              if jitter else (0, 0))

    class Caught(Exception):
        pass

    def catch(module, args, out):
        raise Caught(out)

    def mean_square(pictures):  # the layer's output, caught by a hook while the network runs (and ended there)
        hook = getattr(exact, layer).register_forward_hook(catch)
        try:
            exact((torch.roll(pictures.reshape(-1, 3, 12, 12), shifts=(dy, dx), dims=(2, 3)) - 0.5) / 0.5)
        except Caught as caught:
            return caught.args[0].pow(2).flatten(1).mean(1)
        finally:
            hook.remove()
        raise AssertionError(f"{layer} never ran")

    gradient = central_differences(mean_square, pixels[0])[None]
    expected = (pixels + step_size * gradient / gradient.abs().mean()).clamp(0, 1)
    assert objective == pytest.approx(float(mean_square(pixels)), rel=1e-9)
    assert float((expected - pixels).abs().max()) > 0.005
    torch.testing.assert_close(moved, expected, atol=1e-6, rtol=0)
