"""Loading a corpus and validating it: every rule a document and its metadata row must meet.

A corpus is a folder with raw/*.txt (one document each, never modified) and metadata.csv (one
row per document). `load_corpus` checks the two against each other and raises one CorpusError
listing every problem found, each naming the file, row or field and the fix. The field and file
checks here are the only ones: `helpers.add_document` applies the same functions to a new document.
"""
from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
from functools import partial
from pathlib import Path

import pandas as pd

from .cleaning import clean_text
from .duplicates import duplicate_documents
from .parallel import map_ordered
from .paths import corpus_root
from .pending import interrupted_add

REQUIRED_COLUMNS = ("id", "file", "title", "source", "published", "event", "event_year", "sha256")
OPTIONAL_COLUMNS = ("author", "series", "genre", "notes")  # filled with "" (series: event) if absent
HEADER_HINT = ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
# Plausible years for `published` and `event_year`: news on the web, up to a conference announced
# well ahead. Anything outside is a typo (0, -5, 99999, 2019.0 read as 20190).
YEARS = range(1990, 2101)
NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems


class CorpusError(Exception):
    """A corpus problem. `problems` lists each one; the message shows them all under `head`.
    `exit_code` is what the command line exits with (see helpers.cli)."""

    exit_code = 1

    def __init__(self, problems: list[str] | str, head: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        n = len(self.problems)
        self.head = head or ("1 problem in the corpus:" if n == 1 else f"{n} problems in the corpus:")
        super().__init__("\n".join([self.head, *("- " + p for p in self.problems)]))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- one field, one file: shared by load_corpus and add_document ------------------------------

def parse_date(value: str, where: str) -> tuple[pd.Timestamp | None, str | None]:
    """A strict YYYY-MM-DD date in YEARS, or (None, the problem). `where` names the field."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None, f"{where} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2019-10-21."
    try:
        date = dt.date.fromisoformat(value)
    except ValueError as e:
        return None, f"{where} '{value}' is not a date on the calendar ({e}); check the day and month."
    if date.year not in YEARS:
        return None, f"{where} '{value}': the year is outside {YEARS.start}-{YEARS.stop - 1}; check it."
    return pd.Timestamp(date), None


def parse_year(value: str, where: str) -> tuple[int | None, str | None]:
    """An integer year in YEARS, or (None, the problem)."""
    if not re.fullmatch(r"-?\d+", value):
        return None, f"{where} '{value}' is not an integer; write the year, e.g. 2016."
    if len(value) > 6 or int(value) not in YEARS:
        return None, f"{where} '{value}' is outside the plausible years {YEARS.start}-{YEARS.stop - 1}; check it."
    return int(value), None


def text_field_problem(value: str, where: str) -> str | None:
    """A metadata value must be one line of valid text (a shell may pass undecodable bytes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return (f"{where} contains bytes that are not UTF-8 text (the terminal passed another encoding); "
                "retype it, or set a UTF-8 locale (LANG=C.UTF-8).")
    if any(c in value for c in "\r\n\x00") or any(ord(c) < 32 and c != "\t" for c in value):
        return f"{where} contains a line break or control character; write it on one line."
    return None


def file_name_problem(name: str, where: str) -> str | None:
    """A document's file name: bare, visible, .txt, and short enough for any file system."""
    if Path(name).name != name or name in (".", "..") or "\\" in name:
        return f"{where} '{name}' must be a bare file name inside raw/, without folders."
    if not name.endswith(".txt") or name.startswith("."):
        return f"{where} '{name}' must end in .txt and not start with a dot."
    if len(name.encode("utf-8", "surrogateescape")) > NAME_MAX:
        return f"{where} is {len(name.encode('utf-8', 'surrogateescape'))} bytes long; file names are limited " \
               f"to {NAME_MAX}: choose a shorter one."
    return None


def not_regular_problem(path: Path, label: str, follow: bool = False) -> str | None:
    """Why `path` is not a plain file to read (missing, a symlink, folder, pipe ...), with the fix;
    else None. In raw/ (`follow` False) symbolic links are refused: they lead outside the corpus,
    whose files must not change. `follow` is for a file given on the command line."""
    fix = "Give the path of the article saved as a plain .txt file." if follow else \
        "Move it out of raw/: only .txt documents belong there."
    try:
        st = path.stat() if follow else path.lstat()
    except FileNotFoundError:
        return f"{label}: no such file. Check the path."
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            return f"{label}: the name is too long for the file system. Rename the file to something shorter."
        return f"{label}: cannot be examined ({e.strerror}). Check the path and its permissions."
    if stat.S_ISLNK(st.st_mode):
        return (f"{label}: is a symbolic link (to {os.readlink(path)}); a corpus holds its own copies. "
                f"Replace the link with the file itself (cp --remove-destination \"$(readlink -f {label})\" {label}).")
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISBLK, "a device"), (stat.S_ISCHR, "a device")]
    kind = next((k for test, k in kinds if test(st.st_mode)), "not a regular file")
    return None if stat.S_ISREG(st.st_mode) else f"{label}: is {kind}, not a text file. {fix}"


_SIGNATURES = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP archive (a .docx or .odt?)",
               b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"{\\rtf": "an RTF document",
               b"\xd0\xcf\x11\xe0": "a Word .doc file"}


def decode_document(data: bytes, name: str) -> str:
    """UTF-8 text of a raw document (a BOM is dropped, CRLF becomes LF); CorpusError otherwise,
    whose fix fits what the bytes look like (UTF-16, an image or PDF, a Chinese or Western code page)."""
    kind = next((k for sig, k in _SIGNATURES.items() if data.startswith(sig)), None)
    if kind:
        raise CorpusError(f"{name}: is {kind}, not text. Copy the article's text into a UTF-8 .txt file.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(b"\x00") > len(data[:200]) // 4:
        raise CorpusError(f"{name}: is UTF-16 text, not UTF-8. Re-save it as UTF-8 "
                          "(`iconv -f UTF-16 -t UTF-8`, or 'UTF-8' in the editor's Save As).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad, line = data[e.start:e.start + 4], data[:e.start].count(b"\n") + 1
        raise CorpusError(f"{name}: not valid UTF-8 at byte {e.start} ({bad!r}, line {line}). "
                          f"Re-save the file as UTF-8 ({_encoding_hint(data)}).") from None
    if "\x00" in text:
        raise CorpusError(f"{name}: contains NUL bytes, so it is not a text file. Save the article as plain text.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_hint(data: bytes) -> str:
    for enc, hint in (("gb18030", "it reads as Chinese GB18030: `iconv -f GB18030 -t UTF-8`"),
                      ("cp1252", "it reads as Windows-1252: `iconv -f CP1252 -t UTF-8`")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc != "gb18030" or re.search(r"[\u4e00-\u9fff]", text):
            return hint
    return "`file -i FILE` shows its encoding; then `iconv -f THAT -t UTF-8`"


# --- the metadata table ----------------------------------------------------------------------

def read_header(path: Path) -> list[str]:
    """metadata.csv's column names, stray spaces stripped ("id, file, ..." means id,file,...)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [c.strip() for c in next(csv.reader(f), [])]


def read_metadata(root: Path) -> pd.DataFrame:
    """metadata.csv as strings, header names stripped of stray spaces, optional columns filled."""
    path = root / "metadata.csv"
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found. Pass an existing folder or fix CORPUS_DIR.")
    problem = not_regular_problem(path, str(path), follow=True)
    if problem:
        raise CorpusError(f"{path}: not found. Create it with the header row {HEADER_HINT} "
                          "and one row per file in raw/ (see corpus/README.md)." if "no such file" in problem
                          else problem)
    try:
        header = read_header(path)
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, csv.Error) as e:
        raise CorpusError(f"{path}: cannot be read as CSV ({e}). Check quoting and that it is UTF-8.") from None
    except OSError as e:
        raise CorpusError(f"{path}: cannot be read ({e.strerror}). Check its permissions.") from None
    bad = sorted({repr(c) for c in header if header.count(c) > 1 or not c})
    if bad:  # pandas would rename them ("title.1"), hiding the mistake
        raise CorpusError(f"{path}: the header has empty or repeated column names ({', '.join(bad)}); "
                          f"each column needs one name: the header should read {HEADER_HINT}.")
    meta.columns = header
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise CorpusError(f"{path}: required column(s) {', '.join(missing)} missing; the header has "
                          f"{', '.join(meta.columns)}. Add them: the header should read {HEADER_HINT}.")
    for col in OPTIONAL_COLUMNS:
        if col not in meta.columns:
            meta[col] = meta["event"] if col == "series" else ""
    return meta.apply(lambda s: s.str.strip())


def check_document(data: bytes, name: str, title: str, empty_fix: str, problems: list[str]) -> dict | None:
    """Decode and clean one document's bytes: raw_text, text and removed, or None with problems
    appended (`empty_fix` says what to do with an empty file)."""
    try:
        raw = decode_document(data, name)
    except CorpusError as e:
        problems.extend(e.problems)
        return None
    if not raw.strip():
        problems.append(f"{name}: the file is empty. {empty_fix}")
        return None
    cleaned = clean_text(raw, title)
    if not cleaned.text.strip():
        rules = sorted({r["rule"] for r in cleaned.removed})
        problems.append(f"{name}: nothing is left after cleaning (every line matched a page-furniture rule: "
                        f"{', '.join(rules)}). Check that the file holds the article text.")
        return None
    return {"raw_text": raw, "text": cleaned.text, "removed": cleaned.removed}


def check_fields(row: dict, where: str, problems: list[str]) -> dict:
    """Required fields filled, one line each, `published` a date and `event_year` a year, both
    plausible. Returns the parsed published and event_year (None where a problem was appended)."""
    for col in REQUIRED_COLUMNS:
        if col == "sha256":  # computed from the file, checked with it
            continue
        if not row[col]:
            problems.append(f"{where}: field '{col}' is empty; fill it in.")
        elif (p := text_field_problem(row[col], f"{where}: field '{col}'")):
            problems.append(p)
    published, p1 = parse_date(row["published"], f"{where}: published") if row["published"] else (None, None)
    event_year, p2 = parse_year(row["event_year"], f"{where}: event_year") if row["event_year"] else (None, None)
    problems.extend(p for p in (p1, p2) if p)
    return {"published": published, "event_year": event_year}


def _check_row(i: int, row: dict, raw_dir: Path, problems: list[str]) -> dict | None:
    """Validate one metadata row; return the parsed document or None (problems appended)."""
    where = f"metadata.csv row {i + 2} (id '{row['id']}')"  # row 1 is the header
    before = len(problems)
    parsed = check_fields(row, where, problems)
    name, sha = row["file"], row["sha256"]
    if name and (p := file_name_problem(name, f"{where}: file")):
        problems.append(p)
        return None
    path = raw_dir / name
    if name and (p := not_regular_problem(path, f"raw/{name}")):
        problems.append(f"{where}: file raw/{name} does not exist. Fix the name or add the file."
                        if "no such file" in p else p)
        return None
    if not sha:
        hint = f" (the file's sha256 is {sha256_of(path)})" if name else ""
        problems.append(f"{where}: field 'sha256' is empty; fill it in{hint}.")
    if not name or len(problems) > before:
        return None
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.append(f"raw/{name}: cannot be read ({e.strerror}). Check its permissions (chmod a+r).")
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha.lower():
        problems.append(f"raw/{name}: sha256 is {digest} but {where} registers {sha}. The file changed "
                        "since it was registered: restore it (git checkout), or if the change is intended, "
                        "add it as a new document instead of editing the old one.")
        return None
    text = check_document(data, f"raw/{name}", row["title"], f"Remove its row ({where}) and the file, or fill it.",
                          problems)
    return None if text is None else {**row, **parsed, "sha256": digest, **text}


def _checked_row(item: tuple[int, dict], raw_dir: Path) -> tuple[dict | None, list[str]]:
    """_check_row for one (index, row) of a process pool: the document and its own problems."""
    problems: list[str] = []
    return _check_row(*item, raw_dir, problems), problems


def _raw_folder_problems(raw_dir: Path, listed: set[str], skip: set[str]) -> list[str]:
    """Every entry of raw/ that is not a registered regular .txt file (dot files are ignored)."""
    problems = []
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(".") or path.name in skip:
            continue
        label = f"raw/{path.name}"
        if (p := not_regular_problem(path, label)):
            if path.name not in listed:  # a listed one is reported with its row
                problems.append(p)
        elif path.suffix != ".txt":
            problems.append(f"{label}: only .txt documents belong in raw/; move it elsewhere.")
        elif path.name not in listed:
            problems.append(f"{label}: has no row in metadata.csv. Add one (with its sha256 "
                            f"{sha256_of(path)}) or move the file out of raw/.")
    return problems


def corpus_problems(root: Path, meta: pd.DataFrame) -> list[str]:
    """The problems of the corpus as a whole, before any row is read: duplicate ids or files in
    metadata.csv, and entries of raw/ that are not listed regular .txt files. Raises CorpusError
    if raw/ is missing."""
    raw_dir = root / "raw"
    if not raw_dir.is_dir():
        raise CorpusError(f"{raw_dir}: folder not found. Put one .txt file per document there.")
    problems: list[str] = []
    for col in ("id", "file"):
        dup = meta[col][meta[col].duplicated(keep=False) & (meta[col] != "")]
        for value, rows in dup.groupby(dup).groups.items():
            problems.append(f"metadata.csv rows {', '.join(str(r + 2) for r in rows)}: duplicate {col} '{value}'; "
                            f"each document needs its own {col}.")
    listed = set(meta["file"])
    return problems + _raw_folder_problems(raw_dir, listed, skip=set(interrupted_add(root, listed)))


def load_corpus(root=None) -> pd.DataFrame:
    """One row per document, validated and cleaned; raises CorpusError listing every problem.

    `root` defaults to $CORPUS_DIR, else the project's corpus/ (see helpers.paths.corpus_root).
    Columns: the metadata columns, `published` as datetime, `event_year` as int, `raw_text`,
    `text` (cleaned) and `removed` (the dropped lines, each with its line number and rule).
    A document whose `add` was killed before it committed is not part of the corpus yet.
    """
    root = corpus_root(root)
    meta = read_metadata(root)
    raw_dir = root / "raw"
    problems = corpus_problems(root, meta)
    checked = map_ordered(partial(_checked_row, raw_dir=raw_dir), enumerate(meta.to_dict("records")))
    problems += [p for _, found in checked for p in found]
    docs = [d for d, _ in checked if d is not None]
    for first, copy in duplicate_documents([d["raw_text"] for d in docs]):
        problems.append(f"raw/{docs[copy]['file']} (id '{docs[copy]['id']}'): the same text as raw/{docs[first]['file']} "
                        f"(id '{docs[first]['id']}'), apart from BOM, line endings or spacing. Keep one: remove the "
                        "other file and its row.")
    if problems:
        raise CorpusError(problems)
    if not docs:
        raise CorpusError(f"{root / 'metadata.csv'}: no documents listed. Add a row per file in raw/.")
    out = pd.DataFrame(docs).sort_values(["event_year", "published", "id"], kind="stable")
    out["event_year"] = out["event_year"].astype(int)
    out["published"] = pd.to_datetime(out["published"])
    return out.reset_index(drop=True)


_NOT_METADATA = ("raw_text", "text", "removed")


def corpus_hash(docs: pd.DataFrame) -> str:
    """One sha256 for the corpus: of every document's normalised metadata row (all metadata
    columns as loaded: `published` as an ISO date, `event_year` as an integer, fields stripped,
    the file's sha256) in id order. The file hashes cover the texts, and the metadata rows cover
    what the notebooks group and label by, so changing an event_year or a title changes the hash;
    the order of rows or columns in metadata.csv and stray spaces around fields do not."""
    def value(v):
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
        return v.item() if hasattr(v, "item") else v
    columns = sorted(c for c in docs.columns if c not in _NOT_METADATA)
    rows = sorted(json.dumps({c: value(r[c]) for c in columns}, sort_keys=True, ensure_ascii=False)
                  for r in docs[columns].to_dict("records"))
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
