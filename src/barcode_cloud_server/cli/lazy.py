"""Commands that are built only when one of them runs.

Typer builds every command's options when the program starts, and some options come from heavy modules (the
generate options from the SDK's wire models): ``lazy_group`` makes a group class whose commands named in its
summaries are registered, by one function, the first time one of them is looked up to run or to show its own
help. The group's help lists them from their summaries, so that ``barcode-cloud --help`` loads none of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:  # Typer's own copy of Click, whose classes its groups take and give
    from typer._click import Command, Context, HelpFormatter

Register = Callable[[typer.Typer], None]


@cache
def _built(register: Register) -> dict[str, Command]:
    commands = typer.Typer()
    register(commands)
    return dict(typer.main.get_group(commands).commands)


def lazy_group(register: Register, summaries: Mapping[str, str]) -> type[TyperGroup]:
    """A group class (``typer.Typer(cls=...)``) listing the commands ``register`` adds, by the first paragraph of
    their help in ``summaries``, before the group's other commands."""

    class LazyGroup(TyperGroup):
        def __init__(self, **attrs: Any) -> None:
            super().__init__(**attrs)
            stand_ins: dict[str, Command] = {name: TyperCommand(name, help=text) for name, text in summaries.items()}
            self.commands = {**stand_ins, **self.commands}
            self._listing = False

        def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
            if cmd_name in summaries and not self._listing:
                self.commands[cmd_name] = _built(register)[cmd_name]
            return super().get_command(ctx, cmd_name)

        def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
            self._listing = True  # the list of commands needs their names and summaries only
            try:
                super().format_help(ctx, formatter)
            finally:
                self._listing = False

    return LazyGroup
