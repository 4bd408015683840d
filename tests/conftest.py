"""Shared fixtures: a private copy of the project's corpus that a test may break, and an article to add."""
import pytest
from commandline import ARTICLE, copy_corpus


@pytest.fixture
def corpus_copy(tmp_path):
    """A copy of corpus/ (raw/ and metadata.csv) in a temporary folder."""
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture
def article(tmp_path):
    """A short new article, not yet in the corpus, as a file."""
    path = tmp_path / "incoming.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path
