"""Autoencoder tab: shapes and ranges, the shipped weights' error, live training, the endpoint and bad input."""

import json

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

import autoencoder
from autoencoder import checkpoint, live
from autoencoder.evaluate import reconstruction_error
from autoencoder.model import CODE_SIZES
from autoencoder.reconstruct import reconstruct, reconstruct_all
from shared import i18n
from shared.mnist import load_mnist

i18n.register(autoencoder.TEXTS)
DEMOS = ["autoencoder", "vae", "gan"]  # one server for the three tabs' endpoint tests
EXAMPLE = checkpoint.WEIGHTS_DIR.parent / "examples" / "mnist_test_0000_digit_7.png"


@pytest.fixture(scope="module")
def test_digits():
    images, labels = load_mnist("test")
    return images[:1000], labels[:1000]


def test_each_bottleneck_gives_a_code_of_its_size_and_a_picture_in_range(test_digits):
    digit = test_digits[0][0].astype(np.float32) / 255
    results = reconstruct_all(digit)
    assert [r.code_size for r in results] == list(CODE_SIZES)
    for result in results:
        assert result.code.shape == (result.code_size,) and np.all(np.isfinite(result.code))
        assert result.image.shape == (28, 28) and result.image.dtype == np.float32
        assert 0.0 <= result.image.min() and result.image.max() <= 1.0
        assert result.mse == pytest.approx(float(np.mean((result.image - digit) ** 2)), rel=1e-5)
        assert result.psnr == pytest.approx(10 * np.log10(1 / result.mse), rel=1e-6)
    assert [r.compression_ratio for r in results] == [98.0, 24.5, 6.125]
    assert results[0].as_dict()["code_bytes"] == 8


def test_shipped_weights_meet_their_metrics_on_a_test_subset(test_digits):
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["models"]
    errors = {size: reconstruction_error(checkpoint.shipped_model(size), test_digits[0]) for size in CODE_SIZES}
    for size, mse in errors.items():
        assert mse == pytest.approx(recorded[checkpoint.model_name(size)]["test_mse_per_pixel"], rel=0.1)
    # a wider bottleneck keeps more of the digit; all three beat "draw the average digit" (≈ 0.067)
    assert errors[2] > errors[8] > errors[32]
    assert errors[2] < 0.05 and errors[8] < 0.03 and errors[32] < 0.015


def test_reconstruction_is_deterministic(test_digits):
    digit = test_digits[0][3].astype(np.float32) / 255
    first, second = reconstruct(digit, 8), reconstruct(digit, 8)
    assert np.array_equal(first.code, second.code) and np.array_equal(first.image, second.image)


def test_a_drawn_sketch_is_prepared_like_mnist_and_an_empty_one_gives_the_hint():
    from autoencoder.ui import show_sketch

    canvas = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line((200, 60, 200, 340), fill=(0, 0, 0, 255), width=28)
    outputs = show_sketch({"composite": canvas, "background": None, "layers": []})
    assert outputs[0] == "" and outputs[1] is not None and outputs[-1] is not None
    empty = show_sketch({"composite": Image.new("RGBA", (400, 400), (0, 0, 0, 0))})
    assert "Nothing to encode" in empty[0] and all(o is None for o in empty[1:])


def test_live_training_is_bounded_improves_and_leaves_the_shipped_weights_alone(test_digits):
    before = checkpoint.weights_path(8).read_bytes()
    train_images, _ = load_mnist("train")
    snapshots = [(s.step, s.test_loss, s.done, s.preview.copy())
                 for s in live.train_live(train_images, test_digits[0], code_size=8, seconds=1.5)]
    assert snapshots[0][0] == 0 and snapshots[-1][2] and not any(done for _, _, done, _ in snapshots[:-1])
    assert snapshots[-1][0] > 0 and snapshots[-1][1] < snapshots[0][1]
    assert snapshots[-1][3].shape == (2, live.PREVIEW_COUNT, 28, 28)
    assert checkpoint.weights_path(8).read_bytes() == before


def test_ae_reconstruct_endpoint(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    image_path, numbers = client.predict(handle_file(str(EXAMPLE)), 32, api_name="/ae_reconstruct")
    assert Image.open(image_path).size == (28, 28)
    assert len(numbers["code"]) == 32 and numbers["compression_ratio"] == 6.12
    assert numbers["mse"] < 0.03 and numbers["psnr_db"] > 15


@pytest.mark.parametrize("size, language, expected", [
    (3, "en", "The bottleneck must be one of 2, 8 or 32 numbers (got 3)."),
    (3, "pl", "Wąskie gardło musi mieć 2, 8 albo 32 liczby (podano 3)."),
    ("nan", "en", "must be a finite number"),
    (1e9, "en", "must be between 1 and 1024"),
])
def test_ae_reconstruct_refuses_bad_sizes(serve_app, size, language, expected):
    client = Client(serve_app(DEMOS), headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception, match=expected.replace("(", r"\(").replace(")", r"\)")):
        client.predict(handle_file(str(EXAMPLE)), size, api_name="/ae_reconstruct")


def test_ae_reconstruct_refuses_bad_pictures(serve_app, tmp_path, declared_huge_png):
    client = Client(serve_app(DEMOS), verbose=False)
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    blank = tmp_path / "blank.png"
    Image.new("L", (64, 64), 255).save(blank)
    tiny = tmp_path / "tiny.png"
    Image.new("L", (3, 3), 0).save(tiny)
    for path, expected in ((text, "not an image"), (blank, "No digit found"), (tiny, "too small"),
                           (declared_huge_png, "too large")):
        with pytest.raises(Exception, match=expected):
            client.predict(handle_file(str(path)), 8, api_name="/ae_reconstruct")
    assert client.predict(handle_file(str(EXAMPLE)), 2, api_name="/ae_reconstruct")[1]["code_size"] == 2
