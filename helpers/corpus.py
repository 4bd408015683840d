"""The corpus: validated loading, cleaning, paragraphs, sentences and duplicate flags.

A corpus is a folder with raw/*.txt (one document each, never modified) and metadata.csv (one
row per document). `load_corpus` checks the two against each other and raises one CorpusError
listing every problem found, each naming the file, row or field and the fix.

Command line: `python -m helpers.corpus check [ROOT]` prints a summary, or every problem;
`python -m helpers.corpus add FILE --title ...` adds a document (see helpers.add_document).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from .cleaning import clean_text, is_speaker_label
from .paths import corpus_root
from .sentences import sentence_spans

REQUIRED_COLUMNS = ("id", "file", "title", "source", "published", "event", "event_year", "sha256")
OPTIONAL_COLUMNS = ("author", "series", "genre", "notes")  # filled with "" (series: event) if absent
HEADER_HINT = ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)


class CorpusError(Exception):
    """A corpus problem. `problems` lists each one; the message shows them all."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        n = len(self.problems)
        head = "1 problem in the corpus:" if n == 1 else f"{n} problems in the corpus:"
        super().__init__("\n".join([head, *("- " + p for p in self.problems)]))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def decode_document(data: bytes, name: str) -> str:
    """UTF-8 text of a raw document (a BOM is dropped, CRLF becomes LF); CorpusError otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad, line = data[e.start:e.start + 4], data[:e.start].count(b"\n") + 1
        raise CorpusError(
            f"{name}: not valid UTF-8 at byte {e.start} ({bad!r}, line {line}). "
            "Re-save the file as UTF-8 (e.g. `iconv -f GB18030 -t UTF-8` if it came from a Chinese site)."
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_metadata(root: Path) -> pd.DataFrame:
    path = root / "metadata.csv"
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found. Pass an existing folder or fix CORPUS_DIR.")
    if not path.is_file():
        raise CorpusError(f"{path}: not found. Create it with the header row {HEADER_HINT} "
                          "and one row per file in raw/ (see corpus/README.md).")
    try:
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
        raise CorpusError(f"{path}: cannot be read as CSV ({e}). Check quoting and that it is UTF-8.") from None
    meta.columns = [c.strip() for c in meta.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise CorpusError(f"{path}: required column(s) {', '.join(missing)} missing; the header has "
                          f"{', '.join(meta.columns)}. Add them: the header should read {HEADER_HINT}.")
    for col in OPTIONAL_COLUMNS:
        if col not in meta.columns:
            meta[col] = meta["event"] if col == "series" else ""
    return meta.apply(lambda s: s.str.strip())


def _check_row(i: int, row: dict, raw_dir: Path, problems: list[str]) -> dict | None:
    """Validate one metadata row; return the parsed document or None (problems appended)."""
    where = f"metadata.csv row {i + 2} (id '{row['id']}')"  # row 1 is the header
    before = len(problems)
    for col in REQUIRED_COLUMNS:
        if not row[col]:
            hint = ""
            if col == "sha256" and row["file"] and (raw_dir / Path(row["file"]).name).is_file():
                hint = f" (the file's sha256 is {sha256_of(raw_dir / Path(row['file']).name)})"
            problems.append(f"{where}: field '{col}' is empty; fill it in{hint}.")
    try:
        published = pd.Timestamp(dt.date.fromisoformat(row["published"]))
    except ValueError:
        published = None
        if row["published"]:
            problems.append(f"{where}: published '{row['published']}' is not a date; write it as YYYY-MM-DD.")
    try:
        event_year = int(row["event_year"])
    except ValueError:
        event_year = None
        if row["event_year"]:
            problems.append(f"{where}: event_year '{row['event_year']}' is not an integer; write the year, e.g. 2016.")
    name = row["file"]
    path = raw_dir / name
    if name and (Path(name).name != name or not name.endswith(".txt")):
        problems.append(f"{where}: file '{name}' must be a bare .txt file name inside raw/.")
        return None
    if name and not path.is_file():
        problems.append(f"{where}: file raw/{name} does not exist. Fix the name or add the file.")
        return None
    if not name or len(problems) > before:
        return None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["sha256"].lower():
        problems.append(f"raw/{name}: sha256 is {digest} but {where} registers {row['sha256']}. The file changed "
                        "since it was registered: restore it (git checkout), or if the change is intended, "
                        "add it as a new document instead of editing the old one.")
        return None
    try:
        raw = decode_document(data, f"raw/{name}")
    except CorpusError as e:
        problems.extend(e.problems)
        return None
    if not raw.strip():
        problems.append(f"raw/{name}: the file is empty. Remove its row ({where}) and the file, or fill it.")
        return None
    cleaned = clean_text(raw, row["title"])
    if not cleaned.text.strip():
        rules = sorted({r["rule"] for r in cleaned.removed})
        problems.append(f"raw/{name}: nothing is left after cleaning (every line matched a page-furniture rule: "
                        f"{', '.join(rules)}). Check that the file holds the article text.")
        return None
    return {**row, "published": published, "event_year": event_year, "sha256": digest,
            "raw_text": raw, "text": cleaned.text, "removed": cleaned.removed}


def load_corpus(root=None) -> pd.DataFrame:
    """One row per document, validated and cleaned; raises CorpusError listing every problem.

    `root` defaults to $CORPUS_DIR, else the project's corpus/ (see helpers.paths.corpus_root).
    Columns: the metadata columns, `published` as datetime, `event_year` as int, `raw_text`,
    `text` (cleaned) and `removed` (the dropped lines, each with its line number and rule).
    """
    root = corpus_root(root)
    meta = _read_metadata(root)
    raw_dir = root / "raw"
    problems: list[str] = []
    if not raw_dir.is_dir():
        raise CorpusError(f"{raw_dir}: folder not found. Put one .txt file per document there.")
    for col in ("id", "file"):
        dup = meta[col][meta[col].duplicated(keep=False) & (meta[col] != "")]
        for value, rows in dup.groupby(dup).groups.items():
            problems.append(f"metadata.csv rows {', '.join(str(r + 2) for r in rows)}: duplicate {col} '{value}'; "
                            f"each document needs its own {col}.")
    listed = set(meta["file"])
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix != ".txt" or not path.is_file():
            problems.append(f"raw/{path.name}: only .txt documents belong in raw/; move it elsewhere.")
        elif path.name not in listed:
            problems.append(f"raw/{path.name}: has no row in metadata.csv. Add one (with its sha256 "
                            f"{sha256_of(path)}) or move the file out of raw/.")
    docs = [d for i, row in enumerate(meta.to_dict("records")) if (d := _check_row(i, row, raw_dir, problems)) is not None]
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


# --- paragraphs, speakers, sentences ---------------------------------------------------------

# Speaker labels naming a media outlet ask the questions at a press briefing.
_OUTLET = re.compile(r"\b(news|daily|herald|magazine|times|press|agency|tv|television|radio|post|journal|"
                     r"network|media|reuters|bloomberg|xinhua|cctv|cgtn|cnn|bbc|afp|ap|kyodo|tass|"
                     r"correspondent|reporter|journalist)\b", re.IGNORECASE)


def speaker_role(label: str, turn_text: str) -> str:
    """'question' for a journalist's turn, 'answer' for anyone else's, at a press briefing."""
    asks = "?" in turn_text and len(turn_text.split()) <= 120
    return "question" if _OUTLET.search(label) or (asks and not re.search(r"\banswer", label, re.I)) else "answer"


def split_paragraphs(docs: pd.DataFrame, flag_duplicates_: bool = True) -> pd.DataFrame:
    """One row per paragraph: doc_id, event, event_year, series, para, speaker, role, text, n_words,
    and (unless flag_duplicates_=False) duplicate ('', 'exact', 'near') and dup_of.

    In a transcript a speaker label ("Zhu Guoxian:") is not a paragraph: it sets `speaker` for the
    paragraphs that follow until the next label. Articles have speaker and role empty.
    """
    rows = []
    for doc in docs.itertuples(index=False):
        turns: list[tuple[str, list[str]]] = [("", [])]  # (speaker label, its paragraphs)
        for block in doc.text.split("\n\n"):
            if is_speaker_label(block):
                turns.append((block[:-1].strip(), []))
            else:
                turns[-1][1].append(block)
        for label, paras in turns:
            role = speaker_role(label, " ".join(paras)) if label else ""
            for text in paras:
                rows.append({"doc_id": doc.id, "event": doc.event, "event_year": doc.event_year,
                             "series": doc.series, "speaker": label, "role": role, "text": text})
    paras = pd.DataFrame(rows, columns=["doc_id", "event", "event_year", "series", "speaker", "role", "text"])
    paras.insert(4, "para", paras.groupby("doc_id", sort=False).cumcount())
    paras["n_words"] = paras["text"].str.split().str.len()
    return flag_duplicates(paras) if flag_duplicates_ else paras


def split_sentences(paras: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: doc_id, event_year, para, sent, speaker, text."""
    rows = [{"doc_id": p.doc_id, "event_year": p.event_year, "para": p.para, "sent": k,
             "speaker": p.speaker, "text": p.text[s:e]}
            for p in paras.itertuples(index=False)
            for k, (s, e) in enumerate(sentence_spans(p.text))]
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "para", "sent", "speaker", "text"])


# --- duplicates ------------------------------------------------------------------------------

def _shingles(key: str, n: int) -> list[str]:
    words = key.split()
    return [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]


def flag_duplicates(paras: pd.DataFrame, threshold: float = 0.8, n: int = 3,
                    max_posting: int = 200, max_candidates: int = 5) -> pd.DataFrame:
    """Add `duplicate` and `dup_of` to a paragraphs table.

    'exact': the same words as an earlier paragraph (case and punctuation aside). 'near': at
    least `threshold` of its word `n`-grams occur in one longer (or earlier, equally long)
    paragraph: a repeated caption, a quote reused, syndicated copy. `dup_of` is "doc_id#para" of
    the paragraph kept. The n-grams are hashed into a sparse paragraphs x n-grams matrix; pairs
    to compare are those sharing an n-gram found in at most `max_posting` paragraphs (a common
    phrase does not suggest copying), and of those only the `max_candidates` sharing the most;
    so the cost grows with the number of paragraphs, not with its square.
    """
    out = paras.copy()
    keys = [" ".join(re.findall(r"\w+", t.casefold())) for t in out["text"]]
    names = [f"{d}#{p}" for d, p in zip(out["doc_id"], out["para"])]
    dup, dup_of = [""] * len(out), [""] * len(out)
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            dup[i], dup_of[i] = "exact", names[first[key]]
        else:
            first[key] = i
    S = HashingVectorizer(analyzer=partial(_shingles, n=n), n_features=2**24, alternate_sign=False,
                          norm=None, binary=True).transform(keys).tocsr()
    S.data *= np.repeat(np.array([0 if d else 1 for d in dup], dtype=S.data.dtype), np.diff(S.indptr))
    S.eliminate_zeros()  # exact copies take no part
    # renumber the hashed n-grams 0..m-1, so that arrays grow with the n-grams present, not 2**24
    used, S.indices = np.unique(S.indices, return_inverse=True)
    S = sparse.csr_matrix((S.data, S.indices.astype(np.int64), S.indptr), shape=(S.shape[0], len(used)))
    size = np.diff(S.indptr)
    df = np.bincount(S.indices, minlength=S.shape[1])
    rare = S[:, np.flatnonzero((df >= 2) & (df <= max_posting))]
    pairs = sparse.triu(rare @ rare.T, k=1).tocoo()  # row < col, sharing a rare n-gram
    I, J = np.concatenate([pairs.row, pairs.col]), np.concatenate([pairs.col, pairs.row])
    shared = np.concatenate([pairs.data, pairs.data])
    # i is the copy when j is longer, or equally long and earlier
    keep = (size[J] > size[I]) | ((size[J] == size[I]) & (J < I))
    I, J, shared = I[keep], J[keep], shared[keep]
    # per paragraph, only the candidates sharing the most rare n-grams are compared in full
    order = np.lexsort((J, -shared, I))
    I, J = I[order], J[order]
    rank = np.arange(len(I)) - np.searchsorted(I, I)
    I, J = I[rank < max_candidates], J[rank < max_candidates]
    overlap = np.concatenate([np.asarray(S[I[k:k + 100_000]].multiply(S[J[k:k + 100_000]]).sum(axis=1)).ravel()
                              for k in range(0, len(I), 100_000)] or [np.zeros(0)])
    found = pd.DataFrame({"i": I, "j": J, "share": overlap / np.maximum(size[I], 1)})
    found = found[found["share"] >= threshold].sort_values(["i", "share", "j"], ascending=[True, False, True])
    for i, j in found.drop_duplicates("i")[["i", "j"]].itertuples(index=False):
        dup[i], dup_of[i] = "near", names[j]
    out["duplicate"], out["dup_of"] = dup, dup_of
    return out


# --- summary and command line ----------------------------------------------------------------

def summarize(docs: pd.DataFrame, paras: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per document: year, words before and after cleaning, lines removed, paragraphs, sentences,
    paragraphs flagged as duplicates."""
    paras = split_paragraphs(docs) if paras is None else paras
    sents = split_sentences(paras)
    out = docs[["id", "event_year"]].copy()
    out["words_raw"] = docs["raw_text"].str.split().str.len()
    out["words_clean"] = docs["text"].str.split().str.len()
    out["lines_removed"] = docs["removed"].str.len()
    out["paragraphs"] = out["id"].map(paras.groupby("doc_id").size()).fillna(0).astype(int)
    out["sentences"] = out["id"].map(sents.groupby("doc_id").size()).fillna(0).astype(int)
    flagged = paras[paras["duplicate"] != ""].groupby("doc_id").size()
    out["duplicates"] = out["id"].map(flagged).fillna(0).astype(int)
    return out.reset_index(drop=True)


def size_by_year(summary: pd.DataFrame) -> pd.DataFrame:
    """Corpus size per event year (documents, paragraphs, sentences, words before/after cleaning)."""
    cols = ["words_raw", "words_clean", "paragraphs", "sentences"]
    out = summary.groupby("event_year")[cols].sum()
    out.insert(0, "documents", summary.groupby("event_year").size())
    return out.reset_index()


def removed_lines(docs: pd.DataFrame) -> pd.DataFrame:
    """The cleaning audit: one row per dropped line (doc_id, line, rule, text)."""
    rows = [{"doc_id": d, **r} for d, removed in zip(docs["id"], docs["removed"]) for r in removed]
    return pd.DataFrame(rows, columns=["doc_id", "line", "rule", "text"])


def _parser():
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers.corpus", description="Check a corpus or add a document to it.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a corpus and print its summary (exit 1 on any problem)")
    check.add_argument("root", nargs="?", help="corpus folder (default: $CORPUS_DIR, else the project's corpus/)")
    add = sub.add_parser("add", help="validate a text file and add it, with its metadata row, to the corpus")
    add.add_argument("file")
    add.add_argument("--root", help="corpus folder (default: $CORPUS_DIR, else the project's corpus/)")
    for name in ("title", "source", "published", "event", "event-year"):
        add.add_argument(f"--{name}", required=True)
    for name in ("author", "series", "genre", "notes", "id", "name"):
        add.add_argument(f"--{name}", default="")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:  # argparse has printed the usage
        return int(e.code or 0) and 2
    if args.command == "add":
        from .add_document import add_document

        fields = {k: getattr(args, k) for k in ("title", "source", "published", "event", "event_year", "author",
                                                "series", "genre", "notes", "name")}
        try:
            row = add_document(args.file, args.root, doc_id=args.id, **fields)
        except CorpusError as e:
            print(f"not added, the corpus is unchanged: {e}", file=sys.stderr)
            return 1
        print(f"added raw/{row['file']} as id '{row['id']}' (sha256 {row['sha256'][:12]})")
        return 0
    root = corpus_root(args.root)
    try:
        docs = load_corpus(root)
    except CorpusError as e:
        print(f"{root}: {e}", file=sys.stderr)
        return 1
    table = summarize(docs)
    print(f"{root}: {len(docs)} documents, corpus sha256 {corpus_hash(docs)[:12]}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    print("lines removed by rule:", removed_lines(docs)["rule"].value_counts().sort_index().to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
