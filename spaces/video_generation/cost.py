"""Why video costs what it costs: from frames × height × width to the transformer's tokens and
the arithmetic of one clip.

The VAE shrinks the clip in time and space (its strides), the transformer cuts the latent into
patches, and every patch is one token. Self-attention compares every token with every other, so
its cost grows with the square of the number of tokens, while the rest of the transformer grows
only linearly. The strides and sizes come from the models' own configurations (``Geometry.of``),
never typed in here, so the numbers hold for whichever model ``LAB_MODEL_VIDEO*`` names.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from shared.errors import LabError
from shared.i18n import Text

# Stable Diffusion 1.5 at 512×512 (the image tab): its VAE shrinks 8× to a 64×64 latent, and the
# UNet's finest attention layers compare those 4096 positions with each other (SD 1.5's vae and
# unet configs: four VAE blocks, attention from the first UNet block on).
IMAGE_SIDE = 512
IMAGE_TOKENS = (512 // 8) ** 2


@dataclass(frozen=True)
class Geometry:
    """What the cost depends on, read from the VAE's and the transformer's configurations."""

    temporal_stride: int
    spatial_stride: int
    latent_channels: int
    patch: tuple[int, int, int]  # (time, height, width) of one token, in latent cells
    layers: int
    width: int  # the transformer's inner size (heads × size of a head)
    ffn: int
    text_tokens: int

    @classmethod
    def of(cls, configs: dict, text_tokens: int) -> Geometry:
        vae, transformer = configs["vae"], configs["transformer"]
        return cls(temporal_stride=int(vae["scale_factor_temporal"]), spatial_stride=int(vae["scale_factor_spatial"]),
                   latent_channels=int(transformer["in_channels"]),
                   patch=tuple(int(p) for p in transformer["patch_size"]), layers=int(transformer["num_layers"]),
                   width=int(transformer["num_attention_heads"]) * int(transformer["attention_head_dim"]),
                   ffn=int(transformer["ffn_dim"]), text_tokens=text_tokens)

    @property
    def side_multiple(self) -> int:
        """Width and height must be multiples of this: a whole number of patches of the latent."""
        return self.spatial_stride * self.patch[1]


@dataclass(frozen=True)
class Cost:
    frames: int
    width: int
    height: int
    latent_shape: tuple[int, int, int, int]  # (channels, frames, height, width) of the latent
    grid: tuple[int, int, int]  # tokens along time, height, width
    tokens: int
    pixel_values: int  # numbers in the clip (3 colours per pixel)
    latent_values: int  # numbers in its latent
    attention_flops: float  # one forward pass, self-attention's token-by-token part (∝ tokens²)
    linear_flops: float  # one forward pass, everything else (∝ tokens)
    forwards: int  # transformer passes in the whole clip
    clip_flops: float
    image_tokens: int  # one 512×512 image in Stable Diffusion 1.5
    frame_tokens: int  # one frame of this size in the same model

    @property
    def compression(self) -> float:
        return self.pixel_values / self.latent_values

    @property
    def attention_share(self) -> float:
        return self.attention_flops / (self.attention_flops + self.linear_flops)

    @property
    def attention_vs_image(self) -> float:
        """Self-attention's cost relative to one image's: the ratio of the squared token counts."""
        return (self.tokens / self.image_tokens) ** 2

    def summary(self) -> dict:
        """The numbers as the API returns them."""
        values = asdict(self)
        values.update(latent_shape=list(self.latent_shape), grid=list(self.grid),
                      compression=round(self.compression, 2), attention_share=round(self.attention_share, 4),
                      attention_vs_image=round(self.attention_vs_image, 2))
        return values


def check_size(geometry: Geometry, width: int, height: int, frames: int) -> None:
    """Refuse a size the latent cannot tile exactly, and a length the VAE cannot compress in time."""
    multiple = geometry.side_multiple
    for name, side in ((Text("video_generation.width.name"), width), (Text("video_generation.height.name"), height)):
        if side % multiple:
            low = max(multiple, side // multiple * multiple)
            raise LabError("video_generation.error.side", side=name, value=side, multiple=multiple, low=low,
                           high=low + multiple)
    stride = geometry.temporal_stride
    if (frames - 1) % stride:
        low = max(1, (frames - 1) // stride * stride + 1)
        raise LabError("video_generation.error.frames_form", frames=frames, stride=stride, low=low, high=low + stride)


def latent_shape(geometry: Geometry, width: int, height: int, frames: int) -> tuple[int, int, int, int]:
    return (geometry.latent_channels, (frames - 1) // geometry.temporal_stride + 1,
            height // geometry.spatial_stride, width // geometry.spatial_stride)


def forward_flops(geometry: Geometry, tokens: int) -> tuple[float, float]:
    """(self-attention's token-by-token part, everything else) of one transformer pass, in FLOPs
    (a multiply and an add are two).

    Per layer, with n tokens, inner width d, feed-forward width f and t text tokens: scores and the
    weighted sum are two n×n×d products (4n²d); the self- and cross-attention projections
    (12nd² on the video side, 4td² for the text's keys and values), the cross-attention products
    (4ntd) and the feed-forward network (4ndf) grow linearly in n.
    """
    n, d, f, t = tokens, geometry.width, geometry.ffn, geometry.text_tokens
    attention = 4 * n * n * d
    linear = 12 * n * d * d + 4 * t * d * d + 4 * n * t * d + 4 * n * d * f
    return float(geometry.layers * attention), float(geometry.layers * linear)


def clip_cost(geometry: Geometry, width: int, height: int, frames: int, *, steps: int = 1,
              guidance: float = 1.0) -> Cost:
    """The latent, the tokens and the arithmetic of one clip of this size, in ``steps`` steps; a
    guidance above 1 runs the transformer twice a step (with and without the prompt)."""
    check_size(geometry, width, height, frames)
    shape = latent_shape(geometry, width, height, frames)
    grid = tuple(math.ceil(n / p) for n, p in zip(shape[1:], geometry.patch, strict=True))
    tokens = grid[0] * grid[1] * grid[2]
    attention, linear = forward_flops(geometry, tokens)
    forwards = steps * (2 if guidance > 1 else 1)
    frame_grid = latent_shape(geometry, width, height, 1)[2:]
    frame_tokens = math.ceil(frame_grid[0] / geometry.patch[1]) * math.ceil(frame_grid[1] / geometry.patch[2])
    return Cost(frames=frames, width=width, height=height, latent_shape=shape, grid=grid, tokens=tokens,
                pixel_values=3 * frames * width * height, latent_values=math.prod(shape),
                attention_flops=attention, linear_flops=linear, forwards=forwards,
                clip_flops=forwards * (attention + linear), image_tokens=IMAGE_TOKENS, frame_tokens=frame_tokens)


def length_sweep(geometry: Geometry, width: int, height: int, frame_counts: list[int]) -> list[Cost]:
    """The same size at several lengths: tokens grow with the frames, attention with their square."""
    return [clip_cost(geometry, width, height, frames) for frames in frame_counts]
