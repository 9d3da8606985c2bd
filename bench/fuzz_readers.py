"""The long form of tests/test_readers_hypothesis.py and tests/api/test_openapi_schemathesis.py: the same
properties with many more examples (the suite runs 60 and 8).

    .venv/bin/python bench/fuzz_readers.py [--examples 5000] [--schemathesis-examples 200]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="per Hypothesis property")
    parser.add_argument("--schemathesis-examples", type=int, default=200, help="per API operation")
    args = parser.parse_args()
    env = {
        **os.environ,
        "HYPOTHESIS_EXAMPLES": str(args.examples),
        "SCHEMATHESIS_EXAMPLES": str(args.schemathesis_examples),
    }
    tests = ["tests/test_readers_hypothesis.py", "tests/api/test_openapi_schemathesis.py"]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
