"""`make html`: the executed notebooks, the learning path (notebooks/README.md, as index.html) and
the glossary as pages in html/ that a browser shows in full with no network.

- No script at all: formulas are converted to MathML when the pages are built (latex2mathml), so
  no MathJax, require.js or Mermaid is loaded from a CDN at view time.
- Links between notebooks and to the learning path or glossary point to the sibling pages; images
  (the charts in outputs, the figures the learning path shows) are embedded in the page, each with
  alt text: its figure's caption (figures/NAME.json) or, for a chart that is not saved, the
  sentence that introduces it. Any other relative link is rewritten to resolve from html/.
- A widget has no live view on a static page: the explorer's output is its own description.

`python -m helpers.html_pages [OUT_DIR]` builds the pages (default html/).
"""
from __future__ import annotations

import base64
import html
import json
import os
import re
import sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter

from .notebooks import NOTEBOOKS_DIR, notebook_paths, tidy
from .paths import PROJECT_ROOT, figures_dir

HTML_DIR = PROJECT_ROOT / "html"
# Markdown files of notebooks/ that become pages, and the page each becomes.
MARKDOWN_PAGES = {"README.md": "index.html", "GLOSSARY.md": "glossary.html"}

# The lab template without its CDN scripts, and with alt text on output images.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block extra_css %}<style type="text/css">math { font-size: 1.15em; } math[display="block"] { margin: 0.8em 0; }</style>{% endblock extra_css %}
{% block data_png scoped %}
{{- super() | replace('<img ', '<img alt="' ~ (output | get_metadata('alt', 'image/png') or '') | escape_html ~ '" ', 1) -}}
{% endblock data_png %}
"""

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)  # code, where a $ is a dollar sign
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\d$])")  # not "$5 and $10"
_LINK = re.compile(r"(\]\()([^)\s]+)(\))|((?:href|src)=\")([^\"]+)(\")")
_IMG = re.compile(r"<img\b[^>]*>")
_SAVED_FIGURE = re.compile(r"save_figure\(\s*\w+\s*,\s*f?[\"']([0-9]{2}-[a-z0-9-]+)[\"']")


def math_to_mathml(markdown: str) -> str:
    """`$$...$$` and `$...$` outside code replaced by MathML (display block and inline)."""
    parts = _CODE.split(markdown)
    for i in range(0, len(parts), 2):  # even parts are outside code
        text = _DISPLAY_MATH.sub(lambda m: latex_to_mathml(m.group(1).strip(), display="block"), parts[i])
        parts[i] = _INLINE_MATH.sub(lambda m: latex_to_mathml(m.group(1)), text)
    return "".join(parts)


def _caption(name: str) -> str:
    """The caption recorded for figure `name`: in $FIGURES_DIR when the notebooks wrote there (another
    corpus), else in the project's figures/, whose records go with the committed outputs."""
    for folder in (figures_dir(), PROJECT_ROOT / "figures"):
        record = folder / f"{name}.json"
        if record.exists():
            return " ".join(json.loads(record.read_text(encoding="utf-8")).get("caption", "").split())
    return ""


def _data_uri(path: Path) -> str:
    kind = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}[path.suffix.lower()]
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def link_target(target: str, out_dir: Path) -> str:
    """Where a link written in notebooks/ points from a page in out_dir: a sibling page for a
    notebook, the learning path or the glossary; an image embedded; any other file of the project
    by a path relative to out_dir. External links and anchors stay as they are."""
    if re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", target, re.I):
        return target
    path, _, fragment = target.partition("#")
    fragment = f"#{fragment}" if fragment else ""
    source = (NOTEBOOKS_DIR / path).resolve()
    if source.parent == NOTEBOOKS_DIR and source.suffix == ".ipynb":
        return f"{source.stem}.html{fragment}"
    if source.parent == NOTEBOOKS_DIR and source.name in MARKDOWN_PAGES:
        return MARKDOWN_PAGES[source.name] + fragment
    if source.suffix.lower() in (".png", ".svg", ".jpg", ".jpeg") and source.is_file():
        return _data_uri(source)
    return Path(os.path.relpath(source, out_dir.resolve())).as_posix() + fragment


def _figure_alt(tag: str) -> str:
    """An <img> of a figure of figures/ gets its caption as alt text."""
    m = re.search(r'src="[^"]*figures/([0-9]{2}-[a-z0-9-]+)\.png"', tag)
    caption = _caption(m.group(1)) if m else ""
    if not caption:
        return tag
    tag = re.sub(r'\salt="[^"]*"', "", tag)
    return tag.replace("<img", f'<img alt="{html.escape(caption)}"', 1)


def prepare_markdown(source: str, out_dir: Path) -> str:
    """A markdown cell as the page shows it: figure captions as alt text, links rewritten (see
    link_target), formulas as MathML."""
    source = _IMG.sub(lambda m: _figure_alt(m.group()), source)
    source = _LINK.sub(lambda m: (m.group(1) or m.group(4)) + link_target(m.group(2) or m.group(5), out_dir)
                       + (m.group(3) or m.group(6)), source)
    return math_to_mathml(source)


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"[*_`#>]", "", text).split()).rstrip(":")


def prepare_notebook(nb, out_dir: Path):
    """The notebook as its page shows it: markdown prepared (prepare_markdown), every output image
    given alt text (the caption of the figure its cell saves, else the text before the cell)."""
    tidy(nb)
    before = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = prepare_markdown(cell.source, out_dir)
            before = _plain(cell.source if "<math" not in cell.source else "")
            continue
        names = _SAVED_FIGURE.findall(cell.get("source", "")) if cell.cell_type == "code" else []
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for i, out in enumerate(images):
            name = names[min(i, len(names) - 1)] if names else ""
            out.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = (
                _caption(name) if name else "") or before or "chart"
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                out["data"]["text/markdown"] = prepare_markdown(out["data"]["text/markdown"], out_dir)
    return nb


def _exporter() -> HTMLExporter:
    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"offline.html.j2": TEMPLATE})],
                        template_file="offline.html.j2")


def _title(markdown: str, default: str) -> str:
    m = re.search(r"^# (.+)$", markdown, re.M)
    return _plain(m.group(1)) if m else default


def build(out_dir: Path = HTML_DIR, notebooks: list[Path] | None = None) -> list[Path]:
    """Write a page for each notebook (NN-name.html), the learning path (index.html) and the
    glossary (glossary.html) to out_dir; return the pages written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    written = []
    for path in notebooks or notebook_paths():
        nb = prepare_notebook(nbformat.read(path, as_version=4), out_dir)
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        written.append(_write(out_dir / f"{path.stem}.html", page))
    for name, page_name in MARKDOWN_PAGES.items():
        source = (NOTEBOOKS_DIR / name).read_text(encoding="utf-8")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(prepare_markdown(source, out_dir))])
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(source, page_name)}})
        written.append(_write(out_dir / page_name, page))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else HTML_DIR
    try:
        pages = build(out_dir)
    except OSError as e:
        print(f"cannot write the pages to {e.filename or out_dir} ({e.strerror or e}): choose another folder "
              "(python -m helpers.html_pages OUT_DIR) or fix its permissions.", file=sys.stderr)
        return 4
    shown = out_dir.resolve()
    shown = shown.relative_to(PROJECT_ROOT) if shown.is_relative_to(PROJECT_ROOT) else shown
    print(f"wrote {len(pages)} pages to {shown}/: open {shown}/index.html (no network needed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
