"""The generate hot path and the documented FastAPI route answer every GET and HEAD alike.

The fuzz suite's generate requests are sent, in process, once through the server's full stack (where the hot path
answers them) and once through the same stack without the hot path (where the documented route does): the same
status, headers and body each time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from barcode_cloud_server.web.request_context import RequestContextMiddleware
from barcode_cloud_server.web.trailing_slash import StripTrailingSlash
from tests.support.api_requests import ACCEPTS, SEED, make_cases
from tests.support.servers import in_process_app

CASES = 400
# An error body's dateTime is the second it was made: the one part two answers may differ in (an XML body
# names the element DateTime).
_DATE_TIME = re.compile(rb'("dateTime":\s*"|<DateTime>)[^"<]*')


Stacks = tuple[Any, Any, list[dict[str, str]]]


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Stacks:
    """The server's app, the same app without the hot path, and Authorization headers: a good token, none, a bad
    one, and a token without the generate scope."""
    app, auth = in_process_app(Path(tmp_path_factory.mktemp("parity")), "barcode.generate")
    without_hot_path = RequestContextMiddleware(StripTrailingSlash(app.behind_front))

    async def routes_only(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = app
        await without_hot_path(scope, receive, send)

    identity = app.state.identity
    recognize_only = identity.tokens.issue(identity.clients.list()[0].id, ["barcode.recognize"]).access_token
    auths = [auth, {}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {recognize_only}"}]
    return app, routes_only, auths


def _requests() -> Iterator[tuple[str, str, dict[str, str]]]:
    rnd = random.Random(SEED)
    cases = make_cases(b"")
    for number in range(CASES):
        method, kwargs = cases["GenerateHead" if number % 4 == 0 else "Generate"](rnd)
        headers = {"X-Request-Id": f"parity-{number}"}
        accept = rnd.choice(ACCEPTS)
        if accept is not None:
            headers["Accept"] = accept
        yield method, kwargs["url"], headers


def _answer(response: httpx.Response) -> tuple[Any, ...]:
    return response.status_code, response.headers.multi_items(), _DATE_TIME.sub(rb"\1", response.content)


async def test_hot_path_and_route_answer_alike(stacks: Stacks) -> None:
    app, routes_only, auths = stacks
    statuses: set[int] = set()
    base = "http://test/v4.0/barcode"
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as hot,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=routes_only), base_url=base) as routed,
    ):
        for number, (method, url, headers) in enumerate(_requests()):
            # mostly the good token; every tenth request one of the others
            headers.update(auths[0] if number % 10 else auths[number // 10 % len(auths)])
            try:
                request = hot.build_request(method, url, headers=headers)
            except (httpx.InvalidURL, UnicodeEncodeError):
                continue  # not sendable as HTTP
            first = await hot.send(request)
            second = await routed.send(routed.build_request(method, url, headers=headers))
            assert _answer(first) == _answer(second), (method, url, headers)
            statuses.add(first.status_code)
    assert {200, 400, 401, 403, 404} <= statuses, statuses
