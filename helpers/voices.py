"""Who speaks in a news text: each sentence as narration, direct quotation or reported (indirect)
speech, with the speaker's name and role, resolved across the document, and character offsets.

The rules, in the order they apply (news-discourse conventions, not patterns of one corpus):

1. Transcripts: a paragraph under a speaker label ("Zhu Guoxian:", the rule helpers.paragraphs
   uses) is that speaker's own words: direct, cue "transcript turn".
2. Quotation marks are paired by direction (an opening mark follows a space or the start, a
   closing one follows a word or punctuation), with a stack, so a quote nested inside a quote (in
   the same or the other kind of marks) stays inside it. A quote left open at the end of a
   paragraph runs on into the next paragraph that opens with a mark (the wire-agency convention
   for quotes of several paragraphs). A quoted stretch is a direct quotation when an attribution
   frame stands next to it (`," said Ren.`, `," Lopez said.`, `X said: "`) or when it is long
   enough to be speech (MIN_QUOTE_WORDS words, not in Title Case, which marks a name or a motto:
   "Belt and Road", "Digital Empowerment for a Shared Future"); shorter quoted phrases ("scare
   quotes", partial quotes) stay in their sentence's voice.
3. A direct quotation with no frame of its own continues the previous quotation of its paragraph
   (or of the paragraph its mark runs on from); else it goes to the person named last in the
   preceding sentences (a quote paragraph after "The mayor, Anna Berg, was blunt ...").
4. Reported speech: a sentence whose main clause has a reporting verb (REPORTING_VERBS: say, add,
   tell, note, stress, announce, predict, call for, urge, ...), with its subject before the verb
   ("Ren added that ...", "In a report ..., the committee said ..."), after a comma that closes
   the content ("..., Ren said at a press conference."), or inverted ("..., said Ren Xianliang,
   vice-minister of ..."); or "according to X". A passive "was said to" is not a speaker.
   The frame (subject, role, verb) is narration; the rest of the sentence is the speaker's.
5. Names resolve within the document: a surname or given name alone ("Ren", "Lopez") is the full
   name met before; "he"/"she" is the last speaker; "the Chinese president" is the speaker whose
   role holds those words. Roles come from an apposition ("Lu Wei, director of the ..., said"; "the
   company's chief executive, Mark Allen, said") or from title words before the name ("Vice
   Premier Liu He"), anywhere in the document, the first one found kept.

6. A sentence with no cue of its own that opens with an enumerator ("First, ...", "Second is to
   ...", "Thirdly, ...") right after a sentence of reported speech, in the same paragraph or the
   next, continues that speech: indirect, same speaker, cue "continues reported speech".

Span kinds (the `kind` of a spans row): "narration" (the reporter's words), "frame" (the
attribution frame around someone's words: "said Ren Xianliang, vice-minister of ...", carrying
the speaker it introduces), "direct" (words in quotation marks), "indirect" (reported content),
"turn" (a transcript speaker's turn). A sentence's `kind` stays one of KINDS (a transcript turn
is direct there, as in the gold). `source` says what kind of speaker a row has: "named" (a
person or body named), "unnamed" (a description written in lower case: "reports", "experts",
"people familiar with the matter"), "questioner" (a transcript speaker every one of whose turns
asks a question), or "" (narration).

What it does not do: speech inside a transcript turn stays the turn speaker's; a sentence that
continues someone's reported speech with no cue and no enumerator is narration; unnamed sources
keep their description ("spokesman", "people familiar with the matter"). Transcript speaker
labels ("Zhu Guoxian:") are not sentences and are in no span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .cleaning import is_speaker_label
from .sentences import sentence_spans

KINDS = ("narration", "direct", "indirect")  # a sentence's kind
SPAN_KINDS = ("narration", "frame", "direct", "indirect", "turn")  # a span's kind
SPEECH_KINDS = ("direct", "indirect", "turn")  # spans holding a speaker's own words
# A sentence that opens with one of these continues the reported speech just before it.
_ENUMERATOR = re.compile(r"(?:(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)(?:ly)?|Finally|Lastly)"
                         r"(?:,|\s+(?:is|are|was|were)\b)")
MIN_QUOTE_WORDS = 6  # a quoted stretch this long, with no frame, is still speech ("scare quotes" are shorter)

_VERBS = ("say says said saying|add adds added|tell tells told|noted|stress stresses stressed|stated|"
          "announce announces announced|predict predicts predicted|warn warns warned|"
          "explain explains explained|argue argues argued|insist insists insisted|claimed|"
          "urge urges urged|propose proposes proposed|emphasise emphasises emphasised|emphasize emphasizes "
          "emphasized|reiterate reiterates reiterated|declare declares declared|confirm confirms confirmed|"
          "estimated|suggest suggests suggested|remarked|write writes wrote|replied|"
          "acknowledge acknowledges acknowledged|admit admits admitted|advocate advocates advocated")
# Forms that are also common nouns ("state leaders", "notes", "estimates") are left out, and so are
# verbs that take a thing rather than what was said ("put forward ideas").
_PHRASAL = ("point out", "points out", "pointed out", "call for", "calls for", "called for", "advocate for", "advocates for",
            "advocated for")
REPORTING_VERBS = sorted({v for group in _VERBS.split("|") for v in group.split()} | set(_PHRASAL),
                         key=len, reverse=True)
_VERB = r"(?:" + "|".join(v.replace(" ", r"\s+") for v in REPORTING_VERBS) + r")"
_ADV = r"(?:(?:has|have|had|will|would|did|does|do)\s+)?(?:(?:also|further|later|then|repeatedly|again)\s+)?"
_PRONOUNS = {"he", "she"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "dame", "sir", "lord", "lady", "madam"}
# Title words written before a name ("Vice Premier Liu He"): the name is what follows the last one.
TITLE_WORDS = {"president", "vice", "premier", "prime", "minister", "secretary", "chairman", "chairwoman",
               "chair", "governor", "mayor", "director", "ambassador", "general", "chancellor", "king", "queen",
               "senator", "representative", "spokesman", "spokeswoman", "spokesperson", "ceo", "chief",
               "executive", "judge", "justice", "commissioner", "deputy", "head", "founder", "official",
               "leader", "councillor", "envoy", "manager", "officer", "analyst", "professor", "editor"}
# Words that make a capitalised phrase a body, not a person ("Ministry of Commerce").
ORG_WORDS = {"administration", "ministry", "department", "committee", "commission", "bureau", "association",
             "group", "council", "office", "agency", "university", "institute", "bank", "union", "organization",
             "organisation", "company", "corporation", "government", "party", "league", "alliance", "court",
             "school", "academy", "center", "centre", "federation", "foundation", "forum", "conference"}
_PARTICLES = {"of", "for", "and", "the", "de", "van", "von", "al", "bin", "da", "du", "la", "le"}
_DETERMINERS = re.compile(r"^(?:the|a|an|one|two|three|four|five|several|some|many|its|his|her|their)\s+", re.I)
_NAME = r"[A-Z][\w'&.\-]*(?:\s+(?:(?:of|for|and|the|de|van|von|al|bin|da|du|la|le)\s+)*[A-Z][\w'&.\-]*)*"
_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]+(?:,[^()/\n]{0,40})?\s*(?:\([A-Za-z .]+\)|/[A-Za-z .]+/)\s*[-\u2013\u2014]+\s*")
# "on Friday", "today": a time between the subject and its verb
_WHEN = (r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|"
         r"earlier|later|last\s+week|this\s+week|last\s+month|on\s+\w+\s+\d+))?")

OPENERS = {'"': '"', "\u201c": "\u201d", "'": "'", "\u2018": "\u2019"}


@dataclass
class Quote:
    start: int            # offset of the opening mark in the document
    end: int              # offset just after the closing mark (or the paragraph end when left open)
    closed: bool = True
    speaker: str = ""
    role: str = ""
    speech: bool = False  # a direct quotation (not a quoted name or phrase)
    frame: tuple[int, int] | None = None  # document offsets of its attribution frame


@dataclass
class _Entities:
    """The people and bodies a document names, so that "Ren" or "he" can be resolved."""
    names: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    last_person: str = ""  # the speaker or named person met last: what "he"/"she" refer to

    def add(self, name: str, role: str = "") -> str:
        name = self.canonical(name)
        if name and name not in self.names:
            self.names.append(name)
        if name and role and not self.roles.get(name):
            self.roles[name] = role
        return name

    def canonical(self, name: str) -> str:
        """A full name met before for a part of it ("Ren" -> "Ren Xianliang"), else `name`."""
        words = name.split()
        if len(words) == 1:
            for known in reversed(self.names):
                parts = known.split()
                if len(parts) > 1 and words[0] in (parts[0], parts[-1]):
                    return known
        return name

    def by_description(self, description: str) -> str:
        """The named speaker whose role holds every word of `description` ("the Chinese president")."""
        words = set(_DETERMINERS.sub("", description).lower().split())
        for name in reversed(self.names):
            head = re.split(r"\s+(?:of|for|at|in|with|from)\s+", self.roles.get(name, "").lower())[0]
            if words and words <= set(re.findall(r"[\w'-]+", head)):
                return name
        return ""


# --- quotation marks ---------------------------------------------------------------------------

def _is_opening(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if text[i] in "\u201c\u2018":
        return True
    if text[i] in "\u201d\u2019":
        return False
    return (before.isspace() or before in "([{\u2014\u2013-/:" or before in OPENERS) and not after.isspace()


def quote_spans(text: str, start: int, end: int) -> list[Quote]:
    """The outermost quotations in text[start:end] (one paragraph). Each mark is read as opening or
    closing by what stands around it; a closing mark closes the latest open quote of its kind, so
    quotes nested in quotes (of either kind of marks) stay inside the outer one."""
    out, stack = [], []
    for i in range(start, end):
        ch = text[i]
        if ch not in "\"'\u201c\u201d\u2018\u2019":
            continue
        if ch in "'\u2019" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            continue  # an apostrophe (don't, China's)
        opening = ch in "\u201c\u2018" or (ch in "\"'" and _is_opening(text, i))
        if ch == "'" and opening and not text[i + 1:i + 2].isalpha():
            continue
        if opening:
            stack.append((ch, i))
            continue
        match = {"\u201d": "\u201c\"", "\u2019": "\u2018'", '"': '"\u201c', "'": "'\u2018"}[ch]
        k = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] in match), None)
        if k is None:
            continue  # a stray mark (a plural possessive: countries')
        pos = stack[k][1]
        del stack[k:]
        if not stack:
            out.append(Quote(pos, i + 1))
    if stack and stack[0][0] in "\"\u201c":  # an unclosed double quote runs to the paragraph end
        out.append(Quote(stack[0][1], end, closed=False))
    return out


def _words(s: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'\-]*", s)


def _title_case(s: str) -> bool:
    words = [w for w in _words(s) if w.lower() not in _PARTICLES | {"a", "an", "in", "to", "on", "at"}]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


# --- speakers and roles --------------------------------------------------------------------------

def split_name(phrase: str) -> tuple[str, str]:
    """(name, role) of a subject phrase: "Vice Premier Liu He" -> ("Liu He", "Vice Premier");
    "Prof Sarah Kim" -> ("Sarah Kim", ""); "the research firm IDC" -> ("IDC", "research firm");
    a description with no name ("a spokesman") -> (its words, "")."""
    phrase = _DETERMINERS.sub("", phrase.strip().strip(",")).strip()
    words = phrase.split()
    while words and words[0].lower().rstrip(".") in _HONORIFICS:
        words = words[1:]
    if not words:
        return "", ""
    if not words[0][0].isupper() and not any(w[0].isupper() for w in words):
        return " ".join(words), ""
    # the name is the trailing run of capitalised words (particles allowed inside) after the last title
    # or lower-case word
    cut = 0
    for k, w in enumerate(words):
        bare = w.lower().rstrip(".,")
        if (not w[0].isupper() and bare not in _PARTICLES) or bare in TITLE_WORDS:
            cut = k + 1
    name_words = words[cut:]
    while name_words and name_words[0].lower() in _PARTICLES | _HONORIFICS:
        name_words = name_words[1:]
    if not name_words:
        return " ".join(words), ""
    role = " ".join(words[:cut])
    name = " ".join(name_words)
    person, sep, body = name.partition(" of the ")
    if sep and not ORG_WORDS & set(person.lower().split()):  # "Sarah Kim of the London School ..."
        name, role = person, (role + " " if role else "") + "of the " + body
    if len(name.split()[-1]) > 2:
        name = name.rstrip(".")  # a sentence's full stop, not an initial
    return name, role


_DET = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+"
_ROLE_START = r"(?<![\w'])(?:" + _DET + r")?(?:[a-z][\w'\-]*|[A-Z][\w'\-]*'s)"
# A role is a noun phrase: one that opens with a verb or a clause word is something else.
_NOT_ROLE = re.compile(r"(?:(?:the|a|an)\s+)?(?:who|which|that|where|when|and|but|in|on|at|was|is|are|were|has|have|had|"
                       r"will|would|can|could|may|might|should|must|did|does|do|not|also|then)\b|\w+ed\b", re.I)


def _is_role(text: str) -> bool:
    text = text.strip()
    return bool(re.fullmatch(_ROLE_START + r"[^;:\"]{0,80}", text)) and not _NOT_ROLE.match(text)


def _title_before(text: str, at: int) -> str:
    """The title words written just before offset `at` ("Senior CPC official" before "Liu
    Yunshan"): capitalised words and title words, back to the first other word or punctuation;
    empty unless it holds a title word."""
    words = re.findall(r"[\w'\-]+", text[max(0, at - 80):at].split("\n")[-1])
    gap = re.search(r"[\w'\-]+(\W*)$", text[max(0, at - 80):at])
    if not words or not gap or gap.group(1) != " ":
        return ""
    run = []
    for w in reversed(words):
        if w.lower() in TITLE_WORDS or (w[0].isupper() and w.lower() not in _PARTICLES):
            run.insert(0, w)
        else:
            break
    return " ".join(run) if run and run[-1].lower() in TITLE_WORDS else ""


def collect_roles(text: str, entities: _Entities) -> None:
    """Register the people a document names with a role, wherever it gives one: "Name, role,"
    or "said Name, role." (an apposition), "The mayor, Name," (a description before the name),
    "Vice Premier Name" (title words before the name). The first role found for a name is kept."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        for m in re.finditer(r"(?<![\w'])(" + _NAME + r"),\s+(" + _ROLE_START + r"[^,;:\"]{0,80}?)(?:,|\s+" + _ADV + _VERB + r"\b)", sentence):
            name, _ = split_name(m.group(1))
            if len(name.split()) >= 2 and _is_role(m.group(2)):
                entities.add(name, _DETERMINERS.sub("", m.group(2).strip()))
        for m in re.finditer(_VERB + r"\s+(" + _NAME + r"),\s+(" + _ROLE_START + r"[^,;:\"]{0,80}?)\s*[.!?]?$", sentence):
            name, _ = split_name(m.group(1))
            if len(name.split()) >= 2 and _is_role(m.group(2)):
                entities.add(name, _DETERMINERS.sub("", m.group(2).strip()))
        for m in re.finditer(r"(?:^|,\s+)(" + _ROLE_START + r"[^,;:\"]{0,60}?),\s+(" + _NAME + r"),", sentence):
            name, _ = split_name(m.group(2))
            desc = m.group(1).strip()
            if len(name.split()) >= 2 and _is_role(desc) and len(desc.split()) <= 6:
                entities.add(name, _DETERMINERS.sub("", desc))
        for m in re.finditer(r"(?<![\w'])" + _NAME, sentence):
            name, role = split_name(m.group(0))
            role = " ".join(x for x in (_title_before(sentence, m.start()), role) if x)
            if role and len(name.split()) >= 2 and any(w.lower() in TITLE_WORDS for w in role.split()):
                entities.add(name, role)


def _speaker(subject: str, entities: _Entities) -> tuple[str, str]:
    """Resolve a subject phrase to (speaker, role), registering a new name."""
    subject = subject.strip().strip(",").strip()
    low = subject.lower()
    if low in _PRONOUNS:
        return entities.last_person, entities.roles.get(entities.last_person, "")
    # "Kim, who advised the government in 2019," -> "Kim"; "the chair, Dame Helen Carter," -> Helen Carter
    parts = [p.strip() for p in re.split(r",\s*", subject) if p.strip()]
    parts = [p for p in parts if not re.match(r"(?:who|which|that)\b", p)]
    if not parts:
        return "", ""
    named = [p for p in parts if split_name(p)[0][:1].isupper() and not _description(p)]
    head = named[0] if named else parts[0]
    name, role = split_name(head)
    others = [p for p in parts if p is not head and _is_role(p)]
    role = role or (_DETERMINERS.sub("", others[0]) if others else "")
    if not name:
        return "", ""
    if _description(head):
        name = _DETERMINERS.sub("", head)
    if not name[0].isupper() or _description(head):  # a known speaker's role, else the description itself
        found = entities.by_description(subject)
        if found:
            return found, entities.roles.get(found, "")
        if name[:1].isupper() and name[1:2].islower():  # "Officials in Washington": capitalised as the sentence's first word
            name = name[0].lower() + name[1:]
        return name, ""
    name = entities.add(name, role.strip(" .,;"))
    return name, entities.roles.get(name, role.strip(" .,;"))


def _description(phrase: str) -> bool:
    """A subject that describes rather than names: "the Chinese president", "a spokesman",
    "Officials in Washington", "Users who spoke to ..." (a capitalised first word is the
    sentence's, not a name's, when a preposition or "who" follows it)."""
    phrase = phrase.strip()
    if re.match(r"[A-Z][a-z]+\s+(?:who|in|at|from|with)\b", phrase):
        return True
    first = re.match(r"([A-Z][a-z]+)\s+of\b", phrase)
    if first and first.group(1).lower() not in ORG_WORDS | TITLE_WORDS:  # "Residents of the village"
        return True
    if not _DETERMINERS.match(phrase):
        return False
    last = phrase.split()[-1]
    return not last[0].isupper() or last.lower() in TITLE_WORDS


_SUBJECT = r"(?P<subj>(?:" + _NAME + r"|(?:[Tt]he|[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal|[Ss]ome|[Ii]ts|[Hh]is|[Hh]er)\s+[^,.;:\"]{1,60}?|[A-Z][a-z]+(?:\s+(?:who|in|at|from|of)\s+[^,.;:\"]{1,50}?)?|[Hh]e|[Ss]he)" \
           r"(?:(?:,\s+[^,;:\"]{1,90}?){1,2},)?)"


def _frame(sentence: str) -> tuple[str, int, int, int, int] | None:
    """Find the reporting frame of a sentence (quotes already blanked out): (subject, frame start,
    frame end, content start, content end) relative to the sentence, or None."""
    s = sentence
    lead = _DATELINE.match(s)
    off = lead.end() if lead else 0
    body = s[off:]
    # according to X(, role), content   |   content, according to X.
    m = re.match(r"\s*According to (?P<subj>[^,]{2,80}?(?:,\s+[^,]{2,80}?)?),\s+", body)
    if m and not re.match(r"which|whom|this|that|it\b", m.group("subj")):
        return m.group("subj"), off, off + m.end(), off + m.end(), len(s)
    m = re.search(r",\s+according to (?P<subj>[^,;]{2,80}?(?:,\s+(?!who\b|which\b)[^,;]{2,80}?)?)"
                  r"(?:,\s+(?:who|which)\b[^;]*)?\s*[.!?]?\s*$", body)
    if m and not re.match(r"which|whom|it\b", m.group("subj")):
        return m.group("subj"), off + m.start(), len(s), off, off + m.start()
    # content, said X(, role).
    m = re.search(r",\s+" + _ADV + r"(?:" + _VERB + r")\s+(?P<subj>" + _NAME + r"(?:,\s+[^.;:\"]{2,90}?)?)\s*[.!?]?\s*$", body)
    if m and body[: m.start()].strip():
        return m.group("subj"), off + m.start(), len(s), off, off + m.start()
    # content, X(, role,) said (adjuncts).
    # (a bare plural is a subject here: "..., experts said.")
    for m in re.finditer(r",\s+(?:" + _SUBJECT + r"|(?P<bare>(?!(?:and|but|or|then|which|who|that|it|this|they|we|so|yet|as)\b)[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}))" + _WHEN + r"\s+" + _ADV
                         + r"(?:" + _VERB + r")\b(?P<rest>[^\"]*)$", body):
        rest, subj = m.group("rest"), m.group("subj") or m.group("bare")
        if body[: m.start()].strip() and not re.match(r"\s+(?:that|to|in\s+(?:a|an)\s+\w+\s+that)\b", rest) and \
                not _passive(body, m.start("subj") if m.group("subj") else m.start("bare")):
            return subj, off + m.start(), len(s), off, off + m.start()
    # (Intro,) X(, role,) said (that) content
    m = re.match(r"(?P<intro>(?:[A-Z][^,\"]{0,60},\s+)?)" + _SUBJECT + _WHEN + r"\s+" + _ADV + r"(?P<verb>" + _VERB + r")\b(?:\s+that\b)?", body)
    if m and not re.search(r"\b(?:was|were|is|are|be|been|being)\s*$", m.group("subj")) and not _hearsay(body, m.end("verb")):
        subj = m.group("subj")
        if m.group("intro") and re.match(r"(?:[Tt]he|[Aa]n?)\s", subj) is None and not subj[0].isupper():
            return None
        return subj, off + m.start("subj"), off + m.end(), off + m.end(), len(s)
    m = re.match(r"(?P<intro>[A-Z][^,\"]{0,60},\s+)", body)
    if m:  # an opening adverbial ("In a report published on Wednesday,") before the subject
        inner = re.match(_SUBJECT + _WHEN + r"\s+" + _ADV + r"(?:" + _VERB + r")\b(?:\s+that\b)?", body[m.end():])
        if inner and not re.search(r"\b(?:was|were|is|are|be|been|being)\s*$", inner.group("subj")) and \
                not _hearsay(body, m.end() + inner.end()):
            return inner.group("subj"), off + m.end(), off + m.end() + inner.end(), off + m.end() + inner.end(), len(s)
    # X did something, adding/stressing that content
    m = re.search(r",\s+(?:saying|adding|stressing|noting|warning|explaining|arguing|insisting|urging|emphasi[sz]ing|"
                  r"pointing\s+out)\b(?:\s+that\b)?", body)
    subj = re.match(r"(?P<subj>" + _NAME + r"|[Hh]e|[Ss]he)(?=[\s,])", body)
    if m and subj:
        return subj.group("subj"), off, off + m.end(), off + m.end(), len(s)
    return None


def _hearsay(body: str, at: int) -> bool:
    """ "was said to have", "is told to leave": a verb followed by an infinitive reports no speaker."""
    return bool(re.match(r"\s+to\b", body[at:]))


def _passive(body: str, at: int) -> bool:
    return bool(re.search(r"\b(?:was|were|is|are|be|been|being)\s+$", body[:at]))


def _quote_frame(text: str, q: Quote, sent_start: int, sent_end: int) -> tuple[str, int, int] | None:
    """The attribution frame next to a quotation: (subject, start, end) in document offsets."""
    after = text[q.end:sent_end] if q.closed else ""
    m = re.match(r"\s*,?\s*" + _ADV + r"(?:" + _VERB + r")\s+(?P<subj>" + _NAME + r"(?:,\s+[^.;:\"]{2,90}?)?)(?=\s*[.,!?]|\s*$)", after)
    if m:
        return m.group("subj"), q.end, q.end + m.end()
    m = re.match(r"\s*,?\s*" + _SUBJECT + _WHEN + r"\s+" + _ADV + r"(?:" + _VERB + r")\b[^\"]*?(?=,\s*[\"\u201c]|[.!?]|$)", after)
    if m and not _passive(after, m.start("subj")):
        return m.group("subj"), q.end, q.end + m.end()
    before = text[sent_start:q.start]
    m = re.search(_SUBJECT + _WHEN + r"\s+" + _ADV + r"(?:" + _VERB + r")\b[^\"]{0,40}?[:,]\s*$", before)
    if m:
        return m.group("subj"), sent_start + m.start(), q.start
    return None


# --- the document ------------------------------------------------------------------------------

def paragraph_blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, speaker label) of each paragraph, split exactly as helpers.paragraphs does (at
    blank lines; a transcript's speaker label names the turns that follow and is not a paragraph),
    so the n-th block is paragraph `para` = n of split_paragraphs."""
    out, pos, label = [], 0, ""
    for block in text.split("\n\n"):
        start, end = pos, pos + len(block)
        pos = end + 2
        if is_speaker_label(block):
            label = block[:-1].strip()
            continue
        out.append((start, end, label))
    return out


def attribute(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attribute a cleaned document. Returns (spans, sentences):

    - spans: start, end (offsets into `text`), kind, speaker, role, cue, sent (the sentence's
      index), para (the paragraph's, as in split_paragraphs), text: consecutive pieces covering the words of every sentence (the frame "Ren said"
      is narration, the words it introduces the speaker's);
    - sentences: sent, start, end, para, kind (direct if it holds a direct quotation, else
      indirect if reported, else narration), speaker, role, text.
    """
    ent = _Entities()
    collect_roles(text, ent)
    blocks = paragraph_blocks(text)
    spans, sents = [], []
    prev: Quote | None = None  # the last direct quotation, for continuations
    for p, (b0, b1, label) in enumerate(blocks):
        ss = [(b0 + s, b0 + e) for s, e in sentence_spans(text[b0:b1])]
        if label:  # a transcript turn: every sentence is the labelled speaker's
            name = ent.add(label)
            for s, e in ss:
                _emit(spans, sents, text, s, e, p, [(s, e, "turn", name, ent.roles.get(name, ""), "transcript turn")])
            ent.last_person = name
            continue
        quotes = quote_spans(text, b0, b1)
        runs_on = prev if prev is not None and not prev.closed and text[b0:b0 + 1] in "\"\u201c" else None
        done = 0
        for s, e in ss:
            for q in quotes[done:]:
                if q.start >= e:
                    break
                done += 1
                sent_end = max(b for a, b in ss if a < q.end) if q.closed else b1
                if _attribute_quote(text, q, s, sent_end, ent, runs_on if q is quotes[0] else None,
                                    prev if prev is not None and prev.start >= b0 else None):
                    prev = q
            inside = [q for q in quotes if q.speech and q.start < e and q.end > s]
            pieces = []
            if inside:
                cursor = s
                for q in inside:
                    qs, qe = max(q.start, s), min(q.end, e)
                    if qs > cursor:
                        pieces += _framed(cursor, qs, inside)
                    pieces.append((qs, qe, "direct", q.speaker, q.role, "quote marks"))
                    cursor = qe
                if cursor < e:
                    pieces += _framed(cursor, e, inside)
            else:
                pieces = _reported(text, s, e, quotes, ent)
                if pieces[0][2] == "narration" and len(pieces) == 1 and sents and sents[-1][4] == "indirect" \
                        and sents[-1][3] >= p - 1 and _ENUMERATOR.match(text[s:e]):
                    pieces = [(s, e, "indirect", sents[-1][5], sents[-1][6], "continues reported speech")]
            _emit(spans, sents, text, s, e, p, pieces)
            voice = [pc[3] for pc in pieces if pc[3] and pc[2] != "frame"]
            mentioned = _names_in(text[s:e], ent)
            if voice or mentioned:
                ent.last_person = voice[-1] if voice else mentioned[-1]
    span_cols = ["start", "end", "kind", "speaker", "role", "cue", "sent", "para", "text"]
    sent_cols = ["sent", "start", "end", "para", "kind", "speaker", "role", "text"]
    spans_df = pd.DataFrame(spans, columns=span_cols)
    sents_df = pd.DataFrame(sents, columns=sent_cols)
    # a role given later in the document (an apposition after the first quote) fills earlier rows
    asks = _questioners(spans_df, text)
    for df in (spans_df, sents_df):
        df["role"] = [ent.roles.get(n, r) if n else "" for n, r in zip(df["speaker"], df["role"])]
        df["source"] = [source_type(n, n in asks) for n in df["speaker"]]
    return spans_df, sents_df


# Nouns news writing uses for unnamed sources: capitalised at the start of a sentence ("Analysts
# said ..."), they are still no one's name.
UNNAMED_HEADS = {"analysts", "experts", "officials", "sources", "reports", "observers", "critics", "residents", "users",
                 "contractors", "insiders", "diplomats", "executives", "investors", "economists", "researchers",
                 "scientists", "witnesses", "people", "participants", "delegates", "organisers", "organizers", "media"}


def source_type(speaker: str, asks: bool = False) -> str:
    """"named", "unnamed" (a description in lower case: "reports", "experts"; a noun of
    UNNAMED_HEADS even when capitalised; a one-letter transcript label such as "A"), "questioner"
    (`asks`: a transcript speaker whose every turn asks a question), or "" for no speaker."""
    if not speaker:
        return ""
    if asks:
        return "questioner"
    first = speaker.split()[0].lower()
    return "unnamed" if speaker[:1].islower() or first in UNNAMED_HEADS or len(speaker.strip(". ")) == 1 else "named"


def _questioners(spans: pd.DataFrame, text: str) -> set[str]:
    """Transcript speakers each of whose turns (paragraphs) holds a question mark."""
    turns = spans[spans["kind"] == "turn"]
    if turns.empty:
        return set()
    asked = turns.groupby(["speaker", "para"])["text"].agg(lambda t: any("?" in x for x in t))
    return {name for name, part in asked.groupby(level=0) if part.all()}


def _attribute_quote(text, q: Quote, sent_start, sent_end, ent: _Entities, runs_on, before) -> bool:
    """Decide whether quotation `q` is speech and whose: its own frame, else the quote it
    continues (`runs_on`, from the previous paragraph; `before`, earlier in this one), else the
    person named last. Returns whether it is speech."""
    inner = text[q.start + 1:q.end - (1 if q.closed else 0)]
    frame = _quote_frame(text, q, sent_start, sent_end)
    if frame:
        q.speaker, q.role = _speaker(frame[0], ent)
        q.frame = (frame[1], frame[2])
    whole = not text[sent_start:q.start].strip() and re.search(r"[.!?]\W*$", inner)  # a quoted sentence
    if not q.speaker and not whole and (len(_words(inner)) < MIN_QUOTE_WORDS or _title_case(inner)):
        return False  # a quoted phrase, a name or a motto: it keeps its sentence's voice
    if not q.speaker:
        src = runs_on or before
        if src is not None and src.speaker:
            q.speaker, q.role = src.speaker, src.role
        elif ent.last_person:
            q.speaker, q.role = ent.last_person, ent.roles.get(ent.last_person, "")
    q.speech = True
    if q.speaker:
        ent.last_person = q.speaker
    return True


def _framed(a: int, b: int, quotes: list[Quote]) -> list[tuple]:
    """Narration between quotations, cut where a quotation's attribution frame lies in it (the
    frame a "frame" piece carrying that quotation's speaker)."""
    out, cursor = [], a
    for q in quotes:
        if q.frame is None or q.frame[1] <= cursor or q.frame[0] >= b:
            continue
        f0, f1 = max(q.frame[0], cursor), min(q.frame[1], b)
        if f0 > cursor:
            out.append((cursor, f0, "narration", "", "", ""))
        out.append((f0, f1, "frame", q.speaker, q.role, "quote marks"))
        cursor = f1
    if cursor < b:
        out.append((cursor, b, "narration", "", "", ""))
    return out


def _reported(text, s, e, quotes, ent: _Entities) -> list[tuple]:
    """The pieces of a sentence with no direct quotation: frame (narration) and content
    (indirect) when it reports someone's words, else one narration piece."""
    masked = _mask_quotes(text, s, e, quotes)
    found = _frame(masked)
    speaker, role = _speaker(found[0], ent) if found else ("", "")
    if not speaker:
        return [(s, e, "narration", "", "", "")]
    _, f0, f1, c0, c1 = found
    cue = "according to" if "ccording to" in masked[f0:f1] else "reporting verb"
    pieces = [(s + a, s + b, kind, speaker, role, cue)
              for a, b, kind in sorted([(f0, f1, "frame"), (c0, c1, "indirect")]) if b > a]
    if 0 < min(f0, c0):
        pieces.insert(0, (s, s + min(f0, c0), "narration", "", "", ""))
    return pieces


def _names_in(sentence: str, ent: _Entities) -> list[str]:
    """Known full names mentioned in a sentence, in order of mention."""
    found = sorted((sentence.find(n), n) for n in ent.names if len(n.split()) >= 2 and n in sentence)
    return [n for _, n in found]


def _mask_quotes(text: str, s: int, e: int, quotes: list[Quote]) -> str:
    """The sentence with the words of its quotations blanked (same length), so that a reporting
    verb inside a quoted phrase is not read as the sentence's frame."""
    chars = list(text[s:e])
    for q in quotes:
        for i in range(max(q.start + 1, s), min(q.end - 1, e)):
            chars[i - s] = "x" if chars[i - s].isalnum() else chars[i - s]
    return "".join(chars)


def _emit(spans, sents, text, s, e, para, pieces) -> None:
    """Record a sentence (its voice: the first direct piece, else the first indirect one) and its
    pieces, trimmed of edge spaces and punctuation, dropping pieces with no word."""
    k = len(sents)
    voice = next((pc for pc in pieces if pc[2] in ("direct", "turn")), None) or \
        next((pc for pc in pieces if pc[2] == "indirect"), None)
    kind, speaker, role = ("direct" if voice[2] == "turn" else voice[2], voice[3], voice[4]) if voice else ("narration", "", "")
    sents.append((k, s, e, para, kind, speaker, role, text[s:e]))
    for a, b, kind, speaker, role, cue in pieces:
        while a < b and text[a] in " ,;:-\u2014\u2013":
            a += 1
        while b > a and text[b - 1] in " ,;:":
            b -= 1
        if re.search(r"\w", text[a:b]):
            spans.append((a, b, kind, speaker, role, cue, k, para, text[a:b]))


def voices_table(docs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """attribute() for every document: (spans, sentences), each row with doc_id and event_year,
    offsets into docs['text']; spans carry `n_words`."""
    span_parts, sent_parts = [], []
    for doc in docs.itertuples(index=False):
        spans, sents = attribute(doc.text)
        span_parts.append(spans.assign(doc_id=doc.id, event_year=doc.event_year))
        sent_parts.append(sents.assign(doc_id=doc.id, event_year=doc.event_year))
    spans = pd.concat(span_parts, ignore_index=True)
    sents = pd.concat(sent_parts, ignore_index=True)
    spans["n_words"] = spans["text"].str.split().str.len().astype(int)
    front = ["doc_id", "event_year"]
    return spans[front + [c for c in spans.columns if c not in front]], sents[front + [c for c in sents.columns if c not in front]]
