"""Pretrained torchvision weights, named the way shared.models names every model.

A registry entry with source "torchvision" (``"VGG19_Weights.IMAGENET1K_V1"``) resolves here
to a state dict. Its environment variable may name another weights enum of the same
architecture, or a local safetensors file (or a folder holding one) with the same keys:
a local file works exactly like the default id, which is how the tests load small
random-weight models through the production path. Used by the Deep Dream and style
transfer tabs.
"""

from __future__ import annotations

from pathlib import Path

import torch

SAFETENSORS_NAME = "model.safetensors"


def looks_like_path(ident: str) -> bool:
    return ident.endswith(".safetensors") or "/" in ident or "\\" in ident or Path(ident).exists()


def local_file(ident: str) -> Path:
    """The safetensors file that ``ident`` names: the file itself, or the one inside a folder."""
    path = Path(ident).expanduser()
    if path.is_dir():
        preferred = path / SAFETENSORS_NAME
        found = [preferred] if preferred.is_file() else sorted(path.glob("*.safetensors"))
        if len(found) != 1:
            raise FileNotFoundError(f"expected one .safetensors file in {path}, found {len(found)}")
        return found[0]
    if not path.is_file():
        raise FileNotFoundError(f"no such weights file: {path}")
    return path


def state_dict(ident: str, enum_class: str) -> dict[str, torch.Tensor]:
    """The tensors of ``ident``: a local safetensors file/folder, or a torchvision weights enum
    of class ``enum_class`` (e.g. "GoogLeNet_Weights"), downloaded into TORCH_HOME once."""
    if looks_like_path(ident):
        from safetensors.torch import load_file

        return load_file(str(local_file(ident)))
    from torchvision.models import get_weight

    if ident.split(".")[0] != enum_class:
        raise ValueError(f"{ident!r} is not one of torchvision's {enum_class}")
    weights = get_weight(ident)
    # weights_only: the file is a pickle, and this refuses anything but tensors in it.
    return weights.get_state_dict(progress=False, check_hash=True, weights_only=True)


def save(tensors: dict[str, torch.Tensor], path: Path | str) -> Path:
    """Write a state dict as safetensors (what a local override of a torchvision entry reads)."""
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({name: t.detach().cpu().contiguous() for name, t in tensors.items()}, str(path))
    return path
