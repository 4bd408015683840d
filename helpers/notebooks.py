"""Execute the notebooks in place, reproducibly: `python -m helpers.notebooks run [NOTEBOOK ...]`;
and generate what links them: `python -m helpers.notebooks nav` (navigation cells, notebooks/README.md,
figures/README.md).

Each notebook runs in a fresh kernel with its own folder as working directory, over the ipc
transport (local Unix sockets: no TCP port, so no unencrypted network traffic for ipykernel to
warn about). Cell timings are not recorded, and `tidy()` drops the Python patch version and widget
state (random ids), so re-running an unchanged notebook on the same pinned environment rewrites it
byte for byte. JupyterLab applies the same `tidy()` on save (helpers/lab_contents.py).
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from .paths import PROJECT_ROOT, figures_dir, writable_figures_dir

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    """The numbered notebooks, in order (NN-name.ipynb)."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def execute(path: Path, timeout: int = 1200, write: bool = True) -> nbformat.NotebookNode:
    """Run every cell of the notebook at `path` (in its folder) and, if `write`, write it back
    with its outputs. The kernel inherits this process's environment (CORPUS_DIR, FIGURES_DIR)."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, config=kernel_config(sockets),
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    tidy(nb)
    if write:
        nbformat.write(nb, path)
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def kernel_config(folder: str) -> Config:
    """A kernel over local Unix sockets in `folder` rather than TCP ports: ipykernel warns about
    plain-text TCP, and nothing here needs the network. The socket path is absolute because the
    kernel runs in the notebook's folder, and a relative one would resolve differently there."""
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


def tidy(nb) -> None:
    """What a committed notebook holds, whoever ran it: no Python patch version (3.11.x differs
    between machines, and would tie a clean `make figures` to one), no widget state or views (random
    ids), stream outputs merged. Applied after `make figures` runs a notebook and when JupyterLab
    saves one, so running and saving an unchanged notebook leaves it byte for byte as committed."""
    nb.metadata.get("language_info", {}).pop("version", None)
    _drop_widget_state(nb)
    _coalesce_streams(nb)


def _coalesce_streams(nb) -> None:
    """Merge consecutive stdout (or stderr) outputs of a cell into one. How a cell's prints are
    split into messages depends on the kernel's flush timing, so the same run can save one or two
    stream outputs; nbval merges them the same way before comparing."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                    and merged[-1]["name"] == out["name"]):
                merged[-1]["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged


def _drop_widget_state(nb) -> None:
    """Widget models get random ids at every run, so a saved widget view and the saved widget
    state would change the file each time. Both are dropped: the widget's text description stays
    as its output (nbval compares that and ignores widget views), and running the cell in
    JupyterLab brings the live widget back."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)


# --- navigation, the notebook index and the figure index (generated, never edited by hand) ----

NAV_IDS = ("nav-top", "nav-bottom")


def _first_cell_field(nb, label: str) -> str:
    """The text after "**Label.**" in the notebook's first cell, up to the next blank line."""
    cells = _content_cells(nb)
    m = re.search(rf"\*\*{label}\.\*\*\s*(.+?)(?:\n\s*\n|$)", cells[0].source if cells else "", re.S)
    return " ".join(m.group(1).split()) if m else ""


def _title(nb) -> str:
    cells = _content_cells(nb)
    m = re.search(r"^# (.+)$", cells[0].source, re.M) if cells else None
    return m.group(1).strip() if m else ""


def _content_cells(nb):
    return [c for c in nb.cells if c.get("id") not in NAV_IDS]


def _nav_text(paths: list[Path], i: int) -> str:
    parts = []
    if i > 0:
        parts.append(f"[← {paths[i - 1].stem}]({paths[i - 1].name})")
    parts.append("[all notebooks](README.md)")
    if i + 1 < len(paths):
        parts.append(f"[{paths[i + 1].stem} →]({paths[i + 1].name})")
    return " · ".join(parts)


def navigation(paths: list[Path] | None = None) -> dict[Path, str]:
    """Each notebook's text with generated links to the previous and next notebooks and the index
    as its first and last cells (replacing earlier ones)."""
    paths = paths or notebook_paths()
    out = {}
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        link = _nav_text(paths, i)
        top = nbformat.v4.new_markdown_cell(link, id="nav-top")
        bottom = nbformat.v4.new_markdown_cell(link, id="nav-bottom")
        nb.cells = [top, *_content_cells(nb), bottom]
        out[path] = nbformat.writes(nb) + "\n"
    return out


def _main_figure(nb) -> str:
    """The first figure the notebook's **Outputs.** names (`figures/NN-name.png` or `NN-name`)."""
    m = re.search(r"`(?:figures/)?(\d\d-[a-z0-9-]+)(?:\.png)?`", _first_cell_field(nb, "Outputs"))
    return m.group(1) if m else ""


def notebook_index(paths: list[Path] | None = None) -> str:
    """notebooks/README.md: the learning path (question, prerequisites, time, main figure) and
    every exercise, read from the notebooks themselves."""
    paths = paths or notebook_paths()
    lines = ["# The notebooks: a learning path", "",
             "Generated by `make nav` from the notebooks themselves; do not edit by hand.",
             "Terms are explained in the [glossary](GLOSSARY.md). Run them in order the first time;",
             "each also runs on its own.", ""]
    exercises = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        fig = _main_figure(nb)
        lines += [f"## [{_title(nb)}]({path.name})", ""]
        if fig:
            lines += [f'<img src="../figures/{fig}.png" alt="{fig}" width="360">', ""]
        for label in ("Question", "Read first", "Time"):
            value = _first_cell_field(nb, label)
            if value:
                lines += [f"- **{label}.** {value}"]
        lines.append("")
        for cell in _content_cells(nb):
            if cell.cell_type != "markdown":
                continue
            for m in re.finditer(r"^\*\*(Exercise \d+)\.\*\*\s*(.+?)(?:\n\s*\n|\Z)", cell.source, re.S | re.M):
                exercises.append(f"- [{path.stem}]({path.name}), {m.group(1)}: {' '.join(m.group(2).split())}")
    lines += ["## Exercises in one place", "",
              "Each exercise has an answer cell for you, a check that compares your answer with a value computed",
              "another way, and a worked solution in a collapsed cell (open it after trying). `make test` checks",
              "that every check fails on a blank or wrong answer and passes on the solution.", "", *exercises, ""]
    return "\n".join(lines)


def figure_index(figures: Path | None = None) -> str:
    """figures/README.md: every figure with the notebook that made it, its caption and its files."""
    figures = figures or figures_dir()
    notebooks = {p.stem.split("-")[0]: p.stem for p in notebook_paths()}
    lines = ["# Figures", "", "Written by the notebooks (`make figures`); this list is generated from each figure's",
             "JSON record, which also holds its parameters, the corpus sha256 and package versions.", "",
             "| figure | notebook | caption | files |", "|---|---|---|---|"]
    for record in sorted(figures.glob("*.json")):
        meta = json.loads(record.read_text(encoding="utf-8"))
        nb = notebooks.get(meta["figure"].split("-")[0], "")
        caption = " ".join(meta.get("caption", "").split()).replace("|", "/")
        files = ", ".join(f"[{f.rsplit('.', 1)[1]}]({f})" for f in meta.get("files", []))
        lines.append(f"| [{meta['figure']}]({meta['figure']}.png) | [{nb}](../notebooks/{nb}.ipynb) | {caption} | {files} |")
    return "\n".join(lines) + "\n"


def generated_files() -> dict[Path, str]:
    """Every generated file and the text it should have now."""
    return {**navigation(), NOTEBOOKS_DIR / "README.md": notebook_index(), figures_dir() / "README.md": figure_index()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["nav"], ["run"]):
        try:  # before running anything: an unwritable folder would otherwise fail after all the work
            writable_figures_dir()
        except OSError as e:
            where = e.filename or os.environ.get("FIGURES_DIR") or "figures/"
            print(f"cannot write figures to {where} ({e.strerror or e}). Set FIGURES_DIR to a folder you can "
                  "write to, or fix that folder's permissions.", file=sys.stderr)
            return 3
    if argv[:1] == ["nav"]:
        for path, text in generated_files().items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}")
        return 0
    if not argv or argv[0] != "run":
        print("usage: python -m helpers.notebooks run [NOTEBOOK ...] | nav", file=sys.stderr)
        return 2
    paths = [Path(a).resolve() for a in argv[1:]] or notebook_paths()
    failed = []
    for path in paths:  # one notebook failing does not stop the others
        name = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        print(f"executing {name}", flush=True)
        try:
            execute(path)
        except CellExecutionError as e:
            failed.append(str(name))
            print(f"FAILED {name}: {e.ename}: {e.evalue}", file=sys.stderr, flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed and were not rewritten: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
