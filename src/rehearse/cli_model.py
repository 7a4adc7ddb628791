"""`rehearse model …`: find and install speech models (Click only; the work is in `models.py`)."""

from __future__ import annotations

from pathlib import Path

import click

from rehearse.errors import RehearseError


def _fail(exc: RehearseError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group()
def model():
    """Find and install speech models.

    \b
    Examples:
      rehearse model list
      rehearse model path
      rehearse model install en-us-small
      rehearse model install whisper-base.en
      rehearse model install --from vosk-model-small-en-us-0.15.zip
    """


@model.command("list")
def model_list():
    """List the Vosk models and Whisper's weights found on this machine, and the folders searched.

    \b
    Example:
      rehearse model list
    """
    from rehearse import accurate
    from rehearse.models import installed_models, vosk_dirs

    for name in accurate.NAMES:  # the accurate pass, in order of preference
        path = accurate.weights_dir(name)
        if path is not None:
            click.echo(f"{name}\t{path}")
    found = installed_models()
    for m in found:
        click.echo(f"{m.path.name}\t{m.path}")
    if not found:  # a result, not a failure: speech is still recognized, by PocketSphinx
        click.echo("No Vosk model is installed; PocketSphinx (bundled US English) will be used. "
                   "Add one with `rehearse model install en-us-small`.")
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
              help="Folder to install a Vosk model into (default: ~/.cache/vosk).")
@click.option("--hub-url", default=None,
              help="Where Whisper's weights come from (default: https://huggingface.co, or $REHEARSE_WHISPER_HUB).")
def model_install(name, from_file, md5, index_url, dest, hub_url):
    """Download, verify and unpack a Vosk model or Whisper's weights (the only command that uses
    the network).

    NAME is `<lang>-small` or `<lang>` (the current small model for a language, such as
    en-us-small), `<lang>-big`, `<lang>-lgraph`, or an exact model name from the list.
    An unknown name is refused at once, listing the known ones. The model list must
    answer within $REHEARSE_CONNECT_TIMEOUT_S seconds (default 30).

    NAME may also be whisper-base.en or whisper-tiny.en: Systran's faster-whisper conversion,
    each file checked against the hub's listing (size and SHA-256), into $REHEARSE_HOME/whisper.
    The accurate pass then uses base.en when it is installed (tiny.en comes with ./install.sh).

    \b
    Examples:
      rehearse model install en-us-small
      rehearse model install whisper-base.en
      rehearse model install vosk-model-en-us-0.22
      rehearse model install --from ~/Downloads/vosk-model-small-en-us-0.15.zip
    """
    from rehearse import models

    if bool(name) == bool(from_file):
        raise click.UsageError("give either a model NAME or --from FILE.zip")
    progress = _Progress()
    try:
        if name and name.lower().startswith("whisper"):
            models.check_whisper_name(name)  # an unknown name is refused before any network use
            if dest is not None or index_url is not None:
                raise models.ModelInstallError("--dir and --index-url are for Vosk models; Whisper's weights go "
                                               f"to {models.whisper_dir()}, from --hub-url")
            click.echo(f"Fetching {name} from {models.whisper_hub(hub_url)}", err=True)
            path = models.install_whisper(name, hub_url, progress=progress)
        elif from_file:
            path = models.install_from_file(from_file, dest, md5)
        else:
            models.parse_model_name(name)  # an unknown name is refused before any network use
            click.echo(f"Fetching the model list from {models.index_url(index_url)}", err=True)
            path = models.install(name, index_url, dest, progress)
    except RehearseError as exc:
        progress.done()
        raise _fail(exc) from None
    progress.done()
    click.echo(f"Installed {path.name} in {path.parent}", err=True)
    click.echo(str(path))
