"""``adal compile PATH...``: compiled releases as JSON Lines on stdout (the drop-in for ``ocdskit compile``)."""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Annotated, Any

import orjson
import typer

from adal.errors import MergeError
from adal.sources.ocds.merge import compile_release
from adal.sources.ocds.reader import Problem, PublisherCompiled, Release, UndecodableFile, discover, read


def register(app: typer.Typer) -> None:
    @app.command("compile")
    def compile_command(
        paths: Annotated[
            list[str], typer.Argument(help="Files or directories of releases (or - for stdin).")
        ],
        encoding: Annotated[
            str | None, typer.Option(help="Text encoding of the input (default UTF-8).")
        ] = None,
    ) -> None:
        """Merge releases by ocid and write one compiled release per line to stdout.

        Problems (invalid JSON, releases that cannot be merged) are reported on stderr and skipped; the
        exit code is 0 when every input could be read.
        """
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        publisher: dict[str, dict[str, Any]] = {}
        problems = 0
        for input_file in discover(paths):
            try:
                for event in read(input_file, encoding):
                    if isinstance(event, Release):
                        groups[event.data["ocid"]].append(event.data)
                    elif isinstance(event, PublisherCompiled):
                        if event.linked_only and isinstance(event.data.get("ocid"), str):
                            publisher[event.data["ocid"]] = event.data
                    elif isinstance(event, Problem):
                        problems += 1
                        typer.echo(f"adal: {input_file.path}: {event.locator}: {event.reason}", err=True)
            except UndecodableFile as error:
                problems += 1
                typer.echo(f"adal: {input_file.path}: {error.reason}", err=True)
        out = sys.stdout.buffer
        for ocid, releases in groups.items():
            try:
                compiled = compile_release(releases)
            except MergeError as error:
                problems += 1
                typer.echo(f"adal: {ocid}: cannot be merged: {error}", err=True)
                continue
            out.write(orjson.dumps(compiled, option=orjson.OPT_APPEND_NEWLINE))
        for ocid, compiled in publisher.items():
            if ocid not in groups:
                out.write(orjson.dumps(compiled, option=orjson.OPT_APPEND_NEWLINE))
        out.flush()
        if problems:
            typer.echo(f"adal: {problems} problems reported above", err=True)
