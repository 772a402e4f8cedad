"""The command line in its user's language: ``--help`` texts and Click's own messages.

Help texts stay English in the sources (docstrings, ``help=``): they are the message ids
of the French catalogue (``locale/fr/i15cli.po``). The click objects of a run are built
afresh from them, so :func:`localise` translates them in place when the run builds them
(:class:`socialhub.cli.main.LazyGroup` calls it on the root and on each command it
loads), inside the run's language (:func:`cli_locale`, chosen before anything is parsed).
English runs skip it and never read a catalogue, so ``socialhub --help`` starts as fast
as before.

Click's own texts ("Usage:", "Options", "Error: Invalid value for …", "Try '… --help' for
help.") need more: Typer 0.29 vendors a trimmed Click (``typer._click``) whose texts are
English f-strings, not gettext calls; only ``typer.core`` calls the stdlib ``gettext``,
which has no French catalogue. :func:`install` therefore patches, in this one place, the
few spots that write them: ``typer.core``'s ``_``, the help formatter's usage prefix,
the help option's text, and how a usage error is shown, whose message is matched
against the English templates of :data:`CLICK_MESSAGES` and rebuilt from their French.
The tests (tests/cli/test_cli_help_french.py) fail when a Typer upgrade changes them.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import IO, Any

import typer.core
from typer import _click as click
from typer._click import termui
from typer._click.exceptions import UsageError

from socialhub.i18n import N_, current_locale, gettext, negotiate

HELP_OPTION = N_("Show this message and exit.")

# What typer.core passes to its ``_`` (msgids with str.format fields).
TYPER_TEXTS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    N_("(dynamic)"),
)

# Click's and Typer's usage errors, as English templates: a message that matches one is
# rebuilt from its French. Fields named ``message`` or ``reason`` are translated again
# (an inner message). First match wins: the catch-alls come last.
CLICK_MESSAGES = (
    N_("%(message)s. Did you mean %(names)s?"),
    N_("%(message)s (Possible options: %(names)s)"),
    N_("Missing argument %(name)s."),
    N_("Missing option %(name)s."),
    N_("Missing parameter %(name)s."),
    N_("No such option: %(name)s"),
    N_("No such command %(name)s."),
    N_("Missing command."),
    N_("Got unexpected extra argument(s) (%(args)s)"),
    N_("Option %(name)s requires an argument."),
    N_("Option %(name)s requires %(n)s arguments."),
    N_("Option %(name)s does not take a value."),
    N_("Argument %(name)s takes %(n)s values."),
    N_("Invalid value for %(name)s: %(reason)s"),
    N_("Invalid value: %(reason)s"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be greater than or equal to %(n)s"),
    N_("Input should be greater than %(n)s"),
    N_("Input should be less than or equal to %(n)s"),
    N_("Input should be less than %(n)s"),
    N_("Value %(value)s is not a valid %(label)s."),
    N_("%(value)s is not one of %(choices)s."),
    N_("File %(path)s does not exist."),
    N_("Directory %(path)s does not exist."),
    N_("Path %(path)s does not exist."),
    N_("File %(path)s is a directory."),
    N_("Directory %(path)s is a file."),
    N_("Path %(path)s is not readable."),
    N_("File %(path)s is not readable."),
    N_("Input should be %(choices)s"),
)
INNER = ("message", "reason")

# What Click's prompts write by themselves (typer._click.termui.prompt and confirm echo
# these literals; "Repeat for confirmation" is its default second prompt).
PROMPT_TEXTS = (
    N_("Error: The two entered values do not match."),
    N_("Error: The value you entered was invalid."),
    N_("Error: invalid input"),
    N_("Repeat for confirmation"),
)


def cli_locale(env: Mapping[str, str] | None = None) -> str:
    """The language of human output: ``SOCIALHUB_LOCALE``, else the first of
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that names French or English, else English
    (the message ids, as gettext does in the C locale). ``--json`` output never changes.
    """
    env = os.environ if env is None else env
    for name in ("SOCIALHUB_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = negotiate(env.get(name, "").split(".")[0])
        if found:
            return found
    return "en"


# -- help texts ---------------------------------------------------------------------------


def help_msgid(text: str) -> str:
    """The message id of a help text: a docstring without its indentation."""
    return inspect.cleandoc(text)


def translate_help(text: str | None) -> str | None:
    if not text:
        return text
    key = help_msgid(text)
    found = gettext(key)
    return text if found == key else found


def _tree(command: click.Command) -> Iterator[click.Command]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _tree(sub)


def localise(command: click.Command) -> click.Command:
    """Translate in place the help of ``command``, its parameters and subcommands into
    the current locale (a no-op in English: the texts are the English message ids)."""
    if current_locale() == "en":
        return command
    for cmd in _tree(command):
        cmd.help = translate_help(cmd.help)
        cmd.short_help = translate_help(cmd.short_help)
        for param in cmd.params:
            if hasattr(param, "help"):  # typer's options and arguments
                param.help = translate_help(param.help)
        if isinstance(cmd, typer.core.TyperGroup):
            cmd.subcommand_metavar = gettext("COMMAND [ARGS]...")
    return command


def help_texts(command: click.Command, path: str = "socialhub") -> Iterator[tuple[str, str]]:
    """(where, help text) of ``command``, its parameters and subcommands, as built."""
    yield path, help_msgid(command.help or "")
    if command.short_help:
        yield path, help_msgid(command.short_help)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            yield f"{path} {param.opts[0] if param.opts else param.name}", help_msgid(text)
    for name, sub in getattr(command, "commands", {}).items():
        yield from help_texts(sub, f"{path} {name}")


def help_msgids(tree: click.Command) -> dict[str, list[str]]:
    """Every help text of a command tree (a msgid) → where it is (command, option);
    ``tree``: :func:`socialhub.cli.main.full_tree`."""
    found: dict[str, list[str]] = {HELP_OPTION: ["socialhub --help"]}
    for where, text in help_texts(tree):
        if text:
            found.setdefault(text, []).append(where)
    return found


# -- Click's own texts --------------------------------------------------------------------


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for msgid in CLICK_MESSAGES:
        pattern = re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.+?)", re.escape(msgid))
        out.append((re.compile(pattern, re.DOTALL), msgid))
    return tuple(out)


def translate_message(message: str) -> str:
    """A usage error's English message in the current locale (unknown ones unchanged:
    our own ``BadParameter`` messages are translated where they are raised)."""
    if current_locale() == "en":
        return message
    for pattern, msgid in _patterns():
        found = pattern.fullmatch(message)
        if found:
            fields = {k: _field(k, v) for k, v in found.groupdict().items()}
            return gettext(msgid) % fields
    return message


def _field(name: str, value: str) -> str:
    if name == "choices":  # pydantic's "'recent' or 'severity'"
        word = gettext("or")
        return value.replace("' or '", f"' {word} '")
    if name not in INNER:
        return value
    inner = translate_message(value)
    if inner == value and not value.endswith("."):  # "Did you mean" drops the full stop
        inner = translate_message(value + ".").removesuffix(".")
    return inner


def _echo(text: str, file: IO[Any] | None, color: bool | None) -> None:
    click.echo(text, file=file, err=True, color=color)


def show_error(self: click.ClickException, file: IO[Any] | None = None) -> None:
    message = translate_message(self.format_message())
    _echo(gettext("Error: %(message)s") % {"message": message}, file, self.show_color)


def show_usage_error(self: UsageError, file: IO[Any] | None = None) -> None:
    color = None
    if self.ctx is not None:
        color = self.ctx.color
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = gettext("Try '%(command)s %(option)s' for help.") % {
                "command": self.ctx.command_path,
                "option": self.ctx.help_option_names[0],
            }
            hint += "\n"
        _echo(f"{self.ctx.get_usage()}\n{hint}", file, color)
    message = translate_message(self.format_message())
    _echo(gettext("Error: %(message)s") % {"message": message}, file, color)


class HelpFormatter(click.HelpFormatter):
    """Click's formatter with its two words of its own ("Usage:", the headings' colon)
    in the current locale (French puts a space before a colon)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{gettext('%(heading)s:') % {'heading': heading}}\n")


def _help_option(self: click.Command, ctx: click.Context) -> Any:
    option = _original_help_option(self, ctx)
    if option is not None:
        option.help = gettext(HELP_OPTION)
    return option


_original_help_option = click.Command.get_help_option


def _prompt_echo(message: Any = None, *args: Any, **kwargs: Any) -> None:
    """Click's ``echo`` as its prompts call it: their own English lines translated."""
    if isinstance(message, str) and message in PROMPT_TEXTS:
        message = gettext(message)
    _original_echo(message, *args, **kwargs)


def _prompt(text: str, *args: Any, **kwargs: Any) -> Any:
    if kwargs.get("confirmation_prompt") is True:  # Click's default second prompt
        kwargs["confirmation_prompt"] = gettext("Repeat for confirmation")
    return _original_prompt(text, *args, **kwargs)


_original_echo = termui.echo
_original_prompt = termui.prompt


def install() -> None:
    """Route Click's and Typer's own texts through our gettext (see the module's doc)."""
    typer.core._ = gettext
    termui.echo = _prompt_echo  # the prompts' lines, looked up in the module at each call
    termui.prompt = _prompt
    typer.prompt = _prompt
    click.Context.formatter_class = HelpFormatter
    click.Command.get_help_option = _help_option  # type: ignore[method-assign]
    click.ClickException.show = show_error  # type: ignore[method-assign]
    UsageError.show = show_usage_error  # type: ignore[method-assign]
