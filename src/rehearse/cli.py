"""The `rehearse` command line: parse options, call the core, print, map errors to one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rehearse import __version__
from rehearse.errors import RehearseError
from rehearse.paths import read_text_file

ENGINES = ("auto", "vosk", "pocketsphinx")


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _fail(exc: RehearseError) -> click.ClickException:
    return click.ClickException(str(exc))


def _kind_and_rubric(question_text: str | None, kind: str | None) -> tuple[str, str]:
    """The kind and yardstick for `--question` and `--kind` (a kind, or a yardstick's own name)."""
    from rehearse.questions import kind_and_rubric

    return kind_and_rubric(kind, question_text)


KIND_HELP = ("The question's kind (behavioural, second-interview, objection, motivation, closing) or the "
             "yardstick itself (car, about-yourself, why-here, why-leaving, five-years, objection, closing); "
             "motivation takes its yardstick from --question.")


ACCURATE_HELP = ("The accurate pass: Whisper decodes each stretch of speech once you pause, and its transcript "
                 "is the one judged (default: the best Whisper model installed; none: the streaming pass alone; "
                 "English only).")


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
    from rehearse.services import App

    if ctx.obj is None:
        ctx.obj = App(_warn)
    try:
        settings = config.load()
    except RehearseError as exc:
        raise _fail(exc) from None
    if settings:
        commands = {name: [p.name for p in cmd.params] for name, cmd in ctx.command.commands.items()}
        ctx.default_map = config.default_map(settings, commands)


class _BatchProgress:
    """`scoring 3/10 [#####     ]` on stderr, redrawn in place; only drawn on a terminal."""

    def __init__(self):
        self.shown = False
        self.last = (0, 0)

    def __call__(self, done: int, total: int) -> None:
        self.last = (done, total)
        if total > 1:
            bar = "#" * (done * 20 // total)
            click.echo(f"\r\033[Kscoring {done}/{total} [{bar:<20}]", err=True, nl=False)
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)
            self.shown = False

    def around(self, show):
        """Print something without it landing inside the bar, then draw the bar again."""

        def call(*args):
            self.clear()
            show(*args)
            self(*self.last)

        return call


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option("--target", type=float, default=None, callback=_positive,
              help="Target answer length in seconds (default: the question kind's own: 2:00 for a story).")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="Speech recognizer: Vosk when a model is found, else PocketSphinx.")
@click.option("--model", type=str, default=None, help="Path to a Vosk model folder.")
@click.option("--lang", default="en-us", show_default=True, help="Language of the Vosk model to look for.")
@click.option("--question", "question_text", default=None,
              help="The question answered; its kind is read from the wording.")
@click.option("--kind", default=None, help=KIND_HELP + " Default: from --question, else behavioural.")
@click.option("--accurate", type=click.Choice(["whisper-tiny.en", "whisper-base.en", "none"]), default=None,
              help=ACCURATE_HELP)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Files scored at once, each process with its own engine (default: the number of cores). "
                   "Each process holds its own models: the accurate pass (Whisper tiny.en) adds about 210 MB to "
                   "each (measured after a two-minute answer; PocketSphinx alone: about 140 MB).")
def score(files, as_json, target, engine, model, lang, question_text, kind, accurate, jobs):
    """Score recorded answers: length against the target, pace, and C/A/R coverage.

    FILES are recordings or folders of them (a folder's .wav .flac .ogg .oga .opus .mp3
    .aif .aiff .aifc .au .snd .w64 .rf64 .caf files, sorted by name). Reads WAV (8/16/24/32-bit
    integer or float, any rate, any channels), FLAC, Ogg, MP3, AIFF and AU. Results come in
    the order given. A file that cannot be scored gets its own `Error:` line (with --json
    also an object with `file` and `error` in its place), the rest are still scored, and the
    exit code is 1. Ctrl-C prints what is finished and exits 130.

    \b
    Examples:
      rehearse score answer.wav
      rehearse score --json --target 90 first.wav second.flac
      rehearse score --jobs 2 recordings/
      rehearse score --question "Where do you see yourself in five years?" answer.wav
      rehearse score --engine vosk --model ~/models/vosk-model-en-us-0.22 answer.wav
    """
    from rehearse import render
    from rehearse.batch import EngineSpec, default_jobs, score_many
    from rehearse.feedback import Feedback

    printed = 0

    def show(result):
        nonlocal printed
        if result.error is not None:
            click.echo(f"Error: {result.error}", err=True)
            if as_json:
                click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        elif as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            click.echo(("\n" if printed else "") + render.card(Feedback.from_json(result.score.to_json())))
            printed += 1

    progress = _BatchProgress() if sys.stderr.isatty() else None
    try:
        kind, rubric = _kind_and_rubric(question_text, kind)
        summary = score_many(
            files, jobs or default_jobs(), EngineSpec(engine, model, lang, accurate), target,
            on_result=progress.around(show) if progress else show,
            on_progress=progress, on_warning=progress.around(_warn) if progress else _warn, rubric=rubric, kind=kind,
        )
    except RehearseError as exc:
        raise _fail(exc) from None
    finally:
        if progress:
            progress.clear()
    if summary.failed:
        if summary.total > 1:
            click.echo(f"{summary.failed} of {summary.total} files could not be scored.", err=True)
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@click.option("--duration", type=float, default=None, callback=_positive,
              help="How long the answer ran, in seconds (enables length and pace).")
@click.option("--target", type=float, default=None, callback=_positive,
              help="Target answer length in seconds (default: the question kind's own: 2:00 for a story).")
@click.option("--question", "question_text", default=None,
              help="The question answered; its kind is read from the wording.")
@click.option("--kind", default=None, help=KIND_HELP + " Default: from --question, else behavioural.")
def analyze(files, as_json, duration, target, question_text, kind):
    """Analyze written or transcribed answers: C/A/R coverage, delivery, tips.

    FILES are text files (punctuated prose or lowercase recognizer output); `-` or no
    FILES reads standard input.

    \b
    Examples:
      rehearse analyze my-answer.txt
      echo "our site kept crashing so i rewrote the cache and errors fell by half" | rehearse analyze
      rehearse analyze --json --duration 125 transcript.txt
    """
    from rehearse import render
    from rehearse.feedback import text_feedback

    names = list(files) or ["-"]
    try:
        kind, rubric = _kind_and_rubric(question_text, kind)
        texts = [(n, read_text_file(n)) for n in names]
    except RehearseError as exc:
        raise _fail(exc) from None
    for i, (name, text) in enumerate(texts):
        fb = text_feedback(text, None if name == "-" else name, duration, target, rubric, kind)
        if as_json:
            click.echo(json.dumps(fb.to_json(), ensure_ascii=False))
            continue
        if i:
            click.echo()
        click.echo(render.card(fb, title=name if name != "-" else "answer"))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option("--accurate", type=click.Choice(["whisper-tiny.en", "whisper-base.en", "none"]), default=None,
              help="The accurate pass that hears commands (default: the best Whisper model installed).")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="The streaming pass's recognizer, which hears commands when the accurate pass is off.")
@click.option("--model", type=str, default=None, help="Path to a Vosk model folder.")
@click.option("--lang", default="en-us", show_default=True, help="Language of the commands.")
def commands(files, as_json, accurate, engine, model, lang):
    """What a drill would do with each recording of a voice command said on its own.

    Check your own voice: record yourself saying "next" (or any command of `rehearse drill
    --help`), then see whether a drill would act on it, ask you to say it again, or ignore it.
    FILES are WAV or FLAC recordings (anything soundfile reads). One line per file, in the
    order given: the action (act, ask_again or ignore), the command, what was heard and how
    sure the tool is. A file that cannot be read gets an `Error:` line (with --json an object
    with `file` and `error` in its place), the rest are still heard, and the exit code is 1.

    \b
    Examples:
      rehearse commands next.wav
      rehearse commands --json stop.flac go.flac
    """
    import numpy as np

    from rehearse import accurate as acc
    from rehearse import accurate_commands as ac
    from rehearse import voice_commands as vc
    from rehearse.audio import SAMPLE_RATE_HZ, FileSource
    from rehearse.models import open_engine
    from rehearse.speech import _quiet_stderr

    def stretches_of(path):
        """The recording's stretches of speech, cut as a drill cuts the microphone (silence around it)."""
        silence = np.zeros(SAMPLE_RATE_HZ // 2, dtype=np.float32)
        x = np.concatenate([silence, *FileSource(path).chunks(), silence, silence])
        return [s.audio for s in vc.Segmenter(lead_s=getattr(spotter, "lead_s", 0.0)).add(x)]

    try:
        name, notice = acc.choose(accurate, lang)
        if notice:
            click.echo(notice, err=True)
        if name is not None:
            spotter = ac.AccurateSpotter(acc.shared(name), vc.PocketSphinxSpotter(lang))
        else:
            spotter = vc.spotter_for(open_engine(engine, model, lang), lang)
    except RehearseError as exc:
        raise _fail(exc) from None
    failed = 0
    for path in files:
        try:
            with _quiet_stderr():  # PocketSphinx's grammar search writes "ERROR: fsg_search.c …" to fd 2
                v = ac.verdict(path, spotter, stretches_of)
        except RehearseError as exc:
            failed += 1
            click.echo(f"Error: {exc}", err=True)
            if as_json:
                click.echo(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False))
            continue
        if as_json:
            click.echo(json.dumps(v.to_json(), ensure_ascii=False))
        else:
            what = f"{v.action} {v.command}" if v.command and v.action != "ignore" else v.action
            click.echo(f'{path}: {what} (heard "{v.heard}", confidence {v.confidence:.2f})')
    if failed:
        if len(files) > 1:
            click.echo(f"{failed} of {len(files)} files could not be heard.", err=True)
        sys.exit(1)


from rehearse.cli_model import model  # noqa: E402  (the `model` commands live in their own file)

cli.add_command(model)


def main() -> None:
    """Entry point: no traceback ever reaches the user; Ctrl-C exits 130."""
    import os

    os.umask(0o077)  # everything rehearse writes (answers, reports, speech) is the user's alone
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
    except RehearseError as exc:  # from deep inside (a broken C/A/R model file): still one line
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
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

from rehearse.cli_review import BANK_HELP  # noqa: E402


def _live_options(speak_feedback: bool = True, json_help: str = "One JSON object per answer, one per line."):
    def wrap(f):
        options = [
            click.option("--target", type=float, default=None, callback=_positive,
                         help="Target answer length in seconds (default: the question kind's own)."),
            click.option("--silence", type=float, default=4.0, show_default=True, callback=_positive,
                         help="Seconds of silence that end an answer."),
            click.option("--think", type=float, default=30.0, show_default=True, callback=_positive,
                         help="Seconds to wait for the answer to begin."),
            click.option("--max", "max_s", type=float, default=240.0, show_default=True, callback=_positive,
                         help="Longest answer recorded, in seconds."),
            click.option("--output-device", default=None, help="Speaker: device number or name."),
            click.option("--echo-tail", type=float, default=0.5, show_default=True,
                         help="Seconds of input ignored after the tool speaks (its echo from loudspeakers)."),
            click.option("--json", "as_json", is_flag=True, help=json_help),
            click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True),
            click.option("--model", type=str, default=None, help="Path to a Vosk model folder."),
            click.option("--lang", default="en-us", show_default=True),
            click.option("--accurate", type=click.Choice(["whisper-tiny.en", "whisper-base.en", "none"]),
                         default=None, help=ACCURATE_HELP),
            click.option("--follow-ups", type=click.IntRange(0, 1), default=1, show_default=True,
                         help="Follow-up questions after an answer with a gap (0: none)."),
            click.option("--endpoint", type=click.Choice(["smart", "fixed"]), default="smart", show_default=True,
                         help="smart: a complete answer ends about a second after your last word; "
                              "fixed: always after --silence."),
        ]
        if speak_feedback:
            options.append(click.option("--speak-feedback/--no-speak-feedback", default=False, show_default=True,
                                        help="Say the feedback aloud after each answer."))
        for opt in reversed(options):
            f = opt(f)
        return f

    return wrap


def _settings(target, think, silence, max_s, echo_tail, speak_feedback=False, follow_ups=0, endpoint="smart"):
    from rehearse.practice import Settings

    return Settings(target, think, silence, max_s, echo_tail, speak_feedback, follow_ups, endpoint)


def _finish(store, turns, session_id, as_json, report=True):
    """After a session: the summary, the report page, and exit 130 when it was interrupted."""
    from rehearse import render
    from rehearse.report import write_report

    if not as_json and len(turns) > 1:
        click.echo("\n" + render.summary(turns))
    if report and any(t.answer_id for t in turns):
        try:
            click.echo(f"Report: {write_report(store, session_id=session_id)}", err=True)
        except (RehearseError, OSError) as exc:
            _warn(f"no report written ({exc})")
    if any(t.interrupted for t in turns):
        click.echo("Interrupted; the answer so far was kept.", err=True)
        sys.exit(130)


@cli.command()
@click.option("--count", type=click.IntRange(min=1), default=3, show_default=True, help="Questions to ask.")
@click.option("--questions", "bank", default=None, help=BANK_HELP)
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@click.option("--round", "round_", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: a second interview: your recalled questions first, compared with round 1.")
@click.option("--remind/--no-remind", default=False, show_default=True,
              help="With --round 2: before each recalled question, say the first sentence of your round-1 "
                   "answer (typed, or heard reliably), else when you answered it.")
@_live_options()
@click.pass_obj
def interview(obj, count, bank, input_device, round_, remind, target, silence, think, max_s, output_device,
              echo_tail, as_json, engine, model, lang, accurate, follow_ups, endpoint, speak_feedback):
    """A spoken mock interview: hear a question, answer out loud, get feedback at once.

    Every answer is kept (audio, transcript, scores); see `rehearse history`.

    \b
    Examples:
      rehearse interview
      rehearse interview --count 5 --questions objection --speak-feedback
      rehearse interview --questions my-bank.toml --target 90 --json
    """
    import random

    from rehearse.console import Console, enter_key
    from rehearse.practice import Coach, Interview, first_round_questions, round_two_questions

    try:
        services = obj.live(input_device=input_device, output_device=output_device, engine=engine, model=model,
                            lang=lang, enter_pressed=enter_key(), accurate=accurate)
        previous = {}
        if round_ == 2:
            chosen, previous = round_two_questions(services.store, bank, count, random.Random())
        else:
            chosen = first_round_questions(services.store, bank, count, random.Random())
        console = Console(as_json, target, enter_ok=sys.stdin is not None and sys.stdin.isatty(), think_s=think)
        coach = Coach(services, _settings(target, think, silence, max_s, echo_tail, speak_feedback, follow_ups,
                                          endpoint), console, "interview", round_, previous)
        turns = Interview(coach, remind).run(chosen)
        _finish(services.store, turns, coach.session_id, as_json)
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--count", type=click.IntRange(min=1), default=5, show_default=True, help="Questions to ask.")
@click.option("--questions", "bank", default=None, help=BANK_HELP)
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@_live_options(speak_feedback=False, json_help="One JSON event per line: question, command, not_understood, "
                                               "follow_up, answer, feedback_spoken, end.")
@click.pass_obj
def drill(obj, count, bank, input_device, target, silence, think, max_s, output_device, echo_tail,
          as_json, engine, model, lang, accurate, follow_ups, endpoint):
    """A hands-free drill steered by voice: no keyboard, question after question, feedback spoken.

    Say a command on its own, with a pause before and after. The tool says what it heard
    before it acts, and does nothing when it is not sure ("Sorry, I did not catch that").

    \b
      next, next question, next one        go on to the next question
      repeat, repeat the question,         hear the question again
        say that again
      again, try again, one more time      answer the same question again
      replay, play it back, play my answer hear your last answer played back
      skip, skip this one, skip it         skip this question (or its follow-up)
      pause, pause please, hold on         pause until you say resume
      resume, carry on, continue           carry on after a pause
      done, I'm done, finished             end your answer now
      stop, stop the drill, end the drill  end the drill
      go back, previous question           go back to the previous question
      help, what can I say, help me        hear the commands

    \b
    Examples:
      rehearse drill
      rehearse drill --count 10 --questions objection
      rehearse drill --json
    """
    import random

    from rehearse.console import DrillConsole
    from rehearse.practice import Coach, Drill, first_round_questions

    try:
        services = obj.live(input_device=input_device, output_device=output_device, engine=engine, model=model,
                            lang=lang, spotter=True, accurate=accurate)
        chosen = first_round_questions(services.store, bank, count, random.Random())
        coach = Coach(services, _settings(target, think, silence, max_s, echo_tail, True, follow_ups, endpoint),
                      DrillConsole(as_json, target, think_s=think), "drill")
        turns = Drill(coach, services.spotter_for).run(chosen)
        _finish(services.store, turns, coach.session_id, True)
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--answer", "answer_file", type=click.Path(path_type=Path), default=None,
              help="The recorded answer to play in (default: the sample answer).")
@click.option("--speed", type=float, default=1.0, show_default=True, callback=_positive,
              help="Play the answer faster than real time.")
@_live_options()
@click.pass_obj
def demo(obj, answer_file, speed, target, silence, think, max_s, output_device, echo_tail, as_json,
         engine, model, lang, accurate, follow_ups, endpoint, speak_feedback):
    """A complete mock interview with no person and no keyboard.

    Asks a question aloud (printed where there is no speaker), then a recorded answer is played
    through the same live pipeline as the microphone, in real time, and the feedback is shown.
    You do not answer, and nothing is added to your history.

    \b
    Examples:
      rehearse demo
      rehearse demo --answer my-answer.wav --speak-feedback
    """
    import contextlib
    import tempfile
    from importlib import resources

    from rehearse.audio import PacedFileSource
    from rehearse.console import Console
    from rehearse.practice import Coach, Interview, Services
    from rehearse.questions import Question
    from rehearse.store import Store
    from rehearse.tts import Speaker

    try:
        with resources.as_file(resources.files("rehearse").joinpath("data/sample_answer.wav")) as sample:
            path = answer_file or sample
            PacedFileSource(path)  # check the file before anything is said
            click.echo("Demo: the sample recording answers the question (you do not need to speak); "
                       "nothing is kept.", err=True)
            with tempfile.TemporaryDirectory(prefix="rehearse-demo-") as tmp:
                store = Store(Path(tmp))
                services = Services(store, Speaker(), obj.player(output_device),
                                    lambda: contextlib.nullcontext(PacedFileSource(path, speed=speed)),
                                    obj.engine(engine, model, lang, accurate))
                # the recording cannot answer a follow-up question, so the demo asks none
                coach = Coach(services, _settings(target, think, silence, max_s, echo_tail, speak_feedback,
                                                  0, endpoint),
                              Console(as_json, target, think_s=think, demo=True), "demo")
                q = Question("Tell me about a time you solved a difficult problem at work.")
                turns = Interview(coach).run([q])
                store.close()
        click.echo("\nNext: answer questions yourself with `rehearse interview`. For better transcripts, "
                   "install the English speech model: `rehearse model install en-us-small`.", err=True)
        _finish(None, turns, None, as_json, report=False)
    except RehearseError as exc:
        raise _fail(exc) from None


@cli.command()
@click.option("--question", "question_text", required=True, help="What the first interview asked.")
@click.option("--kind", default="behavioural", show_default=True, help=KIND_HELP)
@click.option("--text", default=None, help="Your answer as you gave it, written out.")
@click.option("--file", "text_file", default=None, help="Your answer in a text file (`-` for stdin).")
@click.option("--input-device", default=None, help="Microphone, when answering by voice.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.option("--model", type=str, default=None, help="Path to a Vosk model folder.")
@click.option("--lang", default="en-us", show_default=True)
@click.option("--accurate", type=click.Choice(["whisper-tiny.en", "whisper-base.en", "none"]), default=None,
              help=ACCURATE_HELP)
@click.option("--silence", type=float, default=4.0, show_default=True, callback=_positive)
@click.pass_obj
def recall(obj, question_text, kind, text, text_file, input_device, engine, model, lang, accurate, silence):
    """Record what your first interview asked and how you answered (round 1).

    Give the answer as --text or --file, or say it out loud as you did then.
    `rehearse interview --round 2` then asks these questions again and compares.

    \b
    Examples:
      rehearse recall --question "Tell me about a difficult project." --text "Last year I ..."
      rehearse recall --question "Why do you want to join us?"        # answer by voice
    """
    from rehearse.console import Console
    from rehearse.practice import Coach, recall_by_voice, recall_text
    from rehearse.questions import Question

    try:
        text_of_question = " ".join(question_text.split())
        if not text_of_question:
            raise RehearseError("the question is empty")
        q = Question(text_of_question, *_kind_and_rubric(text_of_question, kind))
        if text is not None or text_file is not None:
            body = text if text is not None else read_text_file(text_file)
            if not body.strip():
                raise RehearseError("the answer is empty")
            click.echo(f"Kept as round-1 answer #{recall_text(obj.store(), q, body)}.")
            return
        services = obj.live(input_device=input_device, engine=engine, model=model, lang=lang, accurate=accurate)
        coach = Coach(services, _settings(None, 30.0, silence, 240.0, 0.5), Console(False, None),
                      "recall", 1)
        click.echo(f"Answer as you did in your first interview: {q.text}", err=True)
        recall_by_voice(coach, q)
    except RehearseError as exc:
        raise _fail(exc) from None


from rehearse.cli_review import history, questions, replay, report, stats  # noqa: E402

for _command in (stats, questions, history, replay, report):
    cli.add_command(_command)


@cli.command()
def devices():
    """List audio inputs and outputs; `*` marks the defaults.

    \b
    Example:
      rehearse devices
    """
    from rehearse.audio import list_devices

    try:
        rows = list_devices()
    except RehearseError as exc:
        raise _fail(exc) from None
    for row in rows:
        click.echo(row)


@cli.command()
@click.option("--input-device", default=None, help="Microphone: device number or name.")
@click.option("--output-device", default=None, help="Speaker: device number or name.")
@click.option("--seconds", type=float, default=3.0, show_default=True, callback=_positive)
@click.option("--accurate", type=click.Choice(["whisper-tiny.en", "whisper-base.en", "none"]), default=None,
              help=ACCURATE_HELP)
@click.pass_obj
def check(obj, input_device, output_device, seconds, accurate):
    """Check the speaker and microphone: says a phrase, records a few seconds, reports.

    \b
    Example:
      rehearse check
    """
    from rehearse import accurate as acc
    from rehearse.audio import check_input_device
    from rehearse.check import check_microphone
    from rehearse.models import describe_engine
    from rehearse.services import microphone
    from rehearse.tts import Speaker

    def show(event, **data):
        if event == "speaking":
            click.echo("Speaking a test phrase on the speaker…", err=True)
        elif event == "recording":
            click.echo(f"Recording {data['seconds']:.0f} s: say a sentence now.", err=True)

    try:
        check_input_device(input_device)
        passes = f"{describe_engine()} as you speak, then {acc.describe(accurate)}"
        result = check_microphone(Speaker(), obj.player(output_device), microphone(input_device), seconds, show,
                                  passes)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(result.to_text())
    if not result.ok:
        raise click.ClickException("the microphone needs attention")
