"""Execute the notebooks in place, reproducibly: `python -m helpers.notebooks run [NOTEBOOK ...]`.

Each notebook runs in a fresh kernel with its own folder as working directory. Cell timings are
not recorded, the Python patch version and widget state (random ids) are dropped, so re-running
an unchanged notebook on the same pinned environment rewrites it byte for byte.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .paths import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    """The numbered notebooks, in order (NN-name.ipynb)."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def execute(path: Path, timeout: int = 1200, write: bool = True) -> nbformat.NotebookNode:
    """Run every cell of the notebook at `path` (in its folder) and, if `write`, write it back
    with its outputs. The kernel inherits this process's environment (CORPUS_DIR, FIGURES_DIR)."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.get("language_info", {}).pop("version", None)  # 3.11.x differs between machines
    _drop_widget_state(nb)
    if write:
        nbformat.write(nb, path)
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _drop_widget_state(nb) -> None:
    """Widget models get random ids at every run, so a saved widget view and the saved widget
    state would change the file each time. Both are dropped: the widget's text description stays
    as its output (nbval compares that and ignores widget views), and running the cell in
    JupyterLab brings the live widget back."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "run":
        print("usage: python -m helpers.notebooks run [NOTEBOOK ...]", file=sys.stderr)
        return 2
    paths = [Path(a).resolve() for a in argv[1:]] or notebook_paths()
    for path in paths:
        print(f"executing {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
