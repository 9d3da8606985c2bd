"""The recognition queue: a request's time budget counts the time it waits for a decoding thread, and the number of
recognitions one process holds at once (their images in memory), and one client holds, is bounded. In-process
(ASGI) with the engine replaced by a slow stand-in, so that the queue forms on cue."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

import barcode_cloud_server.api.recognize as recognize_api
from barcode_cloud_server.engine.recognize import Mode
from tests.support.servers import in_process_app

ENGINE_SECONDS = 0.6
BUDGET = 0.3


@pytest.fixture
def app_and_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict[str, str], list[float]]:
    deadlines: list[float] = []

    def slow_engine(*_args: object, deadline: float, **_kwargs: object) -> list[object]:
        deadlines.append(deadline - time.monotonic())
        time.sleep(ENGINE_SECONDS)
        return []

    monkeypatch.setattr(recognize_api, "recognize_bytes", slow_engine)
    monkeypatch.setattr(recognize_api, "BUDGET_SECONDS", {mode: BUDGET for mode in Mode})
    monkeypatch.setattr(recognize_api._decoding_threads, "limiter", anyio.CapacityLimiter(1))
    monkeypatch.setattr(recognize_api, "PER_CLIENT_PER_THREAD", 8)
    app, headers = in_process_app(tmp_path, "barcode.recognize")
    return app, headers, deadlines


async def _scan_all(app: Any, headers: dict[str, str], count: int) -> list[httpx.Response]:
    """``count`` scans at once; their answers in the order they came."""
    body = {"fileBase64": base64.b64encode(b"not decoded by the stand-in").decode()}
    answered: list[httpx.Response] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:

        async def scan() -> None:
            answered.append(await client.post("/v4.0/barcode/scan-body", json=body, headers=headers))

        await asyncio.gather(*(scan() for _ in range(count)))
    return answered


def test_budget_spent_waiting_for_a_thread_is_a_503_not_an_empty_result(
    app_and_headers: tuple[Any, dict[str, str], list[float]],
) -> None:
    app, headers, deadlines = app_and_headers
    responses = asyncio.run(_scan_all(app, headers, 3))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 503, 503]
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["Retry-After"] == "2"
    assert "budget" in busy.json()["error"]["message"]
    assert len(deadlines) == 1 and 0 < deadlines[0] <= BUDGET  # the engine got what was left of the budget
    assert recognize_api._in_flight == 0 and recognize_api._reading == 0 and recognize_api._places.total == 0


def _three_scans_with_a_limit_of_two(
    app_and_headers: tuple[Any, dict[str, str], list[float]], monkeypatch: pytest.MonkeyPatch, limit: str
) -> list[httpx.Response]:
    """Three scans at once, with a budget none of them runs out of and ``limit`` set to 2."""
    app, headers, _ = app_and_headers
    monkeypatch.setattr(recognize_api, "BUDGET_SECONDS", {mode: 10.0 for mode in Mode})
    monkeypatch.setattr(recognize_api, limit, 2)
    return asyncio.run(_scan_all(app, headers, 3))


def test_too_many_queued_recognitions_are_refused_at_once(
    app_and_headers: tuple[Any, dict[str, str], list[float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = _three_scans_with_a_limit_of_two(app_and_headers, monkeypatch, "QUEUE_PER_THREAD")
    # The refused one did not wait its turn: answered before the engine had finished with the first.
    assert [r.status_code for r in responses] == [503, 200, 200]
    assert "queued" in responses[0].json()["error"]["message"]
    assert recognize_api._in_flight == 0  # every place taken was given back, the refused one's too
    assert recognize_api._reading == 0 and recognize_api._places.total == 0


def test_one_client_holds_at_most_its_share_of_the_recognitions(
    app_and_headers: tuple[Any, dict[str, str], list[float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = _three_scans_with_a_limit_of_two(app_and_headers, monkeypatch, "PER_CLIENT_PER_THREAD")
    assert sorted(r.status_code for r in responses) == [200, 200, 429]
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["Retry-After"] == "2" and "this client" in refused.json()["error"]["message"]
    assert recognize_api._reading == 0 and recognize_api._places.total == 0
