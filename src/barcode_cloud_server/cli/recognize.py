"""``barcode-cloud recognize`` and ``scan``: the barcodes in files, folders and globs, every page of TIFF and PDF
files, on every core (one process each: the engine is CPU-bound) or through a server; a readable table, JSON
Lines or CSV. A file that cannot be read is reported and skipped.

Exit status, as zbarimg's: 0 when every file held a barcode, 4 when some file held none, 1 when some file could
not be read (or named nothing), 2 for bad usage."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from barcode_cloud import ApiClient
from barcode_cloud.models import RecognitionImageKind, RecognitionMode
from barcode_cloud_server.cli.parallel import default_jobs, run_all
from barcode_cloud_server.cli.remote_options import (
    REMOTE_JOBS,
    AccessToken,
    ClientId,
    ClientSecret,
    Jobs,
    RemoteUrl,
    TokenUrl,
    remote_from,
)
from barcode_cloud_server.tools.errors import ToolError
from barcode_cloud_server.tools.inputs import collect
from barcode_cloud_server.tools.remote import Remote
from barcode_cloud_server.tools.results import FileResult, Query

EXIT_NO_BARCODE = 4
CSV_COLUMNS = ("file", "page", "type", "value", "checksum", "error")

Paths = Annotated[list[str], typer.Argument(help="Image or PDF files, folders (searched recursively) and globs.")]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per file, one a line (JSON Lines).")]
AsCsv = Annotated[bool, typer.Option("--csv", help="CSV: one row per barcode (and per file without one).")]


def _remote_file(path: Path, query: Query, client: ApiClient) -> FileResult:
    """Through a server (a thread pool's worker: the threads share one client, its connections and its token)."""
    from barcode_cloud_server.tools.recognition import read_bytes, recognize_remote

    try:
        return FileResult(str(path), recognize_remote(client, read_bytes(path), query))
    except ToolError as exc:
        return FileResult(str(path), error=exc.message)
    except Exception as exc:  # as in process: one file's surprise is reported with it, and the run goes on
        return FileResult(str(path), error=f"internal error: {type(exc).__name__}: {exc}")


def _emit_table(results: list[FileResult], out: Console) -> None:
    table = Table("file", "page", "type", "value")
    for r in results:
        if r.error:
            table.add_row(Text(r.file), "", "", Text(f"error: {r.error}", style="red"))
        elif not r.barcodes:
            table.add_row(Text(r.file), "", "", Text("no barcode", style="yellow"))
        for b in r.barcodes:
            table.add_row(Text(r.file), _page(b.page), b.type, Text(b.value))
    out.print(table)


def _csv_rows(result: FileResult) -> Iterable[list[str]]:
    if result.error or not result.barcodes:
        yield [result.file, "", "", "", "", result.error or ""]
    for b in result.barcodes:
        yield [result.file, _page(b.page), b.type, b.value, b.checksum or "", ""]


def _page(page: int | None) -> str:
    return "" if page is None else str(page)


def run(paths: list[str], query: Query, as_json: bool, as_csv: bool, jobs: int | None, remote: Remote | None) -> None:
    from barcode_cloud_server.cli.main import err
    from barcode_cloud_server.tools.recognition import check_types, recognize_file

    if as_json and as_csv:
        err.print("error: give --json or --csv, not both")
        raise typer.Exit(2)
    try:
        check_types(query.types)
        if remote is not None:
            remote.configuration()
    except ToolError as exc:
        err.print(f"error: {exc.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    inputs = collect(paths)
    results = [FileResult(name, error=problem) for name, problem in inputs.problems]
    for r in results:
        err.print(f"{r.file}: {r.error}", highlight=False, markup=False, soft_wrap=True)
        if as_json:
            sys.stdout.write(json.dumps(r.as_dict()) + "\n")
    if as_csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(
            [list(CSV_COLUMNS), *(row for r in results for row in _csv_rows(r))]
        )
    with ExitStack() as stack:
        if remote is None:
            job: Callable[[Path], FileResult] = partial(recognize_file, query=query)
        else:
            job = partial(_remote_file, query=query, client=stack.enter_context(remote.client()))
        workers = jobs or (default_jobs() if remote is None else REMOTE_JOBS)
        results.extend(_read_all(job, inputs.files, workers, remote is None, as_json, as_csv))
    _finish(results, as_json, as_csv)


def _read_all(
    job: Callable[[Path], FileResult], files: list[Path], workers: int, processes: bool, as_json: bool, as_csv: bool
) -> Iterator[FileResult]:
    from barcode_cloud_server.cli.main import err

    for result in run_all(job, files, jobs=workers, processes=processes, what="reading", err=err):
        yield result
        if result.error:
            err.print(f"{result.file}: {result.error}", highlight=False, markup=False, soft_wrap=True)
        if as_json:  # streamed: a consumer sees each file as it is read
            sys.stdout.write(json.dumps(result.as_dict()) + "\n")
            sys.stdout.flush()
        elif as_csv:
            csv.writer(sys.stdout, lineterminator="\n").writerows(_csv_rows(result))


def _finish(results: list[FileResult], as_json: bool, as_csv: bool) -> None:
    from barcode_cloud_server.cli.main import err, out

    if not as_json and not as_csv:
        _emit_table(results, out)
    errors = sum(1 for r in results if r.error)
    empty = sum(1 for r in results if not r.error and not r.barcodes)
    found = sum(len(r.barcodes) for r in results)
    err.print(f"{len(results)} files: {found} barcodes, {empty} without a barcode, {errors} errors", highlight=False)
    if errors:
        raise typer.Exit(1)
    if empty:
        raise typer.Exit(EXIT_NO_BARCODE)


_EXAMPLES = """Exit status: 0 when every file held a barcode, 4 when some file held none, 1 when some file could not
be read.

Examples:

  barcode-cloud {name} scans/ --json > found.jsonl

  barcode-cloud {name} 'inbox/**/*.pdf' --csv > found.csv

  barcode-cloud {name} label.png --remote https://barcodes.example.com
"""


def recognize(
    paths: Paths,
    barcode_type: Annotated[
        list[str] | None,
        typer.Option("--type", "-t", help="Barcode type to look for (repeat for more; default: every type)."),
    ] = None,
    mode: Annotated[
        RecognitionMode, typer.Option(case_sensitive=False, help="How hard to look.")
    ] = RecognitionMode.NORMAL,
    image_kind: Annotated[
        RecognitionImageKind, typer.Option(case_sensitive=False, help="What the images are, to pick the passes.")
    ] = RecognitionImageKind.PHOTO,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    jobs: Jobs = None,
    remote_url: RemoteUrl = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    access_token: AccessToken = None,
    token_url: TokenUrl = None,
) -> None:
    """Read the barcodes of the given types in images and PDFs (every page)."""
    remote = remote_from(remote_url, client_id, client_secret, access_token, token_url)
    run(
        paths,
        Query(tuple(barcode_type) if barcode_type else None, mode.value, image_kind.value),
        as_json,
        as_csv,
        jobs,
        remote,
    )


def scan(
    paths: Paths,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    jobs: Jobs = None,
    remote_url: RemoteUrl = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    access_token: AccessToken = None,
    token_url: TokenUrl = None,
) -> None:
    """Read every barcode of every type in images and PDFs (every page), as the API's scan does."""
    remote = remote_from(remote_url, client_id, client_secret, access_token, token_url)
    run(paths, Query(), as_json, as_csv, jobs, remote)


def register(app: typer.Typer) -> None:
    app.command("recognize", epilog=_EXAMPLES.format(name="recognize"))(recognize)
    app.command("scan", epilog=_EXAMPLES.format(name="scan"))(scan)
