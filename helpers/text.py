"""One text policy for every analysis: tokens, lemmas, stop words and n-grams.

- Tokens: words starting with a letter (digits inside stay, so "covid-19" is whole), lower-cased;
  hyphenated words stay one token ("e-commerce", "cyber-community"); a possessive "'s" is dropped;
  numbers alone are not terms (notebook 04 deals with numbers).
- Lemmas: simplemma's English dictionary, which ships inside the package (nothing downloaded).
  Each distinct token is normalised, lemmatised and stop-word checked once and cached, so the
  cost of lemmatising grows with the vocabulary, not with the number of words. Lemmatisation can be switched off to check its effect.
- Stop words: scikit-learn's English list plus CORPUS_STOP_WORDS below, matched on the token and
  on its lemma (so "said" goes with "say" even when lemmatisation is switched off).
- N-grams: only from words adjacent in the text within one clause, so "cyber sovereignty",
  "digital economy" and "internet governance" are terms of their own, while a phrase the text never
  contains is not: nothing may stand between the words of an n-gram, neither a dropped word (a stop
  word, a number, a one-letter token: "Administration of China" gives no "administration china")
  nor anything but spaces (punctuation, quotes, a line break: 'the conference," said Ren' gives no
  "conference ren", "guests. The conference" no "guest conference"). `runs()` splits a text into
  these stretches of adjacent kept words; n-grams never cross from one run to the next.
"""
from __future__ import annotations

import collections
import itertools
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial

import numpy as np
import simplemma
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer, TfidfVectorizer

from . import parallel, term_counts

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

# A letter, then word characters, with single hyphens or apostrophes between them. Written as
# runs of \w (not one alternation per character, with a lookahead): the same matches, and the
# tokenisers that use it find them about a third faster.
_TOKEN = re.compile(r"[^\W\d_]\w*(?:[-']\w+)*", re.UNICODE)


@lru_cache(maxsize=None)
def lemma(token: str) -> str:
    """simplemma's English lemma of a lower-case token, computed once per distinct token."""
    return simplemma.lemmatize(token, lang="en").lower()


def _normalise(token: str) -> str:
    token = token.lower()
    return token[:-2] if token.endswith("'s") else token.rstrip("'")


# raw token -> its term, or "" when it is dropped; one dict per lemmatisation setting. A corpus
# has far fewer distinct tokens than tokens, so after warm-up tokenising is a regex plus dict lookups.
_TERMS: dict[bool, dict[str, str]] = {True: {}, False: {}}


def _term(raw: str, lemmatize: bool) -> str:
    tok = _normalise(raw)
    lem = lemma(tok)  # stop words are judged on the lemma ("said" -> "say") either way
    term = "" if (lem in STOP_WORDS or tok in STOP_WORDS or len(tok) <= 1) else (lem if lemmatize else tok)
    _TERMS[lemmatize][raw] = term
    return term


def clear_caches() -> None:
    """Forget every cached token and lemma (for tests and fair benchmarks)."""
    _TERMS[True].clear()
    _TERMS[False].clear()
    lemma.cache_clear()


def token_spans(text: str, lemmatize: bool = True) -> list[tuple[str, int, int, int]]:
    """(term, start, end, run) for each kept token of `text`: normalised, lemmatised, no stop
    words; `run` numbers the stretches of adjacent kept words (see runs()), so two tokens may form
    an n-gram only when they share it."""
    cache = _TERMS[lemmatize]
    out = []
    run, last_end = 0, None
    for m in _TOKEN.finditer(text):
        raw = m.group()
        term = cache[raw] if raw in cache else _term(raw, lemmatize)
        if not term:  # a dropped word ends the run
            last_end = None
            continue
        if last_end is None or not _only_spaces(text, last_end, m.start()):
            run += 1 if out else 0
        out.append((term, m.start(), m.end(), run))
        last_end = m.end()
    return out


def _only_spaces(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return gap.isspace() and "\n" not in gap  # "" (no gap) cannot occur between two regex matches


# A token, or one stretch of what may stand between tokens other than spaces: a line break,
# punctuation and symbols, digits and underscores (never a letter, so the tokens found are
# exactly _TOKEN's). findall gives the token, or "" for a stretch that ends a run.
_PIECES = re.compile(r"(" + _TOKEN.pattern + r")|\n|[^\w\s]+|[\d_]+", re.UNICODE)


def runs(text: str, lemmatize: bool = True) -> list[list[str]]:
    """The kept tokens of `text` in runs of words adjacent in the text: a run ends at a dropped
    word (stop word, number, one-letter token) and at anything between two words but spaces
    (punctuation, quotes, a line break). N-grams are formed within runs only.

    The same runs as token_spans numbers, read in one regex pass without offsets (the text
    policy's inner loop: about twice as fast)."""
    cache = _TERMS[lemmatize]
    out: list[list[str]] = []
    current = None
    for raw in _PIECES.findall(text):
        term = (cache[raw] if raw in cache else _term(raw, lemmatize)) if raw else ""
        if term:
            if current is None:
                current = []
                out.append(current)
            current.append(term)
        else:
            current = None
    return out


# _PIECES with the spaces between words as a group of their own, to give each run as written
_PIECES_AND_SPACES = re.compile(r"(" + _TOKEN.pattern + r")|([^\S\n]+)|\n|[^\w\s]+|[\d_]+", re.UNICODE)


def _runs_as_written(text: str, lemmatize: bool = True) -> list[tuple[list[str], list[str], list[str]]]:
    """runs(), each run as (terms, the words as written, the spaces after each word): a phrase's
    form is its words with the spaces between them, read in one regex pass without offsets."""
    cache = _TERMS[lemmatize]
    out: list[tuple[list[str], list[str], list[str]]] = []
    current = None
    for raw, space in _PIECES_AND_SPACES.findall(text):
        if space:  # spaces keep a run going
            if current is not None:
                current[2][-1] = space
            continue
        term = (cache[raw] if raw in cache else _term(raw, lemmatize)) if raw else ""
        if term:
            if current is None:
                current = ([], [], [])
                out.append(current)
            current[0].append(term)
            current[1].append(raw)
            current[2].append("")
        else:
            current = None
    return out


def tokenize(text: str, lemmatize: bool = True) -> list[str]:
    """The kept tokens of `text` (see token_spans)."""
    cache = _TERMS[lemmatize]
    terms = [cache[raw] if raw in cache else _term(raw, lemmatize) for raw in _TOKEN.findall(text)]
    return [t for t in terms if t]


def ngrams(tokens, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """The n-grams of a token list (one run) or of a list of runs (see runs()): all unigrams,
    then for each n the n-grams of each run, in the order scikit-learn's word analyzer uses."""
    parts = tokens if tokens and not isinstance(tokens[0], str) else [tokens]
    lo, hi = ngram_range
    out = [t for part in parts for t in part] if lo == 1 else []
    for n in range(max(2, lo), hi + 1):
        out += [" ".join(part[i:i + n]) for part in parts for i in range(len(part) - n + 1)]
    return out


def analyze(text: str, ngram_range: tuple[int, int] = (1, 2), lemmatize: bool = True) -> list[str]:
    """The terms of `text` under the policy: its kept tokens and the n-grams of its runs."""
    return ngrams(runs(text, lemmatize), ngram_range)


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

    def with_(self, **changes) -> "TextPolicy":
        return replace(self, **changes)

    def _kwargs(self) -> dict:
        # a partial of a module-level function (not a lambda), so vectorisers can be pickled
        return dict(analyzer=partial(analyze, ngram_range=self.ngram_range, lemmatize=self.lemmatize),
                    min_df=self.min_df, dtype=np.float64)

    def tfidf(self, **overrides) -> TfidfVectorizer:
        """A TfidfVectorizer with smoothed idf and L2-normalised rows (scikit-learn's defaults);
        `ngram_range` or `lemmatize` among the overrides change the policy it is built from."""
        policy = self.with_(**{k: overrides.pop(k) for k in ("ngram_range", "lemmatize") if k in overrides})
        return TfidfVectorizer(**{**policy._kwargs(), **overrides})


DEFAULT_POLICY = TextPolicy()

# From this many texts, TermMatrix tokenises and counts on every core (tokenising is most of its
# time). Measured on 2 cores, medians of 5: 1,000 paragraphs 0.049 s in one pass, 0.069 s in a
# pool; 2,000: 0.153 / 0.090 s; 39,870 (the 1,000x bench corpus): 2.49 / 1.37 s.
POOL_FROM = 2_000


def _count_part(texts, policy: TextPolicy):
    """One pool task of TermMatrix: the chunk's counts, and the token -> term entries it added."""
    cache = _TERMS[policy.lemmatize]
    known = len(cache)
    chunk = term_counts.count_chunk((runs(t, policy.lemmatize) for t in texts),
                                    partial(ngrams, ngram_range=policy.ngram_range))
    return chunk, dict(itertools.islice(cache.items(), known, None))  # a dict keeps insertion order


class TermMatrix:
    """Each text tokenised once, giving everything the analyses need: `counts` (sparse texts x
    terms, n-grams and min_df as the policy says), `terms`, `sizes` (kept tokens per text), and
    `tfidf` (smoothed idf, L2 rows: the same matrix as policy.tfidf().fit_transform(texts)).
    From POOL_FROM texts on, counted in chunks on every core: the same matrix, layout included."""

    def __init__(self, texts, policy: TextPolicy = DEFAULT_POLICY, vocabulary=None):
        self.policy = policy
        texts = list(texts)
        # only where a pool can start (counting in chunks in one process only adds the merge), and
        # for a min_df in texts: a fractional one is a share of them, which the merge does not read
        if (vocabulary is None and len(texts) >= POOL_FROM and parallel.pool_possible()
                and term_counts.counts_in_texts(policy.min_df) and self._count_in_pool(texts)):
            return
        tokens = [runs(t, policy.lemmatize) for t in texts]
        self.sizes = np.fromiter((sum(map(len, t)) for t in tokens), dtype=float, count=len(tokens))
        vec = CountVectorizer(analyzer=partial(ngrams, ngram_range=policy.ngram_range), dtype=np.int64,
                              min_df=1 if vocabulary is not None else policy.min_df, vocabulary=vocabulary)
        self.counts = vec.fit_transform(tokens).tocsr()
        self.terms = vec.get_feature_names_out()

    def _count_in_pool(self, texts) -> bool:
        """Tokenise and count chunks of the texts on every core (helpers.parallel), merged into the
        matrix of the one-process path (helpers.term_counts); False when no term is left, so that
        path runs and raises scikit-learn's own error."""
        lemma("the")  # simplemma's dictionary loaded once, here, not in every worker
        parts = parallel.map_chunks(partial(_count_part, policy=self.policy), texts, min_items=1)
        for _, learned in parts:  # the workers' new token -> term entries, for later tokenising here
            _TERMS[self.policy.lemmatize].update(learned)
        merged = term_counts.merge([chunk for chunk, _ in parts], self.policy.min_df)
        if merged is None:
            return False
        counts, self.terms = merged
        self.counts = counts.tocsr()
        self.sizes = np.fromiter((s for chunk, _ in parts for s in chunk.sizes), dtype=float, count=len(texts))
        return True

    @cached_property
    def tfidf(self):
        return TfidfTransformer().fit_transform(self.counts).tocsr()


def phrase_starts(spans, words: list[str]):
    """Indexes into `spans` (token_spans) where the kept words `words` stand next to each other
    within one run: where the phrase occurs as the n-gram counts count it."""
    n = len(words)
    for i in range(len(spans) - n + 1):
        if spans[i][3] == spans[i + n - 1][3] and [t for t, *_ in spans[i:i + n]] == words:
            yield i


def kwic(paras, term: str, width: int = 45, policy: TextPolicy = DEFAULT_POLICY):
    """Keyword in context: each occurrence of `term` (a word or phrase, matched on the policy's
    tokens, so "country" finds "countries" and "cyber sovereignty" finds "cyber sovereignty") with
    `width` characters either side, its document, year, paragraph and speaker. A phrase matches
    only words adjacent in the text within one run, as the n-gram counts do, so every line here
    is one occurrence counted in the term matrices."""
    import pandas as pd

    want = tokenize(term, policy.lemmatize)
    rows = []
    if want:
        n = len(want)
        for p in paras.itertuples(index=False):
            spans = token_spans(p.text, policy.lemmatize)
            for i in phrase_starts(spans, want):
                s, e = spans[i][1], spans[i + n - 1][2]
                rows.append({"doc_id": p.doc_id, "event_year": p.event_year, "para": p.para,
                             "speaker": p.speaker,
                             "left": p.text[max(0, s - width):s].rjust(width),
                             "match": p.text[s:e], "right": p.text[e:e + width].ljust(width)})
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "para", "speaker", "left", "match", "right"])


# --- the forms behind a term: terms are lemmas, a reader searches the text for words -----------

def surface_summary(forms) -> str:
    """Verbatim forms (case folded) with their counts, most frequent first: "technologies (2), technology (1)".
    `forms` is a list of forms or a mapping of forms to counts."""
    counts = collections.Counter()
    for f, k in (forms.items() if isinstance(forms, dict) else ((f, 1) for f in forms)):
        counts[f.lower()] += k
    return ", ".join(f"{f} ({k})" for f, k in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def surface_forms(texts, terms, lemmatize: bool = True, counts: dict | None = None) -> dict[str, str]:
    """For each term (a lemma or a phrase of lemmas), the forms the texts actually use, as
    surface_summary() writes them: "internet technology" -> "internet technologies (3)". Matched
    as the n-gram counts are (adjacent words within one run). A term the texts never contain gets "".

    `counts` (term -> its count in these texts, as a TermMatrix has it) allows a faster reading of
    phrases: only where a spelling of their first word occurs; a phrase whose forms found that
    way do not add up to its count is read again from every run."""
    texts = list(texts)
    wanted = {t: tuple(t.split()) for t in terms}
    found: dict[str, collections.Counter] = {t: collections.Counter() for t in wanted}
    single = {w[0]: t for t, w in wanted.items() if len(w) == 1}
    cache = _TERMS[lemmatize]
    # a single word's form is any token with that term: no run to check; tokens never cross a
    # line break, so the texts are read as one
    for raw, k in collections.Counter(_TOKEN.findall("\n".join(texts)) if single else ()).items():
        term = cache[raw] if raw in cache else _term(raw, lemmatize)
        if term in single:
            found[single[term]][raw] += k
    phrases = {w: t for t, w in wanted.items() if len(w) > 1}
    if phrases and counts is not None:
        for t, f in _phrase_forms_at_first_words(texts, phrases, lemmatize).items():
            if sum(f.values()) == counts.get(t):
                found[t] = f
                del phrases[wanted[t]]
    lengths = sorted({len(w) for w in phrases})
    for terms_, raws, gaps in (r for text in texts for r in _runs_as_written(text, lemmatize)) if phrases else ():
        for n in lengths:
            for i in range(len(terms_) - n + 1):
                key = tuple(terms_[i:i + n])
                if key in phrases:
                    form = "".join(r + g for r, g in zip(raws[i:i + n - 1], gaps[i:i + n - 1])) + raws[i + n - 1]
                    found[phrases[key]][form] += 1
    return {t: surface_summary(dict(f)) for t, f in found.items()}


_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"\w")
_SPACES_IN_RUN = re.compile(r"[^\S\n]+")


def _starts_token(text: str, p: int) -> bool:
    """Whether _TOKEN's scan of `text` starts a token at `p` (a letter): no letter is joined to
    it from the left through word characters or a hyphen or apostrophe between two of them."""
    i = p - 1
    while i >= 0:
        c = text[i]
        if _LETTER.match(c):
            return False
        if not (_WORD.match(c) or (c in "-'" and _WORD.match(text[i + 1]))):
            return True
        i -= 1
    return True


def _phrase_forms_at_first_words(texts, phrases: dict[tuple, str], lemmatize: bool) -> dict[str, collections.Counter]:
    """Each phrase's forms, read forward from each occurrence of a spelling of its first word
    (the spellings the token cache has seen), instead of from every run of every text."""
    cache = _TERMS[lemmatize]
    firsts = {w[0] for w in phrases}
    spellings = {raw for raw, term in cache.items() if term in firsts}
    found = {t: collections.Counter() for t in phrases.values()}
    if not spellings:
        return found
    hit = re.compile("|".join(map(re.escape, sorted(spellings, key=lambda x: (-len(x), x)))))
    longest = max(map(len, phrases))
    lengths = sorted({len(w) for w in phrases})
    for text in texts:
        for m in hit.finditer(text):
            token = _TOKEN.match(text, m.start())
            if token.group() != m.group() or not _starts_token(text, m.start()):
                continue  # part of a longer token
            terms_, raws, gaps, end = [cache[m.group()]], [m.group()], [], token.end()
            while len(terms_) < longest:
                gap = _SPACES_IN_RUN.match(text, end)
                nxt = _TOKEN.match(text, gap.end()) if gap else None
                term = (cache[nxt.group()] if nxt.group() in cache else _term(nxt.group(), lemmatize)) if nxt else ""
                if not term:
                    break
                terms_.append(term), raws.append(nxt.group()), gaps.append(gap.group())
                end = nxt.end()
            for n in lengths:  # a lookup per phrase length, not a comparison per phrase
                t = phrases.get(tuple(terms_[:n])) if n <= len(terms_) else None
                if t is not None:
                    found[t]["".join(r + g for r, g in zip(raws[:n - 1], gaps)) + raws[n - 1]] += 1
    return found


def display_label(term: str, forms: str) -> str:
    """What a chart shows for a term: the term itself when the text uses it as it is, else its most
    frequent form (a chart label a reader can search for: "internet technologies", not the lemma
    "internet technology")."""
    names = [f.rsplit(" (", 1)[0] for f in forms.split(", ")] if forms else []
    return term if not names or term in names else names[0]
