"""The counter's signed, rotating token."""

import datetime as dt

import pytest

from regulars.acquisition import counter
from regulars.core.errors import Gone, NotFound

pytestmark = pytest.mark.nodb
NOW = dt.datetime(2027, 5, 1, 3, 0, tzinfo=dt.timezone.utc)


def test_token_round_trip():
    token = counter.sign(7, 42, NOW)
    read = counter.read(token, now=NOW + dt.timedelta(seconds=10))
    assert (read.store_id, read.staff_id, read.issued_at) == (7, 42, NOW)
    assert len(token) == 40 and len(read.nonce) == 10


def test_token_unique_each_time():
    assert counter.sign(7, 42, NOW) != counter.sign(7, 42, NOW)


def test_token_expires_after_scan_window_but_confirms_longer():
    token = counter.sign(7, 42, NOW)
    later = NOW + dt.timedelta(seconds=counter.SCAN_SECONDS + 1)
    with pytest.raises(Gone):
        counter.read(token, now=later)
    assert counter.read(token, now=later, within=counter.CONFIRM_SECONDS).store_id == 7
    with pytest.raises(Gone):
        counter.read(token, now=NOW + dt.timedelta(seconds=counter.CONFIRM_SECONDS + 1), within=counter.CONFIRM_SECONDS)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),   # signature changed
    lambda t: ("A" if t[3] != "A" else "B").join([t[:3], t[4:]]),  # payload changed (store or clerk)
    lambda t: t[:20],
    lambda t: t + "AAAA",
    lambda t: "!!!" + t,
    lambda t: "",
])
def test_token_tampered_not_found(mangle):
    with pytest.raises(NotFound):
        counter.read(mangle(counter.sign(7, 42, NOW)), now=NOW)


def test_token_from_the_future_refused():
    with pytest.raises(Gone):
        counter.read(counter.sign(7, 42, NOW + dt.timedelta(minutes=5)), now=NOW)
