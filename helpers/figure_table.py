"""The corpus's figures as one tidy table, with provenance, category, status and period.

Built on helpers.quantities (figure_rows), run on each document's cleaned text, so `start` and
`end` are offsets into `docs.text` and every row can be traced to its sentence.
"""
from __future__ import annotations

import re
from collections import namedtuple

import pandas as pd

from .parallel import map_ordered
from .quantities import TIME_UNITS, figure_rows
from .sentences import sentence_spans

CURRENCIES = {"yuan", "US dollars", "euros", "yen", "pounds", "HK dollars", "rupees", "won"}
_GROWTH = re.compile(r"\b(increas\w*|grow\w*|grew|rise|rose|risen|up|down|fell|fall\w*|declin\w*|"
                     r"year-on-year|year on year|expand\w*|contract\w*)\b", re.I)
_EVENT = re.compile(r"\b(conference|summit|forum|exhibition|expo|attend\w*|guests?|participants?|"
                    r"delegates?|visitors?|present|occasion|journalists?|reported the)\b", re.I)
_ECONOMY = re.compile(r"\b(econom\w*|industr\w*|robots?|manufactur\w*|enterprises?|compan\w*|"
                      r"invest\w*|gdp|product|output|sales|revenue|market|digital)\b", re.I)
# Words that make a figure a projection rather than a stated fact (its `status`).
# (Each pattern below opens with a lookahead on the first characters its alternatives can start
# with: the same matches, found about twice as fast, since most positions fail that one test.)
FUTURE_MARKERS = re.compile(r"(?=[aefipstw])\b(will|would|shall|expect(?:s|ed)?|forecasts?|predict(?:s|ed)?|plans?|planned|"
                            r"(?:is|are|was|were) (?:set|due|slated|scheduled|poised|going) to|"
                            r"aims?|targets?|projected|is to be|are to be|to reach)\b", re.IGNORECASE)
# A text that announces its event as still to come ("The conference will be convened in a few
# days", "the summit is to be held"): published before the event, so the event's scale it gives
# in the present tense ("Our guests come from 80 countries") is who was invited or expected, not
# who came. Such figures are "projected" (see figures_table).
EVENT_AHEAD = re.compile(r"\b(?:conference|summit|forum|expo|exhibition|event|meeting)\s+"
                         r"(?:will|(?:is|are) (?:to|set to|due to|scheduled to|slated to|going to))\s+"
                         r"(?:be\s+)?(?:convened|held|opened|open|kick off|take place|start|begin|launched)\b", re.I)
# What a conference-scale unit measures, for charts: the first matching pattern names it.
SCALE_MEASURES = [
    ("attendees", r"\b(guests?|people|participants?|attendees?|delegates?|visitors?)\b"),
    ("countries and regions", r"\bcountr"),
    # heads of state or government and ministerial officials are not one rank: two measures
    ("state leaders", r"\b(state leaders|heads of (?:state|government)|presidents|prime ministers)\b"),
    ("ministers and officials", r"\b(officials?|ministers?)\b"),
    ("international organizations", r"organi[sz]ations\b"),
    ("industry leaders and experts", r"\b(experts?|giants|industrial leaders|business leaders)\b"),
    ("media", r"\b(journalists?|reporters?|media outlets?)\b"),
    ("exhibitors", r"\b(enterprises?|exhibitors?|companies)\b"),
]


def _segments(text: str, rows: list[dict]) -> list[tuple[int, int]]:
    """For each figure its segment: the stretch of its clause (sentence split at ';') between the
    neighbouring figures, where its own verb, tense and time expression are."""
    out = []
    for i, r in enumerate(rows):
        q_start, q_end = r["quote_start"], r["quote_start"] + len(r["quote"])
        clause_start = max(q_start, text.rfind(";", q_start, r["start"]) + 1)
        semi = text.find(";", r["end"], q_end)
        clause_end = semi if semi != -1 else q_end
        prev_end = rows[i - 1]["end"] if i > 0 else -1
        next_start = rows[i + 1]["start"] if i + 1 < len(rows) else len(text)
        out.append((max(clause_start, prev_end), min(clause_end, next_start)))
    return out


# A time expression: a year, or "this/next/last year", with the part of the year it names ("the
# first half of", "the end of", "the first three quarters of", "the first ten months of").
_TIME = re.compile(r"(?=[12beflmnst])\b(?:(?:the )?(?P<part>(?:(?:first|second|third|fourth|last) (?:half|quarter|"
                   r"(?:two|three) quarters|(?:\w+ )?months)|end|beginning|start|middle) of) )?"
                   r"(?:(?P<year>1[89]\d\d|20\d\d)|(?P<rel>this|next|last) year)\b"
                   # a span ahead: "in the next five years", "over the coming 3 years"
                   r"|\b(?:the )?(?P<span>next|coming) (?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten) years\b", re.I)
_SMALL = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
# Where a figure's statement ends and another begins inside one clause: "while", "whereas" or
# ", but" (they join clauses), or an "and"/"but" that opens a new predicate ("rose 5% and are
# expected to reach", "and it will"). "giants and experts will grace" is not one: after "and"
# comes a noun, so the list keeps its one verb.
_NEW_PREDICATE = re.compile(
    r"(?:,\s*|\s+)(?:while|whereas)\s+|,\s*but\s+|,?\s+(?:and|but)\s+(?:(?:it|they|there|he|she|we|this|which)\s+)?"
    r"(?=(?:is|are|was|were|will|would|shall|should|could|can|may|might|must|has|have|had|rose|grew|fell|"
    r"increased|decreased|reached|expects?|expected|plans?|planned|aims?)\b)", re.I)
# "up 5% from 400", "rose from 500 to 1,200": the figure after "from" is the baseline, a reported value.
_BASELINE_BEFORE = re.compile(r"\b(?:up|down|rise|rises|rising|rose|risen|increas\w*|grow\w*|grew|climb\w*|"
                              r"jump\w*|fall\w*|fell|drop\w*|declin\w*)\s+from\s*$", re.I)


def _time(m: re.Match, published_year: int) -> tuple[int, str]:
    """A time expression's year and how to print it ("first half of 2018"); for a span ahead ("the
    next five years"), the year it ends, counted from the publication year, printed as such."""
    if m.group("span"):
        n = int(m.group("n")) if m.group("n").isdigit() else _SMALL[m.group("n").lower()]
        return published_year + n, f"the {m.group('span').lower()} {m.group('n').lower()} years (from {published_year})"
    year = int(m.group("year")) if m.group("year") else \
        published_year + {"this": 0, "next": 1, "last": -1}[m.group("rel").lower()]
    part = (m.group("part") or "").lower()
    return year, f"{part} {year}".strip()


def _statements(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The statements of the sentence text[s:e]: its clauses (split at ';'), each split again where
    a conjunction opens a new predicate. A list governed by one verb ("Eight state leaders, about
    50 officials ... will grace the occasion") stays one statement."""
    cuts = [s]
    for m in re.finditer(r";", text[s:e]):
        cuts.append(s + m.end())
    for m in _NEW_PREDICATE.finditer(text, s, e):
        cuts.append(m.start())
    cuts = sorted(set(cuts)) + [e]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _frame(text: str, s: int, e: int, published_year: int):
    """A time expression that opens the sentence text[s:e] before its first comma ("In the first
    half of this year, ..."): it frames what follows in the paragraph. (year, text) or None."""
    comma = text.find(",", s, e)
    if comma == -1 or len(text[s:comma].split()) > 10:
        return None
    m = _TIME.search(text, s, comma)
    return _time(m, published_year) if m else None


def _resolve(doc, rows: list[dict], segments, spans: list[tuple[int, int]]) -> None:
    """Status and period of each figure in `rows` (one document), decided per statement:
    - status: "projected" when its statement has a future marker (will, expected, to be, plans,
      predicted ...), so every figure of a list governed by "will grace" is projected; a figure that
      is the baseline of a change ("up from 400") or whose own period lies before the publication
      year ("5 billion yuan last year") stays "stated";
    - period: the time expression of the figure's own stretch of text (nearest before it, else
      after it; one within three words after it comes first), else the one of its statement (nearest before, else after), else the frame set by
      a sentence of the same paragraph that opens with one ("In the first half of 2018, ..."), as
      long as that sentence has the same status (a past frame does not date a forecast).
    `period_scope` says which of these gave the period: figure, statement or paragraph."""
    text, year0 = doc.text, doc.published.year
    frames = [(a, f, "projected" if FUTURE_MARKERS.search(text, a, b) else "stated")
              for a, b in spans if (f := _frame(text, a, b, year0))]
    for r, (a, b) in zip(rows, segments):
        q0, q1 = r["quote_start"], r["quote_start"] + len(r["quote"])
        st0, st1 = next(((x, y) for x, y in _statements(text, q0, q1) if x <= r["start"] < y), (q0, q1))
        statement = text[st0:st1]
        status = "projected" if FUTURE_MARKERS.search(statement) else "stated"
        found, scope = None, ""
        before = list(_TIME.finditer(text, max(a, st0), r["start"]))
        after = _TIME.search(text, r["end"], min(b, st1))
        # "320 in 2023": a time expression right after the figure is its own, before any earlier one
        attached = after and len(text[r["end"]:after.start()].split()) <= 3 and not re.search(r"[,;]", text[r["end"]:after.start()])
        if before or after:
            found, scope = _time(after if attached or not before else before[-1], year0), "figure"
        else:
            before = list(_TIME.finditer(text, st0, r["start"]))
            after = _TIME.search(text, r["end"], st1)
            if before or after:
                found, scope = _time(before[-1] if before else after, year0), "statement"
        if status == "projected" and (_BASELINE_BEFORE.search(text, st0, r["start"])
                                      or (found and found[0] < year0)):
            status = "stated"
        if found is None:
            paragraph_start = text.rfind("\n\n", 0, q0)
            framing = [f for x, f, st in frames if paragraph_start < x <= q0 and st == status]
            if framing:
                found, scope = framing[-1], "paragraph"
        r.update(status=status, period=found[0] if found else pd.NA, period_text=found[1] if found else "",
                 period_scope=scope)


_PARTIES = re.compile(r"(?:sides|parties)", re.I)


def _category(unit: str, local: str, sentence: str) -> str:
    """A rough category from the unit and the words around the figure (checked by a reader). The
    parties to an agreement ("the two sides", "both parties") are counted people, not a measure of
    industry or of a conference: "other"."""
    if _PARTIES.fullmatch(unit):
        return "other"
    if unit in CURRENCIES:
        return "investment"
    if unit in ("percent", "percentage points"):
        if _GROWTH.search(local):
            return "growth"
        return "conference scale" if _EVENT.search(sentence) and not _ECONOMY.search(local) else "industry"
    if unit in TIME_UNITS:
        return "duration"
    if _EVENT.search(sentence):
        return "conference scale"
    return "industry" if _ECONOMY.search(sentence) or _ECONOMY.search(unit) else "other"


COLUMNS = ["doc_id", "title", "source", "published", "event", "event_year", "value", "unit", "qualifier", "category", "status", "period",
           "period_text", "period_scope", "of_figure", "phrase", "context", "quote", "start", "end", "mention"]
# the columns that are not text, with their types (the rest are str)
NUMBER_DTYPES = {"event_year": "int64", "value": "float64", "period": "Int64", "start": "int64", "end": "int64"}
# what figures_table returns: COLUMNS and the `checked` column it adds for a researcher
TABLE_COLUMNS = [*COLUMNS, "checked"]
_CHAIN_LINK = re.compile(r"\s*(from|of|in|across)\s*")


_DOC_FIELDS = ["id", "title", "source", "published", "event", "event_year", "text"]
_Doc = namedtuple("_Doc", _DOC_FIELDS)  # module-level, so a process pool can pickle it


def _document_figures(doc: _Doc) -> list[dict]:
    """The rows of figures_table for one document."""
    text, spans = doc.text, sentence_spans(doc.text)
    rows = figure_rows(text, spans)
    segments = _segments(text, rows)
    _resolve(doc, rows, segments, spans)
    for i, (r, (s, e)) in enumerate(zip(rows, segments)):
        segment = text[s:e]
        before, after = text[s:r["start"]], text[r["end"]:e]
        # the phrase the figure sits in: from the last comma before it to the next one after
        local = before.rsplit(",", 1)[-1] + r["mention"] + after.split(",", 1)[0]
        # "730 journalists from 110 media outlets of 14 countries": later links of a chain
        # describe the first figure, not the event
        chained = i > 0 and _CHAIN_LINK.fullmatch(text, rows[i - 1]["end"], r["start"])
        r.update(doc_id=doc.id, title=doc.title, source=doc.source, published=doc.published.date().isoformat(),
                 event=doc.event, event_year=doc.event_year,
                 of_figure=rows[i - 1]["mention"] if chained else "",
                 category=_category(r["unit"], local, r["quote"]),
                 context=" ".join(segment.split()).strip(" ,.;"),
                 phrase=" ".join(local.split()).strip(" ,.;"))
    # a text published before its event: the event's scale is what was planned, not counted
    if EVENT_AHEAD.search(text):
        for r in rows:
            before_publication = not pd.isna(r["period"]) and r["period"] < doc.published.year
            if r["category"] == "conference scale" and r["status"] == "stated" and not before_publication:
                r["status"] = "projected"
    # a duration belongs with the figure it qualifies ("100 billion yuan ... in five years")
    for r in rows:
        if r["category"] == "duration":
            same = [o["category"] for o in rows if o["quote_start"] == r["quote_start"] and o["category"] != "duration"]
            r["category"] = same[0] if same else "other"
    return rows


def figures_table(docs: pd.DataFrame) -> pd.DataFrame:
    """One row per figure in the corpus: doc_id, title, source, published (of its document, for
    citing), event, event_year, value, unit, qualifier,
    category (conference scale / industry / investment / growth / duration / other), status
    (stated / projected; every conference-scale figure of a text that announces its event as
    still to come, EVENT_AHEAD, is projected) and period (the year it refers to, when the text says; period_text
    as written, "first half of 2018"; period_scope: figure, statement or paragraph), both decided
    per statement (see _resolve), of_figure (the
    figure a chained one describes: "110 media outlets" of "730 journalists"), phrase (between
    the commas around it), context (its clause, up to the neighbouring figures), quote, start,
    end (offsets into the document's cleaned text), mention, and an empty `checked` column for
    a researcher to mark rows verified against the source."""
    docs_ = [_Doc(*r) for r in docs[_DOC_FIELDS].itertuples(index=False)]
    out = [r for rows in map_ordered(_document_figures, docs_) for r in rows]
    table = pd.DataFrame(out, columns=COLUMNS)
    table["period"] = table["period"].astype("Int64")
    table["checked"] = ""
    return table


_FLOW = re.compile(r"\b(added|adds?|new|annual(?:ly)?|per (?:year|month|day)|a year|each year|every year|yearly|"
                   r"installed|sold|shipped|produced)\b", re.I)


def stock_or_flow(context: str) -> str:
    """"flow" for a count of additions over time ("10,000 robots will be added", "55,000 new robots
    added annually"), else "stock" (how many there are: "24,000 robots in use")."""
    return "flow" if _FLOW.search(context) else "stock"


def scale_measure(unit: str) -> str | None:
    """The conference-scale measure a unit belongs to (see SCALE_MEASURES), or None."""
    for name, pattern in SCALE_MEASURES:
        if re.search(pattern, unit):
            return name
    return None


_SHARE_OF_TOTAL = re.compile(r"\bof (?:the )?(?P<whose>(?:china's |the country's |the province's )?(?:national |whole )?)total\b", re.I)


def _total_name(context: str) -> str:
    """What the total a share is of is called in the text: "national total", "province's total", "total"."""
    return f"{_SHARE_OF_TOTAL.search(context)['whose'].replace('the ', '')}total"


def derived_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers the texts imply but do not state, each with its arithmetic and sources:
    - a count stated with its share of a total ("24,000 robots, 15 percent of the national total")
      implies the total: count / share, named as the text names it ("implied national total of
      industrial robots": the count is a part of it, not the same thing);
    - an amount stated over a duration ("100 billion yuan ... in the next five years") implies an
      amount per year: amount / years."""
    rows = []
    for quote, part in table.groupby("quote", sort=False):
        counts = part[~part["unit"].isin(CURRENCIES | {"percent", "percentage points"} | TIME_UNITS)]
        shares = part[(part["unit"] == "percent") & part["context"].map(lambda c: bool(_SHARE_OF_TOTAL.search(c)))]
        for c in counts.itertuples():
            for s in shares[shares["start"] > c.end].head(1).itertuples():
                rows.append({"doc_id": c.doc_id, "event_year": c.event_year, "derived": f"implied {_total_name(s.context)} of {c.unit}",
                             "value": c.value / (s.value / 100), "unit": c.unit,
                             "arithmetic": f"{c.value:,.0f} / {s.value:g}% = {c.value / (s.value / 100):,.0f}",
                             "from": f"{c.mention} | {s.mention}", "quote": quote})
        money = part[part["unit"].isin(CURRENCIES)]
        years = part[part["unit"] == "years"]
        for m in money.itertuples():
            for y in years.head(1).itertuples():
                rows.append({"doc_id": m.doc_id, "event_year": m.event_year, "derived": f"{m.unit} per year",
                             "value": m.value / y.value, "unit": f"{m.unit} per year",
                             "arithmetic": f"{m.value:,.0f} / {y.value:g} years = {m.value / y.value:,.0f}",
                             "from": f"{m.mention} | {y.mention}", "quote": quote})
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "derived", "value", "unit", "arithmetic", "from", "quote"])


def gold_documents(docs: pd.DataFrame, gold_metadata) -> pd.DataFrame:
    """The documents of `docs` that a gold file was written for: those whose id and sha256 match a
    row of the metadata.csv (`gold_metadata`, a path) of the corpus the gold was labelled on. On
    another corpus only these can be scored: any other document's figures would all count as
    false positives, and a document edited since would be scored against the wrong text."""
    meta = pd.read_csv(gold_metadata, dtype=str, keep_default_na=False)
    known = set(zip(meta["id"], meta["sha256"]))
    return docs[[(i, h) in known for i, h in zip(docs["id"], docs["sha256"])]]
