"""VAE tab: shapes and ranges, the shipped models' −ELBO, reproducibility, the page's events,
the endpoints and bad input."""

import json

import gradio as gr
import httpx
import numpy as np
import pytest
import torch
from conftest import register_texts
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

from shared import digit_pictures, i18n
from shared.digit_input import digit_from_upload
from shared.errors import LabError
from shared.mnist import load_mnist
from shared.mnist_training import file_sha256
from shared.run_control import WeightsMissing
from vae import checkpoint, latent, live
from vae.evaluate import mean_negative_elbo, samples

register_texts("vae")
DEMOS = ["autoencoder", "vae", "gan"]
EXAMPLES = checkpoint.WEIGHTS_DIR.parent / "examples"
SEVEN, TWO = EXAMPLES / "mnist_test_0000_digit_7.png", EXAMPLES / "mnist_test_0001_digit_2.png"


@pytest.fixture(scope="module")
def test_digits():
    images, labels = load_mnist("test")
    return images[:1000], labels[:1000]


def test_shipped_models_meet_their_metrics_on_a_test_subset(test_digits):
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["models"]
    measured = {name: mean_negative_elbo(checkpoint.shipped_model(name), test_digits[0])["negative_elbo"]
                for name in checkpoint.LATENT_DIMS}
    for name, nats in measured.items():
        assert nats == pytest.approx(recorded[name]["test_negative_elbo"], abs=4.0)
    assert recorded[checkpoint.QUALITY_MODEL]["test_negative_elbo"] <= 100.0  # the target
    assert measured[checkpoint.QUALITY_MODEL] < measured[checkpoint.MAP_MODEL] < 160


def test_metrics_name_the_shipped_files_by_their_sha256():
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["models"]
    for name in checkpoint.LATENT_DIMS:
        assert recorded[name]["weights_file"] == checkpoint.weights_path(name).name
        assert recorded[name]["weights_sha256"] == file_sha256(checkpoint.weights_path(name))


def test_each_latent_size_names_its_model():
    assert {checkpoint.model_with(dims): dims for dims in (2, 32)} == checkpoint.LATENT_DIMS
    with pytest.raises(KeyError):
        checkpoint.model_with(8)


def test_decode_encode_shapes_and_ranges(test_digits):
    digit = test_digits[0][0].astype(np.float32) / 255
    for name, dims in checkpoint.LATENT_DIMS.items():
        mean, std = latent.encode(digit, name)
        assert mean.shape == std.shape == (dims,) and np.all(std > 0)
        pictures = latent.decode(np.zeros((3, dims)), name)
        assert pictures.shape == (3, 28, 28) and pictures.dtype == np.float32
        assert 0 <= pictures.min() and pictures.max() <= 1


def test_generation_is_reproducible_from_a_seed_and_spread_zero_is_the_reconstruction(test_digits):
    digit = test_digits[0][1].astype(np.float32) / 255
    first, again, other = (latent.similar(digit, 1.0, 6, seed) for seed in (5, 5, 6))
    assert np.array_equal(first, again) and not np.allclose(first, other)
    still = latent.similar(digit, 0.0, 4, 5)
    assert np.allclose(still, still[0][None])
    assert np.array_equal(latent.prior_samples(checkpoint.QUALITY_MODEL, 8, 1),
                          latent.prior_samples(checkpoint.QUALITY_MODEL, 8, 1))
    strip = latent.interpolate(digit, test_digits[0][2].astype(np.float32) / 255, 7)
    assert strip.shape == (7, 28, 28)
    assert np.allclose(strip[0], latent.decode(latent.encode(digit, checkpoint.QUALITY_MODEL)[0][None],
                                               checkpoint.QUALITY_MODEL)[0], atol=1e-5)


def test_samples_hook_for_shared_evaluate():
    generated = samples(50, seed=3)
    assert set(generated) == {"vae_2d", "vae_32d"}
    for images in generated.values():
        assert images.shape == (50, 28, 28) and images.dtype == np.float32
        assert 0 <= images.min() and images.max() <= 1
    assert np.allclose(samples(5, seed=3)["vae_32d"], generated["vae_32d"][:5], atol=1e-5)  # fewer = a prefix


def test_the_map_turns_clicks_into_latent_points():
    assert latent.map_to_latent(0, 0) == (-latent.MAP_SPAN, latent.MAP_SPAN)
    assert latent.map_to_latent(latent.MAP_SIDE - 1, latent.MAP_SIDE - 1) == (latent.MAP_SPAN, -latent.MAP_SPAN)
    assert latent.map_to_latent(5000, -10) == (latent.MAP_SPAN, latent.MAP_SPAN)  # clicks on the legend clamp
    picture = latent.latent_map(np.array([0.5, -0.5]))
    assert picture.size == (latent.MAP_SIDE, latent.MAP_SIDE + 26)


def test_encode_gives_the_encoders_mean_and_sigma_for_a_digit_of_any_float_type(test_digits):
    import torch

    digit = test_digits[0][3] / 255  # float64, as numpy makes it
    for name in checkpoint.LATENT_DIMS:
        mean, std = latent.encode(digit, name)
        with torch.inference_mode():
            ref_mean, ref_log_variance = checkpoint.shipped_model(name).encode(
                torch.tensor(digit, dtype=torch.float32)[None])
        assert np.allclose(mean, ref_mean[0].numpy(), atol=1e-6)
        assert np.allclose(std ** 2, np.exp(ref_log_variance[0].numpy()), rtol=1e-5)  # σ² is the variance


def test_similar_digits_decode_mean_plus_spread_sigma_epsilon(test_digits):
    digit = test_digits[0][4].astype(np.float32) / 255
    mean, std = latent.encode(digit, checkpoint.QUALITY_MODEL)
    epsilon = np.random.default_rng(9).standard_normal((3, mean.size), dtype=np.float32)
    expected = latent.decode(mean + 1.7 * std * epsilon, checkpoint.QUALITY_MODEL)
    assert np.allclose(latent.similar(digit, 1.7, 3, 9), expected, atol=1e-5)


def test_interpolation_runs_evenly_from_one_digits_mean_to_the_others(test_digits):
    a, b = (test_digits[0][i].astype(np.float32) / 255 for i in (5, 6))
    mean_a, mean_b = (latent.encode(d, checkpoint.QUALITY_MODEL)[0] for d in (a, b))
    strip = latent.interpolate(a, b, 5)
    expected = latent.decode(np.stack([mean_a + t * (mean_b - mean_a) for t in (0, 0.25, 0.5, 0.75, 1)]),
                             checkpoint.QUALITY_MODEL)
    assert np.allclose(strip, expected, atol=1e-5)


@pytest.mark.parametrize("x, y", [(150, 450), (100, 37), (598.4, 3.3)])
def test_a_click_is_the_linear_map_of_the_pixel_rounded_to_two_decimals(x, y):
    side, span = latent.MAP_SIDE, latent.MAP_SPAN
    z1, z2 = latent.map_to_latent(x, y)
    assert (z1, z2) == (round(z1, 2), round(z2, 2))
    assert abs(z1 - (-span + 2 * span * x / (side - 1))) <= 0.005
    assert abs(z2 - (span - 2 * span * y / (side - 1))) <= 0.005


def test_clicks_beyond_the_bottom_left_corner_clamp_to_it():
    assert latent.map_to_latent(-4, 5000) == (-latent.MAP_SPAN, -latent.MAP_SPAN)


def test_the_map_is_the_decoded_plane_with_the_test_digits_and_the_marker_drawn_on_it():
    side = latent.MAP_SIDE
    bare = np.asarray(latent.latent_map(show_points=False))
    plane = np.asarray(latent.map_background().convert("RGB").resize((side, side), Image.Resampling.NEAREST))
    assert np.array_equal(bare[:side], plane)  # nothing drawn over the decoded digits
    assert not np.array_equal(np.asarray(latent.latent_map()), bare)  # the test digits' dots, by default
    marked = np.asarray(latent.latent_map(np.array([0.0, 0.0]), show_points=False))
    centre = (side - 1) // 2
    assert tuple(marked[centre, centre]) == (255, 255, 255) and not np.array_equal(marked, bare)


@pytest.mark.parametrize("values, expected", [
    ([0.5, -1.0], "vae_2d"),
    ((0.1,) * 32, "vae_32d"),
])
def test_a_latent_point_picks_the_model_of_its_size(values, expected):
    point, name = latent.checked_point(values)
    assert name == expected and point.shape == (len(values),)


@pytest.mark.parametrize("values, expected", [
    ([1.0], "A latent point has 2 numbers (the map's VAE) or 32 (the larger VAE), not 1."),
    ([11.0, 0.0], "“latent point” must be between -10 and 10 (got 11)."),
    ([float("nan"), 0.0], "“latent point” must be a finite number (not NaN or infinity)."),
    (["x", 1], "“latent point” must be a number."),
    ([[1.0, 2.0]], "“latent point” must be a number."),
    ("0.5, 1", "“latent point” must be a number."),
])
def test_a_bad_latent_point_is_refused_with_a_reason(values, expected):
    with pytest.raises(LabError) as raised:
        latent.checked_point(values)
    assert str(raised.value) == expected


def test_live_training_on_mnist_is_bounded_and_improves(test_digits):
    """The tab's run: MNIST's training digits, measured on the first test digits."""
    snapshots = [(s.step, s.test_loss, s.done, s.elapsed) for s in live.train_on_mnist(2, seconds=1.5)]
    assert snapshots[-1][2] and snapshots[-1][0] > 0 and snapshots[-1][1] < snapshots[0][1]
    assert 1.5 <= snapshots[-1][3] < 3.0
    train_images, _ = load_mnist("train")
    direct = next(live.train_live(train_images, test_digits[0], 2, seconds=1.5, seed=0))
    assert snapshots[0][1] == pytest.approx(direct.test_loss, rel=1e-6)  # the same seeded start, the same test digits


def test_the_live_run_starts_from_a_seeded_small_vae_and_shows_its_untrained_drawings(test_digits):
    """The first snapshot, before any step, is the seeded (256, 128) VAE: its −ELBO on the first
    500 test digits with a generator of the seed, its reconstructions, and the prior's noise drawn
    first from the batches' generator of the seed."""
    from vae.model import VAE, negative_elbo

    test_images = test_digits[0]
    train_images = test_images[:100]  # no step is taken before the first snapshot
    first = next(live.train_live(train_images, test_images, 3, seconds=1.0, seed=7))
    torch.manual_seed(7)
    model = VAE(3, (256, 128)).eval()
    test = torch.tensor(test_images[:500]).float() / 255
    with torch.no_grad():
        logits, mean, log_variance = model(test, torch.Generator().manual_seed(7))
        reconstruction, kl = negative_elbo(logits, test, mean, log_variance)
        drawn = model.decode(torch.randn(8, 3, generator=torch.Generator().manual_seed(7)))
    assert first.step == 0 and first.test_loss == pytest.approx(float((reconstruction + kl).mean()), rel=1e-5)
    assert first.preview.shape == (2, 8, 28, 28)
    np.testing.assert_allclose(first.preview[0], torch.sigmoid(logits[:8]).reshape(-1, 28, 28).numpy(), atol=1e-6)
    np.testing.assert_allclose(first.preview[1], drawn.numpy(), atol=1e-6)


# --- the page's events, called as Gradio calls them ---

def drawn_one() -> dict:
    canvas = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line((200, 60, 200, 340), fill=(0, 0, 0, 255), width=28)
    return {"composite": canvas, "background": None, "layers": []}


def test_a_drawn_digit_gets_its_region_its_similar_digits_and_a_morph():
    from vae import ui

    hint, seen, region, digit = ui.take_sketch(drawn_one())
    assert hint == "" and seen.size == (28 * 8, 28 * 8) and digit.shape == (28, 28)
    mean, std = latent.encode(digit, checkpoint.MAP_MODEL)
    assert region == i18n.message("vae.your_region", z1=f"{mean[0]:.2f}", z2=f"{mean[1]:.2f}", s1=f"{std[0]:.2f}",
                                  s2=f"{std[1]:.2f}")
    second = digit_from_upload(str(TWO))
    plane, similar, strip = ui.refresh_for_digit(digit, second, 1.0, 0, 5, 0.0, 0.0)
    assert plane.size == (latent.MAP_SIDE, latent.MAP_SIDE + 26)
    assert len(similar) == ui.SIMILAR_SHOWN and similar[0].size == (28 * ui.GALLERY_SCALE,) * 2
    assert strip.size == digit_pictures.grid_image(np.zeros((5, 28, 28)), columns=5, scale=3).size
    assert ui.take_sketch({"composite": Image.new("RGBA", (400, 400), (0, 0, 0, 0))}) == (
        i18n.message("vae.hint.empty"), None, "", None)


def test_without_a_digit_the_map_marks_the_sliders_point_and_the_rest_stays_empty():
    from vae import ui

    plane, similar, strip = ui.refresh_for_digit(None, None, 1.0, 0, 5, 1.5, -2.0)
    assert np.array_equal(np.asarray(plane), np.asarray(latent.latent_map(np.array([1.5, -2.0]))))
    assert similar is None and strip is None


def test_the_page_opens_with_the_map_and_its_centre_decoded():
    from vae import ui

    how, second, first_map, first_digit = ui.page_opened()
    assert "−ELBO" in how and "2 numbers" in how and "32 numbers" in how
    assert second.shape == (28, 28) and first_map.size == (latent.MAP_SIDE, latent.MAP_SIDE + 26)
    assert first_digit.size == (28 * 8, 28 * 8)


def test_missing_weights_open_an_empty_map_and_events_name_the_file(monkeypatch, tmp_path):
    from vae import ui

    monkeypatch.setattr(checkpoint, "weights_path", lambda name: tmp_path / f"{name}.safetensors")
    checkpoint.shipped_model.cache_clear()
    latent.map_background.cache_clear()
    latent.test_encodings.cache_clear()
    try:
        how, second, first_map, first_digit = ui.page_opened()
        assert (first_map, first_digit) == (None, None) and how and second is not None
        with pytest.raises(gr.Error) as raised:
            ui.decode_point(0.0, 0.0)
    finally:
        checkpoint.shipped_model.cache_clear()
        latent.map_background.cache_clear()
        latent.test_encodings.cache_clear()
    assert raised.value.message == str(WeightsMissing(tmp_path / "vae_2d.safetensors"))


def test_the_sliders_refuse_what_they_do_not_offer():
    from vae import ui

    with pytest.raises(gr.Error, match="between -3 and 3"):
        ui.decode_point(3.5, 0.0)
    with pytest.raises(gr.Error, match="“number of steps” must be between 2 and 24"):
        ui.morph(np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32), 25)
    with pytest.raises(gr.Error, match="“latent size” must be one of: 2, 32"):
        ui.sample_prior(8, 4, 0)
    assert len(ui.sample_prior("2", 4, 0)) == 4  # a choice may arrive as its text


# --- the endpoints ---

def test_vae_decode_endpoint(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    for point in ([0.5, -1.0], [0.1] * 32):
        path = client.predict(point, api_name="/vae_decode")
        assert Image.open(path).size == (28, 28)
    expected = (latent.decode(np.array([[0.5, -1.0]]), checkpoint.MAP_MODEL)[0] * 255).round()
    got = np.asarray(Image.open(client.predict([0.5, -1.0], api_name="/vae_decode")).convert("L"), dtype=np.float64)
    assert np.abs(got - expected).max() <= 1


@pytest.mark.parametrize("point, language, expected", [
    ([1.0], "en", "A latent point has 2 numbers"),
    ([1e6, 0.0], "en", "must be between -10 and 10"),
    ([1e6, 0.0], "pl", "musi mieścić się między -10 a 10"),
    (["x", 1], "en", "must be a number"),
    ([[1.0, 2.0]], "en", "must be a number"),
])
def test_vae_decode_refuses_bad_points(serve_app, point, language, expected):
    client = Client(serve_app(DEMOS), headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception, match=expected):
        client.predict(point, api_name="/vae_decode")


def test_vae_decode_refuses_nan_sent_over_raw_http(serve_app):
    base = serve_app(DEMOS)
    posted = httpx.post(base + "gradio_api/call/vae_decode", content='{"data": [[NaN, 0.0]]}',
                        headers={"Content-Type": "application/json"})
    assert posted.status_code == 200
    stream = httpx.get(base + f"gradio_api/call/vae_decode/{posted.json()['event_id']}", timeout=30).text
    assert "event: error" in stream and "finite" in stream and "Traceback" not in stream


def test_vae_similar_interpolate_and_sample_endpoints(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    seven, two = handle_file(str(SEVEN)), handle_file(str(TWO))
    similar = client.predict(seven, 1.0, 5, 3, api_name="/vae_similar")
    assert len(similar) == 5 and Image.open(similar[0]["image"]).size == (112, 112)
    expected = latent.similar(digit_from_upload(str(SEVEN)), 1.0, 5, 3)
    got = np.asarray(Image.open(similar[0]["image"]).convert("L"), dtype=np.float64)[::4, ::4]
    assert np.abs(got - expected[0] * 255).max() <= 1
    assert Image.open(client.predict(seven, two, 6, api_name="/vae_interpolate")).size == (6 * 28, 28)
    assert len(client.predict(32, 4, 9, api_name="/vae_sample")) == 4
    assert len(client.predict("2", 3, 9, api_name="/vae_sample")) == 3
    for args, expected in (((seven, 9.0, 5, 3), "between 0 and 5"), ((seven, 1.0, 500, 3), "between 1 and 64"),
                           ((seven, 1.0, 5, -4), "between 0 and")):
        with pytest.raises(Exception, match=expected):
            client.predict(*args, api_name="/vae_similar")
    with pytest.raises(Exception, match="“latent size” must be one of: 2, 32"):
        client.predict(7, 4, 9, api_name="/vae_sample")
    with pytest.raises(Exception, match="between 2 and 24"):
        client.predict(seven, two, 30, api_name="/vae_interpolate")


def test_the_endpoints_document_defaults_they_accept(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    endpoints = client.view_api(return_format="dict")["named_endpoints"]
    documented = {name: [(p["parameter_name"], p.get("parameter_default")) for p in endpoints[name]["parameters"]]
                  for name in ("/vae_decode", "/vae_sample", "/vae_similar", "/vae_interpolate")}
    assert documented == {
        "/vae_decode": [("point", None)],
        "/vae_sample": [("latent_size", 32), ("count", 16), ("seed", 0)],
        "/vae_similar": [("image", None), ("spread", 1.0), ("count", 16), ("seed", 0)],
        "/vae_interpolate": [("image_a", None), ("image_b", None), ("steps", 10)],
    }
    assert len(client.predict(api_name="/vae_sample")) == 16
    assert len(client.predict(handle_file(str(SEVEN)), api_name="/vae_similar")) == 16
    strip = client.predict(handle_file(str(SEVEN)), handle_file(str(TWO)), api_name="/vae_interpolate")
    assert Image.open(strip).size == (10 * 28, 28)
