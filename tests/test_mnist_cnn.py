"""The CNN classifier tab's compute functions, its shipped weights and the suite evaluator."""

from __future__ import annotations

import hashlib
import io
import json
import time
from contextlib import redirect_stdout
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
import torch
from conftest import register_texts
from PIL import Image, ImageDraw

import mnist_cnn
from mnist_cnn import predict, visualize
from mnist_cnn.evaluate import accuracy, evaluate
from shared import digit_classifier, i18n
from shared.digit_classifier import LAYER_NAMES, MnistCNN, class_confidences, probability_table
from shared.digit_input import CENTRE_OF_MASS, centre_by_mass, fit_into_box, to_mnist
from shared.digit_pictures import digit_image
from shared.errors import LabError
from shared.mnist import checksum, load_mnist
from shared.mnist_training import count_parameters
from shared.run_control import WeightsMissing

register_texts("mnist_cnn")


@pytest.fixture(scope="module")
def test_set():
    return load_mnist("test")


@pytest.fixture(scope="module")
def one_per_class(test_set):
    """The first test image of each digit: (images uint8 (10, 28, 28), labels 0..9)."""
    images, labels = test_set
    index = [int(np.flatnonzero(labels == d)[0]) for d in range(10)]
    return images[index], labels[index]


def centre_of_mass(digit: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(digit.shape)
    mass = digit.sum()
    return float((rows * digit).sum() / mass), float((cols * digit).sum() / mass)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two 28×28 images (1 = the same picture up to brightness), allowing a shift
    of one pixel: rounding the centre of mass may place a digit one pixel off, which for thin
    strokes alone would halve the correlation."""
    b = b.astype(float)
    return max(float(np.corrcoef(a.ravel().astype(float), np.roll(b, (dy, dx), axis=(0, 1)).ravel())[0, 1])
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def predicted(digit: np.ndarray) -> int:
    return predict.analyse(digit).predicted


def placed(digit: np.ndarray, canvas: tuple[int, int], at: tuple[int, int], size: int) -> np.ndarray:
    """An MNIST digit (white on black) enlarged to ``size`` and put at ``at`` on a black canvas."""
    big = np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BICUBIC))
    field = np.zeros(canvas[::-1], dtype=np.uint8)
    field[at[1]:at[1] + size, at[0]:at[0] + size] = big
    return field


# --- the demo's metadata -------------------------------------------------------------------------

def test_metadata_declares_the_section_and_no_optional_package():
    assert (mnist_cnn.SECTION, mnist_cnn.REQUIRES) == ("inside", ())


def test_texts_quote_the_real_parameter_count():
    written = f"{count_parameters(MnistCNN()):,}".replace(",", " ")  # "455 018", as both languages write it
    for lang in ("en", "pl"):
        assert written in i18n.message("mnist_cnn.layers.explain", language=lang)


# --- preprocessing: any picture → the MNIST format ------------------------------------------------

def test_an_mnist_digit_passes_through_almost_unchanged(one_per_class):
    for digit in one_per_class[0]:
        assert similarity(to_mnist(Image.fromarray(digit)), digit) > 0.9


def test_off_centre_digit_is_centred_by_mass(one_per_class):
    digit = one_per_class[0][7]
    corner = placed(digit, (300, 300), at=(200, 10), size=84)
    result = to_mnist(Image.fromarray(corner))
    assert result.shape == (28, 28) and result.dtype == np.float32
    assert 0.0 <= result.min() and result.max() <= 1.0
    cy, cx = centre_of_mass(result)
    assert abs(cy - CENTRE_OF_MASS) <= 0.75 and abs(cx - CENTRE_OF_MASS) <= 0.75
    assert similarity(result, digit) > 0.85
    assert predicted(result) == 7


def test_dark_on_light_is_inverted(one_per_class):
    digit = one_per_class[0][3]
    light_page = 255 - placed(digit, (200, 150), at=(60, 30), size=90)
    result = to_mnist(Image.fromarray(light_page))
    assert result[0, 0] == 0.0 and result.max() == pytest.approx(1.0, abs=0.05)  # white ink on black
    assert similarity(result, digit) > 0.85
    assert predicted(result) == 3


def test_rgb_photo_with_uneven_paper_is_read(one_per_class):
    digit = one_per_class[0][4]
    ink = placed(digit, (240, 240), at=(50, 70), size=120).astype(np.float32) / 255
    paper = np.linspace(0.75, 0.95, 240, dtype=np.float32)[None, :] + np.zeros((240, 1), np.float32)
    grey = paper * (1 - ink) + 0.15 * ink
    rgb = np.stack([grey, grey * 0.95, grey * 0.85], axis=2)  # yellowish paper, dark ink
    result = to_mnist(Image.fromarray((rgb * 255).astype(np.uint8), "RGB"))
    assert predicted(result) == 4


def test_rgba_strokes_on_transparent_canvas_are_not_a_black_square(one_per_class):
    """A sketch canvas: black strokes whose alpha is the drawing, on pixels that are
    transparent and, underneath, black too (case 29 of the bad-input notes)."""
    digit = one_per_class[0][2]
    alpha = placed(digit, (400, 400), at=(30, 200), size=160)
    rgba = np.zeros((400, 400, 4), dtype=np.uint8)
    rgba[..., 3] = alpha
    result = to_mnist(Image.fromarray(rgba, "RGBA"))
    assert result is not None and result.mean() < 0.5
    assert similarity(result, digit) > 0.85
    assert predicted(result) == 2


def test_white_strokes_on_transparent_canvas_are_read_too(one_per_class):
    digit = one_per_class[0][5]
    rgba = np.zeros((200, 200, 4), dtype=np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = placed(digit, (200, 200), at=(40, 40), size=120)
    assert predicted(to_mnist(Image.fromarray(rgba, "RGBA"))) == 5


def test_tiny_digit_is_enlarged_into_the_20_pixel_box(one_per_class):
    digit = one_per_class[0][0]
    tiny = placed(digit, (500, 500), at=(450, 30), size=14)  # the ink itself is about 10 pixels
    result = to_mnist(Image.fromarray(tiny))
    rows, cols = np.flatnonzero(result.any(axis=1)), np.flatnonzero(result.any(axis=0))
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) in (19, 20, 21)
    cy, cx = centre_of_mass(result)
    assert abs(cy - CENTRE_OF_MASS) <= 0.75 and abs(cx - CENTRE_OF_MASS) <= 0.75
    assert predicted(result) == 0


def test_huge_picture_is_handled_quickly(one_per_class):
    digit = one_per_class[0][8]
    huge = 255 - placed(digit, (4000, 3000), at=(1500, 500), size=2000)
    image = Image.fromarray(huge)
    started = time.perf_counter()
    result = to_mnist(image)
    assert time.perf_counter() - started < 2.0
    assert similarity(result, digit) > 0.85
    assert predicted(result) == 8


@pytest.mark.parametrize("blank", [
    Image.new("L", (300, 300), 255),
    Image.new("L", (300, 300), 0),
    Image.new("RGB", (64, 48), (128, 200, 90)),
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)),
    Image.new("RGBA", (400, 400), (255, 255, 255, 255)),
    Image.fromarray((np.random.default_rng(0).random((100, 100)) * 20 + 200).astype(np.uint8)),  # faint noise
], ids=["white", "black", "uniform-colour", "transparent", "opaque-white-rgba", "faint-noise"])
def test_blank_pictures_give_no_digit(blank):
    assert to_mnist(blank) is None


@pytest.mark.parametrize("mode", ["1", "P", "LA", "I;16", "CMYK"])
def test_unusual_image_modes_are_accepted(one_per_class, mode):
    digit = one_per_class[0][1]
    page = Image.fromarray(255 - placed(digit, (120, 120), at=(20, 20), size=80))
    converted = page.convert(mode) if mode != "I;16" else Image.fromarray(np.asarray(page).astype(np.uint16) * 257)
    assert predicted(to_mnist(converted)) == 1


def test_fit_into_box_keeps_the_aspect_ratio():
    tall = np.ones((40, 10), dtype=np.float32)
    assert fit_into_box(tall).shape == (20, 5)
    wide = np.ones((3, 60), dtype=np.float32)
    assert fit_into_box(wide).shape == (1, 20)


def test_centre_by_mass_moves_a_single_dot_to_the_centre():
    dot = np.zeros((20, 20), dtype=np.float32)
    dot[0, 19] = 1.0
    field = centre_by_mass(dot)
    assert field.shape == (28, 28) and field[14, 14] == 1.0 and field.sum() == 1.0


# --- the network and what the tab shows ------------------------------------------------------------

def test_model_is_small_and_shaped_like_harleys_network():
    model = MnistCNN()
    assert count_parameters(model) <= 1_000_000
    layers = model.eval().layers(torch.zeros(2, 1, 28, 28))
    assert tuple(layers) == LAYER_NAMES
    assert [tuple(t.shape[1:]) for t in layers.values()] == [
        (32, 28, 28), (32, 14, 14), (64, 14, 14), (64, 7, 7), (128,), (10,)]


def test_analysis_keeps_every_layer(one_per_class):
    analysis = predict.analyse(one_per_class[0][6].astype(np.float32) / 255)
    assert analysis.predicted == 6
    assert analysis.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert set(analysis.activations) == set(LAYER_NAMES) | {"softmax"}
    confidences = class_confidences(analysis.probabilities)
    assert list(confidences) == [str(d) for d in range(10)] and max(confidences, key=confidences.get) == "6"
    table = probability_table(analysis.probabilities)
    assert list(table.columns) == ["digit", "probability"] and len(table) == 10


def test_one_hot_marks_the_most_probable_digit():
    assert predict.one_hot(np.array([0.0, 0.1, 0.7, 0.2])).tolist() == [0, 0, 1, 0]


def test_pictures_of_the_layers_are_rgb_grids_at_their_own_resolution(one_per_class):
    analysis = predict.analyse(one_per_class[0][9].astype(np.float32) / 255)
    acts = analysis.activations
    pictures = {
        "conv1": visualize.feature_maps(acts["conv1"]),
        "pool2": visualize.feature_maps(acts["pool2"]),
        "dense": visualize.vector_cells(acts["dense"]),
        "softmax": visualize.softmax_cells(acts["softmax"]),
        "filters": visualize.filters(predict.first_layer_filters()),
    }
    for name, picture in pictures.items():
        assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[2] == 3, name
    # One pixel per value and one white pixel between maps: 8 columns of 28×28 maps, 4 rows.
    assert np.asarray(digit_image(analysis.digit, scale=1)).shape == (28, 28)
    assert digit_image(analysis.digit, scale=10).size == (280, 280)
    assert pictures["conv1"].shape == (4 * 28 + 3, 8 * 28 + 7, 3)
    assert pictures["pool2"].shape == (8 * 7 + 7, 8 * 7 + 7, 3)
    assert pictures["dense"].shape == (8 * 4 + 7, 16 * 4 + 15, 3)
    assert pictures["filters"].shape == (4 * 5 + 3, 8 * 5 + 7, 3)
    assert pictures["softmax"].shape == (40, 10 * 40 + 9 * 2, 3)
    assert (pictures["conv1"][28, :] == visualize.GAP_COLOUR).all()  # the line between two rows of maps
    # A layer that is all zero (nothing active) is drawn in the colour of 0, not as NaN garbage.
    silent = visualize.feature_maps(np.zeros((1, 7, 7), np.float32), columns=1)
    assert (silent == visualize.HEAT[0]).all()


def test_network_view_is_html_with_inlined_pictures():
    picture = np.zeros((3, 4, 3), np.uint8)
    uri = visualize.png_data_uri(picture)
    assert uri.startswith("data:image/png;base64,")
    page = visualize.network_html([("Conv <1>", uri, "pixels"), ("Softmax", uri, "smooth")])
    assert page.count("<img") == 2 and "Conv &lt;1&gt;" in page and 'class="pixels"' in page


def test_layers_are_coloured_on_their_own_scale():
    """Feature maps: value / the layer's 99th percentile through the heat map; the dense layer:
    value / its maximum; filters: weight / the largest |weight| on the diverging map, 0 in the middle."""
    from shared.colour_maps import DIVERGING, HEAT

    maps = np.arange(32, dtype=np.float32).reshape(2, 4, 4) / 62  # peaks below 1
    picture = visualize.feature_maps(maps, columns=2)
    expected = HEAT[np.round(np.clip(maps / np.percentile(maps, 99), 0, 1) * 255).astype(int)]
    assert np.array_equal(picture[:, :4], expected[0]) and np.array_equal(picture[:, 5:], expected[1])
    values = np.array([0.0, 0.1, 0.25, 0.4], dtype=np.float32)
    cells = visualize.vector_cells(values, columns=4, cell=2)
    assert cells.shape == (2, 4 * 2 + 3, 3)
    assert [tuple(cells[0, 3 * i]) for i in range(4)] == [tuple(HEAT[round(v / 0.4 * 255)]) for v in values]
    kernels = np.array([[[-0.5, 0.0], [0.25, 0.125]]], dtype=np.float32)
    drawn = visualize.filters(kernels)
    assert np.array_equal(drawn, DIVERGING[np.round((kernels[0] / 0.5 + 1) / 2 * 255).astype(int)])
    assert (visualize.filters(np.zeros((1, 2, 2))) == DIVERGING[128]).all()  # no weights: all white-ish
    assert visualize._peak(np.zeros(0)) == 1.0 and visualize._peak(np.zeros(3)) == 1.0


def test_the_softmax_cells_show_each_probability_and_its_digit():
    from shared.colour_maps import HEAT

    probabilities = np.array([0.9, 0.6, 0.05, 0.61, 0.0, 0.3, 1.0, 0.15, 0.02, 0.8])
    cell = 40
    strip = visualize.softmax_cells(probabilities, cell=cell)
    for digit, p in enumerate(probabilities):
        tile = strip[:, digit * (cell + 2):digit * (cell + 2) + cell].astype(int)
        background = HEAT[round(p * 255)]
        assert tuple(tile[0, 0]) == tuple(background), digit  # the corner: the probability's colour
        label = np.argwhere(np.abs(tile - background).sum(axis=2) > 0)
        (top, left), (bottom, right) = label.min(axis=0), label.max(axis=0)
        assert abs((top + bottom) / 2 - cell / 2) <= 2 and abs((left + right) / 2 - cell / 2) <= 2, digit
        assert 0.3 * cell <= bottom - top + 1 <= 0.5 * cell and right - left + 1 <= 0.4 * cell, digit
        ink = (0, 0, 0) if p > 0.6 else (255, 255, 255)  # dark on bright cells, light on dark ones
        assert any(tuple(pixel) == ink for pixel in tile.reshape(-1, 3)), digit


def test_the_network_view_is_a_grid_of_figures_the_css_styles():
    import base64
    import io
    from html.parser import HTMLParser

    from PIL import Image

    picture = np.random.default_rng(0).integers(0, 256, size=(3, 4, 3), dtype=np.uint8)
    uri = visualize.png_data_uri(picture)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))), picture)

    class Events(HTMLParser):
        def __init__(self):
            super().__init__()
            self.events = []

        def handle_starttag(self, tag, attrs):
            self.events.append(("start", tag, dict(attrs)))

        def handle_endtag(self, tag):
            self.events.append(("end", tag))

        def handle_data(self, data):
            self.events.append(("text", data))

    page = visualize.network_html([("Conv <1>", uri, "pixels"), ("Dense", uri, "small"), ("Photo", uri, "smooth")])
    parser = Events()
    parser.feed(page)

    def figure(caption, kind, image_class):
        return [("start", "figure", {"class": kind}), ("start", "figcaption", {}), ("text", caption),
                ("end", "figcaption"), ("start", "img", {"class": image_class, "src": uri, "alt": caption}),
                ("end", "figure")]

    assert parser.events == [("start", "div", {"class": "mnist-net"}), *figure("Conv <1>", "pixels", "pixels"),
                             *figure("Dense", "small", "pixels"), *figure("Photo", "smooth", ""), ("end", "div")]
    assert page.startswith('<div class="mnist-net">') and page.endswith("</figure></div>")
    assert ".mnist-net img.pixels" in visualize.NETWORK_CSS and ".mnist-net figure.small" in visualize.NETWORK_CSS


# --- the shipped weights ------------------------------------------------------------------------

def test_shipped_weights_are_safetensors_within_budget():
    assert digit_classifier.WEIGHTS_PATH.is_file()
    assert digit_classifier.WEIGHTS_PATH.stat().st_size <= 4 * 1024 * 1024
    model = digit_classifier.load()
    assert count_parameters(model) <= 1_000_000 and not model.training


def test_shipped_weights_reach_99_percent_on_1000_test_images(test_set):
    images, labels = test_set
    assert accuracy(digit_classifier.shipped_model(), images[:1000], labels[:1000]) >= 0.99


def test_metrics_json_describes_the_shipped_weights(test_set):
    metrics = json.loads(digit_classifier.METRICS_PATH.read_text())
    assert metrics["model"] == "mnist_cnn" and metrics["quick"] is False
    # The tab's explanation promises "more than 99.5 %"; the issue asks for at least 99.4 %.
    assert metrics["test_accuracy"] > 0.995 and metrics["test_images"] == 10_000
    assert metrics["parameters"] == count_parameters(digit_classifier.shipped_model())
    assert metrics["train_seconds"] <= 15 * 60
    assert metrics["data_checksum"]["test"] == checksum(*test_set)
    assert metrics["weights_sha256"] == hashlib.sha256(digit_classifier.WEIGHTS_PATH.read_bytes()).hexdigest()
    for key in ("epochs", "seed", "machine", "history"):
        assert key in metrics
    assert {"cpu", "cores", "torch"} <= set(metrics["machine"])


def test_demo_evaluate_reports_accuracy(test_set):
    images, labels = test_set
    [result] = evaluate(images[:500], labels[:500])
    assert result["model"] == "mnist_cnn" and result["test_images"] == 500
    assert result["test_accuracy"] >= 0.99 and result["parameters"] <= 1_000_000


def test_suite_evaluator_prints_one_json_line_per_model():
    from shared import evaluate as suite_evaluate

    out = io.StringIO()
    with redirect_stdout(out):
        status = suite_evaluate.main(["--demos", "mnist_cnn", "--limit", "300"])
    assert status == 0
    lines = out.getvalue().strip().splitlines()
    assert [json.loads(line)["model"] for line in lines] == ["mnist_cnn"]
    assert json.loads(lines[0])["test_accuracy"] >= 0.98


def test_suite_evaluator_writes_samples_of_generative_demos(tmp_path):
    from shared.evaluate import write_samples

    single = SimpleNamespace(samples=lambda n, seed: np.zeros((n, 28, 28), np.uint8))
    several = SimpleNamespace(samples=lambda n, seed: {"vae": np.ones((n, 28, 28)), "gan": np.zeros((n, 28, 28))})
    assert write_samples("gan_demo", single, tmp_path, 3, 0) == [tmp_path / "gan_demo.npy"]
    assert np.load(tmp_path / "gan_demo.npy").shape == (3, 28, 28)
    assert sorted(p.name for p in write_samples("x", several, tmp_path, 2, 0)) == ["gan.npy", "vae.npy"]


def test_training_pipeline_writes_loadable_weights_and_metrics(tmp_path, monkeypatch, test_set):
    from mnist_cnn import train
    from shared import mnist_training

    # A few hundred digits keep this a test of the pipeline, not of the training.
    subsets = {"train": (test_set[0][:256], test_set[1][:256]), "test": (test_set[0][256:756], test_set[1][256:756])}
    monkeypatch.setattr(mnist_training, "load_mnist", subsets.__getitem__)
    args = train.parse_args(["--quick", "--epochs", "1", "--out", str(tmp_path)])
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    try:
        metrics = train.train(args)
    finally:  # train() sets process-wide torch options meant for a script
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
    assert (tmp_path / "digit_classifier.safetensors").is_file()
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written == metrics
    assert written["train_images"] == 256 and written["test_images"] == 500
    assert written["quick"] is True and written["epochs"] == 1 and written["seed"] == 0
    assert written["data_checksum"]["train"] == checksum(*subsets["train"])
    assert len(written["history"]) == 1 and 0.0 <= written["test_accuracy"] <= 1.0
    assert count_parameters(digit_classifier.load(tmp_path / "digit_classifier.safetensors")) == written["parameters"]


def test_quick_training_never_overwrites_the_shipped_weights():
    from mnist_cnn import train

    assert train.parse_args(["--quick"]).out != digit_classifier.WEIGHTS_DIR
    assert train.parse_args([]).out == digit_classifier.WEIGHTS_DIR


def test_random_affine_keeps_the_batch_shape():
    from mnist_cnn.train import random_affine

    batch = torch.rand(5, 1, 28, 28)
    moved = random_affine(batch, torch.Generator().manual_seed(1))
    assert moved.shape == batch.shape and not torch.equal(moved, batch)


# --- the tab's event functions, called directly ---------------------------------------------------

def test_empty_canvas_gets_a_hint_not_a_guess():
    from mnist_cnn.ui import analyse_sketch

    hint = i18n.message("mnist_cnn.hint.empty")
    for value in (None, {"background": None, "layers": [], "composite": None},
                  {"background": None, "layers": [], "composite": Image.new("RGBA", (400, 400), (0, 0, 0, 0))}):
        answer, seen, top3, bars, network = analyse_sketch(value)
        assert answer == hint
        assert seen is None and top3 is None and bars is None and network == ""


def test_sketch_shows_the_one_hot_answer_and_every_layer(one_per_class):
    from mnist_cnn import ui
    from mnist_cnn.ui import analyse_sketch

    canvas = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(200, 60), (200, 340)], fill=(0, 0, 0, 255), width=28)  # a "1"
    answer, seen, top3, bars, network = analyse_sketch({"background": None, "layers": [], "composite": canvas})
    assert "`[0 1 0 0 0 0 0 0 0 0]` → **1**" in answer
    assert seen.size == (280, 280)
    assert max(top3, key=top3.get) == "1"
    assert bars["__type__"] == "update" and list(bars["value"]["digit"]) == [str(d) for d in range(10)]
    # input, conv1, pool1, conv2, pool2, dense, softmax, filters
    assert network.count("<img") == 8 and network.count("data:image/png;base64,") == 8
    for layer in ("input", "conv1", "pool1", "conv2", "pool2", "dense", "softmax", "filters"):
        assert i18n.message(ui.LAYER_CAPTIONS.key(layer)) in network


def test_api_function_refuses_a_blank_picture(tmp_path):
    from mnist_cnn.ui import classify

    blank = tmp_path / "blank.png"
    Image.new("L", (64, 64), 255).save(blank)
    with pytest.raises(LabError) as raised:
        classify({"path": str(blank)})
    assert str(raised.value) == i18n.message("mnist_cnn.no_digit")
    with pytest.raises(LabError, match="provide an image"):
        classify(None)


def test_messages_exist_in_polish():
    for key in ("mnist_cnn.hint.empty", "mnist_cnn.no_digit"):
        assert i18n.message(key, language="pl") != i18n.message(key, language="en")
    answer = i18n.message("mnist_cnn.answer", language="pl", softmax="[…]", vector="[0 0 1 0 0 0 0 0 0 0]", digit=2)
    assert "[0 0 1 0 0 0 0 0 0 0]` → **2**" in answer


def test_missing_weights_get_a_message_instead_of_a_stack_trace(monkeypatch, one_per_class, tmp_path):
    """The real loading path, pointed at a file that is not there: the event's boundary turns it
    into the translated message that names the file."""
    from mnist_cnn import ui

    monkeypatch.setattr(digit_classifier, "WEIGHTS_PATH", tmp_path / "digit_classifier.safetensors")
    digit_classifier.shipped_model.cache_clear()
    canvas = Image.fromarray(255 - one_per_class[0][3])
    try:
        with pytest.raises(gr.Error) as raised:
            ui.analyse_sketch({"background": None, "layers": [], "composite": canvas})
    finally:
        digit_classifier.shipped_model.cache_clear()
    assert raised.value.message == str(WeightsMissing(tmp_path / "digit_classifier.safetensors"))
    assert "digit_classifier.safetensors" in raised.value.message and "README" in raised.value.message
