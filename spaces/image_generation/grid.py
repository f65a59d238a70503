"""A labelled grid of images: one row, one column per value of a sweep, the value written above."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont, ImageOps

BACKGROUND = (255, 255, 255)
INK = (20, 20, 20)


def labelled_row(images: list[Image.Image | None], labels: list[str], *, tile: int = 256,
                 title: str = "") -> Image.Image:
    """Tiles of side ``tile`` (an empty frame where an image is still missing), each under its label."""
    font = ImageFont.load_default(size=max(12, tile // 12))
    label_height = int(font.getbbox("Ag")[3] * 1.6)
    title_height = label_height if title else 0
    gap = max(4, tile // 32)
    width = len(labels) * tile + (len(labels) + 1) * gap
    height = title_height + label_height + tile + gap
    grid = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(grid)
    if title:
        draw.text(((width - draw.textlength(title, font=font)) / 2, 2), title, fill=INK, font=font)
    for n, label in enumerate(labels):
        left = gap + n * (tile + gap)
        draw.text((left + (tile - draw.textlength(label, font=font)) / 2, title_height + 2), label, fill=INK, font=font)
        top = title_height + label_height
        image = images[n] if n < len(images) else None
        if image is None:
            draw.rectangle([left, top, left + tile - 1, top + tile - 1], outline=(180, 180, 180), width=2)
        else:
            fitted = ImageOps.contain(image.convert("RGB"), (tile, tile))
            grid.paste(fitted, (left + (tile - fitted.width) // 2, top + (tile - fitted.height) // 2))
    return grid
