"""Cleaning saved web pages into article text: every rule in one table, every dropped line kept.

The raw texts are news pages saved as plain text, so besides the article they carry page
furniture: navigation, share and font widgets, comment forms, pagination, footers, photo captions.
`clean_text` works line by line. A line is dropped when one of the RULES below matches it, and the
dropped line is returned with the rule's name, so nothing disappears without a trace. Every other
line is kept, with whitespace and Unicode normalised (the words themselves are never changed).

The rules describe kinds of furniture, not particular sentences: each matches short lines made of
widget words, dates, menus or legal notices. A line that reads like a sentence of prose is kept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

# --- normalisation --------------------------------------------------------------------------

# Characters that are spaces in all but name (NBSP, thin and ideographic spaces ...) become " ";
# zero-width characters are removed; typographic quotes become ASCII ones so that "China's" is one
# spelling whichever quote the outlet used.
_CHAR_MAP = {ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
             "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"}
_CHAR_MAP.update({ord(c): "" for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"})
_CHAR_MAP.update({ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"})
_CHAR_MAP.update({ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"})
_SPACES = re.compile(r" {2,}")
# the same mapping as a regex: str.translate looks every character up in the dict (a second per
# 5,000 documents), a regex scan only stops at the few characters to map
_MAPPED = re.compile("[" + re.escape("".join(map(chr, _CHAR_MAP))) + "]")


def _mapped(m: re.Match) -> str:
    return _CHAR_MAP[ord(m.group())]


def normalize_text(text: str) -> str:
    """NFC, one kind of line ending, plain spaces and quotes, no doubled or trailing spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MAPPED.sub(_mapped, text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _key(text: str) -> str:
    """A comparison key: case-folded words only (used to match headlines and repeats)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


# --- the rules ------------------------------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{4}}-{_MONTH}-\d{{1,2}}\b"
    rf"|\b{_MONTH} \d{{1,2}},? \d{{4}}\b|\b\d{{1,2}} {_MONTH},? \d{{4}}\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_DATELINE_LABELS = re.compile(r"\b(?:updated|published|posted|source|time|date)\s*:?", re.I)

# Words that only occur on page widgets (print/mail buttons, font-size switches, share links).
_WIDGET_WORDS = {"print", "e-mail", "email", "mail", "large", "medium", "small", "adjust",
                 "font", "size", "close", "bookmark", "and", "share", "l", "m", "s", "a", "a+",
                 "a-"}
_WIDGET_ANCHORS = {"print", "e-mail", "email", "font", "close", "bookmark", "share"}


# Chinese interface labels ("分享按钮", share button) left on English pages by the site's template.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _is_widget(line: str) -> bool:
    tokens = [t.strip("[]()|:").lower() for t in line.split()]
    tokens = [t for t in tokens if t]
    return (bool(tokens) and any(t in _WIDGET_ANCHORS for t in tokens)
            and all(t in _WIDGET_WORDS or t.isdigit() or _CJK.fullmatch(t) for t in tokens))


def _is_dateline(line: str) -> bool:
    if not (_DATE.search(line) or _TIME.search(line)):
        return False
    rest = _DATELINE_LABELS.sub(" ", _TIME.sub(" ", _DATE.sub(" ", line)))
    return len(rest.split()) <= 4 and not rest.rstrip().endswith((".", "?", "!"))


def _is_menu(line: str) -> bool:
    fields = [f.strip() for f in line.split("|")]
    return len(fields) >= 3 and all(len(f.split()) <= 3 for f in fields)


def _is_pagination(line: str) -> bool:
    return bool(re.fullmatch(r"[<‹«]?\s*(?:(?:\d{1,3}|\.{3}|…)\s*)+[>›»]?", line)) and \
        len(re.findall(r"\d+", line)) >= 2


def _search(pattern: str, max_words: int | None = None) -> Callable[[str], bool]:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda line: bool(rx.search(line)) and (max_words is None or len(line.split()) <= max_words)


_CAPTION = re.compile(r"(?:\((?:photo[:/ ]?)?[A-Z][\w .]*/[\w .]+\)|\[photo(?:/[^\]]+)?\])$", re.IGNORECASE)


def _first_alnum(text: str) -> str:
    return next((c for c in text if c.isalnum()), "").lower()


@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    matches: Callable[[str], bool]
    max_words: int | None = None  # longer lines are never this furniture: skip the test (speed)
    hint: tuple[str, ...] = ()    # the rule can only match a line containing one of these (lower case)


RULES: tuple[Rule, ...] = (
    Rule("navigation", "breadcrumb trail such as 'Home > News'",
         lambda ln: len(ln.split()) <= 8 and bool(re.fullmatch(r"[^.?!<>]{1,40}(?:\s*[>»›]\s*[^.?!<>]{1,40})+", ln)), max_words=8),
    Rule("account", "sign-up / log-in links",
         _search(r"^(?:or\s*)?(?:sign\s*up|sign\s*in|log\s*in|log\s*out|register)\b", 4), max_words=4),
    Rule("comments", "comment counters and the comment form",
         lambda ln: bool(re.search(r"\d+\s*comment\(?s\)?|comments? may be removed by the moderator"
                                   r"|^[•·*-]?\s*(?:no comments?|add your comments?|user name|your comment"
                                   r"|enter the words you see|go to forum|post a comment|leave a comment)\b",
                                   ln, re.IGNORECASE)), max_words=25,
         hint=("comment", "user name", "enter the words", "forum")),
    Rule("social", "follow-us and share-on-social-media prompts",
         _search(r"^(?:follow us\b|follow .{1,40}\bon (?:twitter|facebook|weibo|wechat|instagram|linkedin|x)\b"
                 r"|scan (?:the qr code )?to (?:share|follow)|share (?:this|on|to)\b)", 15), max_words=15),
    Rule("widget", "print, e-mail, font-size and share buttons", _is_widget, max_words=20),
    Rule("pagination", "page-number strips such as '< 1 2 ... 8 >'", _is_pagination),
    Rule("byline", "author, editor or source credit lines",
         lambda ln: bool(re.match(r"By [A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}\s*(?:\||$)", ln))
         or _search(r"^(?:editor|edited by|reporter|writer|author|translator|source)\s*[:|]", 6)(ln), max_words=15),
    Rule("dateline", "a line that is only a date or time, with at most a few label words", _is_dateline, max_words=16),
    Rule("footer", "copyright notices and website registration numbers",
         _search(r"all rights reserved|copyright|©|\bicp\b|icp[备证]|公网安备|registered number"),
         hint=("reserved", "copyright", "©", "icp", "公网安备", "registered number")),
    Rule("site-menu", "site menus and link lists ('Home|About us|Contact us', 'Most popular')",
         lambda ln: _is_menu(ln) or bool(re.fullmatch(
             r"(?:most popular|most read|most viewed|key ?words|related (?:news|stories|articles)"
             r"|top news|hot news|day|week|month)\s*\|?", ln, re.IGNORECASE))),
    Rule("promo", "app, newsletter and 'send us your story' promotions",
         _search(r"app download|newsletter|send your stories|get more from|download (?:our|the) app", 10), max_words=10),
    Rule("caption", "photo caption ending in a photo credit such as '(Xinhua/Li Xin)' or '[Photo/IC]'",
         lambda ln: ln.endswith((")", "]")) and bool(_CAPTION.search(ln))),
)
HEADLINE = Rule("headline", "the document's title, already in metadata.csv (a 'Video|'-style label may precede it)",
                lambda ln: False)  # matched in clean_text against the title
REPEAT = Rule("repeat", "a line repeated word for word at the start of the next line (e.g. a caption's title)",
              lambda ln: False)  # matched in clean_text against the next line
ALL_RULES = (HEADLINE, *RULES, REPEAT)

# A transcript's speaker label: a short line of capitalised words ending in a colon ("Zhu Guoxian:",
# "Xinhua News Agency:"); "He listed three goals:" is prose, not a label.
_SPEAKER = re.compile(r"[A-Z][^:.?!]{0,60}:")
_NAME_PARTICLES = {"of", "the", "and", "for", "on", "de", "van", "von", "al", "bin", "da", "du", "la", "le"}


def is_speaker_label(line: str) -> bool:
    """True for a line that only names who speaks next in a transcript."""
    words = line[:-1].split()
    return (len(words) <= 7 and bool(_SPEAKER.fullmatch(line))
            and all(w[0].isupper() or w[0].isdigit() or w in _NAME_PARTICLES for w in words))


def rules_table():
    """The cleaning rules as a table (name, what it drops), for notebooks and the README."""
    import pandas as pd
    return pd.DataFrame([(r.name, r.why) for r in ALL_RULES], columns=["rule", "drops"])


def _is_headline(line: str, title_key: str) -> bool:
    parts = line.split("|", 1)
    return _key(line) == title_key or (len(parts) == 2 and len(parts[0].split()) <= 2 and _key(parts[1]) == title_key)


def _rule_for(line: str, title_key: str, next_line: str) -> str | None:
    n_words = len(line.split())
    if title_key and n_words <= title_key.count(" ") + 4 and _is_headline(line, title_key):
        return HEADLINE.name
    low = line.lower()
    for rule in RULES:
        if (rule.max_words is None or n_words <= rule.max_words) \
                and (not rule.hint or any(h in low for h in rule.hint)) and rule.matches(line):
            return rule.name
    if next_line and len(next_line) > len(line) and _first_alnum(next_line) == _first_alnum(low):
        key = _key(line)
        if key and _key(next_line).startswith(key + " "):
            return REPEAT.name
    return None


@dataclass
class Cleaned:
    text: str            # paragraphs separated by one blank line
    removed: list[dict]  # {"line": 1-based line number in the raw text, "text": ..., "rule": ...}


def clean_text(raw: str, title: str = "") -> Cleaned:
    """Normalise `raw` and drop its page furniture, returning the text and the dropped lines.

    Paragraphs are the blocks between blank lines; lines inside a block are joined with a space
    (hard-wrapped text), except that a speaker label always stands as its own paragraph.
    """
    lines = normalize_text(raw).split("\n")
    title_key = _key(title)
    nonblank = [i for i, ln in enumerate(lines) if ln]
    next_of = {i: lines[j] for i, j in zip(nonblank, nonblank[1:])}
    removed, paragraphs, block = [], [], []

    def flush():
        if block:
            paragraphs.append(" ".join(block))
            block.clear()

    for i, line in enumerate(lines):
        if not line:
            flush()
            continue
        rule = _rule_for(line, title_key, next_of.get(i, ""))
        if rule:
            removed.append({"line": i + 1, "text": line, "rule": rule})
        elif is_speaker_label(line):
            flush()
            paragraphs.append(line)
        else:
            block.append(line)
    flush()
    return Cleaned("\n\n".join(paragraphs), removed)
