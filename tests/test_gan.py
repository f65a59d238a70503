"""GAN tab: reproducibility, ranges, the shipped GAN's quality, the training story, the endpoints and bad input."""

import json

import numpy as np
import pytest
from gradio_client import Client

import gan
from gan import checkpoint, explore, live
from gan.evaluate import samples
from gan.quality import frechet_distance, sample_quality
from shared import i18n
from shared.mnist import load_mnist

i18n.register(gan.TEXTS)
DEMOS = ["autoencoder", "vae", "gan"]


def test_a_seed_gives_the_same_digits_and_another_seed_other_ones():
    images, digits, probabilities = explore.generate_grid(11, 12, -1)
    again = explore.generate_grid(11, 12, -1)
    other = explore.generate_grid(12, 12, -1)
    assert np.array_equal(images, again[0]) and np.array_equal(digits, again[1])
    assert not np.allclose(images, other[0])
    assert images.shape == (12, 28, 28) and images.dtype == np.float32 and 0 <= images.min() and images.max() <= 1
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    assert np.all(explore.generate_grid(11, 5, 7)[1] == 7)
    assert np.allclose(explore.generate_grid(11, 3, -1)[0], images[:3], atol=1e-5)  # a prefix: count does not reshuffle


def test_the_walk_starts_and_ends_at_the_two_seeds():
    strip = explore.walk(1, 3, 2, 8, 6)
    assert strip.shape == (6, 28, 28)
    assert np.allclose(strip[0], explore.generate_grid(1, 1, 3)[0][0], atol=1e-5)
    assert np.allclose(strip[-1], explore.generate_grid(2, 1, 8)[0][0], atol=1e-5)


def test_frechet_distance_is_zero_for_equal_sets_and_grows_with_a_shift():
    features = np.random.default_rng(0).normal(size=(500, 8))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(features, features + 1.0) == pytest.approx(8.0, rel=0.05)


def test_shipped_gan_meets_its_metrics_on_a_test_subset():
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())
    test_images, _ = load_mnist("test")
    measured = sample_quality(samples(2000, seed=1)["gan"], test_images[:2000])
    assert all(0.05 <= share <= 0.15 for share in measured["class_shares"])
    assert measured["mean_top_probability"] >= 0.85
    assert measured["frechet_distance_cnn"] <= 1.5 * recorded["frechet_distance_cnn"] + 1.0
    assert all(0.05 <= share <= 0.15 for share in recorded["class_shares"])


def test_the_discriminator_prefers_real_digits():
    real, generated = explore.probability_samples(300, 0)
    assert real.shape == generated.shape == (300,)
    assert real.mean() > generated.mean()


def test_the_training_story_is_a_series_of_snapshots():
    story = explore.story()
    steps, images = story["steps"], story["images"]
    assert images.dtype == np.uint8 and images.shape[1:] == (40, 28, 28) and len(steps) == len(images) >= 10
    assert steps[0] == 0 and np.all(np.diff(steps) > 0)
    assert images[0].std() < images[-1].std()  # from grey fog to strokes
    history = explore.loss_history()
    assert len(history["step"]) > 10 and np.all(np.isfinite(history["generator_loss"]))


def test_live_training_is_bounded_and_draws_the_fixed_noise():
    train_images, train_labels = load_mnist("train")
    snapshots = [(s.step, s.done, len(s.losses), s.preview.shape) for s in live.train_live(train_images, train_labels, 1.5)]
    assert snapshots[-1][1] and snapshots[-1][0] > 0 and snapshots[-1][2] >= 1
    assert snapshots[-1][3] == (live.PREVIEW_ROWS * 10, 28, 28)


def test_gan_generate_endpoint_is_reproducible(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    first = client.predict(7, 4, api_name="/gan_generate")
    again = client.predict(7, 4, -1, api_name="/gan_generate")
    assert len(first) == 4 and [g["caption"] for g in first] == [g["caption"] for g in again]
    fives = client.predict(7, 3, 5, api_name="/gan_generate")
    assert all(g["caption"].startswith("5 ·") for g in fives)
    from PIL import Image

    assert np.array_equal(np.asarray(Image.open(first[0]["image"])), np.asarray(Image.open(again[0]["image"])))


@pytest.mark.parametrize("args, language, expected", [
    ((-1, 4), "en", "“seed” must be between 0 and"),
    ((2**40, 4), "en", "“seed” must be between 0 and"),
    ((1.5, 4), "en", "“seed” must be a whole number"),
    ((1, 0), "en", "must be between 1 and 64"),
    ((1, 1000), "pl", "„liczba cyfr” musi mieścić się między 1 a 64"),
    ((1, 4, 12), "en", "The digit must be a whole number from 0 to 9"),
])
def test_gan_generate_refuses_bad_seeds_counts_and_digits(serve_app, args, language, expected):
    client = Client(serve_app(DEMOS), headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception, match=expected):
        client.predict(*args, api_name="/gan_generate")
