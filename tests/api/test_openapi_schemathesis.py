"""Schemathesis against our own /openapi.json: every operation, with a bounded number of generated examples
(``SCHEMATHESIS_EXAMPLES``, default 8), in process. No answer is a 5xx, and every answer matches the document
(status, content type, headers, body)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from barcode_cloud_server.identity.scopes import GENERATE, RECOGNIZE
from tests.support.servers import in_process_app

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))

_app, _auth = in_process_app(Path(tempfile.mkdtemp(prefix="bc-schemathesis-")), GENERATE, RECOGNIZE)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_within_its_schema(case: schemathesis.Case) -> None:
    # Not positive_data_acceptance: a schema-valid request may still ask for what cannot be done (empty data, a
    # symbology's character set, sizes too small to draw), which is a 400 saying what is wrong. Not
    # negative_data_rejection: the JSON reader is lax where the schema is strict (0 and 1 are booleans).
    case.call_and_validate(headers=_auth, excluded_checks=[positive_data_acceptance, negative_data_rejection])
