"""Adding a document to a corpus: validated first, then written all or nothing, one add at a time.

    python -m helpers.corpus add FILE --title T --source S --published YYYY-MM-DD \
        --event "6th World Internet Conference, Wuzhen" --event-year 2019 [--series ...]

The text and its fields are checked with the same rules as `check` (helpers.loading), the corpus
must pass `check` as it is, and the new document must not repeat one already there. Then, holding
a lock on the corpus folder so that concurrent adds take turns:

1. the document is written to raw/.NAME.part, the new metadata (the old bytes + one row) to
   .metadata.csv.pending; both are synced to disk;
2. raw/.NAME.part is renamed to raw/NAME (os.replace);
3. .metadata.csv.pending is renamed over metadata.csv: the commit.

Killed before 3, the corpus is as it was: the dot files are ignored, and a raw/NAME without its
row is recognised from the pending metadata (helpers.pending), left out by loading and removed by
the next add. A refusal or an error before 3 removes what was written. Existing files never change.
"""
from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .duplicates import content_key
from .loading import (OPTIONAL_COLUMNS, CorpusError, check_document, file_name_problem, load_corpus,
                      not_regular_problem, parse_date, parse_year, read_header, read_metadata,
                      text_field_problem)
from .paths import corpus_root
from .pending import PART_SUFFIX, PENDING_METADATA, interrupted_add, part_name

NOT_ADDED = "not added, the corpus is unchanged:"
LOCK_TIMEOUT = 120.0  # seconds to wait for another add to finish
CHUNK = 1 << 20       # bytes written at a time


class DocumentRefused(CorpusError):
    """The document offered, or its fields, would not pass `check`; nothing was written."""

    exit_code = 3


class StorageError(CorpusError):
    """The corpus folder could not be read or written (permissions, disk full); nothing was added."""

    exit_code = 4


class CorpusBusy(CorpusError):
    """Another add held the corpus lock for longer than LOCK_TIMEOUT."""

    exit_code = 5


def _reached(step: str) -> None:
    """Called after each step of the write. Does nothing; tests replace it to kill the process
    at that point and check that the corpus still passes `check`."""


def _slug(text: str, n: int) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:n].strip("-") or "document"


def _read_source(src: Path) -> bytes:
    problem = not_regular_problem(src, str(src), follow=True)  # the user's own link to their file is fine
    if problem:
        raise DocumentRefused(problem, head=NOT_ADDED)
    try:
        return src.read_bytes()
    except OSError as e:
        raise DocumentRefused(f"{src}: cannot be read ({e.strerror}). Check its permissions.", head=NOT_ADDED) from None


def _check_fields(fields: dict) -> tuple[dict, list[str]]:
    """The new row's own fields, stripped, with every problem (the rules of helpers.loading)."""
    values = {k: str(fields.get(k) or "").strip() for k in ("title", "source", "published", "event", "event_year",
                                                              "author", "series", "genre", "notes", "doc_id", "name")}
    problems = []
    for key, value in values.items():
        option = "--id" if key == "doc_id" else f"--{key.replace('_', '-')}"
        if key in ("title", "source", "published", "event", "event_year") and not value:
            problems.append(f"{option} is empty; give a value.")
        elif (p := text_field_problem(value, option)):
            problems.append(p)
            values[key] = ""  # not used to build an id or name
    if values["published"]:
        problems += [p for p in [parse_date(values["published"], "--published")[1]] if p]
    year = None
    if values["event_year"]:
        year, p = parse_year(values["event_year"], "--event-year")
        problems += [p] if p else []
    values["doc_id"] = values["doc_id"] or f"{year}-{_slug(values['title'], 40)}"
    values["name"] = values["name"] or f"{values['published']}-{_slug(values['source'], 20)}-{_slug(values['title'], 50)}.txt"
    if (p := file_name_problem(values["name"], "--name")):
        problems.append(p)
    return values, problems


@contextmanager
def corpus_lock(root: Path, timeout: float | None = None):
    """An exclusive lock on the corpus folder itself (flock on its descriptor): it leaves no lock
    file in the corpus, and the kernel releases it when the process ends, even by kill -9.
    Waits up to `timeout` seconds (default LOCK_TIMEOUT) for another add to finish."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    fd = os.open(root, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CorpusBusy(f"{root}: another add has held this corpus for over {timeout:g} s. Wait for it "
                                     "to finish (or stop it), then run the command again.", head=NOT_ADDED) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(root: Path) -> list[str]:
    """Remove what a killed add left (its temporary files, and a document it placed in raw/ but
    never registered). Call only while holding corpus_lock. Returns the paths removed."""
    removed = []
    registered: set[str] | None
    try:
        registered = set(read_metadata(root)["file"])
    except CorpusError:
        registered = None  # a broken metadata.csv: leave raw/ alone, `check` will report it
    if registered is not None:
        for name in interrupted_add(root, registered):
            (root / "raw" / name).unlink()
            removed.append(f"raw/{name}")
    leftovers = [p for p in (root / "raw").glob(f".*.txt{PART_SUFFIX}")] + [root / PENDING_METADATA]
    for path in leftovers:
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path.relative_to(root).as_posix())
    return removed


def _csv_line(values: list[str], terminator: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=terminator).writerow(values)
    return buf.getvalue().encode("utf-8")


def _new_metadata(root: Path, values: dict, digest: str) -> tuple[dict, bytes]:
    """The new row (by the header's stripped column names) and metadata.csv's bytes with it appended."""
    meta_bytes = (root / "metadata.csv").read_bytes()
    header = read_header(root / "metadata.csv")
    row = {"id": values["doc_id"], "file": values["name"], "title": values["title"], "source": values["source"],
           "author": values["author"], "published": values["published"], "event": values["event"],
           "event_year": values["event_year"], "series": values["series"] or values["event"],
           "genre": values["genre"], "sha256": digest, "notes": values["notes"]}
    lost = [c for c in OPTIONAL_COLUMNS if c not in header and values[c] and (c != "series" or values[c] != values["event"])]
    if lost:
        raise DocumentRefused([f"metadata.csv has no column '{c}', so --{c} '{values[c]}' would be lost. Add the "
                               f"column: append ',{c}' to its header line and ',' to every row (or leave out --{c})."
                               for c in lost], head=NOT_ADDED)
    newline = "\r\n" if b"\r\n" in meta_bytes else "\n"
    sep = b"" if meta_bytes.endswith((b"\n", b"\r")) else newline.encode()
    row = {c: row.get(c, "") for c in header}  # a column of the corpus's own gets an empty value
    return row, meta_bytes + sep + _csv_line(list(row.values()), newline)


def _write_file(path: Path, chunks, mode: int | None = None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
            f.flush()  # so that a crash here leaves exactly what was written so far
            _reached("copying")
        os.fsync(f.fileno())
    if mode is not None:
        os.chmod(path, mode)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(root: Path, name: str, data: bytes, metadata: bytes) -> None:
    """Steps 1-3 of the module docstring; on any error before the commit, undo and re-raise."""
    raw_dir, meta_path = root / "raw", root / "metadata.csv"
    part, pending, final = raw_dir / part_name(name), root / PENDING_METADATA, raw_dir / name
    placed = committed = False
    try:
        _write_file(part, (data[k:k + CHUNK] for k in range(0, max(len(data), 1), CHUNK)))
        _reached("document written")
        _write_file(pending, [metadata], mode=meta_path.stat().st_mode & 0o7777)
        _sync_dir(root)
        _reached("metadata written")
        if os.path.lexists(final):  # checked before; the lock keeps other adds out, not other programs
            raise FileExistsError(errno.EEXIST, "exists already", str(final))
        os.replace(part, final)
        placed = True
        _sync_dir(raw_dir)
        _reached("document placed")
        os.replace(pending, meta_path)
        committed = True
        _sync_dir(root)
        _reached("committed")
    except BaseException:
        if not committed:
            for path in (part, pending, *([final] if placed else [])):
                path.unlink(missing_ok=True)
        raise


def add_document(src, root=None, on_note: Callable[[str], None] | None = None, **fields) -> dict:
    """Add the text file `src` to the corpus at `root` (default: as load_corpus); return its row.
    `fields`: title, source, published, event, event_year, and optionally author, series,
    genre, notes, doc_id, name. Raises CorpusError (DocumentRefused, StorageError, CorpusBusy),
    with every reason, and changes nothing, when the document or the resulting corpus would not
    pass `check` or the files cannot be written. `on_note` receives what the add cleaned up."""
    root, src = corpus_root(root), Path(src)
    data = _read_source(src)
    values, problems = _check_fields(fields)
    doc = check_document(data, str(src), values["title"], "Nothing to add.", problems)
    if problems:
        raise DocumentRefused(problems, head=NOT_ADDED)
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found. Pass an existing folder with --root or fix CORPUS_DIR.",
                          head=NOT_ADDED)
    if (root / "metadata.csv").is_symlink():  # os.replace would put a file where the link was
        raise StorageError(f"{root / 'metadata.csv'}: is a symbolic link, which adding would replace with a file. "
                           f"Add to the corpus it points to (--root), or replace the link with the file.",
                           head=NOT_ADDED)
    for path in (root, root / "raw", root / "metadata.csv"):
        if path.exists() and not os.access(path, os.W_OK):
            raise StorageError(f"{path}: not writable. Make it writable (chmod u+w {path}) or add to a copy of "
                               "the corpus.", head=NOT_ADDED)
    with corpus_lock(root):
        try:
            cleaned = recover(root)
        except OSError as e:
            raise StorageError(f"{root}: cannot remove what an interrupted add left ({e.strerror}: {e.filename}).",
                               head=NOT_ADDED) from None
        if cleaned and on_note:
            on_note(f"removed what an interrupted add left: {', '.join(cleaned)}")
        try:
            docs = load_corpus(root)
        except CorpusError as e:
            raise CorpusError(e.problems, head="not added: the corpus does not pass `check` now; fix it "
                                               "before adding:") from None
        digest = hashlib.sha256(data).hexdigest()
        key = content_key(doc["raw_text"])
        same = docs[docs["sha256"] == digest]
        twins = docs[(docs["raw_text"].map(content_key) == key) | (docs["text"] == doc["text"])]
        if len(same):
            problems.append(f"{src}: identical to raw/{same['file'].iloc[0]} (id '{same['id'].iloc[0]}'), "
                            "already in the corpus.")
        elif len(twins):
            problems.append(f"{src}: same article text as raw/{twins['file'].iloc[0]} (id '{twins['id'].iloc[0]}') "
                            "apart from BOM, line endings, spacing or page furniture; not added twice.")
        if values["doc_id"] in set(docs["id"]):
            problems.append(f"id '{values['doc_id']}' is taken; choose another with --id.")
        if values["name"] in set(docs["file"]) or os.path.lexists(root / "raw" / values["name"]):
            problems.append(f"raw/{values['name']} exists already; choose another with --name.")
        if problems:
            raise DocumentRefused(problems, head=NOT_ADDED)
        row, metadata = _new_metadata(root, values, digest)
        try:
            _write(root, values["name"], data, metadata)
        except OSError as e:
            where = e.filename or root
            raise StorageError(f"{where}: cannot be written ({e.strerror}). Check free space and permissions; "
                               "what this add wrote was removed.", head=NOT_ADDED) from None
    return row
