"""Figures quoted in news text: every stated quantity with its unit, qualifier and provenance.

`extract_figures(text)` scans the text's tokens for numbers written in digits ("24,000", "7.6"),
with scale words ("100 billion", "a trillion") or in words ("ten", "Eight", "half"), and reads
around each one:

- before it, a qualifier ("more than", "about", "up to" ...), normalised to "exact", "about",
  "more than" or "less than";
- after it, the unit: "percent" for % and "percent"; a currency ("yuan", "US dollars"); otherwise
  the noun phrase naming what is counted ("industrial robots", "countries and regions").

What is *not* a figure, and why each is skipped, is decided by the rules in `_skip_reason`: dates
and years used as dates, clock times, ordinals ("2nd", "third"), ranks ("No. 1"), names that contain
numbers ("5G", "COVID-19", a quoted "152"), and number words with nothing counted after them.
The rules are about the shape of the text, not about any one article.
"""
from __future__ import annotations

import re

import pandas as pd
from text_to_num import text2num

from .sentences import sentence_spans

_QUALIFIER_PHRASES = {  # longest phrases are tried first
    "no more than": "less than", "not more than": "less than", "fewer than": "less than",
    "less than": "less than", "up to": "less than", "under": "less than", "below": "less than",
    "at most": "less than",
    "more than": "more than", "over": "more than", "above": "more than", "in excess of": "more than",
    "upwards of": "more than", "at least": "more than", "greater than": "more than",
    "about": "about", "around": "about", "roughly": "about", "some": "about", "nearly": "about",
    "approximately": "about", "almost": "about", "close to": "about", "an estimated": "about",
    "estimated": "about", "circa": "about", "approx": "about",
    "exceed": "more than", "exceeds": "more than", "exceeded": "more than", "exceeding": "more than",
    "surpass": "more than", "surpassed": "more than", "surpassing": "more than",
    "topped": "more than", "tops": "more than", "topping": "more than",
}
# "over three days" means during three days: with a unit of time, "over" is a preposition.
TIME_UNITS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades"}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
           "trillion": 1e12}
_UNITS_WORDS = {"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "dozen": 12}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90}
_CURRENCY_AFTER = {"yuan": "yuan", "rmb": "yuan", "renminbi": "yuan", "dollars": "US dollars",
                   "dollar": "US dollars", "usd": "US dollars", "euros": "euros", "euro": "euros",
                   "yen": "yen", "pounds": "pounds", "rupees": "rupees", "won": "won"}
_CURRENCY_BEFORE = {"$": "US dollars", "us$": "US dollars", "usd": "US dollars", "¥": "yuan",
                    "rmb": "yuan", "€": "euros", "£": "pounds", "hk$": "HK dollars"}
_MONTHS = {m for m in ("january february march april may june july august september october november "
                       "december jan feb mar apr jun jul aug sep sept oct nov dec").split()}
# Words before a number that make it a label or rank rather than an amount ("No. 1", "Phase 2").
_LABEL_BEFORE = {"no", "#", "top", "article", "section", "chapter", "page", "phase", "version",
                 "grade", "room", "route", "line", "number", "class", "level", "tier", "item"}
# Words that end the unit phrase: prepositions, verbs and auxiliaries, determiners, relatives.
_UNIT_STOP = set("""
from in of to at on with by for into across over under per than as about around within between
among during after before since until through via and or but nor so yet while whereas
is are was were be been being am will would shall should can could may might must do does did
have has had having get got make made come came go went take took give gave see saw hold held
attend join meet met reach reached grow grew rise rose fall fell become became remain remained
the a an this that these those its their his her our your my which who whom whose what where when
there here it they them we he she you i each every such same
worth valued totaling totalling including like amid despite apiece altogether respectively
worldwide nationwide globally annually yearly daily abroad overseas ago earlier later
""".split())
# Adjectives that do not change what is counted ("new robots" are robots): dropped from units.
_VAGUE_ADJECTIVES = {"new", "more", "other", "additional", "important", "major", "key", "main",
                     "various", "different", "several", "further", "extra", "total", "well-known",
                     "some", "many", "own"}
# Nouns after which "of ..." still names what is counted ("heads of international organizations").
# Measures ("2.5 million tonnes of goods") are not among them: there the unit is the measure.
_RELATIONAL = {"heads", "leaders", "representatives", "members", "chiefs", "ministers", "delegates",
               "pieces", "kinds", "types", "cases", "copies"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[A-Za-z]*|[A-Za-z]+(?:[-'’.][A-Za-z0-9]+)*|US\$|HK\$|[%$¥€£#]|\S")


class _Tok:
    __slots__ = ("text", "start", "end", "low")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end, self.low = text, start, end, text.lower()


_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _is_digits(tok: str) -> bool:
    return bool(_DIGITS.fullmatch(tok))


# Scale words read inside a run of number words by text2num (which has no "trillion": larger
# scales, and "mln"/"bn", multiply the run's value afterwards, as they do after digits).
_SCALE_WORDS = ("hundred", "thousand", "million", "billion")
# "tens of thousands of visitors", "hundreds of engineers": an order of magnitude, not a count.
# They state no number a reader could chart or check, so (as in the gold files) they are not
# figures; they are recognised as a whole so that no part of them is read as one.
_VAGUE_AMOUNTS = {"dozens", "tens", "hundreds", "thousands", "millions", "billions"}


def _is_number_word(low: str) -> bool:
    """One word of a number written in words: "five", "twenty-one", "hundred", "one"."""
    parts = low.split("-")
    if len(parts) == 2:
        return parts[0] in _TENS_WORDS and (parts[1] in _UNITS_WORDS or parts[1] == "one") and parts[1] != "dozen"
    return (low in _UNITS_WORDS and low != "dozen") or low in _TENS_WORDS or low in _SCALE_WORDS or low == "one"


def _vague_amount(toks: list[_Tok], i: int) -> int:
    """The number of tokens of "tens of thousands of", "hundreds of", "dozens of" at token i (the
    final "of" included), else 0."""
    n = len(toks)
    if toks[i].low not in _VAGUE_AMOUNTS or i + 1 >= n or toks[i + 1].low != "of":
        return 0
    j = i + 2
    if j + 1 < n and toks[j].low in _VAGUE_AMOUNTS and toks[j].low != "dozens" and toks[j + 1].low == "of":
        j += 2  # "tens of thousands of"
    return j - i


def _word_number(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """A number written in words starting at token i: (value, tokens used), else None.

    The run of number words ("Two hundred and fifty", "One hundred twenty", "a thousand") is
    collected here and its value read by text2num, which rejects sequences that are not one
    number ("one two", "twenty twenty"): the run is then shortened until it parses. "one" alone is
    a pronoun ("one of the industries"), not a count; "a dozen" and "two dozen" are 12 and 24."""
    n = len(toks)
    low = toks[i].low
    nxt = toks[i + 1].low if i + 1 < n else ""
    if nxt == "dozen" and (low in ("a", "one") or low in _UNITS_WORDS or low in _TENS_WORDS):
        return (12.0 if low in ("a", "one") else 12.0 * _UNITS_WORDS.get(low, _TENS_WORDS.get(low, 0))), 2
    if low in ("a", "one") and nxt in _SCALES and nxt not in _SCALE_WORDS:  # "a trillion"
        return 1.0, 1
    words, k = ([], i)
    if low == "a" and nxt in _SCALE_WORDS:  # "a hundred and twenty", "a trillion"
        words, k = ["one"], i + 1
    while k < n:
        w = toks[k].low
        if _is_number_word(w):
            words.append(w)
        elif w == "and" and words and words[-1] in _SCALE_WORDS and k + 1 < n \
                and _is_number_word(toks[k + 1].low) and toks[k + 1].low not in _SCALE_WORDS:
            words.append(w)  # "two hundred and fifty"
        else:
            break
        k += 1
    while words and words != ["one"]:
        if words[-1] != "and":
            try:
                return float(text2num(" ".join(words), "en")), k - i
            except ValueError:
                pass
        words.pop()
        k -= 1
    return None


def _is_month(tok: _Tok) -> bool:
    """A month name; "may" and "march" only capitalised, since they are also verbs."""
    word = tok.low.rstrip(".")
    return word in _MONTHS and (word not in ("may", "march") or tok.text[0].isupper())


def _skip_reason(toks: list[_Tok], i: int) -> str | None:
    """Why the number in digits at token i is not a figure, or None if it is one."""
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    # the word before, looking through an abbreviation's full stop ("No. 1", "Nov. 16")
    before = toks[i - 2] if prev and prev.text == "." and i > 1 and toks[i - 2].end == prev.start else prev
    if re.search(r"[A-Za-z]", tok.text):
        return "ordinal or name (2nd, 5G)"
    if prev and prev.end == tok.start and prev.text == ":" and i > 1 and toks[i - 2].text[:1].isdigit():
        return "clock time"
    if prev and prev.end == tok.start and (prev.text[-1].isalpha() or prev.text in "-/"):
        return "part of a name or a range (G20, COVID-19, 16-18)"
    if nxt and nxt.text == "-" and nxt.start == tok.end:
        return "compound modifier (a 14-point plan, a 10-year plan)"
    if before and (before.low in _LABEL_BEFORE or before.text == "#") \
            and not (before.low == "top" and i > 1 and toks[i - 2].low in ("to", "will", "would")):  # "to top 50,000"
        return "rank or label (No. 1)"
    if prev and nxt and prev.text in "\"'“‘" and nxt.text in "\"'”’":
        return "quoted name (\"152\")"
    if nxt and nxt.text == ":" and i + 2 < len(toks) and toks[i + 2].text[:1].isdigit():
        return "clock time"
    if nxt and nxt.low.rstrip(".") in ("am", "pm", "a.m", "p.m", "o'clock"):
        return "clock time (9 am)"
    if (before and _is_month(before)) or (nxt and _is_month(nxt)):
        return "date"
    if (before and before.low in ("to", "through", "until", "and", "-") and i > 2
            and _is_digits(toks[i - 2].text) and _is_month(toks[i - 3])):
        return "date range (Nov 8 to 10)"
    if re.fullmatch(r"1[89]\d\d|20\d\d", tok.text):
        # a four-digit number without a thousands comma reads as a year ("since 2014", "the 2030
        # goals") unless money or a percentage follows; news style writes counts as "2,000"
        following = nxt.low if nxt else ""
        if not (following in _SCALES or following in _CURRENCY_AFTER or following in ("%", "percent")):
            return "year"
    return None


def _qualifier(toks: list[_Tok], i: int) -> tuple[str, int]:
    """The qualifier just before token i and the index of its first token."""
    for n in (3, 2, 1):
        if i - n >= 0:
            phrase = " ".join(t.low.rstrip(".") for t in toks[i - n:i])
            if phrase in _QUALIFIER_PHRASES:
                return _QUALIFIER_PHRASES[phrase], i - n
    return "exact", i


_IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "personnel", "police", "youth"}


def _is_plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")))


def _unit_phrase(toks: list[_Tok], j: int) -> tuple[str, int]:
    """The noun phrase from token j naming what is counted, and the index after it."""
    words: list[str] = []
    k = j
    while k < len(toks) and len(words) < 6:
        t = toks[k]
        low = t.low
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9'-]*|\d+[A-Za-z]+", t.text) or _is_digits(t.text) \
                or re.fullmatch(r"\d+(st|nd|rd|th)", low):
            break
        if low == "of" and words and words[-1] in _RELATIONAL and k + 1 < len(toks) \
                and not any(_is_digits(x.text) or x.low in _QUALIFIER_PHRASES for x in toks[k + 1:k + 3]):
            words.append("of")
            k += 1
            continue
        if low == "and" and words and k + 1 < len(toks):
            follow = toks[k + 1].low
            after = toks[k + 2] if k + 2 < len(toks) else None
            # "countries and regions" joins; "four days and feature 20 forums" starts a new clause
            new_clause = _word_number(toks, k + 1) is not None or _vague_amount(toks, k + 1) > 0 or (
                after is not None and (_is_digits(after.text) or after.low in _QUALIFIER_PHRASES
                                       or _word_number(toks, k + 2) is not None))
            if re.fullmatch(r"[a-z][a-z-]*", follow) and follow not in _UNIT_STOP \
                    and follow not in _VAGUE_ADJECTIVES and not new_clause:
                words.append("and")
                k += 1
                continue
            break
        if low in _UNIT_STOP or (low.endswith("ed") and "-" not in low and len(low) > 4) or \
                (low.endswith("ing") and "-" not in low and len(low) > 5 and words):
            break
        words.append(low)
        k += 1
        # an English noun phrase ends with its head: after a plural noun ("pavilions"), only "and"
        # or a relational "of" continues it, so "12 pavilions showcases ..." stops at "pavilions"
        if _is_plural(low) and k < len(toks) and toks[k].low not in ("and", "of"):
            break
    while words and words[-1] in ("of", "and"):
        words.pop()
        k -= 1
    kept = [w for w in words if w not in _VAGUE_ADJECTIVES]
    return " ".join(kept), k


def _unit_and_end(toks: list[_Tok], j: int, currency_before: str | None) -> tuple[str, int]:
    """Unit and the index after it, for a number whose tokens end just before index j."""
    nxt = toks[j].low if j < len(toks) else ""
    if nxt == "%" or nxt in ("percent", "pct"):
        return "percent", j + 1
    if nxt == "per" and j + 1 < len(toks) and toks[j + 1].low == "cent":
        return "percent", j + 2
    if nxt == "percentage" and j + 1 < len(toks) and toks[j + 1].low == "points":
        return "percentage points", j + 2
    if currency_before:
        return currency_before, j
    if nxt in ("us", "u.s"):  # "US dollars", "U.S. dollars"
        k = j + 2 if j + 1 < len(toks) and toks[j + 1].text == "." else j + 1
        if k < len(toks) and toks[k].low in ("dollars", "dollar"):
            return "US dollars", k + 1
    if nxt in _CURRENCY_AFTER:
        return _CURRENCY_AFTER[nxt], j + 1
    return _unit_phrase(toks, j)


_NUMBER_OF = re.compile(r"\bnumber of ((?:[a-z][\w-]* ){0,3}[a-z][\w-]*?) (?:rose|grew|reached|increased|"
                        r"fell|dropped|declined|climbed|hit|stood|was|is|went|jumped|doubled)\b", re.I)


# "Daily visits to the platform topped 100 million": the subject names what the number counts.
_SUBJECT_VERB = re.compile(r"^(?:the |its |their |his |her |our )?([a-z][\w-]*(?: [a-z][\w-]*){0,3}?)"
                           r"(?: (?:of|to|in|on|for|at|from) [^,;]*?)? (?:topped|exceeded|reached|hit|totall?ed|"
                           r"stood at|rose to|fell to|grew to|amounted to|surpassed)\s*$", re.IGNORECASE)


def _partitive_unit(toks: list[_Tok], j: int) -> str:
    """"3 of the 27 proposals": a bare number followed by "of (the) N unit" counts that unit."""
    if j >= len(toks) or toks[j].low != "of":
        return ""
    k = j + 1 + (j + 1 < len(toks) and toks[j + 1].low in ("the", "its", "their", "these", "those", "all"))
    if k < len(toks) and _is_digits(toks[k].text):
        return _unit_and_end(toks, k + 1, None)[0]
    return ""


def _number_of_unit(before: str) -> str:
    """For a bare number ("rose from 500 to 1,200", "visits topped 100 million"), the unit named
    earlier in its sentence (`before`): "the number of X rose/reached/...", or a short subject
    directly before a verb of measure; else ""."""
    found = _NUMBER_OF.findall(before)
    if found:
        return found[-1].lower()
    m = _SUBJECT_VERB.match(before.strip())
    return m.group(1).lower() if m else ""


def _sentence_of(spans, pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return pos, pos


COLUMNS = ["value", "unit", "qualifier", "quote", "start", "end", "mention"]


_PERIOD_BEFORE = {"first", "second", "third", "last", "past", "next", "previous", "recent", "coming"}
_FRACTIONS = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
              "tenth": 10, "tenths": 10}


def _fraction(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """"one third", "a quarter", "two-thirds", "three quarters" as a percentage, with tokens used."""
    low = toks[i].low
    if i > 0 and toks[i - 1].low in _PERIOD_BEFORE:
        return None  # "the first three quarters" is a period of time, not 75 percent
    parts = low.split("-")
    if len(parts) == 2 and parts[0] in _UNITS_WORDS and parts[1] in _FRACTIONS:
        return 100 * _UNITS_WORDS[parts[0]] / _FRACTIONS[parts[1]], 1
    if i + 1 < len(toks) and toks[i + 1].low in _FRACTIONS and (low in ("a", "one") or low in _UNITS_WORDS):
        num = 1 if low in ("a", "one") else _UNITS_WORDS[low]
        return 100 * num / _FRACTIONS[toks[i + 1].low], 2
    return None


def _is_half(toks: list[_Tok], i: int) -> bool:
    """"half" as an amount ("half from overseas"), not a period ("first half", "half a year")."""
    before = toks[i - 1].low if i > 0 else ""
    after = toks[i + 1].low if i + 1 < len(toks) else ""
    return toks[i].low == "half" and before not in ("first", "second", "latter", "other", "a", "one", "and") \
        and after not in ("year", "years", "hour", "time", "day", "month", "an", "a", "-")


# A sentence can only hold a figure if it has a digit or a number word: the others are skipped
# before tokenising, which makes extraction cost grow with the sentences that have numbers.
# The lookahead on the first characters lets the regex reject most positions in one test (2-3x
# faster); it matches exactly where the plain alternation does.
_NUMBER_WORDS = sorted({*_UNITS_WORDS, *_TENS_WORDS, *_SCALES, *_FRACTIONS, "half"})
_MAYBE_NUMBER = re.compile(r"(?=[\d" + "".join(sorted({w[0] for w in _NUMBER_WORDS})) + r"])(?:\d|\b(?:"
                           + "|".join(_NUMBER_WORDS) + r"))", re.IGNORECASE)


# The only words (besides numbers in digits and hyphenated words such as "two-thirds" or
# "twenty-one") at which _scan_sentence can find a figure: "half", the first word of a fraction or
# a number in words ("a", "one", "five", "twenty", "hundred"), and the vague amounts it skips whole.
_CAN_START = frozenset({"half", "a", "one", *_UNITS_WORDS, *_TENS_WORDS, *_SCALE_WORDS, *_VAGUE_AMOUNTS})


def extract_figures(text: str) -> pd.DataFrame:
    """One row per quantity stated in `text`: value, unit, qualifier, quote (its sentence), start
    and end (character offsets of the mention, qualifier included, in `text`), mention."""
    return pd.DataFrame(figure_rows(text), columns=COLUMNS)


def figure_rows(text: str, spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """extract_figures as a list of dicts, each also with `quote_start` (the sentence's offset).
    `spans`: the text's sentence_spans, when the caller has them already."""
    rows = []
    for s, e in sentence_spans(text) if spans is None else spans:
        if _MAYBE_NUMBER.search(text, s, e):
            rows += _scan_sentence(text, s, e)
    return rows


def _scan_sentence(text: str, s: int, e: int) -> list[dict]:
    """The figures of the sentence text[s:e]."""
    quote = text[s:e]
    toks = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, s, e)]  # offsets into `text`
    rows = []

    def row(first, after, value, unit, qualifier):
        start, end = toks[first].start, toks[after - 1].end
        rows.append({"value": value, "unit": unit, "qualifier": qualifier, "quote": quote,
                     "start": start, "end": end, "mention": text[start:end], "quote_start": s})

    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.low not in _CAN_START and "-" not in tok.low and not tok.text[0].isdigit():
            i += 1  # cannot begin a figure (see _CAN_START): the common case, decided in one lookup
            continue
        if _is_half(toks, i):  # a share: half = 50 percent
            qualifier, q_start = _qualifier(toks, i)
            row(q_start, i + 1, 50.0, "percent", qualifier)
            i += 1
            continue
        fraction = _fraction(toks, i)
        if fraction:
            qualifier, q_start = _qualifier(toks, i)
            row(q_start, i + fraction[1], fraction[0], "percent", qualifier)
            i += fraction[1]
            continue
        vague = _vague_amount(toks, i)
        if vague:  # not a figure: skip it whole
            i += vague
            continue
        if _is_digits(tok.text):
            number = (float(tok.text.replace(",", "")), 1) if _skip_reason(toks, i) is None else None
        elif tok.text[0].isalpha() and not (i > 0 and toks[i - 1].low in ("first", "second", "third")):
            number = _word_number(toks, i)
        else:
            number = None
        if number is None:
            i += 1
            continue
        value, j = number[0], i + number[1]
        while j < len(toks) and toks[j].low in _SCALES:  # "100 billion", "two hundred thousand"
            value *= _SCALES[toks[j].low]
            j += 1
        currency_before, q_end = None, i
        if i > 0 and toks[i - 1].low in _CURRENCY_BEFORE:
            currency_before, q_end = _CURRENCY_BEFORE[toks[i - 1].low], i - 1
        unit, end = _unit_and_end(toks, j, currency_before)
        if not unit and not _is_digits(tok.text):
            i = j  # a number word with nothing counted after it: "the two of them", "one of"
            continue
        if not unit:
            unit = _partitive_unit(toks, j) or _number_of_unit(text[s:tok.start])
        qualifier, q_start = _qualifier(toks, q_end)
        if qualifier == "more than" and toks[q_start].low == "over" and unit in TIME_UNITS:
            qualifier, q_start = "exact", q_end
        end = max(end, j)
        row(q_start, end, value, unit, qualifier)
        i = end
    return rows


FIELDS = ("value", "unit", "qualifier")


def _keys(df: pd.DataFrame, by: str, fields) -> list[tuple]:
    out = []
    for r in df.to_dict("records"):
        key = [r[by]]
        for f in fields:
            key.append(float(f"{float(r[f]):.6g}") if f == "value" else r[f])
        out.append(tuple(key))
    return out


def evaluate(predicted: pd.DataFrame, gold: pd.DataFrame, by: str = "doc_id", fields=FIELDS) -> dict:
    """Precision and recall of `predicted` against `gold` on (by, *fields), as multisets: a figure
    stated twice must be found twice. Values are compared to 6 significant digits. Returns the
    counts, the two scores, and the false positives and misses for inspection."""
    from collections import Counter

    p, g = Counter(_keys(predicted, by, fields)), Counter(_keys(gold, by, fields))
    tp = sum((p & g).values())
    return {"tp": tp, "fp": sum((p - g).values()), "fn": sum((g - p).values()),
            "precision": tp / max(1, sum(p.values())), "recall": tp / max(1, sum(g.values())),
            "false_positives": sorted((p - g).elements(), key=str), "missed": sorted((g - p).elements(), key=str)}


# quantulum3's unit names mapped to ours; its "dimensionless" says nothing about what is counted.
_QUANTULUM_UNITS = {"dimensionless": "", "percentage": "percent", "chinese yuan": "yuan",
                    "united states dollar": "US dollars", "euro": "euros", "japanese yen": "yen"}


def _quantulum_parser():
    """quantulum3's parser with its dictionary disambiguation, imported without its classifier's
    dependencies. The bundled unit classifier was pickled with an older scikit-learn and does not
    load under the pinned one, so it is switched off; quantulum3 imports joblib and scikit-learn
    for it all the same (1.2 s in notebook 04, which needs neither) unless they look missing,
    which its optional-dependency guard turns into USE_CLF = False. Only what is not loaded yet
    is hidden (what is loaded costs nothing more), and only while quantulum3 is first imported:
    a later `import sklearn` is not affected, but one in another thread at that moment would fail."""
    import sys
    import warnings

    if "quantulum3.parser" not in sys.modules:
        hidden = [name for name in ("joblib", "sklearn") if name not in sys.modules]
        sys.modules.update(dict.fromkeys(hidden))  # None in sys.modules: "import X" raises ImportError
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # its "classifier dependencies not installed" warning
                from quantulum3 import parser  # noqa: F401
        finally:
            for name in hidden:
                if sys.modules.get(name, ...) is None:  # still our placeholder
                    del sys.modules[name]
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False
    return parser


def quantulum_figures(text: str) -> pd.DataFrame:
    """quantulum3's reading of `text` in our columns, for comparison. It reports no qualifier
    (all rows are "exact"), and disambiguates units with its dictionary (see _quantulum_parser)."""
    import warnings

    parser = _quantulum_parser()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = parser.parse(text)
    spans = sentence_spans(text)
    rows = []
    for q in found:
        unit = _QUANTULUM_UNITS.get(q.unit.name, q.unit.name)
        if q.unit.entity.name == "time" and not unit.endswith("s"):
            unit += "s"  # "year" -> "years", as in our units
        s, e = _sentence_of(spans, q.span[0])
        rows.append({"value": float(q.value), "unit": unit, "qualifier": "exact", "quote": text[s:e],
                     "start": q.span[0], "end": q.span[1], "mention": q.surface})
    return pd.DataFrame(rows, columns=COLUMNS)
