"""The command line as a user runs it: `python -m helpers.corpus` in a real subprocess (run that
way the module is loaded twice, which in-process calls to main() cannot show). Every refusal:
a message naming what, where and the fix on stderr, its own exit code, no traceback, and every
file of the corpus byte for byte as before."""
import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from commandline import ARTICLE, ENV, add_args, copy_corpus, corpus_state, run


EXISTING = "2018-09-20-unattributed-digital-silk-road-conference.txt"


def _utf16(tmp, root):
    path = tmp / "utf16.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    return add_args(path, root)


def _png(tmp, root):
    path = tmp / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return add_args(path, root)


def _folder(tmp, root):
    (tmp / "folder.txt").mkdir()
    return add_args(tmp / "folder.txt", root)


def _fifo(tmp, root):
    os.mkfifo(tmp / "pipe.txt")
    return add_args(tmp / "pipe.txt", root)


def _crlf_bom_copy(tmp, root):
    path = tmp / "resaved.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (root / "raw" / EXISTING).read_bytes().replace(b"\n", b"\r\n"))
    return add_args(path, root, title="Another title for the same article")


def _respaced_copy(tmp, root):
    path = tmp / "respaced.txt"
    text = (root / "raw" / EXISTING).read_text(encoding="utf-8")
    path.write_text(text.replace(" ", "  ").replace("\n", " \n\t"), encoding="utf-8")
    return add_args(path, root, title="Another title")


def _gbk(tmp, root):
    path = tmp / "gbk.txt"
    path.write_bytes("Line one.\n数字经济 grew fast in Wuzhen.".encode("gbk"))
    return add_args(path, root)


def _long_source_name(tmp, root):
    return add_args(tmp / ("a" * 300 + ".txt"), root)


def _symlink_in_raw(tmp, root):
    outside = tmp / "outside.txt"
    outside.write_text("A text outside the corpus.", encoding="utf-8")
    (root / "raw" / "linked.txt").symlink_to(outside)
    return add_args(tmp / "incoming.txt", root)


def _with(**fields):
    return lambda tmp, root: add_args(tmp / "incoming.txt", root, **fields)


# (case, how to build the command, exit code, what stderr must say)
REFUSALS = [
    ("missing file", lambda tmp, root: add_args(tmp / "nope.txt", root), 3, ["nope.txt: no such file"]),
    ("a folder", _folder, 3, ["folder.txt: is a folder, not a text file", "Give the path"]),
    ("a fifo", _fifo, 3, ["pipe.txt: is a named pipe (FIFO)"]),
    ("a PNG", _png, 3, ["picture.png: is a PNG image, not text"]),
    ("UTF-16 text", _utf16, 3, ["utf16.txt: is UTF-16 text, not UTF-8", "iconv -f UTF-16 -t UTF-8"]),
    ("GBK text", _gbk, 3, ["gbk.txt: not valid UTF-8 at byte 10", "GB18030"]),
    ("an exact copy", lambda tmp, root: add_args(root / "raw" / EXISTING, root), 3, [f"identical to raw/{EXISTING}"]),
    ("a CRLF + BOM copy under another title", _crlf_bom_copy, 3, [f"same article text as raw/{EXISTING}"]),
    ("a copy with other spacing", _respaced_copy, 3, [f"same article text as raw/{EXISTING}"]),
    ("a taken id", _with(id="2021-scio-briefing"), 3, ["id '2021-scio-briefing' is taken; choose another with --id"]),
    ("a taken name", _with(name=EXISTING), 3, [f"raw/{EXISTING} exists already; choose another with --name"]),
    ("February 30", _with(published="2019-02-30"), 3, ["--published '2019-02-30' is not a date on the calendar"]),
    ("a compact date", _with(published="20191021"), 3, ["--published '20191021' is not a date; write it as YYYY-MM-DD"]),
    ("a year 2019.0", _with(**{"event-year": "2019.0"}), 3, ["--event-year '2019.0' is not an integer"]),
    ("year 0", _with(**{"event-year": "0"}), 3, ["--event-year '0' is outside the plausible years 1990-2100"]),
    ("year -5", _with(**{"event-year": "-5"}), 3, ["--event-year '-5' is outside the plausible years"]),
    ("year 99999", _with(**{"event-year": "99999"}), 3, ["--event-year '99999' is outside the plausible years"]),
    ("a 23-digit year", _with(**{"event-year": "1" * 23}), 3, ["is outside the plausible years"]),
    ("a published year 0001", _with(published="0001-01-01"), 3, ["the year is outside 1990-2100"]),
    ("a 300-character source name", _long_source_name, 3, ["the name is too long for the file system"]),
    ("a 300-character --name", _with(name="b" * 300 + ".txt"), 3, ["--name is 304 bytes long", "choose a shorter"]),
    ("a --name with a folder", _with(name="../escape.txt"), 3, ["--name '../escape.txt' must be a bare file name"]),
    ("an empty title", _with(title=" "), 3, ["--title is empty; give a value"]),
    ("a two-line title", _with(title="one\ntwo"), 3, ["--title contains a line break"]),
    ("a symlink in raw/", _symlink_in_raw, 1, ["the corpus does not pass `check` now",
                                               "raw/linked.txt: is a symbolic link", "Replace the link"]),
    ("a missing --root", lambda tmp, root: add_args(tmp / "incoming.txt", tmp / "nowhere"), 1,
     ["nowhere: corpus folder not found"]),
    ("check with a 300-character root", lambda tmp, root: ["check", str(tmp / ("c" * 300))], 4,
     ["File name too long. Check the path"]),
    ("no arguments", lambda tmp, root: ["add"], 2, ["the following arguments are required"]),
    ("an unknown command", lambda tmp, root: ["frobnicate"], 2, ["invalid choice: 'frobnicate'"]),
]


@pytest.fixture(scope="module")
def refusals(tmp_path_factory):
    """Each case run once, on its own copy of the corpus; the subprocesses run side by side (each
    pays about a second of imports) and every test below checks one of them."""
    jobs = {}
    for case, build, _, _ in REFUSALS:
        tmp = tmp_path_factory.mktemp("case")
        (tmp / "incoming.txt").write_text(ARTICLE, encoding="utf-8")
        root = copy_corpus(tmp / "corpus")
        args = build(tmp, root)
        jobs[case] = (args, tmp, root, corpus_state(root))
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(jobs, pool.map(lambda job: run(*job[0], cwd=job[1]), jobs.values())))
    return {case: (done[case], root, before) for case, (_, _, root, before) in jobs.items()}


@pytest.mark.parametrize("case, code, says", [(c, code, says) for c, _, code, says in REFUSALS],
                         ids=[r[0] for r in REFUSALS])
def test_refusal_is_clear_and_changes_nothing(refusals, case, code, says):
    result, root, before = refusals[case]
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, err
    assert "Traceback" not in err and result.stdout == b""
    for fragment in says:
        assert fragment in err
    assert corpus_state(root) == before


def test_a_title_in_another_encoding(corpus_copy, article, tmp_path):
    # a terminal in Latin-1 passes bytes that are not UTF-8: Python turns them into surrogates
    before = corpus_state(corpus_copy)
    args = [a.encode() for a in add_args(article, corpus_copy)]
    args[args.index(b"--title") + 1] = "Caf\xe9 summit".encode("latin-1")
    result = subprocess.run([sys.executable, "-m", "helpers.corpus", *args], capture_output=True, env=ENV, timeout=120)
    assert result.returncode == 3
    assert b"--title contains bytes that are not UTF-8" in result.stderr and b"Traceback" not in result.stderr
    assert corpus_state(corpus_copy) == before


@pytest.mark.parametrize("make, says", [
    (lambda raw: raw.joinpath("x.txt").mkdir(), "raw/x.txt: is a folder, not a text file. Move it out of raw/"),
    (lambda raw: os.mkfifo(raw / "x.txt"), "raw/x.txt: is a named pipe (FIFO), not a text file"),
    (lambda raw: raw.joinpath("x.txt").symlink_to(raw / EXISTING), "raw/x.txt: is a symbolic link (to "),
    (lambda raw: raw.joinpath("x.txt").symlink_to("/nowhere"), "raw/x.txt: is a symbolic link (to /nowhere)"),
], ids=["folder", "fifo", "symlink", "dangling symlink"])
def test_check_refuses_what_is_not_a_regular_file(corpus_copy, make, says):
    make(corpus_copy / "raw")
    before = corpus_state(corpus_copy)
    result = run("check", str(corpus_copy))
    err = result.stderr.decode()
    assert result.returncode == 1 and says in err and "Traceback" not in err
    assert "only .txt documents belong in raw/" not in err and "sha256" not in err  # no hash of a link's target
    assert corpus_state(corpus_copy) == before


def test_check_finds_a_document_saved_twice(corpus_copy):
    data = (corpus_copy / "raw" / EXISTING).read_bytes()
    copy = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    (corpus_copy / "raw" / "copy.txt").write_bytes(copy)
    with open(corpus_copy / "metadata.csv", "a", encoding="utf-8") as f:
        f.write(f"copy,copy.txt,Other title,s,,2018-09-21,e,2018,,,{hashlib.sha256(copy).hexdigest()},\n")
    result = run("check", str(corpus_copy))
    assert result.returncode == 1
    assert f"raw/copy.txt (id 'copy'): the same text as raw/{EXISTING}" in result.stderr.decode()


def test_add_then_check_through_both_entry_points(corpus_copy, article):
    result = run(*add_args(article, corpus_copy))
    assert result.returncode == 0, result.stderr
    assert b"added raw/2019-10-21-example-news-quantum-networks" in result.stdout
    for module in ("helpers.corpus", "helpers"):
        checked = run("check", str(corpus_copy), module=module)
        assert checked.returncode == 0 and b"6 documents" in checked.stdout


def test_header_with_spaces_is_read_as_its_names(corpus_copy, article):
    meta = corpus_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").split("\n")
    meta.write_text("\n".join([lines[0].replace(",", ", "), *lines[1:]]), encoding="utf-8")
    result = run(*add_args(article, corpus_copy, author="A. Writer"))
    assert result.returncode == 0, result.stderr
    assert run("check", str(corpus_copy)).returncode == 0
    from helpers.loading import load_corpus
    doc = load_corpus(corpus_copy).set_index("id").loc["2019-quantum-networks-at-the-wuzhen-summit"]
    assert (doc["author"], doc["source"], doc["event_year"]) == ("A. Writer", "Example News", 2019)


def test_a_header_naming_a_column_twice_is_refused(corpus_copy, article):
    meta = corpus_copy / "metadata.csv"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("notes\n", "title\n", 1), encoding="utf-8")
    result = run("check", str(corpus_copy))
    assert result.returncode == 1 and b"empty or repeated column names" in result.stderr


def _drop_column(root, column):
    import pandas as pd
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False)
    meta.drop(columns=[column]).to_csv(root / "metadata.csv", index=False)


@pytest.mark.parametrize("column", ["series", "author", "genre", "notes"])
def test_a_value_for_a_missing_optional_column_is_refused_not_dropped(corpus_copy, article, column):
    _drop_column(corpus_copy, column)
    before = corpus_state(corpus_copy)
    result = run(*add_args(article, corpus_copy, **{column: "A value"}))
    err = result.stderr.decode()
    assert result.returncode == 3 and f"metadata.csv has no column '{column}', so --{column} 'A value' would be lost" in err
    assert f"append ',{column}' to its header line" in err
    assert corpus_state(corpus_copy) == before
    assert run(*add_args(article, corpus_copy)).returncode == 0  # without the option: added


def test_figures_dir_is_checked_before_any_notebook_runs(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run("run", module="helpers.notebooks", env={"FIGURES_DIR": str(tmp_path / "a-file" / "figures")})
    err = result.stderr.decode()
    assert result.returncode == 3 and "cannot write figures to" in err and "Set FIGURES_DIR" in err
    assert b"executing" not in result.stdout and "Traceback" not in err

