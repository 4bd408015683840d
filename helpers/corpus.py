"""The corpus, as notebooks and users import it: the names below live in modules with one job each.

- helpers.loading     load_corpus, CorpusError, corpus_hash: loading and every validation rule
- helpers.paragraphs  split_paragraphs, split_sentences, speaker_role: paragraphs and speakers
- helpers.duplicates  flag_duplicates (paragraphs), duplicate documents
- helpers.summary     summarize, size_by_year, removed_lines
- helpers.cli         the command line: `python -m helpers.corpus check [ROOT]` or `add FILE ...`

This module defines nothing: run as `python -m helpers.corpus` it is loaded a second time as
__main__, and a class defined here would then be two classes.
"""
from .cli import main
from .duplicates import flag_duplicates
from .loading import CorpusError, corpus_hash, load_corpus
from .paragraphs import speaker_role, split_paragraphs, split_sentences
from .summary import removed_lines, size_by_year, summarize

__all__ = ["CorpusError", "corpus_hash", "flag_duplicates", "load_corpus", "main", "removed_lines", "size_by_year",
           "speaker_role", "split_paragraphs", "split_sentences", "summarize"]

if __name__ == "__main__":
    import sys

    sys.exit(main())
