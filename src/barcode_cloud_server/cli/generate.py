"""``barcode-cloud generate``: one image from the command line, or one per row of a CSV file.

The generation options are not written here: one option per parameter of the API's table (``api.generate.PARAMS``,
built from the SDK's wire models), passed on by wire name so that they are checked exactly as the API checks them.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import typer
from rich.markup import escape

from barcode_cloud import ApiClient
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
from barcode_cloud_server.tools.generation import (
    PARAMS,
    SUFFIXES,
    Param,
    build_request,
    format_for_path,
    generate_local,
    generate_remote,
)

_PANEL = "Image options (as the API's parameters)"
# Columns of a batch file besides the options: the data, the file name and the barcode type.
_DATA, _FILE, _TYPE = "data", "file", "type"
_MAX_SHOWN_CHOICES = 8


def option_name(param: Param) -> str:
    return param.attr.replace("_", "-")


def _help(param: Param) -> str:
    text = param.description
    if param.allowed and len(param.allowed) <= _MAX_SHOWN_CHOICES:
        text += " One of: " + ", ".join(param.allowed) + "."
    return escape(text)


_OPTION_PARAMS = [
    inspect.Parameter(
        param.attr,
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(None, "--" + option_name(param), help=_help(param), rich_help_panel=_PANEL),
        annotation=str | None,
    )
    for param in PARAMS
]
_COLUMNS = {**{p.wire.lower(): p.wire for p in PARAMS}, **{option_name(p): p.wire for p in PARAMS}}


@dataclass(frozen=True)
class Job:
    """One image to make: its row in the batch file (0 for the command line), type, data, options and file."""

    row: int
    barcode_type: str
    data: str
    options: Mapping[str, str]
    output: str  # a file name, or "-" for standard output
    problem: str | None = None  # what is wrong with the row, found while reading it


@dataclass(frozen=True)
class Outcome:
    job: Job
    error: str | None = None
    content: bytes = b""


def make(job: Job, client: ApiClient | None = None) -> Outcome:
    """Make and write one image; failures are the outcome's ``error`` (a process pool's worker)."""
    if job.problem:
        return Outcome(job, job.problem)
    if not job.barcode_type:
        return Outcome(job, "no barcode type: give TYPE on the command line or a 'type' column")
    to_stdout = job.output == "-"
    fmt = None if to_stdout else format_for_path(job.output)
    if not to_stdout and fmt is None and "imageFormat" not in job.options:
        return Outcome(
            job,
            f"{job.output}: its extension names no format (png, jpg, svg, tif, gif, bmp); add one "
            "or give --image-format",
        )
    try:
        req = build_request(job.barcode_type, job.data, job.options, fmt)
        content = generate_local(req) if client is None else generate_remote(client, req)
        if to_stdout:
            return Outcome(job, content=content)
        path = Path(job.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return Outcome(job)
    except ToolError as exc:
        return Outcome(job, exc.message)
    except OSError as exc:
        return Outcome(job, f"cannot write {job.output}: {exc.strerror or exc}")


def _safe_name(data: str) -> str:
    """A file name from the data, as zint's --batch names files: characters other than letters, digits, dot, dash
    and underscore become underscores."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", data)[:60].strip(".") or "barcode"
    return name


def _row_name(given: str, folder: Path) -> str:
    """A batch file's name for one image, kept inside the output folder."""
    path = Path(given)
    if path.is_absolute() or ".." in path.parts:
        raise ToolError(f"file name {given!r} must be relative to the output folder, without '..'")
    return str(folder / path)


def batch_jobs(text: str, barcode_type: str | None, options: Mapping[str, str], folder: Path) -> Iterator[Job]:
    """Jobs from CSV text with a header: ``data`` (required), ``file`` and ``type``, and any option by its wire name
    (``imageWidth``) or option name (``image-width``), which overrides the command line's. Rows with problems are
    jobs that fail (with the reason), so that the summary names them."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if _DATA not in [h.lower() for h in header]:
        raise ToolError(f"the batch file's first line must name its columns, one of them '{_DATA}'; got {header}")
    unknown = [h for h in header if h.lower() not in {_DATA, _FILE, _TYPE, *_COLUMNS}]
    if unknown:
        raise ToolError(f"unknown columns {unknown}: use data, file, type and option names such as imageWidth")
    used: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        row_options = dict(options)
        row_options.update({_COLUMNS[k]: v for k, v in row.items() if k in _COLUMNS and v})
        kind = row.get(_TYPE) or barcode_type or ""
        data = row.get(_DATA, "")
        suffix = SUFFIXES.get(row_options.get("imageFormat", "Png").capitalize(), ".png")
        name = row.get(_FILE) or _safe_name(data) + suffix
        used[name] = used.get(name, 0) + 1
        if used[name] > 1 and not row.get(_FILE):  # the same data twice: a second file, not an overwrite
            name = f"{Path(name).stem}-{used[name]}{Path(name).suffix}"
        try:
            yield Job(number, kind, data, row_options, _row_name(name, folder))
        except ToolError as exc:
            yield Job(number, kind, data, row_options, name, exc.message)


def _read_batch(source: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise ToolError(f"cannot read the batch file {source}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ToolError(f"the batch file {source} is not UTF-8 text") from None


def generate(
    barcode_type: str | None,
    data: str | None,
    output: str | None,
    batch: str | None,
    jobs: int | None,
    remote_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    access_token: str | None,
    token_url: str | None,
    **options: str | None,
) -> None:
    from barcode_cloud_server.cli.main import err

    given = {p.wire: value for p in PARAMS if (value := options.get(p.attr)) is not None}
    remote = remote_from(remote_url, client_id, client_secret, access_token, token_url)
    try:
        if remote is not None:
            remote.configuration()  # missing credentials: said once, before any row
        if batch is None:
            if not barcode_type or data is None:
                raise ToolError("give TYPE and DATA (or --batch FILE.csv)")
            if not output:
                raise ToolError("give -o FILE (its extension picks the format) or -o - for standard output")
            job_list = [Job(0, barcode_type, data, given, output)]
        else:
            if data is not None:
                raise ToolError("with --batch the data comes from the file's 'data' column: give no DATA")
            if output == "-":
                raise ToolError("with --batch, -o names a folder for the images")
            job_list = list(batch_jobs(_read_batch(batch), barcode_type, given, Path(output or ".")))
    except ToolError as exc:
        err.print(f"error: {exc.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    workers = jobs or (default_jobs() if remote is None else REMOTE_JOBS)
    failed = []
    with ExitStack() as stack:
        run = partial(make, client=None if remote is None else stack.enter_context(remote.client()))
        for outcome in run_all(run, job_list, jobs=workers, processes=remote is None, what="generating", err=err):
            if outcome.error:
                failed.append(outcome)
            elif outcome.job.output == "-":
                sys.stdout.buffer.write(outcome.content)
                sys.stdout.buffer.flush()
    _summary(job_list, failed, batch is not None, err.print)
    if failed:
        raise typer.Exit(1)


def _summary(job_list: list[Job], failed: list[Outcome], batch: bool, say: Callable[..., None]) -> None:
    if not batch:
        for outcome in failed:
            say(f"error: {outcome.error}", highlight=False, markup=False, soft_wrap=True)
        return
    say(f"{len(job_list) - len(failed)} of {len(job_list)} images written", highlight=False)
    for outcome in failed:
        say(
            f"line {outcome.job.row} ({outcome.job.output}): {outcome.error}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


_FIXED = [
    inspect.Parameter(
        "barcode_type",
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=typer.Argument(None, metavar="TYPE", help="Barcode type, e.g. QR, Code128, Pdf417 (any case)."),
        annotation=str | None,
    ),
    inspect.Parameter(
        "data",
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=typer.Argument(None, metavar="DATA", help="The data to encode (see --data-type)."),
        annotation=str | None,
    ),
    *(
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, default, annotation in (
            (
                "output",
                typer.Option(
                    None,
                    "--output",
                    "-o",
                    help="Image file (its extension picks the format: png, jpg, svg, tif, gif, bmp), - for standard "
                    "output; with --batch, the folder for the images (default: here).",
                ),
                str | None,
            ),
            (
                "batch",
                typer.Option(
                    None,
                    help="CSV file (- for standard input) with a header line: one image per row from its 'data' "
                    "column, named by its 'file' column (else by the data), of its 'type' column's type (else TYPE), "
                    "with any option as a column (imageWidth or image-width).",
                ),
                str | None,
            ),
        )
    ),
    *(
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in (
            ("jobs", Jobs),
            ("remote_url", RemoteUrl),
            ("client_id", ClientId),
            ("client_secret", ClientSecret),
            ("access_token", AccessToken),
            ("token_url", TokenUrl),
        )
    ),
]
generate.__signature__ = inspect.Signature([*_FIXED, *_OPTION_PARAMS])  # type: ignore[attr-defined]
generate.__annotations__ = {p.name: p.annotation for p in (*_FIXED, *_OPTION_PARAMS)}

EPILOG = """Examples:

  barcode-cloud generate QR "Hello" -o hello.png

  barcode-cloud generate Code128 ABC-123 -o label.svg --image-height 20 --units Millimeter

  barcode-cloud generate QR "https://example.com" -o - > qr.png

  barcode-cloud generate --batch labels.csv -o out/ QR   (columns: data,file,foreground-color)
"""


def register(app: typer.Typer) -> None:
    app.command(
        "generate",
        help="Generate a barcode image, or one per row of a CSV file (--batch), in process or through a server.",
        epilog=EPILOG,
    )(generate)
