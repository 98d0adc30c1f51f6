"""What every command shares: the connection settings, turning library errors into one message, NAME=VALUE
pairs and a progress bar."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING

import click

from ..config import StoreConfig
from ..errors import ConfigError, EitgraphError
from ..safety.writing import terminal_safe

if TYPE_CHECKING:
    from ..kb import KnowledgeBase


# Output formats of query and indicators (written by .output, which imports pandas: only when a command writes).
FORMATS = ("table", "csv", "json", "xlsx", "csv-excel")


class Context:
    def __init__(self, config: StoreConfig, debug: bool):
        self.config = config
        self.debug = debug

    def open(self, quick: bool = False) -> KnowledgeBase:
        """``quick`` for short commands: faster JVM start, slower long loads."""
        from ..kb import KnowledgeBase

        return KnowledgeBase(dataclasses.replace(self.config, quick_start=quick))


def pairs(values: tuple[str, ...], what: str) -> dict:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"{what}: expected NAME=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


class EitgraphGroup(click.Group):
    """Turns library errors into clean messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EitgraphError as exc:
            if ctx.obj and ctx.obj.debug:
                raise
            click.secho(terminal_safe(f"Error: {exc}"), fg="red", err=True)
            ctx.exit(1)
        except OSError as exc:  # a file the command reads or writes: one message, never a traceback
            if ctx.obj and ctx.obj.debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.secho(terminal_safe(f"Error: {where}{exc.strerror or exc}"), fg="red", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


def progress_factory(label: str):
    state = {}

    def progress(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


class LazyChoice(click.Choice):
    """A choice whose values come from the library when the command is used, not when the command line
    starts: the modules that hold them import pandas, networkx or rdflib, which ``eitgraph status`` never needs."""

    def __init__(self, values):
        self._values, self._cached = values, None
        super().__init__([])

    @property
    def choices(self):
        if self._cached is None:
            self._cached = list(self._values())
        return self._cached

    @choices.setter
    def choices(self, _value) -> None:
        pass  # click sets them in __init__; they are read from the library instead
