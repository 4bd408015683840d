"""make test's figure comparison names every file that differs, is missing or is new."""
from helpers.figure_check import compare


def _folder(path, files):
    path.mkdir()
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


def test_identical_folders_give_no_report(tmp_path):
    files = {"01-a.png": b"\x89PNG", "01-a.csv": b"k,v\n1,2\n"}
    assert compare(_folder(tmp_path / "fresh", files), _folder(tmp_path / "old", files)) == []


def test_every_kind_of_difference_is_named_with_the_changed_line(tmp_path):
    old = _folder(tmp_path / "old", {"03-k.csv": b"k,s\n2,0.0566981\n", "03-k.png": b"A", "gone.svg": b"<svg/>",
                                      "README.md": b"index"})
    fresh = _folder(tmp_path / "fresh", {"03-k.csv": b"k,s\n2,0.0587678\n", "03-k.png": b"B", "extra.json": b"{}"})
    report = compare(fresh, old)
    assert "differs: 03-k.csv" in report and "differs: 03-k.png" in report
    assert "    -2,0.0566981" in report and "    +2,0.0587678" in report
    assert "not written by the notebooks any more: gone.svg" in report
    assert "new, not committed: extra.json" in report
    assert not any("README.md" in line for line in report)  # written by `make nav`, not by the notebooks
