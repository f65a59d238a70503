"""The CNN classifier tab through a running app, as an API caller or the browser reaches it."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import register_texts
from gradio_client import Client, handle_file
from gradio_client.exceptions import ValidationError
from PIL import Image

import mnist_cnn
from shared import i18n
from shared.digit_input import MIN_SIDE
from shared.validation import MAX_IMAGE_PIXELS

register_texts("mnist_cnn")

EXAMPLES = Path(mnist_cnn.__file__).resolve().parent / "examples"


@pytest.fixture(scope="module")
def app_url(serve_app):
    return serve_app(["mnist_cnn"])


@pytest.fixture(scope="module")
def clients(app_url):
    """One client per language; the header travels with every request, as a browser's does."""
    return {lang: Client(app_url, headers={"Accept-Language": accept}, verbose=False)
            for lang, accept in (("en", "en-GB,en;q=0.9"), ("pl", "pl-PL,pl;q=0.9,en;q=0.5"))}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    not_image = folder / "notes.png"
    not_image.write_text("this is a text file with a .png name\n")
    one_pixel = folder / "one_pixel.png"
    Image.new("L", (1, 1), 0).save(one_pixel)
    huge = folder / "huge.png"
    huge.write_bytes(png_declaring(20_000, 20_000))
    return {"not_image": not_image, "too_small": one_pixel, "too_large": huge}


def png_declaring(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width×height black pixels; all-zero rows compress to a few kB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    rows_per_piece = 1000
    piece = row * rows_per_piece
    data = b"".join(compressor.compress(piece) for _ in range(height // rows_per_piece))
    data += compressor.compress(row * (height % rows_per_piece)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def top_label(result: dict) -> str:
    return result["label"]


def test_classify_endpoint_returns_ten_probabilities(clients):
    result = clients["en"].predict(handle_file(EXAMPLES / "mnist_test_0000_digit_7.png"), api_name="/mnist_classify")
    assert top_label(result) == "7"
    confidences = {c["label"]: c["confidence"] for c in result["confidences"]}
    assert sorted(confidences) == [str(d) for d in range(10)]
    assert sum(confidences.values()) == pytest.approx(1.0, abs=1e-4)
    assert confidences["7"] > 0.9


def test_classify_endpoint_prepares_a_photo_like_picture(clients, tmp_path):
    """Dark ink on a light page, off-centre, and an RGBA sketch on a transparent canvas."""
    result = clients["en"].predict(handle_file(EXAMPLES / "dark_on_light_0035_digit_2.png"), api_name="/mnist_classify")
    assert top_label(result) == "2"
    digit = np.asarray(Image.open(EXAMPLES / "mnist_test_0004_digit_4.png"))
    rgba = np.zeros((400, 400, 4), dtype=np.uint8)  # black, fully transparent background
    rgba[250:390, 20:160, 3] = np.asarray(Image.fromarray(digit).resize((140, 140)))
    sketch = tmp_path / "sketch.png"
    Image.fromarray(rgba, "RGBA").save(sketch)
    assert top_label(clients["en"].predict(handle_file(sketch), api_name="/mnist_classify")) == "4"


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("case,key", [("not_image", "shared.image.not_image"),
                                      ("too_small", "shared.image.too_small"),
                                      ("too_large", "shared.image.too_large")])
def test_bad_input_gets_a_translated_message(clients, bad_files, lang, case, key):
    with pytest.raises(Exception) as raised:
        clients[lang].predict(handle_file(bad_files[case]), api_name="/mnist_classify")
    template = i18n.tables()[lang][key]
    fixed_start = template.split("{")[0]  # the sizes in the message depend on the file
    assert fixed_start and fixed_start in str(raised.value), str(raised.value)
    if case == "too_small":
        assert str(raised.value) == i18n.message(key, language=lang, width=1, height=1, limit=MIN_SIDE)


def test_huge_declared_size_is_refused_from_the_header(bad_files):
    size = bad_files["too_large"].stat().st_size
    assert size < 200_000 and 20_000 * 20_000 > MAX_IMAGE_PIXELS


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_empty_canvas_gets_a_hint_through_the_app(clients, tmp_path, lang):
    blank = tmp_path / "blank.png"
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(blank)
    shown = clients[lang].predict({"background": None, "layers": [], "composite": handle_file(blank), "id": None},
                                  api_name="/mnist_sketch")
    answer, seen, top3, bars, network = shown
    assert answer == i18n.message("mnist_cnn.hint.empty", language=lang)
    assert seen is None and not top3 and bars is None and not network  # no guess anywhere


def test_sketch_event_shows_prediction_and_layers(clients, tmp_path):
    canvas = np.zeros((400, 400, 4), dtype=np.uint8)
    canvas[60:340, 185:215, 3] = 255  # one black vertical stroke: a "1"
    drawn = tmp_path / "one.png"
    Image.fromarray(canvas, "RGBA").save(drawn)
    shown = clients["pl"].predict({"background": None, "layers": [], "composite": handle_file(drawn), "id": None},
                                  api_name="/mnist_sketch")
    answer, seen, top3, bars, network = shown
    assert "Odpowiedź w formacie one-hot" in answer and "`[0 1 0 0 0 0 0 0 0 0]` → **1**" in answer
    assert top_label(top3) == "1" and len(top3["confidences"]) == 3
    assert Path(seen).is_file() and Image.open(seen).size == (280, 280)
    assert network.count("data:image/png;base64,") == 8
    assert i18n.message("mnist_cnn.layer.conv1", language="pl") in network  # captions in the page's language


def test_upload_event_accepts_an_example(clients):
    shown = clients["en"].predict(handle_file(EXAMPLES / "mnist_test_0061_digit_8.png"), api_name="/mnist_upload")
    assert "→ **8**" in shown[0]


def test_only_the_classifier_is_documented_in_the_api(clients):
    endpoints = clients["en"].view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/mnist_classify" in endpoints
    assert "/mnist_sketch" not in endpoints and "/mnist_upload" not in endpoints


@pytest.mark.browser
def test_drawing_in_the_browser_updates_the_answer_after_each_stroke(app_url):
    """The sketchpad's real payload (blobs from the canvas) only exists in a browser: draw a 7
    in headless Chromium with the mouse and watch the answer and the layers appear."""
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    assert Path(chromium).exists(), "Chromium is missing: run tests/run.sh, which installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(locale="en-US", viewport={"width": 1366, "height": 1000})
        page.goto(app_url)
        page.get_by_role("button", name="Brush").first.click()  # the sketchpad starts with no tool
        box = page.locator("canvas").first.bounding_box()

        def stroke(*points):
            page.mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
            page.mouse.down()
            for x, y in points[1:]:
                page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=8)
            page.mouse.up()

        stroke((0.35, 0.2), (0.65, 0.2))
        answer = page.get_by_text("One-hot answer")
        answer.wait_for(timeout=30000)  # the first stroke alone already gets an answer
        stroke((0.65, 0.2), (0.45, 0.8))
        page.get_by_text("→ 7").wait_for(timeout=30000)
        assert page.locator(".mnist-net img").count() == 8
        browser.close()


def test_the_sketchpad_does_not_decode_a_huge_canvas(app_url, tmp_path):
    """Drawings are decoded by Gradio's own preprocessing; the suite (already built by app_url)
    caps what PIL decodes, so a small PNG declaring 81 megapixels (under PIL's own limit of 89)
    is refused instead of taking about 330 MB as RGBA."""
    from gradio.components.image_editor import EditorData
    from gradio.data_classes import FileData
    from PIL import Image as PILImage

    from shared.ui import digit_sketchpad

    huge = tmp_path / "huge_sketch.png"
    huge.write_bytes(png_declaring(9_000, 9_000))
    with pytest.raises(PILImage.DecompressionBombError):
        digit_sketchpad("test").preprocess(EditorData(background=None, layers=[], composite=FileData(path=str(huge))))


def test_a_posted_sketch_of_a_huge_canvas_is_refused_and_the_server_stays_up(clients, tmp_path):
    huge = tmp_path / "huge_sketch.png"
    huge.write_bytes(png_declaring(9_000, 9_000))
    with pytest.raises(ValidationError, match="The image is too large"):  # the door reads the header
        clients["en"].predict({"background": None, "layers": [], "composite": handle_file(huge), "id": None},
                              api_name="/mnist_sketch")
    canvas = np.zeros((400, 400, 4), dtype=np.uint8)
    canvas[60:340, 185:215, 3] = 255
    drawn = tmp_path / "one.png"
    Image.fromarray(canvas, "RGBA").save(drawn)
    answer = clients["en"].predict({"background": None, "layers": [], "composite": handle_file(drawn), "id": None},
                                   api_name="/mnist_sketch")[0]
    assert answer.endswith("→ **1**"), answer
