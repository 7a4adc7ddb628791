"""Scoring many recordings: folders expanded, one engine per worker process, results in input order.

`score_many` is the core of `rehearse score`. With one job (or one file) it scores in this process,
exactly as a single `score` always did. With more, it starts that many worker processes; each loads
the speech engine once and is then handed one file at a time. Results come back in any order and
are passed on in input order; a file is only handed out while fewer than `IN_FLIGHT_PER_WORKER`
files per worker are running or waiting to be passed on, so memory stays bounded however many
files there are and however long one of them takes.

Workers are started with the 'spawn' method: a fresh interpreter per worker, because forking a
process that may already hold native speech-library state (threads, mapped models) is unsafe.
They ignore Ctrl-C; the parent ends them itself, so an interrupt leaves no stray process and no
traceback from a child.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from rehearse.errors import EngineError, RehearseError
from rehearse.judge.analysis import TARGET_S
from rehearse.models import DEFAULT_LANG
from rehearse.scoring import Score

# libsndfile's containers, by the names people give them; a folder's other files are not audio.
AUDIO_EXTENSIONS = (
    ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3",
    ".aif", ".aiff", ".aifc", ".au", ".snd", ".w64", ".rf64", ".caf",
)
# Files handed out but not yet passed on, per worker. Each worker holds one file at a time (a
# file queued behind a long one would wait while another worker idles); the rest of the window
# lets fast workers run ahead of a slow file, while the results held back for order stay few.
IN_FLIGHT_PER_WORKER = 2
WORKER_STOP_S = 5.0  # how long a finished worker may take to exit before it is terminated


@dataclass(frozen=True)
class EngineSpec:
    """Which recognizer to load, as the `score` options name it; each worker loads its own."""

    engine: str = "auto"
    model: str | None = None
    lang: str = DEFAULT_LANG
    accurate: str | None = None  # the accurate pass: a Whisper model, "none", or None for the best installed


def open_engines(spec: EngineSpec, warn: Callable[[str], None]):
    """The streaming engine with its accurate pass (Whisper) attached, as every listening loop uses them."""
    from rehearse.accurate import attach
    from rehearse.models import open_engine

    engine = attach(open_engine(spec.engine, spec.model, spec.lang, warn=warn), spec.accurate, spec.lang, warn,
                    background=False)
    if engine.accurate is not None:
        try:
            engine.accurate.load()
        except EngineError as exc:  # broken weights: say so once, and score with the streaming pass
            warn(f"{exc}; the streaming pass alone hears you")
            engine.accurate = None
    return engine


@dataclass
class FileResult:
    """One input's outcome: a score, or the one-line reason it could not be scored."""

    index: int  # position among the inputs, after folders are expanded
    file: str
    score: Score | None = None
    error: str | None = None

    def to_json(self) -> dict:
        """The score's JSON object, or `{"file", "error"}` for an input that failed."""
        if self.score is not None:
            return self.score.to_json()
        return {"file": self.file, "error": self.error}


@dataclass(frozen=True)
class BatchSummary:
    """What a batch came to."""

    total: int
    scored: int
    failed: int


def default_jobs() -> int:
    """The cores this process may run on (the default for `--jobs`)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def expand_inputs(paths: Iterable[str | os.PathLike]) -> list[tuple[Path, str | None]]:
    """Each input as (path, error): a folder becomes its audio files (by extension, sorted by name,
    not recursive, hidden files skipped); a folder without any is one error entry."""
    out: list[tuple[Path, str | None]] = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            out.append((p, None))  # missing or unreadable files are reported by `probe`
            continue
        try:
            children = sorted(
                (c for c in p.iterdir() if not c.name.startswith(".") and c.suffix.lower() in AUDIO_EXTENSIONS
                 and c.is_file()),
                key=lambda c: c.name,
            )
        except OSError as exc:
            out.append((p, f"cannot read the folder {p}: {exc.strerror or exc}"))
            continue
        if not children:
            looked = " ".join(AUDIO_EXTENSIONS)
            out.append((p, f"{p} is a directory with no audio files in it (looked for {looked})"))
        out.extend((c, None) for c in children)
    return out


def score_file(engine, path: Path, target_s, file: str) -> Score:
    """Score one recording with an engine already loaded (raises RehearseError for a bad file).
    `target_s` is the user's target or None, or a (target_s, rubric, kind) triple."""
    target_s, rubric, kind = (target_s + (None,))[:3] if isinstance(target_s, tuple) else (target_s, "car", None)
    from rehearse.audio import FileSource
    from rehearse.scoring import hear, score_heard

    restart = getattr(engine, "restart", None)  # engines that adapt across streams start afresh
    if restart is not None:
        restart()
    source = FileSource(path)
    heard = hear(source, engine)
    return score_heard(heard, engine, source.duration_s, target_s, file=file, rubric=rubric, kind=kind)


def score_many(
    paths: Iterable[str | os.PathLike],
    jobs: int,
    engine_spec: EngineSpec = EngineSpec(),
    target_s: float | None = TARGET_S,
    on_result: Callable[[FileResult], None] = lambda _r: None,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Callable[[str], None] = lambda _msg: None,
    rubric: str = "car",
    kind: str | None = None,
) -> BatchSummary:
    """Score every recording in `paths` (files or folders of them) with up to `jobs` processes.

    `on_result` gets each input's FileResult in input order; a bad file is a result with an error
    and the others are still scored. `on_progress(done, total)` follows completions, in any order.
    An engine that cannot be loaded raises its RehearseError (nothing more can be scored). On
    KeyboardInterrupt the workers are ended, the results already finished are passed on (in
    order, skipping the unfinished), and the interrupt is raised again.
    """
    from rehearse.audio import probe

    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    target_s = (target_s, rubric, kind)  # what each worker needs to judge a file, sent with it
    inputs = expand_inputs(paths)
    total = len(inputs)
    results: dict[int, FileResult] = {}
    # Header checks first, here: cheap, and a batch of typos never loads a model.
    for i, (path, error) in enumerate(inputs):
        if error is None:
            try:
                probe(path)
            except RehearseError as exc:
                error = str(exc)
        if error is not None:
            results[i] = FileResult(i, str(path), error=error)
    good = [i for i in range(total) if i not in results]
    order = _InOrder(total, results, on_result, on_progress)
    order.flush()
    workers = min(jobs, len(good))
    if workers == 0:
        pass
    elif workers == 1:
        _score_in_process(inputs, good, engine_spec, target_s, order, on_warning)
    else:
        _score_in_workers(inputs, good, workers, engine_spec, target_s, order, on_warning)
    failed = sum(1 for r in order.passed if r.error is not None)
    return BatchSummary(total, len(order.passed) - failed, failed)


class _InOrder:
    """Holds finished results until every earlier one is finished, then passes them on."""

    def __init__(self, total, results, on_result, on_progress):
        self.total = total
        self.results = results
        self.on_result = on_result
        self.on_progress = on_progress
        self.next = 0
        self.passed: list[FileResult] = []
        if on_progress:
            on_progress(len(results), total)

    def add(self, result: FileResult) -> None:
        self.results[result.index] = result
        if self.on_progress:
            self.on_progress(len(self.results), self.total)
        self.flush()

    def flush(self) -> None:
        while self.next in self.results:
            self._pass(self.results.pop(self.next))
            self.next += 1

    def flush_all_finished(self) -> None:
        """After an interrupt: what finished, in order, with the gaps of what did not."""
        for i in sorted(self.results):
            self._pass(self.results.pop(i))

    def _pass(self, result: FileResult) -> None:
        self.passed.append(result)
        self.on_result(result)

    @property
    def unpassed(self) -> int:
        return len(self.results)


def _score_in_process(inputs, good, spec, target_s, order, on_warning) -> None:
    """The one-process path: one engine, the files one after another."""
    engine = open_engines(spec, on_warning)
    try:
        for i in good:
            path = inputs[i][0]
            try:
                order.add(FileResult(i, str(path), score=score_file(engine, path, target_s, str(path))))
            except RehearseError as exc:
                order.add(FileResult(i, str(path), error=str(exc)))
    except KeyboardInterrupt:
        order.flush_all_finished()
        raise


# --- worker processes ---------------------------------------------------------------------------


@contextmanager
def _sigint_blocked():
    """Block SIGINT while starting a child: the child inherits the mask, so a Ctrl-C during its
    start-up waits until it has chosen to ignore SIGINT, instead of printing a traceback."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _worker_main(conn, spec: EngineSpec) -> None:
    """A worker: load the engine once, then score files until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    warnings: list[str] = []
    try:
        engine = open_engines(spec, warnings.append)
    except RehearseError as exc:
        conn.send(("fatal", exc))
        return
    except Exception as exc:  # a native library that failed in a way it does not document
        conn.send(("fatal", EngineError(f"the speech engine could not be loaded ({type(exc).__name__}: {exc})")))
        return
    conn.send(("ready", warnings))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        index, path, target_s = task
        try:
            conn.send(("done", FileResult(index, str(path), score=score_file(engine, path, target_s, str(path)))))
        except RehearseError as exc:
            conn.send(("done", FileResult(index, str(path), error=str(exc))))
        except Exception as exc:  # a bug: this file fails with its reason, the batch goes on
            last = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            conn.send(("done", FileResult(index, str(path),
                                          error=f"unexpected failure ({type(exc).__name__}: {exc}, at {where})")))


class _Worker:
    """The parent's handle on one worker process and the file it is scoring."""

    def __init__(self, ctx, spec: EngineSpec):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, spec), daemon=True, name="rehearse-score")
        with _sigint_blocked():
            self.proc.start()
        child.close()
        self.ready = False
        self.tasks: list[int] = []  # sent and not yet answered, oldest first

    def send(self, index: int, path: Path, target_s: float) -> None:
        self.conn.send((index, path, target_s))
        self.tasks.append(index)

    def stop(self, wait_s: float) -> None:
        """Ask to exit (wait_s > 0) or terminate at once; never leave the process behind."""
        if wait_s > 0 and self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(wait_s)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(WORKER_STOP_S)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _score_in_workers(inputs, good, n_workers, spec, target_s, order, on_warning) -> None:
    """The parallel path: `n_workers` processes, one file each at a time."""
    ctx = multiprocessing.get_context("spawn")
    todo = list(reversed(good))  # popped from the end: input order
    warned: set[str] = set()
    workers: list[_Worker] = []
    window = IN_FLIGHT_PER_WORKER * n_workers
    clean = False
    try:
        for _ in range(n_workers):  # inside the try: an interrupt while starting ends those started
            workers.append(_Worker(ctx, spec))
        while order.next < order.total:
            in_flight = sum(len(w.tasks) for w in workers) + order.unpassed
            if not workers:  # every worker ended and none was needed: cannot happen, never spin
                raise EngineError("the scoring workers ended before the files were scored")
            for w in workers:
                if not todo or not w.ready or w.tasks or in_flight >= window:
                    continue
                i = todo.pop()
                w.send(i, inputs[i][0], target_s)
                in_flight += 1
            by_handle = {}
            for w in workers:
                by_handle[w.conn] = w
                by_handle[w.proc.sentinel] = w
            for handle in wait(list(by_handle)):
                w = by_handle[handle]
                if w not in workers:
                    continue  # already replaced this round
                if handle is w.conn:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        _handle(message, w, order, warned, on_warning)
                        continue
                # The process ended without being asked (a crash in native code, the OOM killer).
                while w.conn.poll():
                    try:
                        _handle(w.conn.recv(), w, order, warned, on_warning)
                    except (EOFError, OSError):
                        break
                w.proc.join(WORKER_STOP_S)
                code = w.proc.exitcode
                if not w.ready:
                    raise EngineError(f"the speech engine could not be loaded (worker exit code {code})")
                lost, w.tasks = w.tasks, []
                if lost:
                    crashed = lost.pop(0)
                    order.add(FileResult(crashed, str(inputs[crashed][0]),
                                         error=f"the speech engine stopped on this file (worker exit code {code})"))
                    todo.extend(reversed(lost))  # queued behind it, never started: try again
                    todo.sort(reverse=True)
                w.stop(0)
                workers.remove(w)
                if todo:
                    workers.append(_Worker(ctx, spec))
        clean = True
    except KeyboardInterrupt:
        for w in workers:
            w.stop(0)
        workers = []
        order.flush_all_finished()
        raise
    finally:
        for w in workers:
            w.stop(WORKER_STOP_S if clean else 0)


def _handle(message, w: _Worker, order: _InOrder, warned: set[str], on_warning) -> None:
    kind = message[0]
    if kind == "fatal":
        raise message[1]
    if kind == "ready":
        w.ready = True
        for text in message[1]:
            if text not in warned:  # every worker warns the same; say it once
                warned.add(text)
                on_warning(text)
    elif kind == "done":
        result = message[1]
        if result.index in w.tasks:
            w.tasks.remove(result.index)
        order.add(result)
