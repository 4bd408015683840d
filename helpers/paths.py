"""Every path the project uses, resolved in one place from this package's location.

Notebooks and tests call these functions instead of building paths relative to the working
directory, so they run from any folder (nbval and nbconvert start kernels in notebooks/).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def corpus_root(root: str | os.PathLike | None = None) -> Path:
    """The corpus folder: `root` if given, else $CORPUS_DIR if set, else the project's corpus/."""
    if root is None:
        root = os.environ.get("CORPUS_DIR") or PROJECT_ROOT / "corpus"
    return Path(root).expanduser().resolve()


def figures_dir() -> Path:
    """Where figures are written: $FIGURES_DIR if set, else the project's figures/."""
    path = Path(os.environ.get("FIGURES_DIR") or PROJECT_ROOT / "figures").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def writable_figures_dir() -> Path:
    """figures_dir(), created and shown to be writable now, before any notebook runs; OSError if not."""
    path = figures_dir()
    with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
        pass
    return path
