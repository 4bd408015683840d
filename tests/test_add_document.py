"""`python -m helpers.corpus add`: a good document is added with its row; anything `check` would
reject is refused with the reason and the corpus left byte for byte as it was."""
import hashlib

import pytest

from helpers import corpus as C
from helpers.add_document import add_document
from helpers.corpus import CorpusError, load_corpus

FIELDS = dict(title="Quantum networks at the Wuzhen summit", source="Example News", published="2019-10-21",
              event="6th World Internet Conference, Wuzhen", event_year="2019", series="World Internet Conference")


def _snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_adds_file_and_row(corpus_copy, article):
    before = _snapshot(corpus_copy)
    row = add_document(article, corpus_copy, **FIELDS)
    assert row["file"] == "2019-10-21-example-news-quantum-networks-at-the-wuzhen-summit.txt"
    assert row["id"] == "2019-quantum-networks-at-the-wuzhen-summit"
    assert (corpus_copy / "raw" / row["file"]).read_bytes() == article.read_bytes()
    assert row["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    after = _snapshot(corpus_copy)
    assert all(after[k] == v for k, v in before.items() if k != "metadata.csv")  # nothing else changed
    assert after["metadata.csv"].startswith(before["metadata.csv"])  # only appended
    docs = load_corpus(corpus_copy)
    assert 2019 in set(docs["event_year"]) and len(docs) == 6


def _refused(root, src, **changes):
    before = _snapshot(root)
    with pytest.raises(CorpusError) as e:
        add_document(src, root, **{**FIELDS, **changes})
    assert _snapshot(root) == before
    return str(e.value)


def test_refuses_invalid_utf8(corpus_copy, tmp_path):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("数字经济 grows".encode("gbk"))
    assert "not valid UTF-8 at byte 0" in _refused(corpus_copy, bad)


def test_refuses_empty_and_furniture_only(corpus_copy, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    assert "the file is empty" in _refused(corpus_copy, empty)
    furniture = tmp_path / "furniture.txt"
    furniture.write_text("Home > News\n\nPrint E-mail\n\nAll rights reserved.")
    assert "nothing is left after cleaning" in _refused(corpus_copy, furniture)


def test_refuses_duplicates(corpus_copy, tmp_path):
    existing = corpus_copy / "raw" / "2018-09-20-unattributed-digital-silk-road-conference.txt"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(existing.read_bytes())
    assert "identical to raw/2018-09-20-unattributed-digital-silk-road-conference.txt" in _refused(corpus_copy, copy)
    crlf = tmp_path / "crlf.txt"  # same article, other line endings: same text after cleaning
    crlf.write_bytes(existing.read_bytes().replace(b"\n", b"\r\n"))
    title = "The International Conference on Digital Economy and Digital Silk Road proposes to jointly build a digital silk road"
    assert "same article text as raw/" in _refused(corpus_copy, crlf, title=title)


def test_refuses_bad_fields(corpus_copy, article):
    msg = _refused(corpus_copy, article, published="21/10/2019", event_year="2019a", source="")
    assert "--published '21/10/2019' is not a date" in msg
    assert "--event-year '2019a' is not an integer" in msg and "--source is empty" in msg


def test_refuses_taken_id_and_name(corpus_copy, article):
    assert "id '2021-scio-briefing' is taken" in _refused(corpus_copy, article, doc_id="2021-scio-briefing")
    name = "2015-12-18-unattributed-wic-achieves-fruitful-results.txt"
    assert f"raw/{name} exists already" in _refused(corpus_copy, article, name=name)


def test_refuses_when_the_corpus_is_already_broken(corpus_copy, article):
    (corpus_copy / "raw" / "stray.txt").write_text("A file nobody registered.")
    assert "fix it before adding" in _refused(corpus_copy, article)


def test_command_line(corpus_copy, article, capsys):
    args = ["add", str(article), "--root", str(corpus_copy), "--title", FIELDS["title"], "--source", "Example News",
            "--published", "2019-10-21", "--event", FIELDS["event"], "--event-year", "2019"]
    assert C.main(args) == 0
    assert "added raw/2019-10-21-example-news" in capsys.readouterr().out
    assert C.main(args) == 3  # the same file again: the document is refused (exit 3, see helpers.cli)
    assert "not added, the corpus is unchanged" in capsys.readouterr().err
