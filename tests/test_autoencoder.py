"""Autoencoder tab: shapes and ranges, the shipped weights' error, the code plane, live training,
the endpoint and bad input."""

import json

import gradio as gr
import numpy as np
import pytest
from conftest import register_texts
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

from autoencoder import checkpoint, live, reconstruct
from autoencoder.checkpoint import CODE_SIZES
from autoencoder.evaluate import reconstruction_error
from autoencoder.reconstruct import reconstruct_all
from shared import digit_pictures, i18n
from shared.mnist import MnistNotFound, load_mnist
from shared.mnist_training import file_sha256
from shared.run_control import WeightsMissing

register_texts("autoencoder")
DEMOS = ["autoencoder", "vae", "gan"]  # one server for the three tabs' endpoint tests
EXAMPLE = checkpoint.WEIGHTS_DIR.parent / "examples" / "mnist_test_0000_digit_7.png"


@pytest.fixture(scope="module")
def test_digits():
    images, labels = load_mnist("test")
    return images[:1000], labels[:1000]


def drawn_one() -> dict:
    """The sketchpad's value for a "1" drawn as one stroke."""
    canvas = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line((200, 60, 200, 340), fill=(0, 0, 0, 255), width=28)
    return {"composite": canvas, "background": None, "layers": []}


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


def test_the_returned_numbers_are_the_reconstructions_rounded(test_digits):
    """as_dict, what /ae_reconstruct returns: the code to 5 decimals, the MSE to 6, the PSNR and
    the compression ratio to 2, and the sizes in bytes (28×28 one-byte pixels, float32 numbers)."""
    digit = test_digits[0][5].astype(np.float32) / 255
    results = reconstruct_all(digit)
    for result in results:
        numbers = result.as_dict()
        assert list(numbers) == ["code_size", "code", "mse", "psnr_db", "original_bytes", "code_bytes",
                                 "compression_ratio"]
        assert numbers["code_size"] == result.code_size and len(numbers["code"]) == result.code_size
        assert np.allclose(numbers["code"], result.code, rtol=0, atol=5e-6)
        assert all(value == round(value, 5) for value in numbers["code"])
        assert any(value != round(value, 4) for value in numbers["code"])
        mse = float(np.mean((result.image.astype(np.float64) - digit) ** 2))
        assert numbers["mse"] == pytest.approx(mse, abs=5e-7) and numbers["mse"] == round(numbers["mse"], 6)
        assert numbers["mse"] != round(numbers["mse"], 5)
        assert numbers["psnr_db"] == pytest.approx(10 * np.log10(1 / mse), abs=0.005 + 1e-4)
        assert numbers["psnr_db"] == round(numbers["psnr_db"], 2)
        assert numbers["original_bytes"] == 28 * 28 and numbers["code_bytes"] == 4 * result.code_size
        assert type(numbers["original_bytes"]) is type(numbers["code_bytes"]) is int  # "784", not "784.0"
        ratio = 28 * 28 / (4 * result.code_size)
        assert numbers["compression_ratio"] == pytest.approx(ratio, abs=0.005)
        assert numbers["compression_ratio"] == round(numbers["compression_ratio"], 2)
        assert numbers == json.loads(json.dumps(numbers))  # plain JSON numbers
    assert any(r.as_dict()["psnr_db"] != round(r.as_dict()["psnr_db"], 1) for r in results)  # two decimals
    assert results[2].as_dict()["compression_ratio"] == 6.12  # 784 / 128 = 6.125 to two decimals


def test_shipped_weights_meet_their_metrics_on_a_test_subset(test_digits):
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["models"]
    errors = {size: reconstruction_error(checkpoint.shipped_model(size), test_digits[0]) for size in CODE_SIZES}
    for size, mse in errors.items():
        assert mse == pytest.approx(recorded[checkpoint.model_name(size)]["test_mse_per_pixel"], rel=0.1)
    # a wider bottleneck keeps more of the digit; all three beat "draw the average digit" (≈ 0.067)
    assert errors[2] > errors[8] > errors[32]
    assert errors[2] < 0.05 and errors[8] < 0.03 and errors[32] < 0.015


def test_metrics_name_the_shipped_files_by_their_sha256():
    recorded = json.loads(checkpoint.METRICS_PATH.read_text())["models"]
    for size in CODE_SIZES:
        entry = recorded[checkpoint.model_name(size)]
        assert entry["weights_file"] == checkpoint.weights_path(size).name
        assert entry["weights_sha256"] == file_sha256(checkpoint.weights_path(size))


def test_reconstruction_is_deterministic(test_digits):
    digit = test_digits[0][3].astype(np.float32) / 255
    first, second = reconstruct.reconstruct(digit, 8), reconstruct.reconstruct(digit, 8)
    assert np.array_equal(first.code, second.code) and np.array_equal(first.image, second.image)


def test_the_code_plane_holds_the_test_digits_and_marks_the_visitors(test_digits):
    codes, labels, low, high = reconstruct.test_codes()
    assert codes.shape == (reconstruct.PLANE_POINTS, 2) and len(labels) == reconstruct.PLANE_POINTS
    assert np.allclose(codes[:len(test_digits[0])], reconstruct.code_plane(*test_digits)[0], atol=1e-5)
    inside = np.all((codes >= low) & (codes <= high), axis=1)
    assert 0.98 <= inside.mean() < 1.0  # the percentile box: far-out codes stay off the picture
    marked = reconstruct.plane_image(codes[0])
    assert marked.size == (480, 480 + 26)
    unmarked = digit_pictures.scatter_image(codes, labels, low, high)
    assert np.any(np.asarray(marked) != np.asarray(unmarked))  # the white cross


def test_the_code_plane_is_left_out_without_the_test_set(monkeypatch):
    def offline(split):
        raise MnistNotFound(f"nowhere (the {split} set is hidden by this test)")

    monkeypatch.setattr(reconstruct, "load_mnist", offline)
    reconstruct.test_codes.cache_clear()
    try:
        assert reconstruct.plane_image(np.zeros(2, dtype=np.float32)) is None
    finally:
        reconstruct.test_codes.cache_clear()


def test_a_drawn_sketch_is_prepared_like_mnist_and_an_empty_one_gives_the_hint():
    from autoencoder.ui import show_sketch

    outputs = show_sketch(drawn_one())
    assert len(outputs) == 2 + 3 * len(CODE_SIZES) + 1
    assert outputs[0] == "" and outputs[1] is not None and outputs[-1] is not None
    assert outputs[-1].size == (480, 480 + 26)  # the plane of 2-number codes
    empty = show_sketch({"composite": Image.new("RGBA", (400, 400), (0, 0, 0, 0))})
    assert empty[0] == i18n.message("autoencoder.hint.empty") and all(o is None for o in empty[1:])
    assert "Nothing to encode" in empty[0]


def test_missing_weights_get_the_shared_message_instead_of_a_stack_trace(monkeypatch, tmp_path):
    """The real loading path, pointed at files that are not there: the event's boundary turns
    WeightsMissing into the translated message that names the file."""
    from autoencoder.ui import show_sketch

    monkeypatch.setattr(checkpoint, "weights_path", lambda size: tmp_path / f"autoencoder_{size}.safetensors")
    checkpoint.shipped_model.cache_clear()
    try:
        with pytest.raises(gr.Error) as raised:
            show_sketch(drawn_one())
    finally:
        checkpoint.shipped_model.cache_clear()
    assert raised.value.message == str(WeightsMissing(tmp_path / "autoencoder_2.safetensors"))
    assert "autoencoder_2.safetensors" in raised.value.message and "README" in raised.value.message


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
    # the picture is the decoder's output, and the numbers are those of reconstruct()
    from shared.digit_input import digit_from_upload

    expected = reconstruct.reconstruct(digit_from_upload(str(EXAMPLE)), 32)
    assert numbers == expected.as_dict()
    got = np.asarray(Image.open(image_path).convert("L"), dtype=np.float64)
    assert np.abs(got - expected.image * 255).max() <= 1


def test_ae_reconstruct_documents_its_defaults_and_accepts_them(serve_app):
    client = Client(serve_app(DEMOS), verbose=False)
    parameters = client.view_api(return_format="dict")["named_endpoints"]["/ae_reconstruct"]["parameters"]
    assert [(p["parameter_name"], p["parameter_has_default"]) for p in parameters] == [("image", False),
                                                                                     ("code_size", True)]
    assert parameters[1]["parameter_default"] == 8
    assert client.predict(handle_file(str(EXAMPLE)), api_name="/ae_reconstruct")[1]["code_size"] == 8
    assert client.predict(handle_file(str(EXAMPLE)), "32", api_name="/ae_reconstruct")[1]["code_size"] == 32


@pytest.mark.parametrize("size, language, expected", [
    (3, "en", "“bottleneck size” must be one of: 2, 8, 32."),
    (3, "pl", "„rozmiar wąskiego gardła” musi być jedną z wartości: 2, 8, 32."),
    ("nan", "en", "“bottleneck size” must be one of: 2, 8, 32."),
    (1e9, "en", "“bottleneck size” must be one of: 2, 8, 32."),
    (8.5, "en", "“bottleneck size” must be one of: 2, 8, 32."),
])
def test_ae_reconstruct_refuses_bad_sizes(serve_app, size, language, expected):
    client = Client(serve_app(DEMOS), headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception, match=expected.replace(".", r"\.")):
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
