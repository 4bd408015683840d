"""Shared fixtures: a private copy of the project's corpus that a test may break."""
import shutil

import pytest

from helpers.paths import PROJECT_ROOT


@pytest.fixture
def corpus_copy(tmp_path):
    """A copy of corpus/ (raw/ and metadata.csv) in a temporary folder."""
    root = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus" / "raw", root / "raw")
    shutil.copy(PROJECT_ROOT / "corpus" / "metadata.csv", root / "metadata.csv")
    return root
