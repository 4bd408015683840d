"""Every notebook runs unchanged on another corpus (CORPUS_DIR) and shows a newly added
conference year in its tables: the extensibility promise, checked end to end."""
import pytest

from helpers.add_document import add_document
from helpers.notebooks import execute, notebook_paths

ARTICLE = ("Quantum networks at the Wuzhen summit\n\n"
           "More than 1,500 guests from 70 countries and regions attended the summit in Wuzhen, organisers said.\n\n"
           "Quantum communication and quantum computing dominated the forums on the digital economy.\n\n"
           "Delegates discussed quantum encryption standards and cyber security for internet governance.\n")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    import shutil

    from helpers.paths import PROJECT_ROOT
    shutil.copytree(PROJECT_ROOT / "corpus" / "raw", root / "raw")
    shutil.copy(PROJECT_ROOT / "corpus" / "metadata.csv", root / "metadata.csv")
    src = tmp_path_factory.mktemp("incoming") / "article.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    add_document(src, root, title="Quantum networks at the Wuzhen summit", source="Example News",
                 published="2019-10-21", event="6th World Internet Conference, Wuzhen", event_year="2019",
                 series="World Internet Conference")
    mp = pytest.MonkeyPatch()
    mp.setenv("CORPUS_DIR", str(root))
    mp.setenv("FIGURES_DIR", str(tmp_path_factory.mktemp("figures")))
    try:
        return {p.stem: execute(p, write=False) for p in notebook_paths()}
    finally:
        mp.undo()


@pytest.mark.parametrize("name", [p.stem for p in notebook_paths()])
def test_new_year_appears_in_a_table_of_every_notebook(outputs, name):
    html = "".join(o.get("data", {}).get("text/html", "") for c in outputs[name].cells if c.cell_type == "code"
                   for o in c.outputs)
    assert ">2019<" in html  # a table cell or row label holding the new year
