"""Where the tests find the project's shared folder (the wire contract and the recognition corpus): beside the
repository, as in CI; ``BARCODE_CLOUD_SHARED`` points elsewhere."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("BARCODE_CLOUD_SHARED") or Path(__file__).resolve().parents[3] / "shared")
SPEC_PATH = SHARED / "spec" / "aspose-barcode-cloud-v4.json"
CORPUS = SHARED / "corpus" / "zxing-cpp-samples"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text())
