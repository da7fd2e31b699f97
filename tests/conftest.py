from __future__ import annotations

from datetime import datetime

import pytest

from builders import NOW


@pytest.fixture
def now() -> datetime:
    return NOW
