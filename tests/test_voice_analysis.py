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
from helpers.voice_scores import gold_sentences
from helpers.voices import SPAN_KINDS, SPEECH_KINDS, voices_table

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
    assert np.allclose(shares[[f"{k} share" for k in SPAN_KINDS]].sum(axis=1), 1)
    assert shares["words"].tolist() == spans.groupby("event_year")["n_words"].sum().tolist()


def test_speaker_words_add_up_to_the_speech_words_of_each_year(corpus):
    _, spans, _ = corpus
    speakers = va.speaker_words(spans)
    speech = spans[spans["kind"].isin(SPEECH_KINDS)].groupby("event_year")["n_words"].sum()
    assert speakers.groupby("event_year")["words"].sum().to_dict() == speech.to_dict()
    assert (speakers["words"] == speakers["direct"] + speakers["indirect"] + speakers["turn"]).all()
    assert speakers.groupby("speaker")["role"].nunique().max() == 1  # one role per speaker across years


def test_voice_paragraphs_split_each_paragraph_into_its_two_voices_without_losing_a_word(corpus):
    docs, spans, _ = corpus
    paras = split_paragraphs(docs)
    by_voice = va.voice_paragraphs(paras, spans)
    assert set(by_voice["voice"]) == {"narration", "frame", "quoted"}
    assert by_voice["n_words"].sum() == spans["n_words"].sum()
    assert set(by_voice.columns) >= set(paras.columns)
    assert (by_voice.groupby(["doc_id", "para", "voice"]).size() == 1).all()


def test_a_term_said_only_by_one_speaker_is_theirs_and_a_name_in_frames_is_the_reporters():
    docs = _docs([(2001, '"Quantum networks will change banking," said Ada Park. "Quantum keys are safe," Park said.\n\n'
                        'Park said quantum research needs money. Park added that labs were ready.'),
                  (2002, "Farmers planted rice in the valley. The harvest of rice was good this year.")])
    spans, _ = voices_table(docs)
    top = pd.DataFrame({"group": [2001, 2001], "direction": ["over", "over"], "rank": [1, 2], "term": ["quantum", "park"],
                        "G2": [5.0, 4.0], "p_bonferroni": [0.5, 1.0], "holds": [False, False]})
    owners = va.term_owners(top, spans, POLICY).set_index("term")
    assert owners.loc["quantum", ["owner", "main_speaker", "occurrences"]].tolist() == ["one speaker", "Ada Park", 3]
    assert owners.loc["park", ["owner", "in frames", "in narration"]].tolist() == ["reporter only", 4, 0]
    assert owners.loc["park", "names_speaker"]
    counted = sum(analyze(t).count("quantum") for t in docs["text"])
    assert owners.loc["quantum", "occurrences"] == counted
    summary = va.owner_summary(owners.reset_index())
    assert summary[["terms", "hold", "one speaker", "reporter only", "reporter only: mostly in frames"]].values.tolist() == [[2, 0, 1, 1, 1]]


def test_unnamed_sources_and_questioners_are_not_named_speakers_and_transcripts_are_found():
    docs = _docs([(2001, "Sales fell, according to reports. Prices rose, Anna Berg said."),
                  (2002, "Daily Wire:\n\nWhat will it cost?\n\nChen Bo:\n\nAbout 5 billion yuan. We will pay it.")])
    spans, _ = voices_table(docs)
    shares = va.voice_shares(spans).set_index("event_year")
    assert shares["named speakers"].tolist() == [1, 1] and shares["transcript documents"].tolist() == [0, 1]
    assert va.transcript_docs(spans) == ["d1"]
    speakers = va.speaker_words(spans).set_index("speaker")
    assert speakers["source"].to_dict() == {"Anna Berg": "named", "reports": "unnamed", "Chen Bo": "named",
                                            "Daily Wire": "questioner"}


def test_keyness_views_correct_over_each_views_family_and_lists_carry_their_significance(corpus):
    docs, spans, _ = corpus
    paras = themes.select_paragraphs(split_paragraphs(docs))
    k = va.keyness_views({"full": paras, "one year": paras[paras["event_year"] == 2015]}, POLICY.with_(min_df=2))
    data = themes.KeynessData(paras, POLICY.with_(min_df=2))
    assert (k["full"]["family"] == themes.keyness_family(data)["tested"].sum()).all()
    assert k["one year"].empty
    long = va.views_long(k)
    assert set(long["view"]) == {"full"} and {"G2", "p_bonferroni", "holds"} <= set(long.columns)


def test_gold_spans_replace_only_the_sentences_the_gold_disagrees_with():
    text = "Ada Park said prices rose. The hall was full."
    docs = _docs([(2001, text)])
    spans, sents = voices_table(docs)
    item = {"id": "d0", "text": text, "sentences": [["Ada Park", "indirect", "Ada Park"], ["The hall", "indirect", "Ada Park"]]}
    new, replaced = va.gold_spans(spans, sents, {"d0": gold_sentences(item)})
    assert replaced == 1 and new["text"].tolist()[:2] == spans["text"].tolist()[:2]
    assert new.iloc[-1][["kind", "speaker", "text"]].tolist() == ["indirect", "Ada Park", "The hall was full."]
    same, none = va.gold_spans(spans, sents, {"d0": gold_sentences({**item, "sentences": [["Ada Park", "indirect", "Ada Park"]]})})
    assert none == 0 and same.equals(spans.sort_values(["doc_id", "start"]).reset_index(drop=True))


def test_a_year_with_no_named_speaker_still_gets_its_owners():
    docs = _docs([(2001, "Quantum links grew, organisers said. Quantum labs opened. Quantum keys were tested."),
                  (2002, "Farmers planted rice in the valley. The harvest of rice was good this year.")])
    spans, _ = voices_table(docs)
    top = pd.DataFrame({"group": [2001], "direction": ["over"], "rank": [1], "term": ["quantum"], "G2": [5.0],
                        "p_bonferroni": [0.5], "holds": [False]})
    owners = va.term_owners(top, spans, POLICY)
    assert owners[["occurrences", "in narration", "in speech", "main_speaker", "owner", "names_speaker"]].values.tolist() == \
        [[3, 2, 1, "organisers", "mixed", False]]
