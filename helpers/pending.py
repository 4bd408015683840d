"""An `add` in progress: where it writes its temporary files, and what a killed one left behind.

`helpers.add_document` writes the new document to raw/.NAME.part and the new metadata to
.metadata.csv.pending (dot files, which a corpus ignores), then renames the document into place
and last renames the metadata over metadata.csv: that rename is the commit. If the process dies
between the two renames, raw/NAME exists without its row. The complete pending metadata, which
lists NAME with its sha256, shows that the file belongs to an add that never committed: loading
leaves it out, and the next `add` removes it.
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

PENDING_METADATA = ".metadata.csv.pending"
PART_SUFFIX = ".part"


def part_name(name: str) -> str:
    """The temporary name, inside raw/, of a document being written."""
    return f".{name}{PART_SUFFIX}"


def interrupted_add(root: Path, registered: set[str]) -> list[str]:
    """Files in raw/ that a killed add renamed into place but did not register: not among the
    `registered` file names, and listed with their sha256 in the pending metadata."""
    pending = Path(root) / PENDING_METADATA
    try:
        rows = list(csv.reader(io.StringIO(pending.read_text(encoding="utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    if not rows:
        return []
    header = [c.strip() for c in rows[0]]
    if "file" not in header or "sha256" not in header:
        return []
    f, h = header.index("file"), header.index("sha256")
    found = []
    for row in rows[1:]:
        if len(row) != len(header):
            continue
        name = row[f].strip()
        path = Path(root) / "raw" / name
        if name and name not in registered and "/" not in name and path.is_file() and not path.is_symlink() \
                and hashlib.sha256(path.read_bytes()).hexdigest() == row[h].strip().lower():
            found.append(name)
    return found
