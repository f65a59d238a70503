"""Checks for what people (and API callers) send, each failing with a ``LabError`` that the UI
boundary shows translated.

The browser enforces little (a Textbox's max_length, an Image's file type), and the API
enforces nothing, so every event checks its inputs before any work starts: the controls of
``shared.controls`` through these functions, pictures through ``open_image``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import LabError

MAX_IMAGE_PIXELS = 4096 * 4096


def check_text(text: object, max_chars: int, *, empty_hint: str = "shared.text.empty") -> str:
    """A non-empty string of at most ``max_chars`` characters, stripped of NUL bytes."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise LabError("shared.text.not_text")
    text = text.replace("\x00", "")
    if not text.strip():
        raise LabError(empty_hint)
    if len(text) > max_chars:
        raise LabError("shared.text.too_long", n=len(text), limit=max_chars)
    return text


def check_number(value: object, label: str, low: float, high: float, *, integer: bool = False) -> float | int:
    """A finite number in ``[low, high]``; ``label`` names it in the message."""
    if isinstance(value, bool) or value is None:
        raise LabError("shared.number.not_number", name=label)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LabError("shared.number.not_number", name=label) from None
    if not math.isfinite(number):
        raise LabError("shared.number.not_finite", name=label)
    if integer and number != int(number):
        raise LabError("shared.number.not_integer", name=label)
    if not low <= number <= high:
        raise LabError("shared.number.out_of_range", name=label, low=_fmt(low), high=_fmt(high), value=_fmt(number))
    return int(number) if integer else number


def check_finite_array(values: object, label: str, *, limit: float = 1e6) -> np.ndarray:
    """A float array without NaN or infinity and no larger than ``limit`` in magnitude."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("shared.number.not_number", name=label) from None
    if not np.all(np.isfinite(array)):
        raise LabError("shared.number.not_finite", name=label)
    if array.size and np.max(np.abs(array)) > limit:
        raise LabError("shared.number.out_of_range", name=label, low=_fmt(-limit), high=_fmt(limit),
                    value=_fmt(float(np.max(np.abs(array)))))
    return array


def open_image(source: object, *, min_side: int = 1, max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """Any image a person or an API caller may send, as a PIL image turned upright by its EXIF tag.

    ``source`` is a path (what ``gr.Image(type="filepath")`` gives), a PIL image or an array.
    The size is checked from the header, before the pixels are decoded, so a small file that
    declares a huge canvas is refused without using its memory.
    """
    if source is None:
        raise LabError("shared.image.missing")
    if isinstance(source, Image.Image):
        image = source
    elif isinstance(source, np.ndarray):
        try:
            image = Image.fromarray(_to_uint8(source))
        except (TypeError, ValueError):
            raise LabError("shared.image.not_image") from None
    elif isinstance(source, (str, Path)):
        image = _open_file(Path(source), max_pixels)
    else:
        raise LabError("shared.image.not_image")
    width, height = image.size
    _check_pixels(width * height, max_pixels)
    if min(width, height) < min_side:
        raise LabError("shared.image.too_small", width=width, height=height, limit=min_side)
    return image


def check_declared_size(path: Path, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Refuse a picture file whose header declares more than ``max_pixels`` (nothing is decoded);
    a file that is no picture passes, for whoever opens it to say so."""
    try:
        with Image.open(path) as lazy:
            width, height = lazy.size
    except Image.DecompressionBombError as bomb:
        _check_pixels(_declared_pixels(bomb, max_pixels), max_pixels)
        return
    except (OSError, SyntaxError, ValueError):
        return
    _check_pixels(width * height, max_pixels)


def _open_file(path: Path, max_pixels: int) -> Image.Image:
    try:
        with Image.open(path) as lazy:  # reads the header only
            _check_pixels(lazy.size[0] * lazy.size[1], max_pixels)
            lazy.seek(0)  # the first frame of an animation
            image = ImageOps.exif_transpose(lazy)
            image.load()
            return image
    except Image.DecompressionBombError as bomb:  # PIL refuses absurd sizes before we see them
        _check_pixels(_declared_pixels(bomb, max_pixels), max_pixels)
        raise
    except LabError:
        raise
    except (UnidentifiedImageError, FileNotFoundError, IsADirectoryError):
        raise LabError("shared.image.not_image") from None
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        raise LabError("shared.image.broken") from None


def _declared_pixels(bomb: Image.DecompressionBombError, max_pixels: int) -> int:
    """The pixel count PIL names when it refuses a file (more than ``max_pixels`` if it names none)."""
    declared = re.search(r"\((\d+) pixels\)", str(bomb))
    return int(declared.group(1)) if declared else max_pixels + 1


def _check_pixels(pixels: int, max_pixels: int) -> None:
    if pixels > max_pixels:
        raise LabError("shared.image.too_large", pixels=f"{pixels:,}".replace(",", " "),
                    limit=f"{max_pixels:,}".replace(",", " "))


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    array = np.nan_to_num(array.astype(np.float64))
    if array.size and array.max() <= 1.0:
        array = array * 255.0
    return np.clip(array, 0, 255).astype(np.uint8)


def _fmt(x: float) -> str:
    """Whole numbers in full (a seed limit is 4294967295, not 4.29497e+09), others briefly."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def uploaded_path(file_data: object, *, missing: str | None = None,
                  invalid: str = "shared.image.not_image") -> str | None:
    """The path of an upload as an event receives it unprocessed (Gradio's FileData, a dict with
    a "path"), or a plain path. None when nothing was sent, unless ``missing`` names the text key
    to refuse it with; something that is no upload at all is refused with ``invalid`` (a picture
    by default; a tab that takes sound or text names its own)."""
    if file_data is None:
        if missing:
            raise LabError(missing)
        return None
    if isinstance(file_data, (str, Path)):
        return str(file_data)
    path = file_data.get("path") if isinstance(file_data, dict) else None
    if not isinstance(path, str) or not path:
        raise LabError(invalid)
    return path
