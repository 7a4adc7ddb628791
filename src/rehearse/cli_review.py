"""Looking back: `stats`, `questions`, `history`, `replay`, `report` (Click only; the work is in the core)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rehearse.errors import RehearseError

BANK_HELP = ("A TOML question bank, or a built-in kind: behavioural, second-interview, objection, motivation, "
             "closing.")


def _fail(exc: RehearseError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
@click.pass_obj
def stats(obj, as_json):
    """Your practice in numbers: time, answers, share on target, what is most often missing.

    \b
    Example:
      rehearse stats
    """
    from rehearse import render

    try:
        out = obj.store().stats()
    except RehearseError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(out))
    elif not out["answers"]:
        click.echo("No answers yet. Start with `rehearse interview`.", err=True)
    else:
        click.echo(render.stats(out))


@click.group()
def questions():
    """Question banks.

    \b
    Examples:
      rehearse questions list
      rehearse questions list --bank objection
      rehearse questions list --bank my-bank.toml
    """


@questions.command("list")
@click.option("--bank", default=None, help=BANK_HELP)
@click.pass_obj
def questions_list(obj, bank):
    """List the questions of a bank: how often you have practised each, its kind, its text.

    \b
    Example:
      rehearse questions list --bank second-interview
    """
    from rehearse.questions import load_bank

    try:
        qs = load_bank(bank)
        counts = obj.store().practice_counts()
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(f"{'Practised':9s}  {'Kind':16s}  Question")
    for q in qs:
        click.echo(f"{counts.get(q.text, 0):9d}  {q.kind:16s}  {q.text}")


@questions.command("prepare")
@click.option("--bank", default=None, help=BANK_HELP)
def questions_prepare(bank):
    """Synthesize a bank's questions now (the built-in one by default), so each is spoken at once.

    \b
    Example:
      rehearse questions prepare
    """
    from rehearse.practice import fixed_sentences
    from rehearse.questions import load_bank
    from rehearse.tts import Speaker

    speaker = Speaker()
    try:
        texts = [q.text for q in load_bank(bank)]
        for text in texts:
            speaker.to_wav(text)
        for text in fixed_sentences():
            speaker.quick_wav(text)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(f"{len(texts)} questions ready in {speaker.cache_dir}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line.")
@click.option("--question", default=None, help="Only answers to questions containing this text.")
@click.pass_obj
def history(obj, as_json, question):
    """Your answers, newest first (a follow-up reply under its answer, as 7.1), and how each
    question's attempts improved.

    \b
    Examples:
      rehearse history
      rehearse history --question "difficult problem"
      rehearse history --json
    """
    from rehearse import render

    try:
        answers = obj.store().answers(question)
    except RehearseError as exc:
        raise _fail(exc) from None
    if as_json:
        for fb in answers:
            click.echo(json.dumps(fb.to_json(), ensure_ascii=False))
    elif not answers and question:
        click.echo(f"No answer matches \"{question}\"; `rehearse history` lists them all.", err=True)
    elif not answers:
        click.echo("No answers yet. Start with `rehearse interview`.", err=True)
    else:
        click.echo(render.history(answers))


@click.command()
@click.argument("answer", default="last")
@click.option("--output-device", default=None, help="Speaker: device number or name.")
@click.pass_obj
def replay(obj, answer, output_device):
    """Play a recorded answer with its transcript in time, then its feedback.

    ANSWER is an answer number, `last`, or 12.1 for the reply to answer 12's follow-up.

    \b
    Examples:
      rehearse replay
      rehearse replay 12
      rehearse replay 12.1
    """
    from rehearse import render
    from rehearse.practice import replay as play_answer

    try:
        fb = obj.store().answer(answer)
        name = f"Follow-up #{fb.number} to answer #{fb.parent_id}" if fb.parent_id else f"Answer #{fb.number}"
        click.echo(f"{name}: {fb.question or ''}", err=True)
        if fb.typed and not fb.audio_path:  # a typed answer has nothing to play: its words are shown
            click.echo("This answer was typed; there is no recording to play.", err=True)
            click.echo(fb.data.get("text") or fb.transcript, nl=False)
        else:
            player = obj.player(output_device)
            play_answer(fb, player, lambda w: (click.echo(w.word + " ", nl=False), sys.stdout.flush()))
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo()
    click.echo(render.card(fb, title=render.answer_title(fb)))


@click.command()
@click.argument("answer", required=False)
@click.option("--session", "session_id", type=int, default=None, help="Every answer of one session.")
@click.option("--all", "all_answers", is_flag=True, help="Every answer you have recorded.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the page (default: $REHEARSE_HOME/reports/).")
@click.option("--open", "open_it", is_flag=True, help="Open the page in your browser.")
@click.pass_obj
def report(obj, answer, session_id, all_answers, output, open_it):
    """Write a self-contained HTML page: timeline, synced audio and transcript, progress.

    ANSWER is an answer number or `last` (a follow-up reply's, 12.1, shows its answer); with nothing
    given, the latest session.

    \b
    Examples:
      rehearse report
      rehearse report last --open
      rehearse report --all -o ~/interview-practice.html
    """
    if sum(bool(x) for x in (answer, session_id, all_answers)) > 1:
        raise click.UsageError("give one of ANSWER, --session or --all")
    from rehearse.report import write_report

    try:
        path = write_report(obj.store(), answer, session_id, all_answers, output)
    except RehearseError as exc:
        raise _fail(exc) from None
    click.echo(str(path))
    if open_it:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
