"""GAN tab: reproducibility, ranges, the shipped GAN's quality, the training story, the page's
events, the endpoints and bad input."""

import json

import gradio as gr
import numpy as np
import pytest
from conftest import register_texts
from gradio_client import Client
from PIL import Image

from gan import checkpoint, explore, live
from gan.evaluate import samples
from gan.quality import frechet_distance, sample_quality
from shared import digit_pictures, i18n
from shared.mnist import load_mnist
from shared.mnist_training import file_sha256
from shared.run_control import WeightsMissing

register_texts("gan")
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


def reference_frechet(features_a, features_b, nudge=0.0):
    """The Fréchet distance written out independently: covariances by hand, and Tr((Σa Σb)^½) as
    the sum of the square roots of the eigenvalues of Σa^½ Σb Σa^½ (symmetric, so eigh); ``nudge``
    is added to both diagonals inside that square root only, as pytorch-fid does."""
    def covariance(features):
        centred = features - features.mean(0)
        return centred.T @ centred / (len(features) - 1)

    cov_a, cov_b = covariance(features_a), covariance(features_b)
    offset = nudge * np.eye(len(cov_a))
    values, vectors = np.linalg.eigh(cov_a + offset)
    root_a = vectors @ np.diag(np.sqrt(values.clip(0))) @ vectors.T
    trace_root = np.sqrt(np.linalg.eigvalsh(root_a @ (cov_b + offset) @ root_a).clip(0)).sum()
    mean_gap = ((features_a.mean(0) - features_b.mean(0)) ** 2).sum()
    return mean_gap + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root


def test_frechet_distance_equals_the_formula_written_out_for_unequal_sets():
    rng = np.random.default_rng(3)
    features_a = rng.normal(size=(400, 6)) @ rng.normal(size=(6, 6)) + 0.5
    features_b = rng.normal(size=(250, 6)) * np.arange(1, 7) - 1.0
    expected = reference_frechet(features_a, features_b)
    assert expected > 1.0
    assert frechet_distance(features_a, features_b) == pytest.approx(expected, rel=1e-9)
    assert frechet_distance(features_b, features_a) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_nudges_both_covariances_where_the_square_root_fails(monkeypatch):
    """Where sqrtm of the product comes back non-finite, both diagonals get 1e-6, as
    pytorch-fid's calculate_frechet_distance does (its eps)."""
    from scipy import linalg

    real_sqrtm, calls = linalg.sqrtm, []

    def failing_once(matrix, *args, **kwargs):
        calls.append(matrix)
        if len(calls) == 1:
            return np.full_like(matrix, np.nan), np.inf
        return real_sqrtm(matrix, *args, **kwargs)

    monkeypatch.setattr(linalg, "sqrtm", failing_once)
    rng = np.random.default_rng(4)
    features_a, features_b = rng.normal(size=(300, 5)), rng.normal(size=(200, 5)) * 2 + 1
    got = frechet_distance(features_a, features_b)
    assert len(calls) == 2
    nudged, plain = reference_frechet(features_a, features_b, nudge=1e-6), reference_frechet(features_a, features_b)
    assert abs(nudged - plain) > 1e-6  # the nudge is visible at the tolerance below
    assert got == pytest.approx(nudged, abs=1e-9)


def test_sample_quality_is_the_classifiers_view_of_the_generated_digits():
    """The numbers of sample_quality against the shipped classifier run directly on the same digits."""
    import torch

    from shared.digit_classifier import normalise, shipped_model

    test_images, _ = load_mnist("test")
    # real digits stand in for generated ones; 313 of them give shares with a fifth decimal
    generated = test_images[:313].astype(np.float64) / 255
    reference = test_images[313:713]
    with torch.inference_mode():
        layers = [shipped_model().layers(normalise(torch.tensor(images, dtype=torch.float32) / 255))
                  for images in (test_images[:313], reference)]
    probabilities = torch.softmax(layers[0]["logits"].double(), dim=1).numpy()
    shares = np.array([(probabilities.argmax(1) == digit).mean() for digit in range(10)])
    features = [layer["dense"].double().numpy() for layer in layers]
    measured = sample_quality(generated, reference)
    assert measured["samples"] == 313 and len(measured["class_shares"]) == 10
    assert measured["class_shares"] == pytest.approx(shares, abs=5e-5)
    assert measured["min_class_share"] == pytest.approx(shares.min(), abs=5e-5) and shares.min() < shares.max()
    assert measured["max_class_share"] == pytest.approx(shares.max(), abs=5e-5)
    assert measured["mean_top_probability"] == pytest.approx(probabilities.max(1).mean(), abs=5e-5)
    assert measured["frechet_distance_cnn"] == pytest.approx(reference_frechet(*features), abs=5e-4)
    assert measured == json.loads(json.dumps(measured))  # plain numbers, as metrics.json stores them
    # rounded as metrics.json records them: the distance to 3 decimals, shares and probability to 4
    assert measured["frechet_distance_cnn"] == round(measured["frechet_distance_cnn"], 3)
    fourths = [*measured["class_shares"], measured["min_class_share"], measured["max_class_share"],
               measured["mean_top_probability"]]
    assert all(value == round(value, 4) for value in fourths)
    assert all(value != round(value, 3) for value in fourths[-3:])  # four decimals, not three


def test_sample_quality_shows_a_forgotten_digit_as_a_zero_share():
    """Mode collapse: generated digits that are all 0s to 4s still get ten shares, five of them 0."""
    test_images, test_labels = load_mnist("test")
    low_digits = test_images[:400][test_labels[:400] < 5]
    shares = sample_quality(low_digits / 255, test_images[400:600])["class_shares"]
    assert len(shares) == 10 and shares[5:] == [0.0] * 5 and sum(shares) == pytest.approx(1.0, abs=1e-3)


def test_shipped_gan_meets_its_metrics_on_a_test_subset():
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())
    test_images, _ = load_mnist("test")
    measured = sample_quality(samples(2000, seed=1)["gan"], test_images[:2000])
    assert all(0.05 <= share <= 0.15 for share in measured["class_shares"])
    assert measured["mean_top_probability"] >= 0.85
    assert measured["frechet_distance_cnn"] <= 1.5 * recorded["frechet_distance_cnn"] + 1.0
    assert all(0.05 <= share <= 0.15 for share in recorded["class_shares"])


def test_metrics_name_the_shipped_files_by_their_sha256():
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["weights_files"]
    shipped = (checkpoint.GENERATOR_PATH, checkpoint.DISCRIMINATOR_PATH, checkpoint.STORY_PATH)
    assert recorded == {path.name: file_sha256(path) for path in shipped}


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
    snapshots = [(s.step, s.done, len(s.losses), s.preview.shape)
                 for s in live.train_live(train_images, train_labels, 1.5)]
    assert snapshots[-1][1] and snapshots[-1][0] > 0 and snapshots[-1][2] >= 1
    assert snapshots[-1][3] == (live.PREVIEW_ROWS * 10, 28, 28)


# --- the page's events, called as Gradio calls them ---

def test_the_page_opens_on_the_last_frame_of_the_story():
    from gan import ui

    grid, seed_used, strip, real, histogram, story_text, slider, step_text, story_image, curves, how = \
        ui.page_opened(2024, 16, -1, 1, 3, 2, 8, 10)
    last = len(explore.story()["steps"]) - 1
    assert len(grid) == 16 and seed_used == i18n.message("gan.seed_used", seed=2024)
    assert len(real) == ui.REAL_SHOWN and histogram is not None and curves is not None and "Fréchet" in how
    assert slider.maximum == last and slider.value == last and last < ui.MOST_SNAPSHOTS
    assert story_text == i18n.message("gan.story.explain", snapshots=last + 1)
    assert step_text == ui.story_frame(last)[0]
    assert strip.size == digit_pictures.grid_image(np.zeros((10, 28, 28)), columns=10, scale=3).size


def test_the_story_slider_stops_at_the_last_snapshot():
    from gan import ui

    last = len(explore.story()["steps"]) - 1
    assert ui.story_frame(0)[0].startswith("Training step **0** of")
    with pytest.raises(gr.Error, match=f"“snapshot” must be between 0 and {last} \\(got {last + 1}\\)"):
        ui.story_frame(last + 1)


def test_missing_weights_open_the_tab_empty_with_the_shared_message(monkeypatch, tmp_path):
    from gan import ui

    missing = tmp_path / "gan_story.safetensors"
    monkeypatch.setattr(checkpoint, "STORY_PATH", missing)
    checkpoint.shipped_story.cache_clear()
    try:
        opened = ui.page_opened(2024, 16, -1, 1, 3, 2, 8, 10)
        with pytest.raises(gr.Error) as raised:
            ui.story_frame(0)
    finally:
        checkpoint.shipped_story.cache_clear()
    message = str(WeightsMissing(missing))
    assert opened[1] == opened[-1] == message and "gan_story.safetensors" in message
    assert opened[0] is None and raised.value.message == message


def test_the_page_checks_what_it_is_sent():
    from gan import ui

    assert len(ui.generate(5, 3, "7")[0]) == 3  # a dropdown's choice may arrive as its text
    with pytest.raises(gr.Error, match="“digit” must be one of: -1, 0, 1"):
        ui.generate(5, 3, 10)
    with pytest.raises(gr.Error, match="“Digit A” must be one of: 0, 1"):
        ui.walk(1, -1, 2, 8, 6)
    with pytest.raises(gr.Error, match="“number of steps” must be between 2 and 24"):
        ui.walk(1, 3, 2, 8, 25)


# --- the endpoints ---

def test_gan_generate_endpoint_is_reproducible(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    first = client.predict(7, 4, api_name="/gan_generate")
    again = client.predict(7, 4, -1, api_name="/gan_generate")
    assert len(first) == 4 and [g["caption"] for g in first] == [g["caption"] for g in again]
    fives = client.predict(7, 3, 5, api_name="/gan_generate")
    assert all(g["caption"].startswith("5 ·") for g in fives)
    assert np.array_equal(np.asarray(Image.open(first[0]["image"])), np.asarray(Image.open(again[0]["image"])))
    images, digits, probabilities = explore.generate_grid(7, 4, -1)
    assert [g["caption"] for g in first] == [f"{d} · D = {p:.2f}" for d, p in zip(digits, probabilities, strict=True)]
    got = np.asarray(Image.open(first[0]["image"]).convert("L"), dtype=np.float64)[::4, ::4]
    assert np.abs(got - images[0] * 255).max() <= 1


def test_gan_generate_documents_its_defaults_and_accepts_them(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    endpoints = client.view_api(return_format="dict")["named_endpoints"]
    documented = {name: [(p["parameter_name"], p["parameter_default"]) for p in endpoints[name]["parameters"]]
                  for name in ("/gan_generate", "/gan_walk")}
    assert documented == {
        "/gan_generate": [("seed", 2024), ("count", 16), ("digit", -1)],
        "/gan_walk": [("seed_a", 1), ("digit_a", 3), ("seed_b", 2), ("digit_b", 8), ("steps", 10)],
    }
    assert len(client.predict(api_name="/gan_generate")) == 16
    assert Image.open(client.predict(api_name="/gan_walk")).size == (10 * 30 + 2, 32)


def test_gan_walk_endpoint_draws_the_walk_at_its_own_size(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    got = np.asarray(Image.open(client.predict(1, 3, 2, 8, 20, api_name="/gan_walk")).convert("L"))
    expected = np.asarray(digit_pictures.grid_image(explore.walk(1, 3, 2, 8, 20), columns=20, scale=1))
    assert got.shape == (32, 20 * 30 + 2) and np.abs(got.astype(int) - expected).max() <= 1
    with pytest.raises(Exception, match="“Digit B” must be one of: 0, 1"):
        client.predict(1, 3, 2, -1, 6, api_name="/gan_walk")
    with pytest.raises(Exception, match="“Seed A” must be between 0 and"):
        client.predict(-5, 3, 2, 8, 6, api_name="/gan_walk")


@pytest.mark.parametrize("args, language, expected", [
    ((-1, 4), "en", "“seed” must be between 0 and"),
    ((2**40, 4), "en", "“seed” must be between 0 and"),
    ((1.5, 4), "en", "“seed” must be a whole number"),
    ((1, 0), "en", "must be between 1 and 64"),
    ((1, 1000), "pl", "„liczba cyfr” musi mieścić się między 1 a 64"),
    ((1, 4, 12), "en", "“digit” must be one of: -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9."),
    ((1, 4, 12), "pl", "„cyfra” musi być jedną z wartości: -1, 0, 1"),
])
def test_gan_generate_refuses_bad_seeds_counts_and_digits(serve_app, args, language, expected):
    client = Client(serve_app(DEMOS), headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception, match=expected):
        client.predict(*args, api_name="/gan_generate")


def test_real_digits_are_distinct_test_digits_with_their_labels_and_the_discriminators_verdict():
    images, labels = load_mnist("test")
    index = {image.tobytes(): i for i, image in enumerate(images)}
    assert len(index) == len(images)  # no two test digits alike, so a picture names its digit
    pictures, picked_labels, probabilities = explore.real_digits(3, 500)
    assert pictures.dtype == np.float32 and picked_labels.dtype == np.int64
    found = [index[picture.tobytes()] for picture in np.round(pictures * 255).astype(np.uint8)]
    assert np.allclose(pictures * 255, np.round(pictures * 255), atol=1e-3)  # x / 255 of a uint8 x
    assert len(set(found)) == 500  # no repeats (drawn with replacement, ~12 pairs would coincide)
    assert np.array_equal(picked_labels, labels[found])
    assert np.allclose(probabilities, explore.real_probability(pictures, picked_labels), atol=1e-6)
    first, again, other = (explore.real_digits(seed, 20)[0] for seed in (5, 5, 6))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_the_loss_history_is_float_columns_and_empty_without_a_recorded_history(monkeypatch):
    history = explore.loss_history()
    assert all(column.dtype == np.float64 for column in history.values())
    assert np.array_equal(history["step"], [row["step"] for row in checkpoint.shipped_metrics()["loss_history"]])
    monkeypatch.setattr(checkpoint, "shipped_metrics", lambda: {})
    assert {key: column.size for key, column in explore.loss_history().items()} == dict.fromkeys(history, 0)


def test_a_seed_names_numpy_s_two_streams_one_for_the_noise_and_one_for_the_digits():
    """The seed → pictures mapping is part of what a lecturer relies on (the same seed shows the
    same grid next year): the noise is the stream [seed, 0], the digits the stream [seed, 1], and
    any of the ten digits, 0 included, can be drawn."""
    from gan.sampling import noise_and_labels

    noise, labels = noise_and_labels(12, 300, 16)
    expected_noise = np.random.default_rng([12, 0]).standard_normal((300, 16), dtype=np.float32)
    assert np.array_equal(noise.numpy(), expected_noise)
    assert np.array_equal(labels.numpy(), np.random.default_rng([12, 1]).integers(0, 10, 300))
    assert set(labels.tolist()) == set(range(10))
    fixed_noise, sevens = noise_and_labels(12, 300, 16, digit=7)
    assert np.array_equal(fixed_noise.numpy(), expected_noise) and set(sevens.tolist()) == {7}
