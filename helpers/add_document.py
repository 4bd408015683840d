"""Adding a document to a corpus: validated first, written only when `check` would accept it.

    python -m helpers.corpus add FILE --title T --source S --published YYYY-MM-DD \
        --event "6th World Internet Conference, Wuzhen" --event-year 2019 [--series ...]

The new corpus (existing files + the new one + the new row) is assembled and loaded in a
temporary folder first; only if that succeeds is the file copied into raw/ and its row appended
to metadata.csv. A refusal leaves the corpus exactly as it was. Existing files are never changed.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tempfile
from pathlib import Path

from .cleaning import clean_text
from .corpus import CorpusError, decode_document, load_corpus
from .paths import corpus_root


def _slug(text: str, n: int) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:n].strip("-") or "document"


def _new_row(data: bytes, src: Path, docs, header: list[str], fields: dict) -> dict:
    """The metadata row for the new document, or CorpusError with every reason to refuse it."""
    problems = []
    try:
        raw = decode_document(data, str(src))
    except CorpusError as e:
        raise CorpusError(e.problems) from None
    text = clean_text(raw, fields["title"]).text if raw.strip() else ""
    if not raw.strip():
        problems.append(f"{src}: the file is empty; nothing to add.")
    elif not text.strip():
        problems.append(f"{src}: nothing is left after cleaning (only page furniture); check it holds the article.")
    digest = hashlib.sha256(data).hexdigest()
    same = docs[docs["sha256"] == digest]
    twins = docs[docs["text"] == text] if text.strip() else docs.iloc[:0]
    if len(same):
        problems.append(f"{src}: identical to raw/{same['file'].iloc[0]} (id '{same['id'].iloc[0]}'), already in the corpus.")
    elif len(twins):
        problems.append(f"{src}: same article text as raw/{twins['file'].iloc[0]} (id '{twins['id'].iloc[0]}'); "
                        "not added twice.")
    for key in ("title", "source", "event"):
        if not str(fields[key]).strip():
            problems.append(f"--{key.replace('_', '-')} is empty; give a value.")
    try:
        dt.date.fromisoformat(fields["published"])
    except ValueError:
        problems.append(f"--published '{fields['published']}' is not a date; write it as YYYY-MM-DD.")
    try:
        year = int(fields["event_year"])
    except ValueError:
        year = None
        problems.append(f"--event-year '{fields['event_year']}' is not an integer; write the year, e.g. 2019.")
    doc_id = fields.get("doc_id") or f"{year}-{_slug(fields['title'], 40)}"
    name = fields.get("name") or f"{fields['published']}-{_slug(fields['source'], 20)}-{_slug(fields['title'], 50)}.txt"
    if doc_id in set(docs["id"]):
        problems.append(f"id '{doc_id}' is taken; choose another with --id.")
    if Path(name).name != name or not name.endswith(".txt"):
        problems.append(f"--name '{name}' must be a bare file name ending in .txt.")
    elif name in set(docs["file"]):
        problems.append(f"raw/{name} exists already; choose another with --name.")
    if problems:
        raise CorpusError(problems)
    row = {"id": doc_id, "file": name, "title": fields["title"], "source": fields["source"],
           "author": fields.get("author", ""), "published": fields["published"], "event": fields["event"],
           "event_year": str(year), "series": fields.get("series") or fields["event"],
           "genre": fields.get("genre", ""), "sha256": digest, "notes": fields.get("notes", "")}
    return {c: row.get(c, "") for c in header}


def add_document(src, root=None, **fields) -> dict:
    """Add the text file `src` to the corpus at `root` (default: as load_corpus); return its row.
    `fields`: title, source, published, event, event_year, and optionally author, series,
    genre, notes, doc_id, name. Raises CorpusError, with every reason, and changes nothing, when
    the document or the resulting corpus would not pass `check`."""
    root, src = corpus_root(root), Path(src)
    if not src.is_file():
        raise CorpusError(f"{src}: no such file.")
    try:
        docs = load_corpus(root)
    except CorpusError as e:
        raise CorpusError(["the corpus does not pass `check` now; fix it before adding:", *e.problems]) from None
    meta_path = root / "metadata.csv"
    meta_text = meta_path.read_text(encoding="utf-8-sig")
    header = next(csv.reader([meta_text.splitlines()[0]]))
    data = src.read_bytes()
    row = _new_row(data, src, docs, header, fields)
    line = _csv_line(row, header)
    sep = "" if meta_text.endswith("\n") else "\n"
    with tempfile.TemporaryDirectory() as tmp:  # the corpus as it would be, checked before writing
        trial = Path(tmp)
        (trial / "raw").mkdir()
        for f in (root / "raw").iterdir():
            (trial / "raw" / f.name).symlink_to(f.resolve())
        (trial / "raw" / row["file"]).write_bytes(data)
        (trial / "metadata.csv").write_text(meta_text + sep + line, encoding="utf-8")
        load_corpus(trial)
    with open(root / "raw" / row["file"], "xb") as f:  # "x": never overwrite
        f.write(data)
    with open(meta_path, "a", encoding="utf-8", newline="") as f:
        f.write(sep + line)
    return row


def _csv_line(row: dict, header: list[str]) -> str:
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row[c] for c in header])
    return buf.getvalue()
