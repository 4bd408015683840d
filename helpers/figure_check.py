"""Compare freshly written figures with the committed ones: `python -m helpers.figure_check FRESH`.

`make test` runs the notebooks with FIGURES_DIR pointing to a temporary folder (so a failed run
leaves figures/ as it was), then calls this to list every file that differs, is missing or is
new: the whole damage in one run, whether or not nbval passed.
"""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

from .paths import PROJECT_ROOT

# Written by `make nav` from the figures' JSON records, not by the notebooks.
NOT_WRITTEN_BY_NOTEBOOKS = {"README.md"}
TEXT_SUFFIXES = {".csv", ".json", ".svg"}


def compare(fresh: Path, committed: Path) -> list[str]:
    """One line per difference between the two folders (empty when byte-identical), with the first
    differing lines of a text file so a reader sees what changed, not only where."""
    names = lambda d: {p.name for p in d.iterdir() if p.is_file()} - NOT_WRITTEN_BY_NOTEBOOKS  # noqa: E731
    new, old = names(fresh), names(committed)
    report = [f"not written by the notebooks any more: {n}" for n in sorted(old - new)]
    report += [f"new, not committed: {n}" for n in sorted(new - old)]
    for name in sorted(new & old):
        a, b = (committed / name).read_bytes(), (fresh / name).read_bytes()
        if a == b:
            continue
        report.append(f"differs: {name}")
        if Path(name).suffix in TEXT_SUFFIXES:
            diff = difflib.unified_diff(a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines(),
                                        "committed", "regenerated", n=0, lineterm="")
            report += [f"    {line[:160]}" for line in list(diff)[2:8]]
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m helpers.figure_check FRESH_FIGURES_DIR", file=sys.stderr)
        return 2
    committed = PROJECT_ROOT / "figures"
    report = compare(Path(argv[0]), committed)
    if report:
        print(f"figures/ differs from what the notebooks wrote just now ({sum(not r.startswith(' ') for r in report)} file(s)):")
        print("\n".join(report))
        return 1
    print("figures/: byte-identical to what the notebooks wrote just now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
