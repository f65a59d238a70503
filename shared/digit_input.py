"""Turn any picture of a digit into the 28×28 image an MNIST network expects, the way MNIST
was made. Every tab that takes a drawn or uploaded digit uses it (CNN, autoencoder, VAE,
class visualisation).

The MNIST digits were scanned, cropped to the ink, scaled to fit a 20×20 box without changing
their proportions, and placed in a 28×28 field so that the centre of mass of the ink lies in
the middle: white ink (1.0) on black (0.0). A network trained on them only works well on
pictures prepared the same way, so a sketch or a photo goes through the same steps:

1. decide what is ink: the pixels that differ from the background, whether the digit is
   dark on light or light on dark, on an opaque or a transparent canvas;
2. crop to the ink, scale it into 20×20 keeping the aspect ratio;
3. shift it so its centre of mass is at the centre of the 28×28 field.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.errors import LabError
from shared.validation import open_image, uploaded_path

MNIST_SIDE = 28
BOX_SIDE = 20
# Where the centre of mass of an MNIST digit lies, in pixel indices (measured on the test set:
# 14.0 ± 0.3 on both axes).
CENTRE_OF_MASS = 14.0
# Larger pictures are reduced to this side first: enough detail for a 20-pixel box, and the
# later steps stay fast however large the upload.
WORKING_SIDE = 1024
# A picture whose darkest and lightest parts differ by less than this (on a 0–1 scale) is
# treated as empty: a blank canvas, a white page, a uniform photo.
MIN_CONTRAST = 0.15
# Differences from the background below this share of the strongest ink are paper texture,
# shadows or JPEG noise, not ink.
NOISE_LEVEL = 0.25

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def to_mnist(image: Image.Image) -> np.ndarray | None:
    """The digit in ``image`` as a float32 array (28, 28) in [0, 1], white on black, or None
    when the picture has no ink at all (nothing drawn yet)."""
    ink = ink_map(image)
    if ink is None:
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    cropped = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return centre_by_mass(fit_into_box(cropped, BOX_SIDE))


def ink_map(image: Image.Image) -> np.ndarray | None:
    """How much ink each pixel holds, 0–1, at most WORKING_SIDE on a side; None if there is none."""
    image = _reduce(_normalise_mode(image))
    if image.mode == "RGBA":
        rgba = np.asarray(image, dtype=np.float32) / 255.0
        grey = _flatten_transparency(rgba[..., :3] @ _LUMA, rgba[..., 3])
    else:
        grey = np.asarray(image, dtype=np.float32) / 255.0
    background = _background_level(grey)
    # Dark ink on a light page or light ink on a dark one: ink is what differs from the page.
    ink = background - grey if background >= 0.5 else grey - background
    strongest = float(ink.max()) if ink.size else 0.0
    if strongest < MIN_CONTRAST:
        return None
    ink = np.clip((ink / strongest - NOISE_LEVEL) / (1.0 - NOISE_LEVEL), 0.0, 1.0)
    return ink if ink.any() else None


def fit_into_box(ink: np.ndarray, side: int = BOX_SIDE) -> np.ndarray:
    """Scale a cropped digit so its longer side is ``side`` pixels, keeping the aspect ratio."""
    height, width = ink.shape
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Lanczos averages many pixels when shrinking (no aliasing); bilinear avoids the ringing
    # Lanczos would add when a tiny scribble is blown up.
    resample = Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BILINEAR
    resized = Image.fromarray(ink.astype(np.float32)).resize(size, resample)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def centre_by_mass(digit: np.ndarray, side: int = MNIST_SIDE, centre: float = CENTRE_OF_MASS) -> np.ndarray:
    """Place ``digit`` in a ``side``×``side`` field so that its centre of mass lands on ``centre``."""
    field = np.zeros((side, side), dtype=np.float32)
    mass = float(digit.sum())
    if mass <= 0:
        return field
    rows, cols = np.indices(digit.shape)
    top = int(round(centre - float((rows * digit).sum()) / mass))
    left = int(round(centre - float((cols * digit).sum()) / mass))
    # A lopsided digit may stick out of the field; MNIST cut such parts off too.
    src_top, src_left = max(0, -top), max(0, -left)
    dst_top, dst_left = max(0, top), max(0, left)
    height = min(digit.shape[0] - src_top, side - dst_top)
    width = min(digit.shape[1] - src_left, side - dst_left)
    if height > 0 and width > 0:
        field[dst_top:dst_top + height, dst_left:dst_left + width] = \
            digit[src_top:src_top + height, src_left:src_left + width]
    return field


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGBA when the picture has transparency, else 8-bit grey."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit and float pictures: stretch their own range to 0–255.
        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
        return Image.fromarray(scaled.astype(np.uint8))
    if "A" in image.getbands() or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("L")


def _reduce(image: Image.Image) -> Image.Image:
    if max(image.size) <= WORKING_SIDE:
        return image
    scale = WORKING_SIDE / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # BOX averages whole blocks: thin strokes fade instead of vanishing between samples.
    # Pillow premultiplies alpha while resizing RGBA, so transparent pixels do not bleed colour.
    return image.resize(size, Image.Resampling.BOX)


def _flatten_transparency(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Put a partly transparent picture on a page that contrasts with its ink.

    A sketch canvas is typically black strokes on a transparent background whose hidden colour
    is black as well, so dropping the alpha would give a black square. The visible pixels
    decide the page colour: white under dark ink, black under light ink.
    """
    if float(alpha.min()) >= 0.5:  # opaque enough everywhere: the colours are the picture
        return grey
    weight = float(alpha.sum())
    if weight <= 0:  # fully transparent: nothing drawn
        return np.ones_like(grey)
    ink_is_dark = float((grey * alpha).sum()) / weight < 0.5
    page = 1.0 if ink_is_dark else 0.0
    return alpha * grey + (1.0 - alpha) * page


def _background_level(grey: np.ndarray) -> float:
    """The page's brightness: the median of a thin frame around the picture.

    Digits are written in the middle, so the frame is mostly page even when a stroke
    reaches the edge.
    """
    height, width = grey.shape
    band = max(1, min(height, width) // 20)
    frame = np.concatenate([grey[:band].ravel(), grey[-band:].ravel(),
                            grey[:, :band].ravel(), grey[:, -band:].ravel()])
    return float(np.median(frame))


# A digit needs a few pixels; a 1×1 or 3×3 "image" is a mistake, not a drawing.
MIN_SIDE = 8


def digit_from_sketch(sketch: object) -> np.ndarray | None:
    """The sketchpad's picture (its flattened ``composite``) as a 28×28 digit, or None if empty.

    The sketch events keep Gradio's preprocessing: the browser sends the drawing as blobs that
    only the component's ``preprocess`` turns into images (an unprocessed value carries just
    their id). What Gradio decodes there is capped by the suite (PIL's pixel limit)."""
    composite = sketch.get("composite") if isinstance(sketch, dict) else None
    if composite is None:
        return None
    return to_mnist(open_image(composite))


def digit_from_upload(file_data: object, *, required: bool = False,
                      no_digit_key: str = "shared.image.no_digit") -> np.ndarray | None:
    """An uploaded picture as a 28×28 digit; None when there is none (or no ink), unless ``required``."""
    path = uploaded_path(file_data, missing="shared.image.missing" if required else None)
    if path is None:
        return None
    digit = to_mnist(open_image(path, min_side=MIN_SIDE))
    if digit is None and required:
        raise LabError(no_digit_key)
    return digit
