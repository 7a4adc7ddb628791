"""Model lookup and `rehearse model install` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import espeak
from test_score_cli import rehearse

from rehearse.models import find_vosk_model


class Server:
    """Serves fixed bodies by path; a route may lie about its length and hang up early."""

    def __init__(self):
        self.routes: dict[str, tuple[bytes, int | None]] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                if self.path not in routes:
                    self.send_error(404)
                    return
                body, claimed = routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(claimed if claimed is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, name: str, archive: bytes, lang: str, md5: str | None = None, claimed: int | None = None):
        self.routes[f"/files/{name}.zip"] = (archive, claimed)
        entry = {
            "lang": lang, "lang_text": lang, "md5": md5 or hashlib.md5(archive).hexdigest(),
            "name": name, "obsolete": "false", "size": len(archive), "size_text": "",
            "type": "small", "url": f"{self.url}/files/{name}.zip", "version": "0.1",
        }
        index = json.loads(self.routes.get("/model-list.json", (b"[]", None))[0])
        index.append(entry)
        self.routes["/model-list.json"] = (json.dumps(index).encode(), None)

    @property
    def index(self) -> str:
        return f"{self.url}/model-list.json"


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def fake_model_zip(top: str, extra: dict[str, bytes] | None = None, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{top}/am/final.mdl", b"\0" * 1000)
        z.writestr(f"{top}/conf/model.conf", b"--sample-frequency=16000\n")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(f"{top}/link")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, symlink)
    return buf.getvalue()


def cache(home: Path) -> Path:
    return home / ".cache" / "vosk"


def test_install_fake_model_and_find_it(server, isolated_home):
    server.publish("vosk-model-small-tg-0.1", fake_model_zip("vosk-model-small-tg-0.1"), "tg")
    proc = rehearse("model", "install", "tg-small", "--index-url", server.index)
    target = cache(isolated_home) / "vosk-model-small-tg-0.1"
    assert proc.stdout.strip() == str(target)
    assert (target / "am" / "final.mdl").is_file()
    assert sorted(p.name for p in cache(isolated_home).iterdir()) == ["vosk-model-small-tg-0.1"]
    assert rehearse("model", "path", "--lang", "tg").stdout.strip() == str(target)
    assert "vosk-model-small-tg-0.1" in rehearse("model", "list").stdout
    again = rehearse("model", "install", "tg-small", "--index-url", server.index, check_ok=False)
    assert again.returncode == 1 and "already installed" in again.stderr


def test_index_url_from_environment(server, isolated_home):
    server.publish("vosk-model-small-tg-0.1", fake_model_zip("vosk-model-small-tg-0.1"), "tg")
    rehearse("model", "install", "tg-small", env={"REHEARSE_MODEL_INDEX": server.index})
    assert "/model-list.json" in server.hits


def test_install_real_korean_model_then_score_with_it(server, isolated_home, korean_model, tmp_path):
    """The whole path a user takes: install from the list, then `score` finds and uses the model."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for f in sorted(korean_model.rglob("*")):
            if f.is_file():
                z.write(f, "vosk-model-small-ko-0.22/" + str(f.relative_to(korean_model)))
    server.publish("vosk-model-small-ko-0.22", buf.getvalue(), "ko")
    rehearse("model", "install", "ko-small", "--index-url", server.index)
    wav = espeak("저는 문제를 해결했습니다", tmp_path / "ko.wav", "ko")
    r = json.loads(rehearse("score", "--json", "--lang", "ko", str(wav)).stdout)
    assert r["engine"] == "vosk"
    assert r["model"] == str(cache(isolated_home) / "vosk-model-small-ko-0.22")
    assert r["words"]


def _assert_refused(proc, message, isolated_home):
    assert proc.returncode == 1, proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    leftovers = list(cache(isolated_home).iterdir()) if cache(isolated_home).exists() else []
    assert leftovers == [], leftovers  # nothing half-installed, no temporary files


@pytest.mark.parametrize(
    "case,message",
    [
        ("checksum", "checksum mismatch"),
        ("truncated", "truncated"),
        ("traversal", "leaves its folder"),
        ("absolute", "absolute path"),
        ("symlink", "symbolic link"),
        ("not a model", "does not hold a Vosk model"),
        ("not a zip", "not a readable zip"),
    ],
)
def test_install_refuses_bad_downloads(server, isolated_home, tmp_path, case, message):
    name = "vosk-model-small-tg-0.1"
    good = fake_model_zip(name)
    if case == "checksum":
        server.publish(name, good, "tg", md5="0" * 32)
    elif case == "truncated":
        server.publish(name, good[: len(good) // 2], "tg", md5=hashlib.md5(good).hexdigest(), claimed=len(good))
    elif case == "traversal":
        server.publish(name, fake_model_zip(name, {"../../evil.txt": b"gotcha"}), "tg")
    elif case == "absolute":
        server.publish(name, fake_model_zip(name, {"/tmp/evil-absolute.txt": b"gotcha"}), "tg")
    elif case == "symlink":
        server.publish(name, fake_model_zip(name, symlink="/etc/passwd"), "tg")
    elif case == "not a model":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(f"{name}/readme.txt", b"hello")
        server.publish(name, buf.getvalue(), "tg")
    else:
        server.publish(name, b"this is not a zip archive at all", "tg")
    proc = rehearse("model", "install", "tg-small", "--index-url", server.index, check_ok=False)
    _assert_refused(proc, message, isolated_home)
    assert not (isolated_home / "evil.txt").exists() and not (isolated_home.parent / "evil.txt").exists()


def test_install_errors_from_the_list(server, isolated_home):
    server.publish("vosk-model-small-tg-0.1", fake_model_zip("vosk-model-small-tg-0.1"), "tg")
    proc = rehearse("model", "install", "te-small", "--index-url", server.index, check_ok=False)
    _assert_refused(proc, "no current small model for 'te'", isolated_home)
    proc = rehearse("model", "install", "tg-small", "--index-url", server.url + "/nothing.json", check_ok=False)
    _assert_refused(proc, "404", isolated_home)
    server.routes["/bad.json"] = (b"{not json", None)
    proc = rehearse("model", "install", "tg-small", "--index-url", server.url + "/bad.json", check_ok=False)
    _assert_refused(proc, "not a Vosk model list", isolated_home)
    proc = rehearse("model", "install", "tg-small", "--index-url", "http://127.0.0.1:9/x.json", check_ok=False)
    _assert_refused(proc, "cannot reach", isolated_home)


def test_install_from_file(tmp_path, isolated_home):
    archive = tmp_path / "vosk-model-small-tg-0.1.zip"
    archive.write_bytes(fake_model_zip("vosk-model-small-tg-0.1"))
    bad = rehearse("model", "install", "--from", str(archive), "--md5", "1" * 32, check_ok=False)
    _assert_refused(bad, "checksum mismatch", isolated_home)
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()
    out = rehearse("model", "install", "--from", str(archive), "--md5", md5).stdout.strip()
    assert Path(out) == cache(isolated_home) / "vosk-model-small-tg-0.1"
    usage = rehearse("model", "install", check_ok=False)
    assert usage.returncode == 2 and "either a model NAME or --from" in usage.stderr


def test_lookup_order(tmp_path, monkeypatch, isolated_home):
    vosk_path = tmp_path / "vp"
    for d in (cache(isolated_home) / "vosk-model-small-en-us-0.15", vosk_path / "vosk-model-en-us-0.22"):
        (d / "am").mkdir(parents=True)
    monkeypatch.setenv("VOSK_MODEL_PATH", str(vosk_path))
    assert find_vosk_model("en-us").path.name == "vosk-model-en-us-0.22"  # VOSK_MODEL_PATH before the cache
    user_models = Path(tmp_path / "rehearse-home" / "models" / "vosk-model-small-en-us-0.3")
    user_models.mkdir(parents=True)
    assert find_vosk_model("en-us").path == user_models  # our data folder first
    monkeypatch.setenv("REHEARSE_VOSK_MODEL", "/somewhere/else")
    assert str(find_vosk_model("en-us").path) == "/somewhere/else"
    assert str(find_vosk_model("en-us", "/explicit").path) == "/explicit"
    monkeypatch.delenv("REHEARSE_VOSK_MODEL")
    assert find_vosk_model("en-in") is None  # another accent is not taken for en-us, nor the reverse
    assert find_vosk_model("de") is None
    assert find_vosk_model("en").path == user_models  # plain "en" takes any English model


def test_unknown_names_are_refused_before_any_network_use(server, isolated_home):
    server.publish("vosk-model-small-tg-0.1", fake_model_zip("vosk-model-small-tg-0.1"), "tg")
    for name in ("en-us-tiny", "zz-small", "english"):
        proc = rehearse("model", "install", name, "--index-url", server.index, check_ok=False)
        _assert_refused(proc, f"unknown model name '{name}'", isolated_home)
        assert "en-us-small" in proc.stderr and "vosk-model-" in proc.stderr  # the names it knows
        assert "Fetching" not in proc.stderr
    proc = rehearse("model", "install", "en-su-small", env={"REHEARSE_MODEL_INDEX": server.index}, check_ok=False)
    _assert_refused(proc, "did you mean en-us-small?", isolated_home)
    assert server.hits == []  # not one request


def test_exact_model_names_go_to_the_list(server, isolated_home):
    server.publish("vosk-model-small-tg-0.1", fake_model_zip("vosk-model-small-tg-0.1"), "tg")
    proc = rehearse("model", "install", "vosk-model-small-tg-0.9", "--index-url", server.index, check_ok=False)
    _assert_refused(proc, "no model named 'vosk-model-small-tg-0.9'", isolated_home)
    out = rehearse("model", "install", "vosk-model-small-tg-0.1", "--index-url", server.index).stdout
    assert out.strip() == str(cache(isolated_home) / "vosk-model-small-tg-0.1")


def test_a_model_site_that_never_answers_is_given_up_on(isolated_home):
    import socket

    with socket.socket() as silent:  # accepts connections (the kernel does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/model-list.json"
        proc = rehearse("model", "install", "en-us-small", "--index-url", url,
                        env={"REHEARSE_CONNECT_TIMEOUT_S": "1"}, check_ok=False)
    _assert_refused(proc, "no answer within 1 s", isolated_home)
    bad = rehearse("model", "install", "en-us-small", "--index-url", url,
                   env={"REHEARSE_CONNECT_TIMEOUT_S": "soon"}, check_ok=False)
    _assert_refused(bad, "REHEARSE_CONNECT_TIMEOUT_S must be a number", isolated_home)


def test_install_sh_without_network_goes_on_with_pocketsphinx(isolated_home):
    """The model step of the real install.sh (--model-only: the apt and pip steps are not
    repeated) with the model list on a closed port: exit 0, one line, nothing installed."""
    from conftest import REPO

    bindir = os.path.dirname(sys.executable)
    proc = subprocess.run(
        [str(REPO / "install.sh"), "--model-only"], check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"],
             "REHEARSE_MODEL_INDEX": "http://127.0.0.1:9/model-list.json"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "PocketSphinx will be used" in lines[0] and "rehearse model install en-us-small" in lines[0]
    assert "127.0.0.1:9" in lines[0]  # the reason
    assert not cache(isolated_home).exists() or not list(cache(isolated_home).iterdir())


# --- Whisper's weights (`model install whisper-base.en`) against a fake hub on 127.0.0.1 ------------------

WHISPER_REPO = "Systran/faster-whisper-base.en"


def fake_whisper_files() -> dict[str, bytes]:
    """A tiny stand-in for a faster-whisper folder (the four files the accurate pass needs)."""
    return {"model.bin": os.urandom(50_000), "config.json": b'{"alignment_heads": [], "lang_ids": []}',
            "tokenizer.json": b'{"model": {}}', "vocabulary.txt": b"a\nb\n", "README.md": b"# not needed\n"}


def publish_whisper(server: Server, files: dict[str, bytes], listed: dict[str, bytes] | None = None,
                    claimed: dict[str, int] | None = None) -> None:
    """Serve `files` the way the hub does: a JSON file list (size, Git blob SHA-1; model.bin in Git LFS with its
    SHA-256) of `listed` (default: the same files), and each file under resolve/main/."""
    tree = []
    for path, data in (listed or files).items():
        item = {"type": "file", "path": path, "size": len(data),
                "oid": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()}
        if path == "model.bin":
            item["oid"] = "0" * 40  # the pointer's hash, not the file's
            item["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
            item["size"] = 134
        tree.append(item)
    server.routes[f"/api/models/{WHISPER_REPO}/tree/main"] = (json.dumps(tree).encode(), None)
    for path, data in files.items():
        server.routes[f"/{WHISPER_REPO}/resolve/main/{path}"] = (data, (claimed or {}).get(path))


def whisper_home(isolated_home) -> Path:
    return isolated_home.parent / "rehearse-home" / "whisper"


def test_install_whisper_base_en_then_it_is_listed_and_preferred(server, isolated_home, monkeypatch):
    from rehearse import accurate

    files = fake_whisper_files()
    publish_whisper(server, files)
    assert accurate.choose(None, "en-us")[0] == accurate.TINY  # the wheel's tiny.en, before
    proc = rehearse("model", "install", "whisper-base.en", "--hub-url", server.url)
    target = whisper_home(isolated_home) / "whisper-base.en"
    assert proc.stdout.strip() == str(target)
    assert f"Installed whisper-base.en in {target.parent}" in proc.stderr
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    assert (target / "model.bin").read_bytes() == files["model.bin"]
    assert sorted(p.name for p in whisper_home(isolated_home).iterdir()) == ["whisper-base.en"]  # nothing else left
    listed = rehearse("model", "list").stdout.splitlines()
    assert listed[0] == f"whisper-base.en\t{target}"  # first: the one the accurate pass uses
    assert accurate.choose(None, "en-us") == (accurate.BASE, None)  # base.en once installed
    again = rehearse("model", "install", "whisper-base.en", "--hub-url", server.url, check_ok=False)
    assert again.returncode == 1 and "already installed" in again.stderr
    # the hub from the environment
    server.hits.clear()
    proc = rehearse("model", "install", "whisper-base.en", env={"REHEARSE_WHISPER_HUB": server.url}, check_ok=False)
    assert "already installed" in proc.stderr and server.hits == []  # refused before any request


def _assert_whisper_refused(proc, message, isolated_home):
    assert proc.returncode == 1, proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    home = whisper_home(isolated_home)
    leftovers = list(home.iterdir()) if home.exists() else []
    assert leftovers == [], leftovers  # nothing half-installed, no temporary folder


@pytest.mark.parametrize("case,message", [
    ("model.bin altered", "checksum mismatch for model.bin: expected SHA-256"),
    ("config altered", "checksum mismatch for config.json: expected Git SHA-1"),
    ("interrupted", "download of model.bin is truncated: got 25000 of 50000 bytes"),
    ("longer", "download of vocabulary.txt is longer than"),
    ("missing file", "has no tokenizer.json: not a faster-whisper model"),
    ("not json", "config.json of whisper-base.en is not JSON"),
    ("no list", "404"),
])
def test_install_whisper_refuses_bad_downloads(server, isolated_home, case, message):
    files = fake_whisper_files()
    if case == "model.bin altered":
        publish_whisper(server, {**files, "model.bin": os.urandom(50_000)}, listed=files)
    elif case == "config altered":
        publish_whisper(server, {**files, "config.json": b'{"alignment_heads": [], "lang_ids": {}}'}, listed=files)
    elif case == "interrupted":  # the server says 50,000 bytes and hangs up after half
        publish_whisper(server, {**files, "model.bin": files["model.bin"][:25_000]}, listed=files,
                        claimed={"model.bin": 50_000})
    elif case == "longer":
        publish_whisper(server, {**files, "vocabulary.txt": b"a\nb\nc\n"}, listed=files)
    elif case == "missing file":
        publish_whisper(server, {k: v for k, v in files.items() if k != "tokenizer.json"})
    elif case == "not json":
        publish_whisper(server, {**files, "config.json": b"{not json"})
    proc = rehearse("model", "install", "whisper-base.en", "--hub-url", server.url, check_ok=False)
    _assert_whisper_refused(proc, message, isolated_home)
    assert "whisper-base.en" not in rehearse("model", "list").stdout


def test_install_whisper_bad_input_is_one_error_line(server, isolated_home):
    publish_whisper(server, fake_whisper_files())
    hub = ("--hub-url", server.url)
    for args, message in [
        (("whisper-large", *hub), "unknown Whisper model 'whisper-large'; known: whisper-tiny.en, whisper-base.en"),
        (("whisper-base.en", "--dir", str(isolated_home), *hub), "--dir and --index-url are for Vosk models"),
    ]:
        _assert_whisper_refused(rehearse("model", "install", *args, check_ok=False), message, isolated_home)
    assert server.hits == []  # the name and the options are checked before any request
    proc = rehearse("model", "install", "whisper-base.en", "--hub-url", "http://127.0.0.1:9", check_ok=False)
    _assert_whisper_refused(proc, "cannot reach http://127.0.0.1:9/api/models/", isolated_home)
