"""A clip as files: an MP4 that browsers play, and a strip of frames to look at side by side."""

from __future__ import annotations

import tempfile

from PIL import Image

STRIP_FRAMES = 8


def write_mp4(frames: list[Image.Image], fps: int) -> str:
    """The frames as an H.264 MP4 (imageio's ffmpeg writer, yuv420p, which every browser plays),
    in a new temporary file; its path."""
    from diffusers.utils import export_to_video

    path = tempfile.NamedTemporaryFile(suffix=".mp4", delete=False).name
    # Sizes are multiples of 16 (the models' patches), so no frame is rescaled to fit macroblocks.
    return export_to_video(frames, path, fps=fps)


def strip_indices(count: int, shown: int = STRIP_FRAMES) -> list[int]:
    """Which frames the strip shows: the first, the last and evenly spaced ones between."""
    if count <= shown:
        return list(range(count))
    return sorted({round(i * (count - 1) / (shown - 1)) for i in range(shown)})
