"""Generated files (navigation cells, notebooks/README.md, figures/README.md) match what the
generator produces now: they are never edited by hand."""
import nbformat

from helpers.notebooks import generated_files, notebook_paths


def test_generated_files_are_up_to_date(monkeypatch):
    monkeypatch.delenv("FIGURES_DIR", raising=False)  # the repository's own figures/README.md
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


def test_stream_outputs_are_merged_so_saved_notebooks_do_not_depend_on_flush_timing():
    from helpers.notebooks import _coalesce_streams

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="2\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="w\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1),
                    nbformat.v4.new_output("stream", name="stdout", text="4\n")]
    nb.cells = [cell]
    _coalesce_streams(nb)
    assert [(o.output_type, o.get("text")) for o in cell.outputs] == [
        ("stream", "1\n2\n"), ("stream", "w\n"), ("execute_result", None), ("stream", "4\n")]


def test_run_goes_on_after_a_failing_notebook_and_reports_it(tmp_path, capsys):
    from helpers.notebooks import main

    bad, good = tmp_path / "01-bad.ipynb", tmp_path / "02-good.ipynb"
    for path, code in ((bad, "raise ValueError('no second year')"), (good, "print(6 * 7)")):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, path)
    assert main(["run", str(bad), str(good)]) == 1
    assert "FAILED" in capsys.readouterr().err
    assert nbformat.read(bad, as_version=4).cells[0].outputs == []  # not rewritten with the error
    assert nbformat.read(good, as_version=4).cells[0].outputs[0]["text"] == "42\n"
