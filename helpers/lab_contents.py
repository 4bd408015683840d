"""JupyterLab's side of clean notebooks, installed by jupyter_server_config.py (`make lab`).

A committed notebook has no `language_info.version` (the Python patch release differs between
machines, see helpers.notebooks.tidy), but the kernel reports one, and Lab marks a notebook
modified as soon as its metadata differs from what the kernel says. So on open the server fills in
the version this server's kernel would write, and on save it tidies the notebook exactly as
`make figures` does: opening, running and saving an unchanged notebook leaves the file as committed.
"""
from __future__ import annotations

import json
import sys

import nbformat
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from .notebooks import tidy

# What ipykernel reports as language_info.version (the kernel runs on this server's Python).
KERNEL_PYTHON_VERSION = sys.version.split()[0]


def pre_save_hook(model: dict, **_) -> None:
    """Tidy a notebook the server is about to save (helpers.notebooks.tidy), in place."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    nb = nbformat.reads(json.dumps(model["content"]), as_version=4)  # joins multi-line strings
    tidy(nb)
    model["content"] = nb


class NotebookContents(AsyncLargeFileManager):
    """The server's default contents manager, with the kernel's Python version filled into each
    Python notebook it opens and the tidying pre-save hook."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.register_pre_save_hook(pre_save_hook)

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            info = model["content"].get("metadata", {}).get("language_info")
            if info is not None and info.get("name") == "python":
                info.setdefault("version", KERNEL_PYTHON_VERSION)
        return model
