"""`make html`: every page built, parsed and checked as a browser offline would need it: nothing
loaded from outside, no script, every local link and anchor resolving, alt text on every image
(a figure's caption for a saved figure), formulas as MathML, the explorer described in words."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from helpers.explorer import DESCRIPTION
from helpers.html_pages import MARKDOWN_PAGES, build, link_target, math_to_mathml
from helpers.notebooks import notebook_paths
from helpers.paths import PROJECT_ROOT

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


class Page(HTMLParser):
    """What a page loads and links to, its anchors, its images and its scripts."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.refs, self.ids, self.images, self.scripts, self.styles = [], set(), [], [], []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "srcset", "data", "poster", "action"):
            if attrs.get(name):
                self.refs.append((tag, name, attrs[name]))
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "img":
            self.images.append(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    written = build(out)
    return out, {p.name: (p.read_text(encoding="utf-8"), Page(p.read_text(encoding="utf-8"))) for p in written}


def test_a_page_for_every_notebook_the_learning_path_and_the_glossary(pages):
    _, parsed = pages
    assert set(parsed) == {f"{p.stem}.html" for p in notebook_paths()} | set(MARKDOWN_PAGES.values())


def test_no_page_loads_anything_from_outside_or_runs_a_script(pages):
    _, parsed = pages
    for name, (text, page) in parsed.items():
        assert not page.scripts, f"{name}: <script> {page.scripts}"
        external = [r for r in page.refs if EXTERNAL.match(r[2])]
        assert not external, f"{name}: external {external}"
        urls = [u for css in page.styles for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css)]
        assert all(u.startswith("data:") for u in urls), f"{name}: CSS loads {[u for u in urls if not u.startswith('data:')]}"
        assert not re.search(r"@import", "".join(page.styles)), name


def test_every_local_link_and_anchor_resolves(pages):
    out, parsed = pages
    checked = 0
    for name, (_, page) in parsed.items():
        for tag, attr, ref in page.refs:
            if ref.startswith(("data:", "mailto:")):
                continue
            path, _, fragment = ref.partition("#")
            target = (out / unquote(path)).resolve() if path else out / name
            assert target.exists(), f"{name}: <{tag} {attr}={ref!r}> points to a missing file"
            if fragment and target.suffix == ".html":
                ids = parsed[target.name][1].ids if target.name in parsed else set()
                # a browser looks for the fragment as written, then percent-decoded (HTML spec)
                assert fragment in ids or unquote(fragment) in ids, f"{name}: anchor {ref!r} is not in {target.name}"
            checked += 1
    # the navigation of every notebook page (two links each side) and the learning path's links
    assert checked >= 4 * len(notebook_paths())


def test_navigation_links_point_to_the_sibling_pages(pages):
    _, parsed = pages
    paths = notebook_paths()
    for i, path in enumerate(paths):
        hrefs = {r[2] for r in parsed[f"{path.stem}.html"][1].refs if r[1] == "href"}
        assert "index.html" in hrefs
        if i + 1 < len(paths):
            assert f"{paths[i + 1].stem}.html" in hrefs
        assert not any(h.endswith((".ipynb", ".md")) for h in hrefs), path.name


def test_every_image_has_alt_text_and_a_saved_figure_has_its_caption(pages):
    _, parsed = pages
    captions = {" ".join(json.loads(p.read_text(encoding="utf-8"))["caption"].split())
                for p in (PROJECT_ROOT / "figures").glob("*.json")}
    with_caption = 0
    for name, (_, page) in parsed.items():
        for img in page.images:
            assert (img.get("alt") or "").strip(), f"{name}: an image without alt text"
            assert img["src"].startswith("data:image/"), f"{name}: image not embedded: {img['src'][:60]}"
            with_caption += img["alt"] in captions
    # every figure of figures/ shown in a notebook page is described by its own caption
    shown = sum("save_figure(" in c for p in notebook_paths() for c in _code(p))
    assert with_caption >= shown > 0


def _code(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_formulas_are_mathml_not_raw_latex(pages):
    _, parsed = pages
    for name, (text, _) in parsed.items():
        assert "$$" not in re.sub(r"<pre.*?</pre>|<code.*?</code>", "", text, flags=re.S), name
    text = parsed["02-tfidf-themes.html"][0]
    assert '<math display="block"' in text and "<mfrac>" in text and "\\frac" not in text


def test_the_explorer_page_says_what_the_widget_does(pages):
    _, parsed = pages
    text = parsed["05-explore.html"][0]
    assert "VBox(children" not in text
    assert DESCRIPTION.split(":")[0] in text


def test_dollar_signs_that_are_not_formulas_stay_as_they_are():
    assert math_to_mathml("from $5 to $10") == "from $5 to $10"
    assert math_to_mathml("`$CORPUS_DIR` and $x$") .startswith("`$CORPUS_DIR` and <math")
    assert "<mi>x</mi>" in math_to_mathml("$x$")


def test_links_to_notebooks_and_markdown_pages_become_sibling_pages(tmp_path):
    out = PROJECT_ROOT / "html"
    assert link_target("02-tfidf-themes.ipynb#3.-TF-IDF", out) == "02-tfidf-themes.html#3.-TF-IDF"
    assert link_target("README.md", out) == "index.html"
    assert link_target("GLOSSARY.md", out) == "glossary.html"
    assert link_target("../corpus/README.md", out) == "../corpus/README.md"
    assert link_target("../corpus/README.md", tmp_path).endswith("corpus/README.md")
    assert link_target("https://example.org/x", out) == "https://example.org/x"
    assert link_target("../figures/01-corpus-size.png", out).startswith("data:image/png;base64,")
