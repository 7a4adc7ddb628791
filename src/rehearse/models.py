"""Finding, choosing and installing speech models. Nothing is downloaded unless asked."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rehearse.errors import EngineError, ModelInstallError, ModelNotFoundError
from rehearse.paths import checkout_models_dir, user_dir

DEFAULT_LANG = "en-us"
DEFAULT_INDEX_URL = "https://alphacephei.com/vosk/models/model-list.json"
INDEX_ENV = "REHEARSE_MODEL_INDEX"
MODEL_ENV = "REHEARSE_VOSK_MODEL"
DOWNLOAD_TIMEOUT_S = 30
# The model list must arrive within this (name lookup, connect and read, all counted): a machine
# without network then gives up in seconds, not after the resolver's own retries.
CONNECT_TIMEOUT_ENV = "REHEARSE_CONNECT_TIMEOUT_S"
MAX_INDEX_BYTES = 4 * 1024 * 1024
MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_ARCHIVE_MEMBERS = 20_000
CHUNK_BYTES = 1024 * 1024


# --- where models live ----------------------------------------------------------------------


def vosk_dirs() -> list[Path]:
    """Folders searched for Vosk models, in order: ours first, then Vosk's own places."""
    dirs = [checkout_models_dir(), user_dir() / "models"]
    if os.environ.get("VOSK_MODEL_PATH"):
        dirs.append(Path(os.environ["VOSK_MODEL_PATH"]))
    dirs += [Path("/usr/share/vosk"), Path.home() / ".cache" / "vosk"]
    return [d for d in dirs if d is not None]


def install_dir() -> Path:
    """Where `model install` unpacks models: Vosk's own cache, so other tools find them too."""
    return Path.home() / ".cache" / "vosk"


def _name_pattern(lang: str) -> re.Pattern:
    return re.compile(rf"^vosk-model(-small)?-{re.escape(lang)}(-[0-9].*|-[a-z].*)?$", re.IGNORECASE)


def _version_key(name: str) -> tuple:
    small = "-small-" in name
    numbers = tuple(int(n) for n in re.findall(r"\d+", name.rsplit("-", 1)[-1]))
    return (not small, numbers, name)


@dataclass(frozen=True)
class FoundModel:
    """A Vosk model folder, and which rule found it."""

    path: Path
    how: str  # which rule found it


def installed_models() -> list[FoundModel]:
    """Every folder named like a Vosk model in the searched places."""
    found = []
    for d in vosk_dirs():
        if not d.is_dir():
            continue
        for child in sorted(d.iterdir()):
            if child.is_dir() and child.name.startswith("vosk-model"):
                found.append(FoundModel(child, str(d)))
    return found


def find_vosk_model(lang: str = DEFAULT_LANG, explicit: str | None = None) -> FoundModel | None:
    """The Vosk model to use: `--model`, then $REHEARSE_VOSK_MODEL, then by name for `lang`."""
    if explicit:
        return FoundModel(Path(explicit).expanduser(), "--model")
    if os.environ.get(MODEL_ENV):
        return FoundModel(Path(os.environ[MODEL_ENV]).expanduser(), f"${MODEL_ENV}")
    pattern = _name_pattern(lang)
    for d in vosk_dirs():
        if not d.is_dir():
            continue
        names = [c for c in d.iterdir() if c.is_dir() and pattern.match(c.name)]
        if names:
            best = max(names, key=lambda c: _version_key(c.name))
            return FoundModel(best, str(d))
    return None


def open_engine(
    engine: str = "auto",
    model: str | None = None,
    lang: str = DEFAULT_LANG,
    warn: Callable[[str], None] = lambda _msg: None,
):
    """Load the recognizer the user asked for; `auto` prefers Vosk and falls back to PocketSphinx."""
    from rehearse.speech import PocketSphinxEngine, VoskEngine

    if engine not in ("auto", "vosk", "pocketsphinx"):
        raise EngineError(f"unknown engine {engine!r} (choose auto, vosk or pocketsphinx)")
    if engine == "pocketsphinx" and model:
        raise EngineError("--model names a Vosk model; it cannot be used with --engine pocketsphinx")
    if engine in ("auto", "vosk"):
        found = find_vosk_model(lang, model)
        if found is not None:
            return VoskEngine(found.path)
        if engine == "vosk":
            raise ModelNotFoundError(
                f"no Vosk model for {lang} found; install one with "
                f"`rehearse model install {lang}-small`, or pass --model PATH"
            )
    if lang.lower() not in ("en", "en-us"):
        raise ModelNotFoundError(
            f"no Vosk model for {lang} found, and PocketSphinx only knows US English; "
            f"pass --model PATH to a Vosk model for {lang}"
        )
    ps = PocketSphinxEngine()
    if engine == "auto":
        warn(
            "no Vosk model found, using PocketSphinx (lower accuracy); "
            "for better transcripts run `rehearse model install en-us-small`"
        )
    return ps


# --- installing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelEntry:
    """One model in Vosk's published list."""

    name: str
    url: str
    lang: str
    type: str
    md5: str | None
    size: int | None
    obsolete: bool


def index_url(explicit: str | None = None) -> str:
    """The model list to read: given, from the environment, or Vosk's own."""
    return explicit or os.environ.get(INDEX_ENV) or DEFAULT_INDEX_URL


def connect_timeout_s() -> float:
    """How long the model list may take to arrive: $REHEARSE_CONNECT_TIMEOUT_S, else 30 s."""
    raw = os.environ.get(CONNECT_TIMEOUT_ENV)
    if not raw:
        return float(DOWNLOAD_TIMEOUT_S)
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ModelInstallError(f"${CONNECT_TIMEOUT_ENV} must be a number of seconds over 0, not {raw!r}")
    return value


def _open(url: str, timeout_s: float = DOWNLOAD_TIMEOUT_S):
    try:
        return urllib.request.urlopen(url, timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        raise ModelInstallError(f"{url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelInstallError(f"cannot reach {url} ({reason})") from None


def _read_index(url: str, deadline_s: float) -> bytes:
    """The list's bytes, or an error, within `deadline_s` whatever the network does. Name lookup
    cannot be given a timeout, so the reading runs in a thread that is left behind if late."""
    got: dict = {}

    def read():
        try:
            with _open(url, deadline_s + 1) as resp:  # the join below decides; this only tidies up
                got["body"] = resp.read(MAX_INDEX_BYTES + 1)
        except BaseException as exc:  # handed to the caller's thread
            got["error"] = exc

    reader = threading.Thread(target=read, daemon=True, name="rehearse-model-list")
    reader.start()
    reader.join(deadline_s)
    if reader.is_alive():
        raise ModelInstallError(f"cannot reach {url} (no answer within {deadline_s:g} s)")
    if "error" in got:
        raise got["error"]
    return got["body"]


def fetch_index(url: str, deadline_s: float | None = None) -> list[ModelEntry]:
    """Read and check a Vosk model list (JSON array of objects with name, url, lang, type, md5),
    giving up after `deadline_s` (default: connect_timeout_s())."""
    body = _read_index(url, deadline_s or connect_timeout_s())
    if len(body) > MAX_INDEX_BYTES:
        raise ModelInstallError(f"the model list at {url} is larger than {MAX_INDEX_BYTES} bytes")
    try:
        items = json.loads(body)
        entries = []
        for item in items:
            if not isinstance(item, dict) or "name" not in item:
                continue
            entries.append(
                ModelEntry(
                    name=str(item["name"]),
                    url=urllib.parse.urljoin(url, str(item.get("url") or item["name"] + ".zip")),
                    lang=str(item.get("lang", "")),
                    type=str(item.get("type", "")),
                    md5=str(item["md5"]).lower() if item.get("md5") else None,
                    size=int(item["size"]) if str(item.get("size", "")).isdigit() else None,
                    obsolete=str(item.get("obsolete", "false")).lower() == "true",
                )
            )
    except (ValueError, TypeError) as exc:
        raise ModelInstallError(f"the model list at {url} is not a Vosk model list ({exc})") from None
    return entries


# The languages of Vosk's published list, as its `lang` field spells them. A short name is
# checked against them before any network use, so a typo is refused at once; a language added to
# the list later can still be installed by its exact model name.
VOSK_LANGS = (
    "en-us", "en-in", "en-gb", "ar", "ar-tn", "br", "ca", "cn", "cs", "de", "el-gr", "eo", "es", "fa",
    "fr", "gu", "hi", "it", "ja", "ko", "ky", "kz", "nl", "pl", "pt", "ru", "sv", "te", "tg", "tl-ph",
    "tr", "uk", "uz", "vn",
)
# Suffix of a short name -> the list's `type`; a bare language means its small model.
MODEL_KINDS = {"small": "small", "big": "big", "lgraph": "big-lgraph"}


@dataclass(frozen=True)
class ModelRequest:
    """What a model name asks for: an exact model, or the current model of a language and type."""

    name: str | None = None
    lang: str | None = None
    type: str | None = None


def known_names(lang: str | None = None) -> list[str]:
    """The short names `model install` accepts (for one language, or for all)."""
    langs = [lang] if lang else list(VOSK_LANGS)
    return [n for lg in langs for n in (f"{lg}-small", lg, f"{lg}-big", f"{lg}-lgraph")]


def parse_model_name(spec: str) -> ModelRequest:
    """Check a model name without the network: `en-us-small`, `en-us` (its small model),
    `en-us-big`, `en-us-lgraph`, the same for every language in VOSK_LANGS, or an exact
    `vosk-model-…` name. Anything else is refused, naming the names that are known."""
    import difflib

    spec = spec.strip()
    if spec.startswith("vosk-model-") and re.fullmatch(r"[\w.+-]+", spec):
        return ModelRequest(name=spec)
    low = spec.lower()
    if low in VOSK_LANGS:
        return ModelRequest(lang=low, type="small")
    lang, _, kind = low.rpartition("-")
    if lang in VOSK_LANGS and kind in MODEL_KINDS:
        return ModelRequest(lang=lang, type=MODEL_KINDS[kind])
    # A misspelt language gets a suggestion; a known language with an unknown type does not
    # (its four names head the list below).
    close = [] if lang in VOSK_LANGS else difflib.get_close_matches(low, known_names(), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ModelInstallError(
        f"unknown model name {spec!r}{hint}; known names: {', '.join(known_names(DEFAULT_LANG))}, "
        f"and <lang>-small, <lang>, <lang>-big, <lang>-lgraph for <lang> in {' '.join(VOSK_LANGS[1:])}; "
        f"or an exact model name from Vosk's list such as vosk-model-small-en-us-0.15"
    )


def choose_model(entries: list[ModelEntry], spec: str) -> ModelEntry:
    """Pick a model by exact name, or by a short name such as `en-us-small` (see parse_model_name)."""
    request = parse_model_name(spec)
    if request.name:
        for e in entries:
            if e.name == request.name:
                return e
        raise ModelInstallError(f"the model list has no model named {request.name!r}")
    lang, kind = request.lang, request.type
    fitting = [e for e in entries if e.lang == lang and e.type == kind and not e.obsolete]
    if not fitting:
        raise ModelInstallError(f"the model list has no current {kind} model for {lang!r}")
    return max(fitting, key=lambda e: _version_key(e.name))


def download(
    entry: ModelEntry, dest_dir: Path, progress: Callable[[int, int | None], None] | None = None
) -> Path:
    """Download `entry` into a private temporary file in `dest_dir`; check size and MD5."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".rehearse-download-", suffix=".zip", dir=dest_dir)
    tmp = Path(tmp_name)
    try:
        md5 = hashlib.md5()
        got = 0
        with os.fdopen(fd, "wb") as out, _open(entry.url) as resp:
            length = resp.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else entry.size
            while True:
                try:
                    chunk = resp.read(CHUNK_BYTES)
                except (OSError, ValueError) as exc:
                    raise ModelInstallError(f"download of {entry.name} broke off ({exc})") from None
                if not chunk:
                    break
                out.write(chunk)
                md5.update(chunk)
                got += len(chunk)
                if progress:
                    progress(got, expected)
        if expected is not None and got != expected:
            raise ModelInstallError(
                f"download of {entry.name} is truncated: got {got} of {expected} bytes"
            )
        if entry.md5 and md5.hexdigest() != entry.md5:
            raise ModelInstallError(
                f"checksum mismatch for {entry.name}: expected MD5 {entry.md5}, got {md5.hexdigest()}"
            )
        return tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_archive(zf: zipfile.ZipFile) -> None:
    """Refuse archives that could write outside their folder or fill the disk."""
    members = zf.infolist()
    if not members:
        raise ModelInstallError("the archive is empty")
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ModelInstallError(f"the archive has more than {MAX_ARCHIVE_MEMBERS} entries")
    total = 0
    for m in members:
        name = m.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or pure.is_absolute() or re.match(r"^[A-Za-z]:", name):
            raise ModelInstallError(f"the archive holds an absolute path ({name}); refused")
        if ".." in pure.parts:
            raise ModelInstallError(f"the archive holds a path that leaves its folder ({name}); refused")
        mode = m.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ModelInstallError(f"the archive holds a symbolic link ({name}); refused")
        total += m.file_size
    if total > MAX_UNPACKED_BYTES:
        raise ModelInstallError(f"the archive would unpack to {total} bytes, over the limit")


def unpack(archive: Path, name_hint: str, dest_dir: Path) -> Path:
    """Check and unpack a model zip into `dest_dir`, all or nothing; return the model folder."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelInstallError(f"{archive.name} is not a readable zip archive ({exc})") from None
    with zf:
        check_archive(zf)
        tops = {PurePosixPath(m.filename.replace("\\", "/")).parts[0] for m in zf.infolist()}
        single_top = len(tops) == 1 and all("/" in m.filename for m in zf.infolist() if not m.is_dir())
        name = tops.pop() if single_top else name_hint
        if not re.match(r"^[\w.+-]+$", name):
            raise ModelInstallError(f"the archive's folder name {name!r} is not a plain name")
        final = dest_dir / name
        if final.exists():
            raise ModelInstallError(f"{final} already exists; remove it first to reinstall")
        dest_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".rehearse-unpack-", dir=dest_dir))
        try:
            try:
                zf.extractall(staging)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ModelInstallError(f"the archive is damaged ({exc})") from None
            root = staging / name if single_top else staging
            from rehearse.speech import check_vosk_model_dir

            try:
                check_vosk_model_dir(root)
            except ModelNotFoundError:
                raise ModelInstallError("the archive does not hold a Vosk model (no am/final.mdl)") from None
            os.rename(root, final)  # atomic: the model appears whole or not at all
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return final


def install(
    spec: str,
    index: str | None = None,
    dest_dir: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Install a model named in the model list: download, verify, unpack atomically."""
    dest_dir = dest_dir or install_dir()
    parse_model_name(spec)  # a typo is refused before any network use
    entry = choose_model(fetch_index(index_url(index)), spec)
    if (dest_dir / entry.name).exists():
        raise ModelInstallError(f"{entry.name} is already installed in {dest_dir}")
    archive = download(entry, dest_dir, progress)
    try:
        return unpack(archive, entry.name, dest_dir)
    finally:
        archive.unlink(missing_ok=True)


def install_from_file(zip_path: Path, dest_dir: Path | None = None, md5: str | None = None) -> Path:
    """Install a model zip already on this machine (for offline machines)."""
    if not zip_path.is_file():
        raise ModelInstallError(f"no such file: {zip_path}")
    if md5:
        digest = hashlib.md5()
        with open(zip_path, "rb") as f:
            for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
                digest.update(chunk)
        if digest.hexdigest() != md5.lower():
            raise ModelInstallError(f"checksum mismatch for {zip_path.name}: got MD5 {digest.hexdigest()}")
    name_hint = zip_path.name.removesuffix(".zip")
    return unpack(zip_path, name_hint, dest_dir or install_dir())


def describe_engine(engine: str = "auto", model: str | None = None, lang: str = DEFAULT_LANG) -> str:
    """Which recognizer `engine` would use, in words, without loading it."""
    if engine in ("auto", "vosk"):
        found = find_vosk_model(lang, model)
        if found is not None:
            return f"Vosk with the model {found.path.name}"
    return ("PocketSphinx with its bundled US-English model (lower accuracy; "
            "`rehearse model install en-us-small` adds the Vosk model)")


# --- Whisper's weights (the accurate pass) --------------------------------------------------------------
#
# Systran's official faster-whisper conversions on the Hugging Face hub. The hub's file listing of the
# repository (its own JSON API) gives each file's size and hash: SHA-256 for files kept in Git LFS (model.bin),
# the Git blob SHA-1 for small ones. Every file is fetched into a private folder beside the final one, checked
# against that listing, and the folder renamed into place only when all are right: the model appears whole or
# not at all.

WHISPER_HUB = "https://huggingface.co"
WHISPER_HUB_ENV = "REHEARSE_WHISPER_HUB"
WHISPER_REPOS = {"whisper-tiny.en": "Systran/faster-whisper-tiny.en",
                 "whisper-base.en": "Systran/faster-whisper-base.en"}
WHISPER_REVISION = "main"
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
MAX_WHISPER_FILE_BYTES = 2 * 1024**3


def whisper_hub(explicit: str | None = None) -> str:
    """The hub to fetch Whisper's weights from: given, from the environment, or Hugging Face."""
    return (explicit or os.environ.get(WHISPER_HUB_ENV) or WHISPER_HUB).rstrip("/")


def whisper_dir() -> Path:
    """Where `model install whisper-…` puts Whisper's weights (accurate.weights_dir looks there first)."""
    return user_dir() / "whisper"


def check_whisper_name(name: str) -> str:
    """A Whisper model name `model install` knows, or an error naming them (before any network use)."""
    if name not in WHISPER_REPOS:
        raise ModelInstallError(f"unknown Whisper model {name!r}; known: {', '.join(WHISPER_REPOS)}")
    return WHISPER_REPOS[name]


@dataclass(frozen=True)
class HubFile:
    """One file of the listing, with what it must hash to."""

    path: str
    size: int
    sha256: str | None  # Git LFS files
    git_sha1: str | None  # the others: the Git blob hash


def whisper_listing(name: str, hub: str | None = None, deadline_s: float | None = None) -> list[HubFile]:
    """The files of `name`'s repository that the model needs, as the hub lists them."""
    repo = check_whisper_name(name)
    url = f"{whisper_hub(hub)}/api/models/{repo}/tree/{WHISPER_REVISION}"
    body = _read_index(url, deadline_s or connect_timeout_s())
    if len(body) > MAX_INDEX_BYTES:
        raise ModelInstallError(f"the file list at {url} is larger than {MAX_INDEX_BYTES} bytes")
    try:
        items = {str(i["path"]): i for i in json.loads(body) if isinstance(i, dict) and "path" in i}
        files = []
        for f in WHISPER_FILES:
            if f not in items:
                raise ModelInstallError(f"the file list at {url} has no {f}: not a faster-whisper model")
            item = items[f]
            lfs = item.get("lfs") or {}
            files.append(HubFile(f, int(lfs.get("size", item["size"])),
                                 str(lfs["oid"]).lower() if lfs.get("oid") else None,
                                 None if lfs.get("oid") else str(item["oid"]).lower()))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ModelInstallError(f"the file list at {url} is not a hub file list ({type(exc).__name__}: {exc})") \
            from None
    return files


def _fetch_checked(url: str, f: HubFile, dest: Path, progress, done: int, total: int) -> int:
    """Download `url` into `dest`, checking its length and hash against `f`; returns the bytes read."""
    if f.size > MAX_WHISPER_FILE_BYTES:
        raise ModelInstallError(f"{f.path} would be {f.size} bytes, over the limit")
    sha256, sha1 = hashlib.sha256(), hashlib.sha1(f"blob {f.size}\0".encode())
    got = 0
    with open(dest, "wb") as out, _open(url) as resp:
        while True:
            try:
                chunk = resp.read(CHUNK_BYTES)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                raise ModelInstallError(f"download of {f.path} broke off ({type(exc).__name__}: {exc})") from None
            if not chunk:
                break
            got += len(chunk)
            if got > f.size:
                raise ModelInstallError(f"download of {f.path} is longer than the {f.size} bytes listed")
            out.write(chunk)
            sha256.update(chunk)
            sha1.update(chunk)
            if progress:
                progress(done + got, total)
    if got != f.size:
        raise ModelInstallError(f"download of {f.path} is truncated: got {got} of {f.size} bytes")
    if f.sha256 and sha256.hexdigest() != f.sha256:
        raise ModelInstallError(f"checksum mismatch for {f.path}: expected SHA-256 {f.sha256}, "
                                f"got {sha256.hexdigest()}")
    if f.git_sha1 and sha1.hexdigest() != f.git_sha1:
        raise ModelInstallError(f"checksum mismatch for {f.path}: expected Git SHA-1 {f.git_sha1}, "
                                f"got {sha1.hexdigest()}")
    return got


def install_whisper(name: str, hub: str | None = None, dest_dir: Path | None = None,
                    progress: Callable[[int, int | None], None] | None = None) -> Path:
    """Fetch Systran's faster-whisper conversion of `name` (whisper-tiny.en, whisper-base.en), verified, into
    `dest_dir`/`name` (default $REHEARSE_HOME/whisper), all or nothing."""
    repo = check_whisper_name(name)
    dest_dir = dest_dir or whisper_dir()
    final = dest_dir / name
    if final.exists():
        raise ModelInstallError(f"{name} is already installed in {dest_dir}")
    files = whisper_listing(name, hub)
    total = sum(f.size for f in files)
    dest_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".rehearse-download-", dir=dest_dir))
    try:
        done = 0
        for f in files:
            url = f"{whisper_hub(hub)}/{repo}/resolve/{WHISPER_REVISION}/{urllib.parse.quote(f.path)}"
            done += _fetch_checked(url, f, staging / f.path, progress, done, total)
        try:
            json.loads((staging / "config.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelInstallError(f"config.json of {name} is not JSON ({exc})") from None
        if final.exists():
            raise ModelInstallError(f"{name} is already installed in {dest_dir}")
        os.rename(staging, final)  # atomic: the weights appear whole or not at all
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final
