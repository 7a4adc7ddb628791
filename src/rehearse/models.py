"""Finding, choosing and installing speech models. Nothing is downloaded unless asked."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
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
    return explicit or os.environ.get(INDEX_ENV) or DEFAULT_INDEX_URL


def _open(url: str):
    try:
        return urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise ModelInstallError(f"{url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelInstallError(f"cannot reach {url} ({reason})") from None


def fetch_index(url: str) -> list[ModelEntry]:
    """Read and check a Vosk model list (JSON array of objects with name, url, lang, type, md5)."""
    with _open(url) as resp:
        body = resp.read(MAX_INDEX_BYTES + 1)
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


def choose_model(entries: list[ModelEntry], spec: str) -> ModelEntry:
    """Pick a model by exact name, or by `<lang>-<type>` such as `en-us-small`."""
    for e in entries:
        if e.name == spec:
            return e
    lang, _, kind = spec.rpartition("-")
    if not lang or kind not in ("small", "big", "big-lgraph"):
        lang, kind = spec, "small"
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
