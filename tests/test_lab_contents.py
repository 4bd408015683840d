"""A Jupyter server started with the project's jupyter_server_config.py (as `make lab` does): a
notebook opened and saved back unchanged, even with what running it in Lab adds (a widget view,
widget state, split stream outputs), is byte for byte the committed file; kernels use ipc, and
nothing warns about unencrypted TCP."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
from jupyter_client import BlockingKernelClient
import pytest

from helpers.notebooks import WIDGET_VIEW, notebook_paths
from helpers.paths import PROJECT_ROOT

TOKEN = "test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base, method, path, body=None):
    req = urllib.request.Request(f"{base}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def _started(base, proc, seconds=60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            _call(base, "GET", "/api/status")
            return True
        except OSError:
            time.sleep(0.25)
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for path in notebook_paths():
        shutil.copy(path, root / path.name)
    log = open(root.parent / "server.log", "w+")
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root.parent / "runtime")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", f"--config={PROJECT_ROOT / 'jupyter_server_config.py'}",
                             f"--ServerApp.root_dir={root}", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                             f"--IdentityProvider.token={TOKEN}", "--no-browser", "--allow-root"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        if not _started(base, proc):
            log.seek(0)
            pytest.fail(f"the server did not start:\n{log.read()}")
        yield base, root, log, root.parent / "runtime"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_a_notebook_opened_run_and_saved_unchanged_is_byte_for_byte_the_committed_file(server, path):
    base, root, _, _ = server
    committed = path.read_bytes()
    model = _call(base, "GET", f"/api/contents/{path.name}")
    nb = model["content"]
    # What the kernel reports is what Lab sees on open: with it, Lab has nothing to mark modified.
    assert nb["metadata"]["language_info"]["version"] == sys.version.split()[0]
    # What running it in Lab adds: widget views in outputs, widget state, a print split in two messages.
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "text/plain" in out.get("data", {}):
                out["data"][WIDGET_VIEW] = {"model_id": "0123456789abcdef", "version_major": 2, "version_minor": 0}
        streams = [i for i, o in enumerate(cell.get("outputs", [])) if o["output_type"] == "stream"]
        if streams and len(cell["outputs"][streams[0]]["text"]) > 1:
            first = cell["outputs"][streams[0]]
            second = {**first, "text": first["text"][1:]}
            first["text"] = first["text"][:1]
            cell["outputs"].insert(streams[0] + 1, second)
    _call(base, "PUT", f"/api/contents/{path.name}", {"type": "notebook", "format": "json", "content": nb})
    saved = (root / path.name).read_bytes()
    assert saved == committed, f"{path.name} changed when saved through the server"
    assert nbformat.reads(saved.decode(), as_version=4).metadata.get("widgets") is None


def test_kernels_started_by_the_server_use_ipc_and_do_not_warn_about_tcp(server):
    base, _, log, runtime = server
    kernel = _call(base, "POST", "/api/kernels", {"name": "python3"})
    try:
        info_file = runtime / f"kernel-{kernel['id']}.json"
        assert json.loads(info_file.read_text())["transport"] == "ipc"
        client = BlockingKernelClient(connection_file=str(info_file))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)  # past the kernel's socket set-up, where it would warn
        finally:
            client.stop_channels()
        log.flush()
        log.seek(0)
        output = log.read()
        assert "without encryption" not in output, output
    finally:
        _call(base, "DELETE", f"/api/kernels/{kernel['id']}")
