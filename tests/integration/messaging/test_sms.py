"""SMS providers: the development provider writes to its own file (the log shows neither code nor number); the
HTTP gateway is signed."""

import json
import logging

import pytest

from regulars.messaging import sms
from regulars.settings import get_settings
from tests.support.acquisition import Visitor, make_channel
from tests.support.sms_gateway import SECRET
from tests.support.world import new_phone


async def test_dev_provider_writes_code_to_its_file_never_to_the_log(caplog):
    phone = new_phone()
    with caplog.at_level(logging.WARNING, logger="regulars.sms"):
        result = await sms.DevSmsProvider().send(phone, "【测试】验证码 482913，5 分钟内有效。", purpose="otp:follow",
                                                 ref="ref-dev-1")
    assert result.status == "sent"
    logged = caplog.text
    assert "482913" not in logged and "ref-dev-1" not in logged and phone not in logged and phone[-4:] in logged
    assert sms.DEV_LOG in logged
    lines = (get_settings().var_dir / sms.DEV_LOG).read_text(encoding="utf-8").splitlines()
    entry = json.loads(next(line for line in lines if "ref-dev-1" in line))
    assert entry["to"] == phone[:3] + "****" + phone[-4:]
    assert "482913" in entry["text"] and phone not in json.dumps(entry)


async def test_http_provider_signs_the_body(sms_gateway):
    provider = sms.HttpSmsProvider(sms_gateway.url, SECRET, 5)
    phone = new_phone()
    result = await provider.send(phone, "你好", purpose="care", ref="ref-http-1")
    assert result.status == "sent" and result.provider_ref.startswith("gw-")
    message = sms_gateway.to(phone)[-1]
    assert (message["text"], message["purpose"], message["ref"]) == ("你好", "care", "ref-http-1")


async def test_http_provider_wrong_secret_fails(sms_gateway):
    before = sms_gateway.bad_signatures
    result = await sms.HttpSmsProvider(sms_gateway.url, "not-the-secret", 5).send(new_phone(), "x", purpose="care",
                                                                                 ref="ref-bad")
    assert result.status == "failed" and sms_gateway.bad_signatures == before + 1


async def test_http_provider_5xx_worth_retrying(sms_gateway):
    sms_gateway.fail_next = 1
    result = await sms.HttpSmsProvider(sms_gateway.url, SECRET, 5).send(new_phone(), "x", purpose="care", ref="r")
    assert result.status == "retry"


async def test_http_provider_unreachable_worth_retrying():
    result = await sms.HttpSmsProvider("http://127.0.0.1:9/sms", SECRET, 2).send(new_phone(), "x", purpose="care", ref="r")
    assert result.status == "retry"


async def test_follow_gateway_down_shows_a_page(world, acq_server, sms_gateway):
    channel = await make_channel(world, name="短信故障")
    visitor = Visitor(acq_server.url)
    sms_gateway.fail_next = 1
    try:
        response = await visitor.send_code(channel["code"], new_phone())
    finally:
        await visitor.close()
        sms_gateway.fail_next = 0
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "短信发送失败" in response.text


@pytest.mark.parametrize("provider,env", [("http", {"REGULARS_SMS_GATEWAY_URL": ""}), ("carrier-pigeon", {})])
def test_provider_misconfigured_refuses_to_start(monkeypatch, provider, env):
    from regulars.messaging.config import messaging_settings

    monkeypatch.setenv("REGULARS_SMS_PROVIDER", provider)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    messaging_settings.cache_clear()
    try:
        with pytest.raises(RuntimeError):
            messaging_settings()
    finally:
        monkeypatch.undo()
        messaging_settings.cache_clear()


def test_fixed_development_code_only_with_the_development_provider(monkeypatch):
    from regulars.messaging.config import messaging_settings

    monkeypatch.setenv("REGULARS_SMS_DEV_FIXED_CODE", "123456")
    messaging_settings.cache_clear()
    try:
        assert messaging_settings().sms_dev_fixed_code == "123456"
        monkeypatch.setenv("REGULARS_SMS_PROVIDER", "http")
        monkeypatch.setenv("REGULARS_SMS_GATEWAY_URL", "https://sms.example.com/send")
        monkeypatch.setenv("REGULARS_SMS_GATEWAY_SECRET", "s")
        messaging_settings.cache_clear()
        with pytest.raises(RuntimeError):
            messaging_settings()
    finally:
        monkeypatch.undo()
        messaging_settings.cache_clear()
