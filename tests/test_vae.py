"""VAE tab: shapes and ranges, the shipped models' −ELBO, reproducibility, the endpoints and bad input."""

import json

import httpx
import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

import vae
from shared import i18n
from shared.mnist import load_mnist
from vae import checkpoint, latent, live
from vae.evaluate import mean_negative_elbo, samples

i18n.register(vae.TEXTS)
DEMOS = ["autoencoder", "vae", "gan"]
EXAMPLES = checkpoint.WEIGHTS_DIR.parent / "examples"


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


def test_live_training_is_bounded_and_improves(test_digits):
    train_images, _ = load_mnist("train")
    snapshots = [(s.step, s.test_loss, s.done) for s in live.train_live(train_images, test_digits[0], 2, seconds=1.5)]
    assert snapshots[-1][2] and snapshots[-1][0] > 0 and snapshots[-1][1] < snapshots[0][1]


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
    seven, two = (handle_file(str(EXAMPLES / name)) for name in ("mnist_test_0000_digit_7.png", "mnist_test_0001_digit_2.png"))
    assert len(client.predict(seven, 1.0, 5, 3, api_name="/vae_similar")) == 5
    assert Image.open(client.predict(seven, two, 6, api_name="/vae_interpolate")).size == (6 * 28, 28)
    assert len(client.predict(32, 4, 9, api_name="/vae_sample")) == 4
    for args, expected in (((seven, 9.0, 5, 3), "between 0 and 5"), ((seven, 1.0, 500, 3), "between 1 and 64"),
                           ((seven, 1.0, 5, -4), "between 0 and")):
        with pytest.raises(Exception, match=expected):
            client.predict(*args, api_name="/vae_similar")
    with pytest.raises(Exception, match="2 or 32"):
        client.predict(7, 4, 9, api_name="/vae_sample")
