"""The `rehearse` command line: parse options, call the core, print, map errors to one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rehearse import __version__
from rehearse.analysis import TARGET_S
from rehearse.errors import RehearseError

ENGINES = ("auto", "vosk", "pocketsphinx")


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _fail(exc: RehearseError) -> click.ClickException:
    return click.ClickException(str(exc))


def _positive(ctx, param, value):
    if value is not None and not value > 0:
        raise click.BadParameter("must be more than 0 seconds")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rehearse")
@click.pass_context
def cli(ctx):
    """Rehearse job-interview answers offline: length, pace and Challenge / Action / Result.

    Settings you always want (target, devices, engine …) can live in
    $REHEARSE_HOME/config.toml, one `option = value` per line.

    \b
    Examples:
      rehearse demo
      rehearse interview --count 3
      rehearse score my-answer.wav
      rehearse model install en-us-small
    """
    from rehearse import config

    try:
        settings = config.load()
    except RehearseError as exc:
        raise _fail(exc) from None
    if settings:
        commands = {name: [p.name for p in cmd.params] for name, cmd in ctx.command.commands.items()}
        ctx.default_map = config.default_map(settings, commands)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option("--target", type=float, default=TARGET_S, show_default=True, callback=_positive,
              help="Target answer length in seconds.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="Speech recognizer: Vosk when a model is found, else PocketSphinx.")
@click.option("--model", type=str, default=None, help="Path to a Vosk model folder.")
@click.option("--lang", default="en-us", show_default=True, help="Language of the Vosk model to look for.")
def score(files, as_json, target, engine, model, lang):
    """Score recorded answers: length against the target, pace, and C/A/R coverage.

    Reads WAV (8/16/24/32-bit integer or float, any rate, any channels), FLAC, Ogg,
    MP3, AIFF and AU.

    \b
    Examples:
      rehearse score answer.wav
      rehearse score --json --target 90 first.wav second.flac
      rehearse score --engine vosk --model ~/models/vosk-model-en-us-0.22 answer.wav
    """
    from rehearse.audio import FileSource, probe
    from rehearse.card import render_card
    from rehearse.models import open_engine
    from rehearse.scoring import hear, score_heard

    try:
        for f in files:
            probe(f)  # fail fast on a typo before loading a model
        eng = open_engine(engine, model, lang, warn=_warn)
        for i, f in enumerate(files):
            source = FileSource(f)
            heard = hear(source, eng)
            result = score_heard(heard, eng, source.duration_s, target, file=str(f))
            if as_json:
                click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            else:
                if i:
                    click.echo()
                click.echo(render_card(result))
    except RehearseError as exc:
        raise _fail(exc) from None


MAX_TEXT_BYTES = 5_000_000


def _read_text(name: str) -> str:
    """A transcript from a file or `-` (stdin), checked to be text."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        label = "standard input"
    else:
        from rehearse.paths import read_head

        data = read_head(name, "a transcript", MAX_TEXT_BYTES, RehearseError)
        label = name
    if len(data) > MAX_TEXT_BYTES:
        raise RehearseError(f"{label} is larger than {MAX_TEXT_BYTES // 1_000_000} MB; is it really a transcript?")
    if b"\0" in data:
        raise RehearseError(f"{label} is not text (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RehearseError(f"{label} is not UTF-8 text") from None
    if not text.strip():
        raise RehearseError(f"{label} is empty")
    return text


@cli.command()
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@click.option("--duration", type=float, default=None, callback=_positive,
              help="How long the answer ran, in seconds (enables length and pace).")
@click.option("--target", type=float, default=TARGET_S, show_default=True, callback=_positive,
              help="Target answer length in seconds.")
def analyze(files, as_json, duration, target):
    """Analyze written or transcribed answers: C/A/R coverage, delivery, tips.

    FILES are text files (punctuated prose or lowercase recognizer output); `-` or no
    FILES reads standard input.

    \b
    Examples:
      rehearse analyze my-answer.txt
      echo "our site kept crashing so i rewrote the cache and errors fell by half" | rehearse analyze
      rehearse analyze --json --duration 125 transcript.txt
    """
    from rehearse.analysis import analyze as run_analysis
    from rehearse.analysis import fmt_minutes, words_from_text
    from rehearse.transcript import Span

    names = list(files) or ["-"]
    try:
        texts = [(n, _read_text(n)) for n in names]
    except RehearseError as exc:
        raise _fail(exc) from None
    for i, (name, text) in enumerate(texts):
        a = run_analysis(words_from_text(text), Span(0.0, duration) if duration else None, target)
        row = {"file": None if name == "-" else name, "transcript": a.transcript, "car": a.car_json(),
               "tips": a.tips, "delivery": a.delivery.to_json()}
        if duration:
            row.update({"duration_s": duration, "answer_s": duration, "wpm": a.wpm, "length": a.length.to_json()})
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        if i:
            click.echo()
        click.echo(name if name != "-" else "answer")
        if a.length:
            click.echo(f"  Length   {fmt_minutes(duration)}  {a.length.verdict.replace('_', ' ')}, pace {a.wpm:.0f} words a minute")
        for k in ("challenge", "action", "result"):
            part = a.car[k]
            if part["covered"]:
                ev = part["evidence"][0].text
                click.echo(f"  {k.title():10s}yes ({part['share']:.0%} of the answer): \"{ev[:70]}{'…' if len(ev) > 70 else ''}\"")
            else:
                click.echo(f"  {k.title():10s}MISSING")
        if a.tips:
            click.echo("  Next time:")
            for n, tip in enumerate(a.tips, 1):
                click.echo(f"   {n}. {tip}")


@cli.group()
def model():
    """Find and install speech models.

    \b
    Examples:
      rehearse model list
      rehearse model path
      rehearse model install en-us-small
      rehearse model install --from vosk-model-small-en-us-0.15.zip
    """


@model.command("list")
def model_list():
    """List the Vosk models found on this machine, and the folders searched.

    \b
    Example:
      rehearse model list
    """
    from rehearse.models import installed_models, vosk_dirs

    found = installed_models()
    for m in found:
        click.echo(f"{m.path.name}\t{m.path}")
    if not found:
        click.echo("No Vosk models installed; PocketSphinx (bundled US English) will be used.", err=True)
    click.echo("Searched: " + ", ".join(str(d) for d in vosk_dirs()), err=True)


@model.command("path")
@click.option("--lang", default="en-us", show_default=True, help="Language to look for.")
@click.option("--model", type=str, default=None, help="An explicit model folder to check.")
def model_path(lang, model):
    """Print the folder of the Vosk model `score` would use.

    \b
    Example:
      rehearse model path --lang en-us
    """
    from rehearse.models import find_vosk_model
    from rehearse.speech import check_vosk_model_dir

    found = find_vosk_model(lang, model)
    if found is None:
        raise click.ClickException(
            f"no Vosk model for {lang} found; install one with `rehearse model install {lang}-small`"
        )
    try:
        check_vosk_model_dir(found.path)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(str(found.path))


class _Progress:
    """A one-line download meter on stderr."""

    def __init__(self):
        self.last = -1

    def __call__(self, got: int, total: int | None) -> None:
        mb = got / 1e6
        if total:
            pct = int(got * 100 / total)
            if pct == self.last:
                return
            self.last = pct
            bar = "#" * (pct // 4)
            click.echo(f"\r  [{bar:<25}] {pct:3d}%  {mb:.1f}/{total / 1e6:.1f} MB", err=True, nl=False)
        elif int(mb) != self.last:
            self.last = int(mb)
            click.echo(f"\r  {mb:.1f} MB", err=True, nl=False)

    def done(self):
        if self.last >= 0:
            click.echo("", err=True)


@model.command("install")
@click.argument("name", required=False)
@click.option("--from", "from_file", type=click.Path(path_type=Path), default=None,
              help="Install from a zip already on this machine.")
@click.option("--md5", default=None, help="With --from: the archive's expected MD5.")
@click.option("--index-url", default=None,
              help="Model list to install from (default: Vosk's published list, or $REHEARSE_MODEL_INDEX).")
@click.option("--dir", "dest", type=click.Path(path_type=Path), default=None,
              help="Folder to install into (default: ~/.cache/vosk).")
def model_install(name, from_file, md5, index_url, dest):
    """Download, verify and unpack a Vosk model (the only command that uses the network).

    NAME is `<lang>-small` (the current small model for a language, such as
    en-us-small) or an exact model name from the list.

    \b
    Examples:
      rehearse model install en-us-small
      rehearse model install vosk-model-en-us-0.22
      rehearse model install --from ~/Downloads/vosk-model-small-en-us-0.15.zip
    """
    from rehearse import models

    if bool(name) == bool(from_file):
        raise click.UsageError("give either a model NAME or --from FILE.zip")
    progress = _Progress()
    try:
        if from_file:
            path = models.install_from_file(from_file, dest, md5)
        else:
            click.echo(f"Fetching the model list from {models.index_url(index_url)}", err=True)
            path = models.install(name, index_url, dest, progress)
    except RehearseError as exc:
        progress.done()
        raise _fail(exc) from None
    progress.done()
    click.echo(f"Installed {path.name} in {path.parent}", err=True)
    click.echo(str(path))


def main() -> None:
    """Entry point: no traceback ever reaches the user; Ctrl-C exits 130."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user, the details in a log
        log = _log_crash()
        click.echo(f"Error: unexpected failure ({type(exc).__name__}: {exc}); details in {log}", err=True)
        sys.exit(1)


def _log_crash() -> str:
    import tempfile
    import traceback

    from rehearse.paths import user_dir

    try:
        d = user_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / "crash.log"
    except OSError:
        path = Path(tempfile.gettempdir()) / "rehearse-crash.log"
    with open(path, "a", encoding="utf-8") as f:
        traceback.print_exc(file=f)
    return str(path)


# --- live practice ---------------------------------------------------------------------------


def _interactive_enter():
    """Enter ends an answer only when stdin is a terminal; closed or redirected stdin never does."""
    try:
        if not sys.stdin or not sys.stdin.isatty():
            return lambda: False
    except (ValueError, OSError):
        return lambda: False
    import select

    def pressed() -> bool:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if ready:
            sys.stdin.readline()
            return True
        return False

    return pressed


class _Console:
    """Turns session events into lines on the terminal (stderr for progress, stdout for results)."""

    def __init__(self, as_json: bool, target_s: float, enter_ok: bool = False):
        self.as_json = as_json
        self.enter_ok = enter_ok
        self.target_s = target_s
        self.live = sys.stderr.isatty()
        self._last_live = 0.0

    def __call__(self, event: str, **data) -> None:
        import time

        from rehearse.analysis import fmt_minutes
        from rehearse.card import render_card

        if event == "question":
            q = data["question"]
            click.echo(f"\nQuestion {data['number']} of {data['total']}: {q.text}", err=True)
        elif event == "turn":
            how = "a pause of a few seconds ends the answer" + (", or press Enter" if self.enter_ok else "")
            click.echo(f"Your turn: answer now ({how}).", err=True)
        elif event == "live" and self.live:
            now = time.monotonic()
            if now - self._last_live < 0.1:
                return
            self._last_live = now
            d = data["detector"]
            spoken = d.elapsed_s - d.speech_start_s if d.speech_start_s is not None else 0.0
            bars = max(0, min(10, int((d.level_db + 60) / 5)))
            state = "speaking " if d.speaking else ("listening" if d.speech_start_s is not None else "waiting  ")
            click.echo(f"\r  {fmt_minutes(spoken)} / {fmt_minutes(self.target_s)}  [{'#' * bars:<10}]  {state}",
                       err=True, nl=False)
        elif event == "reminder":
            click.echo(f"Round 1, you said: {data['text']} …", err=True)
        elif event == "recovered":
            click.echo(f"Recovered an unfinished answer from an earlier session ({data['question'].text}); "
                       "it is kept in your history.", err=True)
        elif event == "warning":
            click.echo(f"\nWarning: {data['message']}", err=True)
        elif event == "no_answer":
            if self.live:
                click.echo("", err=True)
            click.echo("No answer was heard; moving on.", err=True)
            if self.as_json:
                click.echo(json.dumps(data["result"].to_json(), ensure_ascii=False), nl=True)
                sys.stdout.flush()
        elif event == "answer":
            if self.live:
                click.echo("", err=True)
            r = data["result"]
            if self.as_json:
                click.echo(json.dumps(r.to_json(), ensure_ascii=False))
                sys.stdout.flush()
            else:
                from rehearse.card import render_extras

                click.echo(render_card(r.score, title=f"Answer #{r.answer_id} ({r.ended_by})"))
                if r.extra:
                    click.echo(render_extras(r.extra))


def _open_engine_async(engine, model, lang):
    """Load the recognizer in the background (while the question is spoken); errors surface on use."""
    from concurrent.futures import ThreadPoolExecutor

    from rehearse.models import open_engine

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(open_engine, engine, model, lang, _warn)
    pool.shutdown(wait=False)
    return future.result


def _player(output_device):
    from rehearse.audio import DevicePlayer, SilentPlayer, has_device

    if output_device is None and not has_device("output"):
        _warn("no output device: questions are printed, not spoken")
        return SilentPlayer()
    return DevicePlayer(output_device)


def _run_interview(interview, questions, as_json, report=True):
    from rehearse.session import summary_lines

    results = interview.run(questions)
    if not as_json and len(results) > 1:
        click.echo("\nSession summary")
        click.echo("\n".join(summary_lines(results)))
    if report and any(r.answer_id for r in results):
        try:
            path = _write_report(interview.store, session_id=interview.session_id)
            click.echo(f"Report: {path}", err=True)
        except (RehearseError, OSError) as exc:
            _warn(f"no report written ({exc})")
    if any(r.interrupted for r in results):
        click.echo("Interrupted; the answer so far was kept.", err=True)
        sys.exit(130)
    return results


def _live_options(f):
    for opt in reversed([
        click.option("--target", type=float, default=TARGET_S, show_default=True, callback=_positive,
                     help="Target answer length in seconds."),
        click.option("--silence", type=float, default=4.0, show_default=True, callback=_positive,
                     help="Seconds of silence that end an answer."),
        click.option("--think", type=float, default=30.0, show_default=True, callback=_positive,
                     help="Seconds to wait for the answer to begin."),
        click.option("--max", "max_s", type=float, default=240.0, show_default=True, callback=_positive,
                     help="Longest answer recorded, in seconds."),
        click.option("--output-device", default=None, help="Speaker: device number or name."),
        click.option("--echo-tail", type=float, default=0.5, show_default=True,
                     help="Seconds of input ignored after the tool speaks (its echo from loudspeakers)."),
        click.option("--speak-feedback/--no-speak-feedback", default=False, show_default=True,
                     help="Say the feedback aloud after each answer."),
        click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line."),
        click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True),
        click.option("--model", type=str, default=None, help="Path to a Vosk model folder."),
        click.option("--lang", default="en-us", show_default=True),
    ]):
        f = opt(f)
    return f


@cli.command()
@click.option("--count", type=click.IntRange(min=1), default=3, show_default=True, help="Questions to ask.")
@click.option("--questions", "bank", default=None,
              help="A TOML question bank, or a built-in kind: behavioural, second-interview, objection, motivation.")
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@click.option("--round", "round_", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: a second interview: your recalled questions first, compared with round 1.")
@click.option("--remind/--no-remind", default=False, show_default=True,
              help="With --round 2: say the start of your round-1 answer before each recalled question.")
@_live_options
def interview(count, bank, input_device, round_, remind, target, silence, think, max_s, output_device, echo_tail,
              speak_feedback, as_json, engine, model, lang):
    """A spoken mock interview: hear a question, answer out loud, get feedback at once.

    Every answer is kept (audio, transcript, scores); see `rehearse history`.

    \b
    Examples:
      rehearse interview
      rehearse interview --count 5 --questions objection --speak-feedback
      rehearse interview --questions my-bank.toml --target 90 --json
    """
    import random

    from rehearse.audio import MicrophoneSource, check_input_device
    from rehearse.questions import choose, load_bank
    from rehearse.session import Interview, Settings
    from rehearse.speech import Speaker
    from rehearse.store import Store

    from rehearse.questions import Question

    try:
        store = Store()
        previous = {}
        if round_ == 2:
            recalled = store.round1()
            if not recalled:
                raise RehearseError("nothing recalled from a first interview yet; run `rehearse recall` first")
            previous = {q: row.score for q, row in recalled.items()}
            first = [Question(q, row.kind) for q, row in recalled.items()]
            questions = first + [q for q in load_bank(bank or "second-interview") if q.text not in previous]
            chosen = (first + choose(questions[len(first):], count, store.practice_counts(), random.Random()))[:max(count, len(first))]
        else:
            questions = load_bank(bank)
            chosen = choose(questions, count, store.practice_counts(), random.Random())
        check_input_device(input_device)
        player = _player(output_device)
        load = _open_engine_async(engine, model, lang)
        session = Interview(
            store, Speaker(store.root / "cache" / "tts"), player,
            lambda: MicrophoneSource(input_device), load,
            Settings(target, think, silence, max_s, echo_tail, speak_feedback),
            events=_Console(as_json, target, enter_ok=sys.stdin is not None and sys.stdin.isatty()),
            enter_pressed=_interactive_enter(), round=round_, previous=previous, remind=remind,
        )
        _run_interview(session, chosen, as_json)
    except RehearseError as exc:
        raise _fail(exc) from None


class _DrillConsole(_Console):
    """Drill events: with --json one object per event, flushed at once; else short lines."""

    def __call__(self, event: str, **data) -> None:
        if not self.as_json:
            if event == "command":
                click.echo(f"[{data['command']}]", err=True)
            elif event == "end":
                n = len([r for r in data["results"] if r.answer_id])
                click.echo(f"Drill over: {n} answer{'s' if n != 1 else ''} kept.", err=True)
            elif event != "feedback_spoken":
                super().__call__(event, **data)
            return
        row = None
        if event == "question":
            row = {"event": "question", "text": data["question"].text, "number": data["number"]}
        elif event == "command":
            row = {"event": "command", "command": data["command"]}
        elif event == "answer":
            row = {"event": "answer", **data["result"].to_json()}
        elif event == "feedback_spoken":
            row = {"event": "feedback_spoken", "answer_id": data["result"].answer_id}
        elif event == "no_answer":
            row = {"event": "no_answer", "text": data["result"].question.text}
        elif event == "end":
            row = {"event": "end", "answers": [r.answer_id for r in data["results"] if r.answer_id]}
        elif event == "turn":
            click.echo("Your turn.", err=True)
        if row is not None:
            click.echo(json.dumps(row, ensure_ascii=False))
            sys.stdout.flush()


@cli.command()
@click.option("--count", type=click.IntRange(min=1), default=5, show_default=True, help="Questions to ask.")
@click.option("--questions", "bank", default=None,
              help="A TOML question bank, or a built-in kind: behavioural, second-interview, objection, motivation.")
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@_live_options
def drill(count, bank, input_device, target, silence, think, max_s, output_device, echo_tail,
          speak_feedback, as_json, engine, model, lang):
    """A hands-free drill steered by voice: no keyboard, question after question.

    Say a command on its own, with a pause before and after:
    next, repeat (ask again), skip, again (answer again), replay (hear my answer),
    pause / resume, done (end my answer now), stop (end the drill).
    Feedback is always spoken.

    \b
    Examples:
      rehearse drill
      rehearse drill --count 10 --questions objection
      rehearse drill --json
    """
    import random

    from rehearse.audio import MicrophoneSource, check_input_device
    from rehearse.voice_commands import spotter_for
    from rehearse.drill import Drill
    from rehearse.questions import choose, load_bank
    from rehearse.session import Settings
    from rehearse.speech import Speaker
    from rehearse.store import Store

    try:
        questions = load_bank(bank)
        check_input_device(input_device)
        player = _player(output_device)
        load = _open_engine_async(engine, model, lang)
        store = Store()
        chosen = choose(questions, count, store.practice_counts(), random.Random())
        session = Drill(
            store, Speaker(store.root / "cache" / "tts"), player, lambda: MicrophoneSource(input_device), load,
            Settings(target, think, silence, max_s, echo_tail, True),
            events=_DrillConsole(as_json, target), spotter_for=lambda eng: spotter_for(eng, lang),
        )
        results = session.run(chosen)
        if any(r.answer_id for r in results):
            click.echo(f"Report: {_write_report(store, session_id=session.session_id)}", err=True)
        if any(r.interrupted for r in results):
            sys.exit(130)
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--answer", "answer_file", type=click.Path(path_type=Path), default=None,
              help="The recorded answer to play in (default: the sample answer).")
@click.option("--speed", type=float, default=1.0, show_default=True, callback=_positive,
              help="Play the answer faster than real time.")
@_live_options
def demo(answer_file, speed, target, silence, think, max_s, output_device, echo_tail, speak_feedback, as_json,
         engine, model, lang):
    """A complete mock interview with no person and no keyboard.

    Asks a question aloud (printed where there is no speaker), then plays a recorded answer
    through the same live pipeline as the microphone, in real time, and shows the feedback.
    Nothing is added to your history.

    \b
    Examples:
      rehearse demo
      rehearse demo --answer my-answer.wav --speak-feedback
    """
    import contextlib
    import tempfile

    from rehearse.audio import PacedFileSource
    from rehearse.questions import Question
    from rehearse.session import Interview, Settings
    from rehearse.speech import Speaker
    from rehearse.store import Store

    sample = Path(__file__).resolve().parents[2] / "audio_fixtures" / "sample_answer.wav"
    path = answer_file or sample
    try:
        PacedFileSource(path)  # check the file before anything is said
        load = _open_engine_async(engine, model, lang)
        with tempfile.TemporaryDirectory(prefix="rehearse-demo-") as tmp:
            store = Store(Path(tmp))
            session = Interview(
                store, Speaker(Path(tmp) / "tts"), _player(output_device),
                lambda: contextlib.nullcontext(PacedFileSource(path, speed=speed)), load,
                Settings(target, think, silence, max_s, echo_tail, speak_feedback),
                events=_Console(as_json, target), kind="demo",
            )
            q = Question("Tell me about a time you solved a difficult problem at work.")
            _run_interview(session, [q], as_json, report=False)
            store.close()
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--question", "question_text", required=True, help="What the first interview asked.")
@click.option("--kind", type=click.Choice(["behavioural", "second-interview", "objection", "motivation", "closing"]),
              default="behavioural", show_default=True)
@click.option("--text", default=None, help="Your answer as you gave it, written out.")
@click.option("--file", "text_file", default=None, help="Your answer in a text file (`-` for stdin).")
@click.option("--input-device", default=None, help="Microphone, when answering by voice.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.option("--model", type=str, default=None, help="Path to a Vosk model folder.")
@click.option("--lang", default="en-us", show_default=True)
@click.option("--silence", type=float, default=4.0, show_default=True, callback=_positive)
def recall(question_text, kind, text, text_file, input_device, engine, model, lang, silence):
    """Record what your first interview asked and how you answered (round 1).

    Give the answer as --text or --file, or say it out loud as you did then.
    `rehearse interview --round 2` then asks these questions again and compares.

    \b
    Examples:
      rehearse recall --question "Tell me about a difficult project." --text "Last year I ..."
      rehearse recall --question "Why do you want to join us?"        # answer by voice
    """
    from rehearse.questions import Question
    from rehearse.store import Store

    q = Question(" ".join(question_text.split()), kind)
    try:
        if not q.text:
            raise RehearseError("the question is empty")
        store = Store()
        if text is not None or text_file is not None:
            body = text if text is not None else _read_text(text_file)
            if not body.strip():
                raise RehearseError("the answer is empty")
            from rehearse.session import recall_text

            click.echo(f"Kept as round-1 answer #{recall_text(store, q, body)}.")
            return
        from rehearse.audio import MicrophoneSource, check_input_device
        from rehearse.session import Interview, Settings
        from rehearse.speech import Speaker

        check_input_device(input_device)
        load = _open_engine_async(engine, model, lang)
        session = Interview(store, Speaker(store.root / "cache" / "tts"), _player(None),
                            lambda: MicrophoneSource(input_device), load, Settings(silence_s=silence),
                            events=_Console(False, TARGET_S), kind="recall", round=1)
        click.echo(f"Answer as you did in your first interview: {q.text}", err=True)
        eng = load()
        session.session_id = store.start_session("recall", eng.name, eng.model, 1)
        result = session.listen(q, eng)
        store.end_session(session.session_id)
        if result.answer_id is None:
            raise RehearseError("no answer was heard; nothing was kept")
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def stats(as_json):
    """Your practice in numbers: time, answers, share on target, what is most often missing.

    \b
    Example:
      rehearse stats
    """
    from rehearse.analysis import fmt_minutes
    from rehearse.store import Store

    try:
        out = Store().stats()
    except RehearseError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(out))
        return
    if not out["answers"]:
        click.echo("No answers yet. Start with `rehearse interview`.")
        return
    click.echo(f"Answers      {out['answers']} to {out['questions']} questions in {out['sessions']} sessions")
    click.echo(f"Practice     {fmt_minutes(out['practice_s'])} of answering")
    if out["on_target_share"] is not None:
        click.echo(f"On target    {out['on_target_share']:.0%} of spoken answers ran about the right length")
    click.echo(f"Complete     {out['complete_car_share']:.0%} said challenge, action and result")
    if out["most_missing"]:
        click.echo(f"Most missing {out['most_missing']} ({out['missing_counts'][out['most_missing']]} answers)")


@cli.group()
def questions():
    """Question banks.

    \b
    Examples:
      rehearse questions list
      rehearse questions list --bank objection
      rehearse questions list --bank my-bank.toml
    """


@questions.command("list")
@click.option("--bank", default=None, help="A TOML bank, or a built-in kind.")
def questions_list(bank):
    """List the questions of a bank with how often you have practised each.

    \b
    Example:
      rehearse questions list --bank second-interview
    """
    from rehearse.questions import load_bank
    from rehearse.store import Store

    try:
        qs = load_bank(bank)
        counts = Store().practice_counts()
    except RehearseError as exc:
        raise _fail(exc) from None
    for q in qs:
        click.echo(f"{counts.get(q.text, 0):3d}  {q.kind:16s}  {q.text}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line.")
@click.option("--question", default=None, help="Only answers to questions containing this text.")
def history(as_json, question):
    """Your answers, newest first, and how each question's attempts improved.

    \b
    Examples:
      rehearse history
      rehearse history --question "difficult problem"
      rehearse history --json
    """
    import datetime

    from rehearse.analysis import fmt_minutes
    from rehearse.store import Store

    try:
        rows = Store().answers(question)
    except RehearseError as exc:
        raise _fail(exc) from None
    if as_json:
        for r in rows:
            click.echo(json.dumps({**r.score, "answer_id": r.id, "question": r.question, "ended_by": r.ended_by,
                                   "audio_path": r.audio_path, "created_at": r.created_at,
                                   "feedback_latency_s": r.feedback_latency_s}, ensure_ascii=False))
        return
    if not rows:
        click.echo("No answers yet. Start with `rehearse interview`.", err=True)
        return

    def line(r):
        s = r.score
        car = " ".join(f"{k[0].upper()}:{'yes' if s['car'][k]['covered'] else 'no'}" for k in ("challenge", "action", "result"))
        verdict = (s.get("length") or {}).get("verdict", "-").replace("_", " ")
        return f"{fmt_minutes(s.get('answer_s') or 0)} {verdict:9s} {car}"

    for r in rows:
        when = datetime.datetime.fromtimestamp(r.created_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"#{r.id:<4d} {when}  {line(r)}  {r.question or ''}")
    by_q: dict[str, list] = {}
    for r in reversed(rows):
        by_q.setdefault(r.question or "(no question)", []).append(r)
    repeated = {q: rs for q, rs in by_q.items() if len(rs) > 1}
    if repeated:
        click.echo("\nProgress per question (oldest attempt first)")
        for q, rs in repeated.items():
            click.echo(q)
            for r in rs:
                tips = r.score.get("tips") or []
                click.echo(f"   #{r.id:<4d} {line(r)}" + (f"  tip: {tips[0]}" if tips else ""))


@cli.command()
@click.argument("answer", default="last")
@click.option("--output-device", default=None, help="Speaker: device number or name.")
def replay(answer, output_device):
    """Play a recorded answer with its transcript in time, then its feedback.

    \b
    Examples:
      rehearse replay
      rehearse replay 12
    """
    import threading
    import time

    from rehearse.audio import read_all
    from rehearse.store import Store

    try:
        row = Store().answer(answer)
        if not row.audio_path or not Path(row.audio_path).is_file():
            raise RehearseError(f"the recording of answer #{row.id} is missing ({row.audio_path})")
        samples, rate = read_all(row.audio_path)
        player = _player(output_device)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(f"Answer #{row.id}: {row.question or ''}", err=True)
    failure: list[Exception] = []

    def play():
        try:
            player.play(samples, rate)
        except Exception as exc:
            failure.append(exc)

    thread = threading.Thread(target=play, daemon=True)
    t0 = time.monotonic()
    thread.start()
    for w in row.score.get("words", []):
        delay = w["start"] - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)
        click.echo(w["word"] + " ", nl=False)
        sys.stdout.flush()
    thread.join()
    click.echo()
    if failure:
        raise click.ClickException(str(failure[0]))
    _print_stored_card(row)


def _print_stored_card(row) -> None:
    from rehearse.analysis import fmt_minutes

    s = row.score
    length = s.get("length") or {}
    click.echo(f"Length {fmt_minutes(s.get('answer_s') or 0)} {length.get('verdict', '-').replace('_', ' ')}"
               f", pace {s.get('wpm') or 0:.0f} words a minute")
    for k in ("challenge", "action", "result"):
        click.echo(f"  {k.title():10s}{'yes' if s['car'][k]['covered'] else 'MISSING'}")
    for i, tip in enumerate(s.get("tips", []), 1):
        click.echo(f"  {i}. {tip}")


@cli.command()
@click.argument("answer", required=False)
@click.option("--session", "session_id", type=int, default=None, help="Every answer of one session.")
@click.option("--all", "all_answers", is_flag=True, help="Every answer you have recorded.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the page (default: $REHEARSE_HOME/reports/).")
@click.option("--open", "open_it", is_flag=True, help="Open the page in your browser.")
def report(answer, session_id, all_answers, output, open_it):
    """Write a self-contained HTML page: timeline, synced audio and transcript, progress.

    ANSWER is an answer number or `last`; with nothing given, the latest session.

    \b
    Examples:
      rehearse report
      rehearse report last --open
      rehearse report --all -o ~/interview-practice.html
    """
    from rehearse.store import Store

    try:
        store = Store()
        if sum(bool(x) for x in (answer, session_id, all_answers)) > 1:
            raise click.UsageError("give one of ANSWER, --session or --all")
        history = store.answers()
        if not history:
            raise RehearseError("no answers recorded yet; start with `rehearse interview`")
        path = _write_report(store, answer, session_id, all_answers, output, history)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(str(path))
    if open_it:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


def _write_report(store, answer=None, session_id=None, all_answers=False, output=None, history=None) -> Path:
    import time

    from rehearse import report as page

    history = history if history is not None else store.answers()
    if all_answers:
        chosen, title = history, "All your answers"
    elif answer:
        row = store.answer(answer)
        chosen, title = [row], f"Answer #{row.id}"
    else:
        sessions = store.sessions()
        sid = session_id if session_id is not None else (sessions[0]["id"] if sessions else None)
        chosen = store.session_answers(sid) if sid is not None else []
        if not chosen:
            raise RehearseError(f"no answers in session {sid}")
        title = f"Practice session {sid}"
    chosen = sorted(chosen, key=lambda r: (r.created_at, r.id))
    out = output or store.root / "reports" / f"report-{time.strftime('%Y%m%d-%H%M%S')}.html"
    return page.write(chosen, history, store.sessions(), Path(out), title)


@cli.command()
def devices():
    """List audio inputs and outputs; `*` marks the defaults.

    \b
    Example:
      rehearse devices
    """
    from rehearse.audio import _sounddevice

    try:
        sd = _sounddevice()
        devs = sd.query_devices()
        default_in, default_out = sd.default.device
    except RehearseError as exc:
        raise _fail(exc) from None
    if not len(devs):
        raise click.ClickException("no audio devices found (is a sound server running?)")
    for i, d in enumerate(devs):
        kinds = []
        if d["max_input_channels"] > 0:
            kinds.append(("*" if i == default_in else " ") + f"in({d['max_input_channels']})")
        if d["max_output_channels"] > 0:
            kinds.append(("*" if i == default_out else " ") + f"out({d['max_output_channels']})")
        click.echo(f"{i:3d}  {' '.join(kinds):22s}  {d['name']}  ({int(d['default_samplerate'])} Hz)")


@cli.command()
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@click.option("--output-device", default=None, help="Speaker: device number or name.")
@click.option("--seconds", type=float, default=3.0, show_default=True, callback=_positive)
def check(input_device, output_device, seconds):
    """Check the speaker and microphone: says a phrase, records a few seconds, reports.

    \b
    Example:
      rehearse check
    """
    import numpy as np

    from rehearse.audio import MicrophoneSource, SAMPLE_RATE_HZ, read_all
    from rehearse.speech import Speaker
    from rehearse.store import Store
    from rehearse.voice import TurnDetector

    try:
        store = Store()
        player = _player(output_device)
        samples, rate = read_all(Speaker(store.root / "cache" / "tts").to_wav(
            "This is rehearse. After the tone, say a sentence."))
        player.play(samples, rate)
        from rehearse.session import cue_tone

        player.play(cue_tone(), SAMPLE_RATE_HZ)
        got = []
        det = TurnDetector(think_s=seconds + 1, silence_s=seconds + 1, max_s=seconds + 1)
        with MicrophoneSource(input_device) as mic:
            for block in mic.chunks():
                got.append(block)
                det.add(block)
                if sum(len(b) for b in got) >= seconds * SAMPLE_RATE_HZ:
                    break
    except RehearseError as exc:
        raise _fail(exc) from None
    x = np.concatenate(got)
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    rms_db = 20 * np.log10(max(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))), 1e-6))
    clipped = float(np.mean(np.abs(x) > 0.99))
    click.echo(f"Recorded {len(x) / SAMPLE_RATE_HZ:.1f} s at {mic.rate_hz} Hz: peak {peak:.2f}, level {rms_db:.0f} dBFS")
    problems = []
    if peak < 0.01:
        problems.append("The microphone is silent: check it is selected (`rehearse devices`) and not muted.")
    elif peak < 0.05:
        problems.append("The input is very quiet: raise the microphone gain or move closer.")
    if clipped > 0.001:
        problems.append(f"{clipped:.1%} of samples clipped: lower the microphone gain.")
    if det.speech_start_s is None and peak >= 0.01:
        problems.append("No speech was heard: speak after the tone, closer to the microphone.")
    if problems:
        for p in problems:
            click.echo(p)
        raise click.ClickException("the microphone needs attention")
    click.echo("Speech heard; the microphone is ready.")
