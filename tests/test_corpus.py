"""Loading: the real corpus loads; every bad-input case stops with a CorpusError naming the file,
row or field and the fix; raw files are never touched."""
import hashlib

import pandas as pd
import pytest

from helpers import corpus as C
from helpers.corpus import CorpusError, load_corpus, split_paragraphs, split_sentences
from helpers.paths import PROJECT_ROOT


def _edit_metadata(root, fn):
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False)
    meta = fn(meta)
    meta.to_csv(root / "metadata.csv", index=False)


def _error(root):
    with pytest.raises(CorpusError) as e:
        load_corpus(root)
    return str(e.value)


def test_real_corpus_loads_with_typed_columns():
    docs = load_corpus()
    assert len(docs) == 5
    assert sorted(docs["event_year"].unique()) == [2015, 2016, 2018, 2021]
    assert docs["event_year"].dtype == "int64"
    assert pd.api.types.is_datetime64_any_dtype(docs["published"])
    for col in ["id", "title", "source", "event", "raw_text", "text", "removed", "series", "genre"]:
        assert col in docs.columns
    assert (docs["text"].str.len() < docs["raw_text"].str.len()).all()


def test_corpus_dir_environment_variable_selects_the_corpus(corpus_copy, monkeypatch):
    _edit_metadata(corpus_copy, lambda m: m.assign(title=m["title"].where(m["id"] != "2018-digital-silk-road", "Renamed")))
    monkeypatch.setenv("CORPUS_DIR", str(corpus_copy))
    docs = load_corpus()
    assert "Renamed" in set(docs["title"])


def test_loading_never_modifies_raw_files(corpus_copy):
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (corpus_copy / "raw").iterdir()}
    load_corpus(corpus_copy)
    C.main(["check", str(corpus_copy)])
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (corpus_copy / "raw").iterdir()}
    assert before == after


def test_metadata_missing(corpus_copy):
    (corpus_copy / "metadata.csv").unlink()
    msg = _error(corpus_copy)
    assert "metadata.csv: not found" in msg and "header row id,file,title" in msg


def test_required_column_missing(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.drop(columns=["event_year"]))
    msg = _error(corpus_copy)
    assert "required column(s) event_year missing" in msg and "Add them" in msg


def test_row_whose_file_does_not_exist(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(file=m["file"].replace(
        "2016-11-17-cctv-summit-underway-in-wuzhen.txt", "missing.txt")))
    msg = _error(corpus_copy)
    assert "row 4 (id '2016-summit-underway'): file raw/missing.txt does not exist" in msg
    # the renamed-away file now has no row: reported too, every problem at once
    assert "raw/2016-11-17-cctv-summit-underway-in-wuzhen.txt: has no row in metadata.csv" in msg


def test_txt_file_without_row(corpus_copy):
    (corpus_copy / "raw" / "extra.txt").write_text("An article nobody registered.", encoding="utf-8")
    msg = _error(corpus_copy)
    expected = hashlib.sha256(b"An article nobody registered.").hexdigest()
    assert "raw/extra.txt: has no row in metadata.csv" in msg and expected in msg


def test_duplicate_id(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(id=m["id"].replace("2015-zhejiang-experiences", "2015-wic-fruitful-results")))
    assert "rows 2, 3: duplicate id '2015-wic-fruitful-results'" in _error(corpus_copy)


def test_unparseable_date(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(published=m["published"].replace("2018-09-20", "20/09/2018")))
    assert "row 5 (id '2018-digital-silk-road'): published '20/09/2018' is not a date; write it as YYYY-MM-DD" \
        in _error(corpus_copy)


def test_event_year_not_integer(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(event_year=m["event_year"].replace("2021", "twenty21")))
    assert "row 6 (id '2021-scio-briefing'): event_year 'twenty21' is not an integer" in _error(corpus_copy)


def test_empty_required_field(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(source=m["source"].replace("CCTV.com", "")))
    assert "row 4 (id '2016-summit-underway'): field 'source' is empty" in _error(corpus_copy)


def test_empty_sha256_message_gives_the_files_hash(corpus_copy):
    digest = hashlib.sha256((corpus_copy / "raw" / "2016-11-17-cctv-summit-underway-in-wuzhen.txt").read_bytes()).hexdigest()
    _edit_metadata(corpus_copy, lambda m: m.assign(sha256=m["sha256"].where(m["id"] != "2016-summit-underway", "")))
    assert f"field 'sha256' is empty; fill it in (the file's sha256 is {digest})" in _error(corpus_copy)


def _register(root, name, data: bytes, **fields):
    (root / "raw" / name).write_bytes(data)
    row = {"id": name[:-4], "file": name, "title": "A title", "source": "Test", "published": "2019-10-20",
           "event": "6th World Internet Conference, Wuzhen", "event_year": "2019",
           "sha256": hashlib.sha256(data).hexdigest(), **fields}
    _edit_metadata(root, lambda m: pd.concat([m, pd.DataFrame([row])], ignore_index=True).fillna(""))


def test_invalid_utf8_names_the_byte(corpus_copy):
    _register(corpus_copy, "gbk.txt", "Line one.\n数字经济".encode("gbk"))
    msg = _error(corpus_copy)
    assert "raw/gbk.txt: not valid UTF-8 at byte 10" in msg and "line 2" in msg and "Re-save" in msg


def test_empty_document(corpus_copy):
    _register(corpus_copy, "empty.txt", b" \n\n")
    assert "raw/empty.txt: the file is empty" in _error(corpus_copy)


def test_document_empty_after_cleaning(corpus_copy):
    _register(corpus_copy, "furniture.txt", b"Home > News\n\nPrint E-mail\n\nAll rights reserved.")
    msg = _error(corpus_copy)
    assert "raw/furniture.txt: nothing is left after cleaning" in msg and "footer, navigation, widget" in msg


def test_sha256_mismatch(corpus_copy):
    path = corpus_copy / "raw" / "2018-09-20-unattributed-digital-silk-road-conference.txt"
    path.write_bytes(path.read_bytes() + b"\nAn added line.")
    msg = _error(corpus_copy)
    assert "raw/2018-09-20-unattributed-digital-silk-road-conference.txt: sha256 is" in msg
    assert "changed since it was registered" in msg


def test_bom_and_crlf_are_accepted(corpus_copy):
    text = "\ufeffFirst paragraph of the report.\r\n\r\nSecond paragraph, about 30 countries.\r\n"
    _register(corpus_copy, "windows.txt", text.encode("utf-8"))
    doc = load_corpus(corpus_copy).set_index("id").loc["windows"]
    assert doc["text"] == "First paragraph of the report.\n\nSecond paragraph, about 30 countries."


def test_all_problems_reported_together(corpus_copy):
    _edit_metadata(corpus_copy, lambda m: m.assign(event_year="x", published="never"))
    err = pytest.raises(CorpusError, load_corpus, corpus_copy).value
    assert len(err.problems) == 10  # two per row, five rows


def test_check_command_exit_codes(corpus_copy, capsys):
    assert C.main(["check", str(corpus_copy)]) == 0
    out = capsys.readouterr().out
    assert "5 documents" in out and "2021-scio-briefing" in out
    (corpus_copy / "metadata.csv").unlink()
    assert C.main(["check", str(corpus_copy)]) == 1
    assert "metadata.csv: not found" in capsys.readouterr().err
    assert C.main(["frobnicate"]) == 2


# --- paragraphs, speakers, sentences, duplicates ---------------------------------------------

@pytest.fixture(scope="module")
def paras():
    return split_paragraphs(load_corpus())


def test_briefing_split_into_speaker_turns(paras):
    brief = paras[paras["doc_id"] == "2021-scio-briefing"]
    turns = brief.drop_duplicates("speaker")[["speaker", "role"]].values.tolist()
    assert turns == [["Hong Kong Economic Herald", "question"], ["Zhu Guoxian", "answer"],
                     ["Hong Kong Bauhinia Magazine", "question"], ["Zhao Zeliang", "answer"]]
    assert brief.groupby("speaker").size().to_dict() == {
        "Hong Kong Economic Herald": 1, "Zhu Guoxian": 4, "Hong Kong Bauhinia Magazine": 1, "Zhao Zeliang": 2}
    assert (paras.loc[paras["doc_id"] != "2021-scio-briefing", "speaker"] == "").all()


def test_paragraph_positions_and_counts(paras):
    assert len(paras) == 45
    assert paras.groupby("doc_id")["para"].apply(lambda s: list(s) == list(range(len(s)))).all()


def test_sentences_respect_abbreviations():
    p = pd.DataFrame([{"doc_id": "d", "event_year": 2016, "para": 0, "speaker": "",
                       "text": 'It opened on Nov. 16, 2016. Mr. Ma spoke. "Is it No. 1?" he asked. Growth was 7.6% in H1.'}])
    assert split_sentences(p)["text"].tolist() == [
        "It opened on Nov. 16, 2016.", "Mr. Ma spoke.", '"Is it No. 1?" he asked.', "Growth was 7.6% in H1."]


def test_seed_sentence_count(paras):
    # 97 sentences: checked by reading the split of every paragraph (notebook 01 shows them).
    assert len(split_sentences(paras)) == 97


def _paras(*texts):
    return pd.DataFrame({"doc_id": [f"d{i // 2}" for i in range(len(texts))],
                         "para": [i % 2 for i in range(len(texts))], "text": list(texts)})


def test_duplicates_exact_near_and_distinct():
    body = ("Zhejiang had 24,000 industrial robots in use at the end of 2014, accounting for "
            "15 percent of the national total, the vice-governor said.")
    out = C.flag_duplicates(_paras(
        body,
        "Cyber sovereignty was the theme of the opening speech on Wednesday morning.",
        body.upper(),                                            # same words, other case: exact
        "Zhejiang had 24,000 industrial robots in use at the end of 2014, accounting for "
        "15 percent of the national total.",                    # a trimmed copy: near
        "Delegates from 120 countries and regions attended the forum on the digital economy.",
    ))
    assert out["duplicate"].tolist() == ["", "", "exact", "near", ""]
    assert out["dup_of"].tolist() == ["", "", "d0#0", "d0#0", ""]


def test_no_duplicates_in_seed_corpus(paras):
    # The seeds' repeated caption is dropped by cleaning, and no paragraph is copied across documents.
    assert (paras["duplicate"] == "").all()
