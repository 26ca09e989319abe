"""Amounts as customers read them on the public pages."""

import pytest

from regulars.pages.common import yuan

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(("fen", "shown"), [(2000, "20"), (30050, "300.50"), (30005, "300.05"), (1999, "19.99"), (0, "0")])
def test_yuan_whole_or_with_both_decimals(fen, shown):
    assert yuan(fen) == shown
