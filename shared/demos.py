"""Which demos there are, and what each one's ``__init__.py`` declares about itself.

A demo is a package in ``spaces/<name>/`` (``spaces/`` is on the import path and is not a package
itself, so nothing here can shadow Hugging Face's ``spaces``). Its ``__init__.py`` holds only
metadata, cheap to import:

- ``SECTION``: the part of the lecture it belongs to, one of ``SECTIONS``;
- ``ORDER``: its place within the section, in the order of the slides (smaller first);
- ``REQUIRES``: import names of the optional packages it needs;
- ``MODELS``: the pretrained models it loads (``shared.models.PretrainedModel``).

Its ``texts.yaml`` holds its words (``shared.texts``), ``ui.py`` its ``build()``. Both the suite
(``app.py``) and ``python -m shared.evaluate`` find the demos here. Nothing here imports Gradio.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SPACES_DIR = REPO_ROOT / "spaces"

# The lecture's parts, in the order of the slides.
SECTIONS = ("basics", "text", "images", "sound", "inside")
# Where a demo goes whose __init__.py cannot even be imported: shown, with the reason, at the end.
FALLBACK_SECTION = SECTIONS[-1]

log = logging.getLogger("lab")


@dataclass(frozen=True)
class Demo:
    name: str
    folder: Path | None
    section: str = FALLBACK_SECTION
    order: int = 10**6
    requires: tuple[str, ...] = ()
    models: tuple = ()
    import_error: str | None = None  # why its __init__.py failed to import, if it did

    @property
    def texts_path(self) -> Path | None:
        return self.folder / "texts.yaml" if self.folder else None

    def missing_packages(self) -> list[str]:
        return [name for name in self.requires if importlib.util.find_spec(name) is None]


def describe(name: str) -> Demo:
    """The metadata of the demo package ``name`` (importing only its ``__init__.py``)."""
    spec = importlib.util.find_spec(name)
    folder = Path(spec.origin).parent if spec is not None and spec.origin else None
    try:
        package = importlib.import_module(name)
        section = getattr(package, "SECTION", FALLBACK_SECTION)
        if section not in SECTIONS:
            raise ValueError(f"unknown SECTION {section!r}; one of {', '.join(SECTIONS)}")
        return Demo(name, folder, section=section, order=int(getattr(package, "ORDER", 10**6)),
                    requires=tuple(getattr(package, "REQUIRES", ())), models=tuple(getattr(package, "MODELS", ())))
    except Exception as exc:  # a broken demo must not take the suite down
        log.exception("demo %s could not be imported", name)
        return Demo(name, folder, import_error=f"{exc.__class__.__name__}: {exc}")


def in_lecture_order(demos: list[Demo]) -> list[Demo]:
    """Section by section as the slides go; within a section by ``ORDER``, then by name."""
    return sorted(demos, key=lambda d: (SECTIONS.index(d.section), d.order, d.name))


def installed(folder: Path = SPACES_DIR) -> list[Demo]:
    """Every demo in ``folder``, in lecture order."""
    names = [p.name for p in folder.iterdir() if (p / "__init__.py").is_file()] if folder.is_dir() else []
    return in_lecture_order([describe(name) for name in names])


def names(folder: Path = SPACES_DIR) -> list[str]:
    return [demo.name for demo in installed(folder)]


def by_section(chosen: list[Demo]) -> dict[str, list[Demo]]:
    """The demos grouped by section, sections and demos keeping the order they come in."""
    grouped: dict[str, list[Demo]] = {}
    for demo in chosen:
        grouped.setdefault(demo.section, []).append(demo)
    return grouped


def register_texts(demo: Demo) -> None:
    """Put the demo's texts.yaml into the translation tables (what building its tab needs)."""
    from shared import i18n
    from shared.texts import read_texts

    i18n.register(read_texts(demo.texts_path, prefix=demo.name))
