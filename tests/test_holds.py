from __future__ import annotations

import pytest

from barcode_cloud_server.web.holds import Holds


def test_holds_count_each_client_and_all_and_give_back_on_error() -> None:
    holds = Holds()
    with holds.hold("a"), holds.hold("a"), holds.hold("b"):
        assert (holds.of("a"), holds.of("b"), holds.of("c"), holds.total) == (2, 1, 0, 3)
    with pytest.raises(RuntimeError), holds.hold("a"):
        raise RuntimeError
    assert (holds.of("a"), holds.total) == (0, 0)
