"""The package's shape: no helpers module imports another that imports it back (directly or
round a longer loop, lazy imports inside functions included), and helpers.corpus, run as
`python -m helpers.corpus`, defines nothing that could exist twice."""
import ast
from pathlib import Path

import helpers

PACKAGE = Path(helpers.__file__).parent


def helpers_imports(path: Path) -> set[str]:
    """The helpers modules that `path` imports anywhere in it (top level or inside a function)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1 or base.split(".")[0] == "helpers":
                base = base.removeprefix("helpers").lstrip(".") if node.level == 0 else base
                names = [base] if base else [a.name for a in node.names]  # from . import x
                out |= {n.split(".")[0] for n in names}
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("helpers.")}
    return out


def import_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {p.stem: helpers_imports(p) & modules for p in PACKAGE.glob("*.py")}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [])):
            return found[found.index(found[-1]):]
    return None


def test_the_graph_is_read_correctly():
    graph = import_graph()
    assert {"loading", "paragraphs", "duplicates", "summary", "cli"} <= graph["corpus"]
    assert "add_document" in graph["cli"] and "loading" in graph["add_document"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_helpers():
    graph = import_graph()
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_module_imports_the_corpus_facade():
    # helpers.corpus re-exports for users; a module of the package importing it would tie it to all
    assert [m for m, deps in import_graph().items() if "corpus" in deps] == []


def test_corpus_module_defines_nothing():
    tree = ast.parse((PACKAGE / "corpus.py").read_text(encoding="utf-8"))
    defined = [n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    assigned = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert defined == [] and assigned == ["__all__"]
