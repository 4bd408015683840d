"""Cleaning: the seed documents' furniture is dropped and their body kept, in both directions;
the rules also work on lines none of the seeds contain."""
import pytest

from helpers.cleaning import clean_text, is_speaker_label, normalize_text
from helpers.corpus import load_corpus

# Hand-judged page furniture of each seed document: (rule, the whole line after normalisation).
# Every other non-blank line of the raw file is article body and must survive cleaning.
FURNITURE = {
    "2015-zhejiang-experiences": [
        ("navigation", "Home> Biz Updates"),
        ("headline", "Zhejiang Internet development experiences to be promoted"),
        ("byline", "By Chen Yingqun| chinadaily.com.cn| Updated: December 18, 2015 L M S"),
    ],
    "2015-wic-fruitful-results": [
        ("headline", "WIC achieves 'fruitful results': Official"),
        ("dateline", "Updated: 2015-12-18 18:42"),
        ("widget", "Print Mail Large Medium Small 分享按钮 0"),
    ],
    "2016-summit-underway": [
        ("account", "orSign up"),
        ("social", "Follow us:"),
        ("headline", "Video| Summit underway in Wuzhen, Zhejiang province"),
        ("dateline", "2016-November-17 Source: CCTV.com"),
        ("repeat", "The 3rd World Internet Conference opens in Wuzhen, east China"),
        ("caption", "The 3rd World Internet Conference opens in Wuzhen, east China's Zhejiang Province, "
                    "Nov. 16, 2016. (Xinhua/Li Xin)"),
        ("byline", "Editor: Chan"),
        ("social", "Scan to share on WeChat"),
        ("social", "Scan to follow us on WeChat"),
        ("site-menu", "Most popular"),
        ("site-menu", "Day |"),
        ("site-menu", "Week |"),
        ("site-menu", "Key Words"),
        ("site-menu", "Home|About us|Contact us|Southcn.com"),
        ("footer", "WWW.NEWSGD.COM. All rights reserved."),
        ("footer", "WWW.NEWSGD.COM. All rights reserved.|Registered number 020074| 粤公网安备 "
                   "44010402000511号|ICP备案号 粤B-20050235-8"),
    ],
    "2018-digital-silk-road": [
        ("navigation", "home > NEWS"),
        ("headline", "The International Conference on Digital Economy and Digital Silk Road proposes to "
                     "jointly build a digital silk road"),
        ("dateline", "2018-09-20 09:55:26"),
        ("widget", "[Print] [Close]"),
    ],
    "2021-scio-briefing": [
        ("headline", "SCIO briefing on overall situation, preparatory work for 2021 World Internet "
                     "Conference Wuzhen Summit"),
        ("comments", "0 Comment(s)Print E-mail China.org.cn, September 16, 2021"),
        ("widget", "Adjust font size:"),
        ("pagination", "< 1 2 3 4 5 6 7 8 >"),
        ("social", "Follow China.org.cn on Twitter and Facebook to join the conversation."),
        ("promo", "ChinaNews App Download"),
        ("widget", "Print E-mail Bookmark and Share"),
        ("comments", "Go to Forum >>0 Comment(s)"),
        ("comments", "No comments."),
        ("comments", "Add your comments..."),
        ("comments", "• User Name Required"),
        ("comments", "• Your Comment"),
        ("comments", "• Enter the words you see:"),
        ("comments", "Racist, abusive and off-topic comments may be removed by the moderator."),
        ("promo", "Send your storiesGet more from China.org.cnMobileRSSNewsletter"),
    ],
}


@pytest.fixture(scope="module")
def docs():
    return load_corpus().set_index("id")


@pytest.mark.parametrize("doc_id", sorted(FURNITURE))
def test_seed_furniture_removed_and_nothing_else(docs, doc_id):
    removed = [(r["rule"], r["text"]) for r in docs.loc[doc_id, "removed"]]
    assert removed == FURNITURE[doc_id]


@pytest.mark.parametrize("doc_id", sorted(FURNITURE))
def test_seed_body_lines_all_kept(docs, doc_id):
    doc = docs.loc[doc_id]
    furniture = {line for _, line in FURNITURE[doc_id]}
    body = [ln for ln in normalize_text(doc["raw_text"]).split("\n") if ln and ln not in furniture]
    paragraphs = doc["text"].split("\n\n")
    assert body == paragraphs  # every body line, in order, one paragraph each (no hard wraps here)
    assert not any(line in doc["text"] for line in furniture)


def test_seed_counts_of_body_paragraphs(docs):
    # Counted by hand from the raw files: the body lines (with the transcript's 4 speaker labels).
    counts = {d: len(docs.loc[d, "text"].split("\n\n")) for d in FURNITURE}
    assert counts == {"2015-zhejiang-experiences": 7, "2015-wic-fruitful-results": 11,
                      "2016-summit-underway": 15, "2018-digital-silk-road": 4, "2021-scio-briefing": 12}


def test_normalize_spaces_quotes_and_line_endings_without_changing_words():
    raw = "China\u2019s \u201cdigital\u00a0economy\u201d\u00a0\r\nrose  16.4%\u200b\r\n"
    assert normalize_text(raw) == "China's \"digital economy\"\nrose 16.4%\n"


@pytest.mark.parametrize("line, rule", [
    ("Home > World > Asia-Pacific", "navigation"),
    ("News » China", "navigation"),
    ("Sign in", "account"),
    ("12 Comments", "comments"),
    ("Leave a comment", "comments"),
    ("Share on Facebook", "social"),
    ("Follow Xinhua on Weibo", "social"),
    ("Print | E-mail | Close", "widget"),
    ("A+ A- Print", "widget"),
    ("« 1 2 3 4 »", "pagination"),
    ("By Li Hua | Xinhua", "byline"),
    ("Reporter: Wang Fang", "byline"),
    ("Published: 2019-10-20 08:15", "dateline"),
    ("Oct 20, 2019", "dateline"),
    ("Copyright 1995-2019 Example Daily. All rights reserved.", "footer"),
    ("京ICP证040089号", "footer"),
    ("News|Business|Sports|Culture", "site-menu"),
    ("Related Stories", "site-menu"),
    ("Download our app for the latest news", "promo"),
    ("Visitors tour the exhibition in Wuzhen on Oct 20, 2019. [Photo/IC]", "caption"),
])
def test_rules_on_lines_not_in_the_seeds(line, rule):
    cleaned = clean_text(f"Body sentence one.\n\n{line}\n\nBody sentence two.")
    assert [(r["rule"], r["text"]) for r in cleaned.removed] == [(rule, line)]
    assert cleaned.text == "Body sentence one.\n\nBody sentence two."


@pytest.mark.parametrize("line", [
    "On Oct 20, 2019, more than 1,500 guests from 80 countries met in Wuzhen for the summit.",
    "The province will print more than 10,000 copies of the report, officials said.",
    "Share prices of internet firms rose 3 percent on Monday.",
    "Follow-up talks will be held in Hangzhou next year.",
    "Home > away, the visiting delegation argued, as it signed the deal.",
    "Ma said: the future is digital.",
])
def test_prose_that_looks_like_furniture_is_kept(line):
    cleaned = clean_text(line)
    assert cleaned.removed == [] and cleaned.text == line


def test_headline_removed_only_when_it_is_the_title():
    raw = "Digital economy grows\n\nZhejiang's core digital industries grew fast this year."
    assert clean_text(raw, title="digital  economy grows").text == "Zhejiang's core digital industries grew fast this year."
    assert clean_text(raw, title="Another title").text == raw


def test_line_repeated_at_the_start_of_the_next_is_dropped_once():
    cleaned = clean_text("Delegates arrive in Wuzhen\n\nDelegates arrive in Wuzhen for the opening day.")
    assert [r["rule"] for r in cleaned.removed] == ["repeat"]
    assert cleaned.text == "Delegates arrive in Wuzhen for the opening day."


def test_hard_wrapped_lines_join_into_one_paragraph():
    cleaned = clean_text("The conference opened\nin Wuzhen on Tuesday.\n\nSecond paragraph.")
    assert cleaned.text == "The conference opened in Wuzhen on Tuesday.\n\nSecond paragraph."


def test_removed_lines_keep_their_raw_line_numbers():
    cleaned = clean_text("Home > News\n\nBody.\n\nAll rights reserved.")
    assert [(r["line"], r["rule"]) for r in cleaned.removed] == [(1, "navigation"), (5, "footer")]


@pytest.mark.parametrize("line, expected", [
    ("Zhu Guoxian:", True), ("Xinhua News Agency:", True), ("Hong Kong Economic Herald:", True),
    ("He listed three goals:", False), ("Follow us: now", False),
    ("The minister added the following points about the reform plans for next year:", False),
])
def test_speaker_label(line, expected):
    assert is_speaker_label(line) is expected
