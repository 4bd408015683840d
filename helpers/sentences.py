"""Sentence boundaries for English news prose, as character spans (so quotes keep their offsets)."""
from __future__ import annotations

import re

# A full stop after one of these is not a sentence end ("Nov. 16", "No. 1", "Mr. Ma", "U.S. firms").
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr no nos vs etc inc ltd co corp dept gov gen sen rep est approx fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun "
    "u.s u.k u.n e.g i.e a.m p.m".split()
)
# Candidate end: . ! or ? (maybe closing quotes/brackets), then space, then what can open a sentence.
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")


def _word_before(text: str, dot: int, lo: int) -> str:
    """The run of word characters and dots that ends just before text[dot], lower-cased (what
    `([\\w.]+)\\.$` finds before a full stop, read backwards: the search cost the whole
    paragraph for every full stop in it)."""
    i = dot
    while i > lo and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    return text[i:dot].lower()


def _is_abbreviation(token: str) -> bool:
    return token in ABBREVIATIONS or (len(token) == 1 and "a" <= token <= "z")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`; sentences never cross a blank line."""
    spans = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = block.start()
        for m in _END.finditer(text, block.start(), block.end()):
            if m.group().startswith(".") and _is_abbreviation(_word_before(text, m.start(), block.start())):
                continue  # abbreviation or an initial ("Xi J. Ping")
            end = m.end()
            spans.append((start, end))
            start = end
            while start < len(text) and text[start].isspace():
                start += 1
        if start < block.end():
            spans.append((start, block.end()))
    return spans

