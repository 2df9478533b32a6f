"""The shared data sets beside the checkout (``../shared/data``), which some tests read.

CI has them, so a test that needs one fails when it is missing, saying where it looked: a
silent skip would let those checks vanish from a run without anyone noticing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """The path `SHARED_DATA/parts...`; the calling test fails, naming it, if it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(
            f"{path} is missing: this test reads the shared data sets, which CI keeps beside the "
            "checkout as ../shared/data; put them there to run it",
            pytrace=False,
        )
    return path
