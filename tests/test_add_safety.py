"""`add` is all or nothing and one at a time: killed (SIGKILL) after any step of its write, the
corpus still passes `check` and the next add cleans up; a failing write undoes itself; concurrent
adds take turns and lose nothing."""
import errno
import os
import subprocess
import sys
import time

import pytest
from commandline import ARTICLE, ENV, add_args, corpus_state, run

from helpers import add_document as A
from helpers.cli import main
from helpers.loading import load_corpus

# A process that replaces the add's test hook: SIGKILL itself the n-th time it reaches STEP, or
# (with "pause") write a marker file and sleep there, holding the lock.
DRIVER = """
import os, signal, sys, time
import helpers.add_document as A
step, n, action = sys.argv[1], int(sys.argv[2]), sys.argv[3]
A.CHUNK = 64  # so that the kill lands in the middle of copying the document
A.LOCK_TIMEOUT = float(os.environ.get("TEST_LOCK_TIMEOUT", A.LOCK_TIMEOUT))
seen = []
def reached(s):
    if s == step:
        seen.append(s)
        if len(seen) == n and action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if len(seen) == n and action == "pause":
            open(os.environ["TEST_MARKER"], "w").close()
            time.sleep(float(os.environ["TEST_PAUSE"]))
A._reached = reached
from helpers.cli import main
sys.exit(main(sys.argv[4:]))
"""
STEPS = [("copying", 1), ("copying", 3), ("document written", 1), ("metadata written", 1),
         ("document placed", 1), ("committed", 1)]


def driver(step, n, action, args, env=None, **kw):
    return subprocess.Popen([sys.executable, "-c", DRIVER, step, str(n), action, *args], env={**ENV, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def visible(state):
    """The corpus as `check` sees it: dot files are an add's temporary files."""
    return {k: v for k, v in state.items() if not os.path.basename(k).startswith(".")}


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "incoming.txt"
    path.write_text(ARTICLE * 3, encoding="utf-8")  # several 64-byte chunks
    return path


@pytest.mark.parametrize("step, n", STEPS, ids=[f"{s} #{n}" for s, n in STEPS])
def test_killed_at_any_step_the_corpus_passes_check(corpus_copy, article, step, n, capsys):
    before = corpus_state(corpus_copy)
    args = add_args(article, corpus_copy)
    proc = driver(step, n, "kill", args)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -9, err  # it really died there
    after = corpus_state(corpus_copy)
    assert main(["check", str(corpus_copy)]) == 0, capsys.readouterr().err
    checked = capsys.readouterr().out
    name = "raw/2019-10-21-example-news-quantum-networks-at-the-wuzhen-summit.txt"
    if step == "committed":  # after the commit the document is in, with its row
        assert "6 documents" in checked and name in after
        assert main(args) == 3  # and adding it again is refused as a copy
    else:  # before it, the corpus is as it was, as far as `check` and the notebooks can see
        assert "5 documents" in checked and len(load_corpus(corpus_copy)) == 5
        assert after["metadata.csv"] == before["metadata.csv"]
        if step == "copying":  # a piece of the document, under a temporary name that `check` ignores
            part = "raw/.2019-10-21-example-news-quantum-networks-at-the-wuzhen-summit.txt.part"
            assert part in after and os.path.getsize(corpus_copy / part) == 64 * n
        if step == "document placed":
            assert name in after and "killed before it finished" in checked
        else:
            assert visible(after) == visible(before)
        assert main(args) == 0, capsys.readouterr().err  # the next add cleans up and succeeds
        assert "removed what an interrupted add left" in capsys.readouterr().err
        assert main(["check", str(corpus_copy)]) == 0
    leftovers = [k for k in corpus_state(corpus_copy) if os.path.basename(k).startswith(".")]
    assert leftovers == []


def test_a_failing_write_removes_what_it_wrote(corpus_copy, article, monkeypatch, capsys):
    before = corpus_state(corpus_copy)
    real_replace = os.replace

    def replace(src, dst):  # the commit fails, as on a read-only metadata.csv or a full disk
        if str(dst).endswith("metadata.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(A.os, "replace", replace)
    assert main(add_args(article, corpus_copy)) == 4
    err = capsys.readouterr().err
    assert "metadata.csv: cannot be written (Permission denied)" in err and "was removed" in err
    assert corpus_state(corpus_copy) == before  # the document renamed into raw/ was taken back out


def test_a_full_disk_while_copying_leaves_nothing(corpus_copy, article, monkeypatch, capsys):
    before = corpus_state(corpus_copy)

    def full(step):
        if step == "copying":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(A, "_reached", full)
    assert main(add_args(article, corpus_copy)) == 4
    assert "No space left on device" in capsys.readouterr().err
    assert corpus_state(corpus_copy) == before


def test_read_only_metadata_is_refused_before_writing(corpus_copy, article, monkeypatch, capsys):
    # tests run as root, for whom chmod does not stop a write: stand in for the permission check
    before = corpus_state(corpus_copy)
    monkeypatch.setattr(A.os, "access", lambda path, mode: not str(path).endswith("metadata.csv"))
    assert main(add_args(article, corpus_copy)) == 4
    assert "metadata.csv: not writable. Make it writable (chmod u+w" in capsys.readouterr().err
    assert corpus_state(corpus_copy) == before


def _article(tmp_path, i):
    path = tmp_path / f"article{i}.txt"
    path.write_text(f"Report {i} from the summit.\n\nDelegates at forum {i} discussed topic number {i * 7}.\n",
                    encoding="utf-8")
    return path


def test_concurrent_adds_take_turns_and_lose_nothing(corpus_copy, tmp_path):
    procs = [subprocess.Popen([sys.executable, "-m", "helpers.corpus",
                               *add_args(_article(tmp_path, i), corpus_copy, title=f"Forum {i} report")],
                              env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(4)]
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0, 0, 0], results
    docs = load_corpus(corpus_copy)
    assert len(docs) == 9 and {f"2019-forum-{i}-report" for i in range(4)} <= set(docs["id"])


def test_same_title_at_once_one_is_added_the_other_refused(corpus_copy, tmp_path):
    # the first add pauses inside its write, holding the lock, until the second has started and waits
    marker = tmp_path / "first-is-writing"
    first = driver("metadata written", 1, "pause", add_args(_article(tmp_path, 1), corpus_copy, title="Same"),
                   env={"TEST_MARKER": str(marker), "TEST_PAUSE": "3"})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = subprocess.run([sys.executable, "-m", "helpers.corpus",
                             *add_args(_article(tmp_path, 2), corpus_copy, title="Same")],
                            env=ENV, capture_output=True, timeout=120)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 3 and b"id '2019-same' is taken" in second.stderr
    assert run("check", str(corpus_copy)).returncode == 0 and len(load_corpus(corpus_copy)) == 6


def test_an_add_that_cannot_get_the_lock_gives_up_clearly(corpus_copy, tmp_path):
    marker = tmp_path / "holding"
    first = driver("metadata written", 1, "pause", add_args(_article(tmp_path, 1), corpus_copy),
                   env={"TEST_MARKER": str(marker), "TEST_PAUSE": "4"})
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    before = corpus_state(corpus_copy)
    second = driver("never", 1, "none", add_args(_article(tmp_path, 2), corpus_copy, title="Other"),
                    env={"TEST_LOCK_TIMEOUT": "0.5"})
    _, err = second.communicate(timeout=60)
    assert second.returncode == 5 and b"another add has held this corpus for over 0.5 s" in err
    assert b"Traceback" not in err
    assert corpus_state(corpus_copy) == before  # the waiting add wrote nothing
    first.communicate(timeout=60)
    assert first.returncode == 0 and len(load_corpus(corpus_copy)) == 6


def test_a_linked_metadata_csv_is_read_but_not_replaced(corpus_copy, article, tmp_path, capsys):
    real = tmp_path / "elsewhere.csv"
    (corpus_copy / "metadata.csv").rename(real)
    (corpus_copy / "metadata.csv").symlink_to(real)
    assert len(load_corpus(corpus_copy)) == 5  # check and the notebooks follow the link
    before, metadata = corpus_state(corpus_copy), real.read_bytes()
    assert main(add_args(article, corpus_copy)) == 4
    assert "metadata.csv: is a symbolic link, which adding would replace" in capsys.readouterr().err
    assert corpus_state(corpus_copy) == before and real.read_bytes() == metadata
