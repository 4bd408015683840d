"""One text policy for every analysis: tokens, lemmas, stop words and n-grams.

- Tokens: words starting with a letter (digits inside stay, so "covid-19" is whole), lower-cased;
  hyphenated words stay one token ("e-commerce", "cyber-community"); a possessive "'s" is dropped;
  numbers alone are not terms (notebook 04 deals with numbers).
- Lemmas: simplemma's English dictionary, which ships inside the package (nothing downloaded).
  Each distinct token is lemmatised once and cached, so the cost grows with the vocabulary, not
  with the number of words. Lemmatisation can be switched off to check its effect.
- Stop words: scikit-learn's English list plus CORPUS_STOP_WORDS below, matched on the token and
  on its lemma (so "said" goes with "say" even when lemmatisation is switched off).
- N-grams: built by scikit-learn from the kept tokens, so "cyber sovereignty", "digital economy",
  "common destiny" and "internet governance" are terms of their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import simplemma
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

# Words frequent in any news report or briefing whatever its subject: reporting verbs, courtesy
# formulas and page words. Kept short on purpose; each is a lemma.
CORPUS_STOP_WORDS = frozenset({
    "say", "add", "tell", "accord", "according", "report", "state",  # reporting verbs
    "thank", "question", "answer",                                  # briefing courtesies
    "year", "day", "today", "time", "just", "like", "mr", "ms",     # page and filler words
    # month names and abbreviations: dates are not themes (the lemmatiser keeps "dec" as a word)
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | CORPUS_STOP_WORDS

_TOKEN = re.compile(r"[^\W\d_](?:[\w]|[-'](?=\w))*", re.UNICODE)


@lru_cache(maxsize=None)
def lemma(token: str) -> str:
    """simplemma's English lemma of a lower-case token, computed once per distinct token."""
    return simplemma.lemmatize(token, lang="en").lower()


def _normalise(token: str) -> str:
    token = token.lower()
    return token[:-2] if token.endswith("'s") else token.rstrip("'")


def token_spans(text: str, lemmatize: bool = True) -> list[tuple[str, int, int]]:
    """(term, start, end) for each kept token of `text`: normalised, lemmatised, no stop words."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = _normalise(m.group())
        lem = lemma(tok)  # stop words are judged on the lemma ("said" -> "say") either way
        if lem not in STOP_WORDS and tok not in STOP_WORDS and len(tok) > 1:
            out.append((lem if lemmatize else tok, m.start(), m.end()))
    return out


def tokenize(text: str, lemmatize: bool = True) -> list[str]:
    """The kept tokens of `text` (see token_spans)."""
    return [t for t, _, _ in token_spans(text, lemmatize)]


def _tokenize_lemmas(text: str) -> list[str]:
    return tokenize(text, True)


def _tokenize_plain(text: str) -> list[str]:
    return tokenize(text, False)


@dataclass(frozen=True)
class TextPolicy:
    """The settings every vectoriser in the project is built from.

    ngram_range: (1, 2) keeps single words and two-word terms. min_df: a term must occur in at
    least this many paragraphs (2 drops one-off words that cannot show a pattern). lemmatize:
    merge inflections ("countries" -> "country").
    """
    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    lemmatize: bool = True
    extra: dict = field(default_factory=dict)  # any other vectoriser argument

    def with_(self, **changes) -> "TextPolicy":
        return replace(self, **changes)

    def _kwargs(self) -> dict:
        # module-level tokenizer functions (not lambdas) so vectorisers can be pickled
        return dict(tokenizer=_tokenize_lemmas if self.lemmatize else _tokenize_plain,
                    lowercase=False, token_pattern=None, ngram_range=self.ngram_range,
                    min_df=self.min_df, dtype=np.float64, **self.extra)

    def tfidf(self, **overrides) -> TfidfVectorizer:
        """A TfidfVectorizer with smoothed idf and L2-normalised rows (scikit-learn's defaults)."""
        return TfidfVectorizer(**{**self._kwargs(), **overrides})

    def counts(self, **overrides) -> CountVectorizer:
        """A CountVectorizer with the same tokens and n-grams (raw frequencies, for keyness)."""
        kw = {**self._kwargs(), **overrides}
        kw["dtype"] = overrides.get("dtype", np.int64)
        return CountVectorizer(**kw)


DEFAULT_POLICY = TextPolicy()


def kwic(paras, term: str, width: int = 45, policy: TextPolicy = DEFAULT_POLICY):
    """Keyword in context: each occurrence of `term` (a word or phrase, matched on the policy's
    tokens, so "country" finds "countries" and "cyber sovereignty" finds "cyber sovereignty") with
    `width` characters either side, its document, year, paragraph and speaker."""
    import pandas as pd

    want = tokenize(term, policy.lemmatize)
    rows = []
    if want:
        n = len(want)
        for p in paras.itertuples(index=False):
            spans = token_spans(p.text, policy.lemmatize)
            for i in range(len(spans) - n + 1):
                if [t for t, _, _ in spans[i:i + n]] == want:
                    s, e = spans[i][1], spans[i + n - 1][2]
                    rows.append({"doc_id": p.doc_id, "event_year": p.event_year, "para": p.para,
                                 "speaker": p.speaker,
                                 "left": p.text[max(0, s - width):s].rjust(width),
                                 "match": p.text[s:e], "right": p.text[e:e + width].ljust(width)})
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "para", "speaker", "left", "match", "right"])
