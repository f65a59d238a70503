"""Input checks: each bad input gets its own translated message, good input passes through."""

import io
import math

import numpy as np
import pytest
from PIL import Image

from shared import validation
from shared.controls import Seed
from shared.errors import LabError


def raises_with(text: str):
    return pytest.raises(LabError, match=text)


def test_text_is_checked_for_emptiness_type_and_length():
    assert validation.check_text("  Ala ma kota ", 20) == "  Ala ma kota "
    assert validation.check_text("a\x00b", 5) == "ab"
    with raises_with("Type some text"):
        validation.check_text("   \n", 10)
    with raises_with("Type some text"):
        validation.check_text(None, 10)
    with raises_with("must be text"):
        validation.check_text(42, 10)
    with raises_with("11 characters; the limit is 10"):
        validation.check_text("x" * 11, 10)


@pytest.mark.parametrize("value, message", [
    (None, "must be a number"), ("abc", "must be a number"), (True, "must be a number"),
    (math.nan, "finite"), (math.inf, "finite"), (2.5, "whole number"),
    (11, "between 0 and 10"), (-1, "between 0 and 10"),
])
def test_numbers_outside_the_rules_are_refused(value, message):
    with raises_with(message):
        validation.check_number(value, "steps", 0, 10, integer=True)


def test_numbers_inside_the_rules_pass_with_their_type():
    assert validation.check_number("7", "steps", 0, 10, integer=True) == 7
    assert validation.check_number(0.5, "scale", 0, 1) == 0.5
    seed = Seed()
    assert seed.check(2**32 - 1) == 2**32 - 1
    with raises_with("seed"):
        seed.check(2**64)
    with raises_with("seed"):
        seed.check(3.7)


def test_latent_vectors_must_be_finite_and_bounded():
    assert validation.check_finite_array([0.5, -1.0], "z").tolist() == [0.5, -1.0]
    with raises_with("finite"):
        validation.check_finite_array([0.0, math.nan], "z")
    with raises_with("between"):
        validation.check_finite_array([1e9], "z", limit=10)
    with raises_with("must be a number"):
        validation.check_finite_array(["x"], "z")


def save(image: Image.Image, path, **kwargs):
    image.save(path, **kwargs)
    return path


def test_a_text_file_a_missing_file_and_a_truncated_image_are_refused(tmp_path):
    fake = tmp_path / "notes.png"
    fake.write_text("this is not a picture")
    with raises_with("not an image"):
        validation.open_image(fake)
    with raises_with("not an image"):
        validation.open_image(tmp_path / "missing.png")
    with raises_with("Please provide an image"):
        validation.open_image(None)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[:200])
    with raises_with("damaged or incomplete"):
        validation.open_image(tmp_path / "cut.jpg")


def test_a_huge_declared_size_is_refused_from_the_header(declared_huge_png):
    with raises_with("400 000 000 pixels"):
        validation.open_image(declared_huge_png)


def test_size_limits(tmp_path):
    tiny = save(Image.new("L", (1, 1)), tmp_path / "tiny.png")
    with raises_with("too small"):
        validation.open_image(tiny, min_side=8)
    assert validation.open_image(tiny).size == (1, 1)
    wide = save(Image.new("L", (300, 200)), tmp_path / "wide.png")
    with raises_with("too large"):
        validation.open_image(wide, max_pixels=300 * 200 - 1)


def test_modes_and_orientation_are_kept_for_the_demo_to_convert(tmp_path):
    rgba = save(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), tmp_path / "rgba.png")
    assert validation.open_image(rgba).mode == "RGBA"
    palette = save(Image.new("P", (10, 10)), tmp_path / "p.gif")
    assert validation.open_image(palette).size == (10, 10)
    # A 40×20 photo stored with EXIF orientation 6 ("rotate 90° clockwise to view")
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated = save(Image.new("RGB", (40, 20), "blue"), tmp_path / "rot.jpg", exif=exif)
    assert validation.open_image(rotated).size == (20, 40)


def test_arrays_and_pil_images_are_accepted():
    assert validation.open_image(np.zeros((5, 7), dtype=np.float32)).size == (7, 5)
    assert validation.open_image(Image.new("RGB", (3, 4))).size == (3, 4)
    with raises_with("not an image"):
        validation.open_image(np.zeros((2, 2, 2, 2)))
    with raises_with("not an image"):
        validation.open_image(12345)


def refusal(check, *args, **kwargs) -> LabError:
    with pytest.raises(LabError) as raised:
        check(*args, **kwargs)
    return raised.value


@pytest.mark.parametrize("value, low, high, expected", [
    (None, 0, 10, "“steps” must be a number."),
    ("abc", 0, 10, "“steps” must be a number."),
    (math.nan, 0, 10, "“steps” must be a finite number (not NaN or infinity)."),
    (11, 0, 10, "“steps” must be between 0 and 10 (got 11)."),
    (0.25, 0.5, 1.5, "“steps” must be between 0.5 and 1.5 (got 0.25)."),
    (2**32, 0, 2**32 - 1, "“steps” must be between 0 and 4294967295 (got 4294967296)."),
])
def test_a_refused_number_is_named_with_its_limits_and_value(value, low, high, expected):
    assert str(refusal(validation.check_number, value, "steps", low, high)) == expected


def test_the_limits_themselves_are_allowed_and_whole_numbers_come_back_as_int():
    assert validation.check_number(0, "steps", 0, 10) == 0 and validation.check_number(10, "steps", 0, 10) == 10
    assert type(validation.check_number(7.0, "steps", 0, 10, integer=True)) is int
    assert validation.check_text("x" * 10, 10) == "x" * 10  # exactly the limit
    assert validation.check_finite_array([10.0, -10.0], "z", limit=10).tolist() == [10.0, -10.0]
    assert validation.check_finite_array([999_999.0], "z").tolist() == [999_999.0]  # the default limit: a million


@pytest.mark.parametrize("values, limit, expected", [
    (["x"], 10, "“z” must be a number."),
    ([0.0, math.inf], 10, "“z” must be a finite number (not NaN or infinity)."),
    ([-12.0, 3.0], 10, "“z” must be between -10 and 10 (got 12)."),
    ([2e6], None, "“z” must be between -1000000 and 1000000 (got 2000000)."),
])
def test_a_refused_array_is_named_with_its_limits_and_largest_value(values, limit, expected):
    kwargs = {} if limit is None else {"limit": limit}
    assert str(refusal(validation.check_finite_array, values, "z", **kwargs)) == expected


def test_image_sizes_are_refused_with_the_counts_and_limits_in_the_message(tmp_path):
    small = refusal(validation.open_image, Image.new("L", (3, 5)), min_side=4)
    assert str(small) == "The image is too small (3×5); each side needs at least 4 pixels."
    large = refusal(validation.open_image, Image.new("L", (1235, 1000)), max_pixels=1_234_567)
    assert str(large) == "The image is too large (1 235 000 pixels); the limit is 1 234 567 pixels in total."
    assert validation.open_image(Image.new("L", (30, 20)), max_pixels=600).size == (30, 20)  # exactly the limit
    wide = save(Image.new("L", (40, 10)), tmp_path / "wide.png")
    assert refusal(validation.open_image, str(wide), max_pixels=399).values["pixels"] == "400"
    assert validation.open_image(str(wide), max_pixels=400).size == (40, 10)


@pytest.mark.parametrize("array, pixels", [
    (np.array([[0.0, 0.2, 0.5, 1.0]]), [[0, 51, 127, 255]]),  # floats up to 1 are fractions of white
    (np.array([[0.0, 2.0, 100.0]]), [[0, 2, 100]]),  # above 1 they are already 0-255
    (np.array([[0.0, 2.0]]), [[0, 2]]),
    (np.array([[-5.0, 300.0, np.nan]]), [[0, 255, 0]]),  # clamped, NaN as 0
    (np.array([[0, 1]], dtype=np.uint8), [[0, 1]]),  # uint8 as it is, even when dark
])
def test_arrays_become_8_bit_pictures(array, pixels):
    image = validation.open_image(array)
    assert image.mode == "L" and np.asarray(image).tolist() == pixels


def test_an_upload_is_its_path_and_anything_else_is_refused_with_the_given_key(tmp_path):
    assert validation.uploaded_path(None) is None
    assert refusal(validation.uploaded_path, None, missing="shared.image.missing").key == "shared.image.missing"
    assert validation.uploaded_path(tmp_path / "a.wav") == str(tmp_path / "a.wav")
    assert validation.uploaded_path({"path": "/uploads/a.wav", "size": 3}) == "/uploads/a.wav"
    for bad in ({"path": ""}, {"name": "a.wav"}, 42):
        assert refusal(validation.uploaded_path, bad).key == "shared.image.not_image"
    assert refusal(validation.uploaded_path, 42, invalid="spoken_digits.not_audio").key == "spoken_digits.not_audio"


def test_a_declared_size_is_read_from_the_header_and_compared_with_the_limit(tmp_path):
    from conftest import write_declared_png

    wide = tmp_path / "wide.png"
    write_declared_png(wide, 100, 50)
    validation.check_declared_size(wide, max_pixels=5000)  # exactly at the limit: accepted
    for refuse in (lambda: validation.check_declared_size(wide, max_pixels=4999),
                   lambda: validation.open_image(str(wide), max_pixels=4999)):
        with pytest.raises(LabError) as raised:
            refuse()
        assert (raised.value.key, raised.value.values) == ("shared.image.too_large",
                                                           {"pixels": "5 000", "limit": "4 999"})
    bomb = tmp_path / "bomb.png"
    write_declared_png(bomb, 20000, 20000)  # PIL itself refuses to open it
    with pytest.raises(LabError) as raised:
        validation.check_declared_size(bomb)
    limit = f"{validation.MAX_IMAGE_PIXELS:,}".replace(",", " ")
    assert raised.value.values == {"pixels": "400 000 000", "limit": limit}
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    assert validation.check_declared_size(text) is None  # left for whoever opens it to refuse


def test_a_refusal_without_a_pixel_count_counts_as_one_pixel_too_many():
    assert validation._declared_pixels(Image.DecompressionBombError("too big"), 10) == 11
    named = Image.DecompressionBombError("Image size (400000000 pixels) exceeds limit")
    assert validation._declared_pixels(named, 10) == 400_000_000
