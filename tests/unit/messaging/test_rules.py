"""Pure rules of the messaging room."""

import datetime as dt

import pytest

from regulars.messaging import rules

pytestmark = pytest.mark.nodb
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc:def",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
    "https://web.push.apple.com/QGuQyavXutnMH",
    "https://push.example.com:443/x",
    "https://8.8.8.8/x",
])
def test_check_endpoint_accepts_public_https(endpoint):
    rules.check_endpoint(endpoint, allow_insecure_local=False)


@pytest.mark.parametrize("endpoint,reason", [
    ("http://push.example.com/x", "not_https"),
    ("ftp://push.example.com/x", "not_https"),
    ("https://push.example.com:8443/x", "port"),
    ("https://127.0.0.1/x", "private_address"),
    ("https://127.8.9.10/x", "private_address"),
    ("https://[::1]/x", "private_address"),
    ("https://[::ffff:10.0.0.1]/x", "private_address"),
    ("https://10.0.0.1/x", "private_address"),
    ("https://172.31.255.255/x", "private_address"),
    ("https://192.168.0.1/x", "private_address"),
    ("https://169.254.169.254/x", "private_address"),
    ("https://[fe80::1]/x", "private_address"),
    ("https://[fd00::1]/x", "private_address"),
    ("https://100.64.1.1/x", "private_address"),
    ("https://0.0.0.0/x", "private_address"),
    ("https://224.0.0.1/x", "private_address"),
    ("https://localhost/x", "private_address"),
    ("https://printer.local/x", "private_address"),
    ("https://metadata.google.internal/x", "private_address"),
    ("https://a:b@push.example.com/x", "malformed"),
    ("https:///x", "malformed"),
    ("https://push.example.com:99999/x", "malformed"),
    ("https://push.example.com/ x", "malformed"),
])
def test_check_endpoint_refuses(endpoint, reason):
    with pytest.raises(rules.EndpointRefused) as refused:
        rules.check_endpoint(endpoint, allow_insecure_local=False)
    assert refused.value.reason == reason


def test_check_endpoint_local_testing_allows_loopback_only():
    rules.check_endpoint("http://127.0.0.1:8123/push/1", allow_insecure_local=True)
    rules.check_endpoint("http://localhost:8123/push/1", allow_insecure_local=True)
    for endpoint in ("http://10.0.0.1/x", "https://192.168.1.1/x", "http://push.example.com/x"):
        with pytest.raises(rules.EndpointRefused):
            rules.check_endpoint(endpoint, allow_insecure_local=True)


def test_check_keys():
    rules.check_keys("B" + "A" * 86, "A" * 22)  # 65 bytes starting 0x04, 16 bytes
    for p256dh, auth in (("AAAA", "A" * 22), ("B" + "A" * 86, "AAAA"), ("C" + "A" * 86, "A" * 22), ("!!", "A" * 22)):
        with pytest.raises(rules.EndpointRefused):
            rules.check_keys(p256dh, auth)


def test_topic_header_short_kept_long_hashed():
    assert rules.topic_header("care-42") == "care-42"
    hashed = rules.topic_header("birthday:2027-03-01:customer:1234567")
    assert len(hashed) == 32 and rules.TOPIC_RE.match(hashed)
    assert hashed == rules.topic_header("birthday:2027-03-01:customer:1234567")
    assert rules.topic_header(None) is None


@pytest.mark.parametrize("header,expected", [
    ("120", 120), ("0", 1), (None, 60), ("soon", 60), ("999999999", 24 * 3600),
    ("Mon, 01 Mar 2027 08:05:00 GMT", 300), ("Mon, 01 Mar 2027 07:00:00 GMT", 1),
])
def test_retry_after_seconds(header, expected):
    assert rules.retry_after_seconds(header, NOW) == expected


def test_backoff_doubles_and_caps():
    assert [rules.backoff_seconds(n) for n in range(1, 7)] == [0.5, 1, 2, 4, 8, 8]


def test_send_options():
    rules.check_send_options(0, "normal")
    for ttl, urgency in ((-1, "normal"), (rules.MAX_TTL + 1, "low"), (60, "urgent")):
        with pytest.raises(ValueError):
            rules.check_send_options(ttl, urgency)
