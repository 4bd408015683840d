"""The corpus command line: `check` a corpus, `add` a document. One error path for every refusal.

    python -m helpers.corpus check [ROOT]
    python -m helpers.corpus add FILE --title T --source S --published YYYY-MM-DD --event E --event-year Y
    (`python -m helpers ...` is the same command)

Every refusal prints what is wrong, where, and the fix on stderr, with no traceback, and exits with
the code for its kind:

    0  done
    1  the corpus has problems (`check`; or `add` on a corpus that does not pass `check`)
    2  the command line itself is wrong (unknown command, missing option)
    3  `add` refused the document or its fields; nothing was written
    4  a file could not be read or written (permissions, disk full, a path too long); what `add`
       wrote was removed
    5  another `add` held the corpus for too long; nothing was written
    70 a bug in helpers (the message says so; HELPERS_DEBUG=1 shows the traceback)
    130 interrupted (Ctrl-C); an unfinished add is undone
"""
from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

from .add_document import add_document
from .loading import CorpusError, corpus_hash, load_corpus
from .paths import corpus_root
from .pending import interrupted_add
from .summary import removed_lines, summarize

EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 2, 70, 130
_ROOT_HELP = "corpus folder (default: $CORPUS_DIR, else the project's corpus/)"


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Check a corpus or add a document to it.",
                                     epilog="exit codes: 0 done, 1 corpus has problems, 2 usage, 3 document "
                                            "refused, 4 cannot read or write, 5 corpus busy, 70 bug, 130 interrupted")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a corpus and print its summary (exit 1 on any problem)")
    check.add_argument("root", nargs="?", help=_ROOT_HELP)
    add = sub.add_parser("add", help="validate a text file and add it, with its metadata row, to the corpus")
    add.add_argument("file", help="the article as a UTF-8 .txt file, saved as it is")
    add.add_argument("--root", help=_ROOT_HELP)
    for name in ("title", "source", "published", "event", "event-year"):
        add.add_argument(f"--{name}", required=True)
    for name in ("author", "series", "genre", "notes", "id", "name"):
        add.add_argument(f"--{name}", default="")
    return parser


def _check(root_arg: str | None) -> int:
    root = corpus_root(root_arg)
    docs = load_corpus(root)
    print(f"{root}: {len(docs)} documents, corpus sha256 {corpus_hash(docs)[:12]}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summarize(docs).to_string(index=False))
    print("lines removed by rule:", removed_lines(docs)["rule"].value_counts().sort_index().to_dict())
    for name in interrupted_add(root, set(docs["file"])):
        print(f"note: raw/{name} was left by an add that was killed before it finished; it is not part of "
              "the corpus, and the next add removes it.")
    return 0


def _add(args) -> int:
    fields = {k: getattr(args, k) for k in ("title", "source", "published", "event", "event_year", "author",
                                            "series", "genre", "notes", "name")}
    row = add_document(args.file, args.root, doc_id=args.id, on_note=lambda s: print(s, file=sys.stderr), **fields)
    print(f"added raw/{row['file']} as id '{row['id']}' (sha256 {row['sha256'][:12]})")
    return 0


def main(argv: list[str] | None = None, prog: str = "python -m helpers.corpus") -> int:
    for stream in (sys.stdout, sys.stderr):  # a name or title in another encoding must not crash the message
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        args = _parser(prog).parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:  # argparse has printed the usage (or the help, code 0)
        return int(e.code or 0) and EXIT_USAGE
    try:
        return _add(args) if args.command == "add" else _check(args.root)
    except CorpusError as e:
        where = "" if args.command == "add" else f"{corpus_root(args.root)}: "
        print(f"{where}{e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:  # a path the system refuses (too long, unreadable) outside the checks above
        print(f"{e.filename or ''}: {e.strerror or e}. Check the path and its permissions; nothing was changed.",
              file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("interrupted; nothing was added." if args.command == "add" else "interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # a bug, not a refusal: say so without a traceback
        if os.environ.get("HELPERS_DEBUG"):
            raise
        print(f"internal error in helpers ({type(e).__name__}: {e}). This is a bug, not a problem with your "
              "files: please report it with the command you ran (HELPERS_DEBUG=1 shows the traceback).",
              file=sys.stderr)
        return EXIT_BUG
