"""Generated files (navigation cells, notebooks/README.md, figures/README.md) match what the
generator produces now: they are never edited by hand."""
import nbformat

from helpers.notebooks import generated_files, notebook_paths


def test_generated_files_are_up_to_date():
    stale = [str(p) for p, text in generated_files().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `make nav`: {stale}"


def test_every_notebook_has_navigation_and_exercises():
    paths = notebook_paths()
    assert len(paths) >= 5
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[0].id == "nav-top" and nb.cells[-1].id == "nav-bottom"
        if i + 1 < len(paths):
            assert f"({paths[i + 1].name})" in nb.cells[0].source
        assert any("**Exercise 1.**" in c.source for c in nb.cells if c.cell_type == "markdown"), path.name
