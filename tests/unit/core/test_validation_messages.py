"""The framework's validation errors in the caller's language: a clerk reading zh-CN never meets msgspec's
English, and the field's path stays readable."""

import re

import pytest

from regulars.core import validation

pytestmark = pytest.mark.nodb

ENGLISH = re.compile(r"Expected|Invalid|RFC3339|regex|`")


@pytest.mark.parametrize(("key", "message", "field", "zh", "en"), [
    ("phone", "Expected `str`, got `int`", "phone", "字段 phone：应为文本，收到的是整数",
     "Field phone: expected text, got a whole number"),
    ("store_id", "Expected `int | null`, got `str`", "store_id", "应为整数或空值 null，收到的是文本", "expected a whole number or null"),
    ("data", "Expected `object`, got `null`", "body", "请求内容：应为对象，收到的是空值 null", "The request body: expected an object"),
    ("birthday", "Invalid RFC3339 encoded date", "birthday", "字段 birthday：日期应为 YYYY-MM-DD", "YYYY-MM-DD"),
    ("since", "Invalid RFC3339 encoded datetime", "since", "字段 since：时间应为", "a time must be"),
    ("starts_at", "Expected `datetime` with a timezone component", "starts_at", "时间须带时区", "needs a time zone"),
    ("kind", "Invalid enum value 'x'", "kind", "字段 kind：不支持取值 'x'", "'x' is not one of the accepted values"),
    ("code", "Expected `str` matching regex '^[A-Za-z0-9_-]+$'", "code", "只能包含英文字母、数字、下划线 _ 和连字符 -",
     "only letters A-Z, digits, _ and - are allowed"),
    ("quiet_start", "Expected `str` matching regex '^([01]\\\\d|2[0-3]):[0-5]\\\\d$'", "quiet_start", "HH:MM", "HH:MM"),
    ("note", "Expected `str` matching regex '^x+$'", "note", "字段 note：格式不符合要求", "the format is not accepted"),
    ("name", "Expected `str` of length <= 40", "name", "字段 name：最多 40 个字符", "at most 40 characters"),
    ("name", "Expected `str` of length >= 1", "name", "字段 name：至少 1 个字符", "at least 1 characters"),
    ("customer_ids", "Expected `array` of length <= 500", "customer_ids", "最多 500 项", "at most 500 items"),
    ("points", "Expected `int` >= 1", "points", "字段 points：不能小于 1", "must be at least 1"),
    ("limit", "Expected `int` <= 200", "limit", "字段 limit：不能大于 200", "must be at most 200"),
    ("share", "Expected `float` > 0.0", "share", "应大于 0", "must be more than 0"),
    ("rates[...]", "Expected `int` >= 0", "rates[...]", "字段 rates 中的值：不能小于 0", "A value in field rates"),
    ("items[0].qty", "Expected `int`, got `str`", "items[0].qty", "字段 items[0].qty：应为整数", "Field items[0].qty"),
    ("amount_fen", "Integer value out of range", "amount_fen", "数值超出允许范围", "out of range"),
    ("id", "Invalid UUID", "id", "字段 id 的值无效", "Field id has an invalid value"),
])
def test_validation_message_translated(key, message, field, zh, en):
    zh_answer = validation.explain(key, message, "zh-CN")
    en_answer = validation.explain(key, message, "en")
    assert zh_answer["field"] == en_answer["field"] == field
    assert zh in zh_answer["message"] and not ENGLISH.search(zh_answer["message"])
    assert en in en_answer["message"] and "`" not in en_answer["message"]


def test_missing_field_named_with_its_path():
    assert validation.explain("data", "Object missing required field `phone`", "zh-CN") == {
        "field": "phone", "message": "缺少必填字段 phone"}
    assert validation.explain("items[0]", "Object missing required field `qty`", "en")["field"] == "items[0].qty"


def test_unknown_field_named():
    answer = validation.explain("data", "Object contains unknown field `role`", "en")
    assert answer == {"field": "role", "message": "These fields cannot be set: role"}


@pytest.mark.parametrize(("lang", "text"), [("zh-CN", "请求缺少内容"), ("en", "The request has no body")])
def test_no_body_said_so(lang, text):
    assert text in validation.explain("data", "'data'", lang)["message"]


def test_missing_query_parameter_named():
    answer = validation.explain_detail("Missing required query parameter 'year' for path /api/v1/x", "zh-CN")
    assert answer == {"field": "year", "message": "缺少必填字段 year"}
