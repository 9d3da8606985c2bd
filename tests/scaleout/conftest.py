"""One three-host cluster (tests.support.cluster) for every multi-host test: it takes some 15 s to start."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.cluster import Cluster, missing, running_cluster


@pytest.fixture(scope="package")
def cluster() -> Iterator[Cluster]:
    reason = missing()
    if reason:
        # As with PostgreSQL (tests/conftest.py): under CI a missing tool fails the run instead of halving it.
        if os.environ.get("CI"):
            pytest.fail(f"the multi-host tests cannot run: {reason}")
        pytest.skip(reason)
    # Usage counts flushed every second: the usage tests wait for a flush on every host several times.
    with running_cluster(3, usage_flush_seconds=1.0) as cluster:
        yield cluster
