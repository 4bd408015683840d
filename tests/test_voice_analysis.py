"""Word shares by voice and speaker, paragraphs split by voice, and the owners of terms
(helpers.voice_analysis), on the corpus and on a small text where the answer is known."""
import numpy as np
import pandas as pd
import pytest

from helpers import themes
from helpers import voice_analysis as va
from helpers.corpus import load_corpus, split_paragraphs
from helpers.paths import PROJECT_ROOT
from helpers.text import TextPolicy, analyze
from helpers.voices import voices_table

POLICY = TextPolicy(ngram_range=(1, 2), min_df=1, lemmatize=True)


def _docs(texts_by_year):
    rows = [{"id": f"d{i}", "event_year": y, "event": f"conf {y}", "series": themes.WIC_SERIES, "text": t}
            for i, (y, t) in enumerate(texts_by_year)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def corpus():
    docs = load_corpus(PROJECT_ROOT / "corpus")
    spans, sents = voices_table(docs)
    return docs, spans, sents


def test_shares_add_up_and_words_are_the_spans_words(corpus):
    _, spans, _ = corpus
    shares = va.voice_shares(spans)
    assert np.allclose(shares[["narration share", "direct share", "indirect share"]].sum(axis=1), 1)
    assert shares["words"].tolist() == spans.groupby("event_year")["n_words"].sum().tolist()


def test_speaker_words_add_up_to_the_speech_words_of_each_year(corpus):
    _, spans, _ = corpus
    speakers = va.speaker_words(spans)
    speech = spans[spans["kind"] != "narration"].groupby("event_year")["n_words"].sum()
    assert speakers.groupby("event_year")["words"].sum().to_dict() == speech.to_dict()
    assert (speakers["words"] == speakers["direct"] + speakers["indirect"]).all()


def test_voice_paragraphs_split_each_paragraph_into_its_two_voices_without_losing_a_word(corpus):
    docs, spans, _ = corpus
    paras = split_paragraphs(docs)
    by_voice = va.voice_paragraphs(paras, spans)
    assert set(by_voice["voice"]) == {"narration", "quoted"}
    assert by_voice["n_words"].sum() == spans["n_words"].sum()
    assert set(by_voice.columns) >= set(paras.columns)
    assert (by_voice.groupby(["doc_id", "para", "voice"]).size() == 1).all()


def test_a_term_said_only_by_one_speaker_is_theirs_and_a_name_in_frames_is_narration():
    docs = _docs([(2001, '"Quantum networks will change banking," said Ada Park. "Quantum keys are safe," Park said.\n\n'
                        'Park said quantum research needs money. Park added that labs were ready.'),
                  (2002, "Farmers planted rice in the valley. The harvest of rice was good this year.")])
    spans, _ = voices_table(docs)
    top = pd.DataFrame({"group": [2001, 2001], "direction": ["over", "over"], "rank": [1, 2], "term": ["quantum", "park"]})
    owners = va.term_owners(top, spans, POLICY).set_index("term")
    assert owners.loc["quantum", ["owner", "main_voice", "occurrences"]].tolist() == ["one speaker", "Ada Park", 3]
    assert owners.loc["park", "owner"] == "narration only" and owners.loc["park", "names_speaker"]
    counted = sum(analyze(t).count("quantum") for t in docs["text"])
    assert owners.loc["quantum", "occurrences"] == counted
    summary = va.owner_summary(owners.reset_index())
    assert summary[["terms", "one speaker", "narration only", "narration: speaker names"]].values.tolist() == [[2, 1, 1, 1]]


def test_list_overlap_counts_shared_ranked_terms_and_marks_a_missing_year():
    full = pd.DataFrame({"group": [1, 1, 2], "direction": "over", "rank": [1, 2, 1], "term": ["a", "b", "c"]})
    part = pd.DataFrame({"group": [1], "direction": "over", "rank": [1], "term": ["b"]})
    out = va.list_overlap(full, {"narration": part})
    assert out["also in narration"].iloc[0] == 1 and np.isnan(out["also in narration"].iloc[1])


def test_list_overlap_counts_zero_for_a_compared_year_with_nothing_ranked():
    full = pd.DataFrame({"group": [1, 2], "direction": "over", "rank": [1, 1], "term": ["a", "c"]})
    part = pd.DataFrame({"group": [1], "direction": "over", "rank": [1], "term": ["a"]})
    out = va.list_overlap(full, {"quotations": part}, {"quotations": {1, 2}})
    assert out["also in quotations"].tolist() == [1, 0]
