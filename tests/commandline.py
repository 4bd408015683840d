"""What the command-line tests share: an article to add, running `python -m helpers.corpus` as a
user would, and a fingerprint of every file of a corpus to compare before and after."""
import hashlib
import os
import shutil
import subprocess
import sys

from helpers.paths import PROJECT_ROOT

ARTICLE = ("Home > News\n\nQuantum networks at the Wuzhen summit\n\n"
           "More than 1,500 guests from 70 countries and regions attended the 2019 summit in Wuzhen.\n\n"
           "Quantum communication and quantum computing dominated the forums, organisers said.\n")
ENV = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0"}


def copy_corpus(root):
    shutil.copytree(PROJECT_ROOT / "corpus" / "raw", root / "raw")
    shutil.copy(PROJECT_ROOT / "corpus" / "metadata.csv", root / "metadata.csv")
    return root


def corpus_state(root):
    """Every entry under root (dot files included): a file's sha256, a link's target, a folder, a pipe."""
    state = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                state[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                state[rel] = ("dir",)
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    state[rel] = ("file", hashlib.sha256(f.read()).hexdigest())
            else:
                state[rel] = ("other", os.lstat(path).st_mode)
    return state


def run(*args, cwd=None, module="helpers.corpus", env=None):
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, cwd=cwd,
                          env={**ENV, **(env or {})}, timeout=120)


def add_args(src, root, **fields):
    values = {"title": "Quantum networks at the Wuzhen summit", "source": "Example News", "published": "2019-10-21",
              "event": "6th World Internet Conference, Wuzhen", "event-year": "2019", **fields}
    out = ["add", str(src), "--root", str(root)]
    for key, value in values.items():
        out += [f"--{key}", value]
    return out
