"""The framework's validation errors (msgspec's English) told in the caller's language.

Litestar reports each refused value as a field path and msgspec's message ("Expected `str`, got `int`");
`explain` turns the common patterns into a message a clerk can act on, keeping the path readable, and falls
back to "field X has an invalid value" rather than showing the English text.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

from regulars.core.i18n import register, t

BODY = "body"
_LENGTH_UNITS = {"str": "chars", "array": "items", "object": "items", "bytes": "bytes"}
# The patterns of the API's Structs, described; any other pattern answers "the format is not accepted".
PATTERNS = {
    r"^[A-Za-z0-9_-]+$": "validation.pattern.code",
    r"^[A-Za-z0-9_.@-]+$": "validation.pattern.username",
    r"^([01]\d|2[0-3]):[0-5]\d$": "validation.pattern.clock",
}

Rule = Callable[[re.Match, str], tuple[str, dict]]


def _type_names(text: str, lang: str) -> str:
    names = [t(f"validation.type.{name}", lang) if f"validation.type.{name}" in _TYPE_KEYS else name
             for name in (part.strip() for part in text.split("|"))]
    return t("validation.or", lang).join(names)


def _typed(match: re.Match, lang: str) -> tuple[str, dict]:
    return "validation.expected", {"expected": _type_names(match["expected"], lang),
                                   "got": _type_names(match["got"], lang)}


def _length(match: re.Match, lang: str) -> tuple[str, dict]:
    unit = t(f"validation.unit.{_LENGTH_UNITS.get(match['type'], 'items')}", lang)
    key = "validation.min_length" if match["op"] in (">=", "at least") else "validation.max_length"
    return key, {"limit": match["limit"], "unit": unit}


def _bound(match: re.Match, lang: str) -> tuple[str, dict]:
    names = {">=": "min", "<=": "max", ">": "above", "<": "below"}
    limit = match["limit"]
    return f"validation.{names[match['op']]}", {"limit": limit[:-2] if limit.endswith(".0") else limit}


def _pattern(match: re.Match, lang: str) -> tuple[str, dict]:
    try:
        pattern = ast.literal_eval(match["pattern"])
    except (ValueError, SyntaxError):
        pattern = ""
    return PATTERNS.get(pattern, "validation.pattern"), {}


def _value(match: re.Match, lang: str) -> tuple[str, dict]:
    return "validation.choice", {"value": match["value"][:40]}


def _fixed(key: str) -> Rule:
    return lambda match, lang: (key, {})


RULES: list[tuple[re.Pattern, Rule]] = [
    (re.compile(r"Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`"), _typed),
    (re.compile(r"Expected `(?P<type>\w+)` of length (?P<op>>=|<=) (?P<limit>\d+)"), _length),
    (re.compile(r"Expected `(?P<type>\w+)` of (?P<op>at least|at most) length (?P<limit>\d+)"), _length),
    (re.compile(r"Expected `(?:int|float)` (?P<op>>=|<=|>|<) (?P<limit>-?[0-9.e+-]+)"), _bound),
    (re.compile(r"Expected `\w+` that's a multiple of (?P<limit>\S+)"),
     lambda match, lang: ("validation.multiple", {"limit": match["limit"]})),
    (re.compile(r"Expected `str` matching regex (?P<pattern>.+)"), _pattern),
    (re.compile(r"Expected `\w+` with a timezone component"), _fixed("validation.timezone")),
    (re.compile(r"Expected `\w+` with no timezone component"), _fixed("validation.no_timezone")),
    (re.compile(r"Invalid RFC3339 encoded date$"), _fixed("validation.date")),
    (re.compile(r"Invalid (?:RFC3339 encoded datetime|epoch timestamp)$"), _fixed("validation.datetime")),
    (re.compile(r"Invalid RFC3339 encoded time$"), _fixed("validation.time")),
    (re.compile(r"Invalid (?:enum )?value (?P<value>.+)"), _value),
    (re.compile(r"(?:Integer value|Number) out of range"), _fixed("validation.out_of_range")),
    (re.compile(r"^Text contains the NUL character$"), _fixed("validation.nul")),  # core.nul's refusal
]
MISSING = re.compile(r"Object missing required field `(?P<name>[^`]+)`")
UNKNOWN = re.compile(r"Object contains unknown field `(?P<name>[^`]+)`")
MISSING_PARAMETER = re.compile(r"Missing required (?P<kind>\w+) parameter '(?P<name>[^']+)'")


def _path(key: str | None) -> str:
    """The field's path as the client sent it: `data` (the whole body) is the body."""
    path = (key or "").removeprefix("$.").strip()
    return BODY if path in ("", "data") else path


def _subject(path: str, lang: str) -> str:
    if path == BODY:
        return t("validation.subject.body", lang)
    if path.endswith("[...]"):
        return t("validation.subject.map_value", lang, field=path.removesuffix("[...]").replace("[...]", "[*]"))
    return t("validation.subject.field", lang, field=path.replace("[...]", "[*]"))


def explain(key: str | None, message: str, lang: str) -> dict[str, str]:
    """One refused value: `{"field", "message"}`, the message in `lang`."""
    path = _path(key)
    if found := MISSING.search(message):
        field = found["name"] if path == BODY else f"{path}.{found['name']}"
        return {"field": field, "message": t("error.missing_field", lang, field=field)}
    if found := UNKNOWN.search(message):
        field = found["name"] if path == BODY else f"{path}.{found['name']}"
        return {"field": field, "message": t("error.unknown_fields", lang, fields=field)}
    if path == BODY and message.strip("'\"") == "data":  # no body at all (the framework's KeyError('data'))
        return {"field": BODY, "message": t("error.body_missing", lang)}
    for pattern, rule in RULES:
        if found := pattern.search(message):
            message_key, params = rule(found, lang)
            return {"field": path, "message": t(message_key, lang, subject=_subject(path, lang), **params)}
    return {"field": path, "message": t("validation.invalid", lang, subject=_subject(path, lang))}


def explain_detail(detail: str, lang: str) -> dict[str, str] | None:
    """A refusal the framework gives as text only (a missing query parameter or header)."""
    if found := MISSING_PARAMETER.search(detail):
        return {"field": found["name"], "message": t("error.missing_field", lang, field=found["name"])}
    return None


_TYPE_NAMES = {
    "str": ("文本", "text"),
    "int": ("整数", "a whole number"),
    "float": ("数字", "a number"),
    "bool": ("true 或 false", "true or false"),
    "null": ("空值 null", "null"),
    "object": ("对象", "an object"),
    "array": ("列表", "a list"),
    "date": ("日期", "a date"),
    "datetime": ("日期时间", "a date and time"),
    "time": ("时刻", "a time of day"),
    "timedelta": ("时长", "a duration"),
    "uuid": ("UUID", "a UUID"),
    "decimal": ("数字", "a number"),
    "bytes": ("二进制内容", "bytes"),
}
_TYPE_KEYS = {f"validation.type.{name}" for name in _TYPE_NAMES}

register({f"validation.type.{name}": {"zh-CN": zh, "en": en} for name, (zh, en) in _TYPE_NAMES.items()})
register(
    {
        "validation.or": {"zh-CN": "或", "en": " or "},
        "validation.unit.chars": {"zh-CN": "个字符", "en": "characters"},
        "validation.unit.items": {"zh-CN": "项", "en": "items"},
        "validation.unit.bytes": {"zh-CN": "个字节", "en": "bytes"},
        "validation.subject.field": {"zh-CN": "字段 {field}", "en": "Field {field}"},
        "validation.subject.map_value": {"zh-CN": "字段 {field} 中的值", "en": "A value in field {field}"},
        "validation.subject.body": {"zh-CN": "请求内容", "en": "The request body"},
        "validation.expected": {"zh-CN": "{subject}：应为{expected}，收到的是{got}",
                                "en": "{subject}: expected {expected}, got {got}"},
        "validation.min_length": {"zh-CN": "{subject}：至少 {limit} {unit}", "en": "{subject}: at least {limit} {unit}"},
        "validation.max_length": {"zh-CN": "{subject}：最多 {limit} {unit}", "en": "{subject}: at most {limit} {unit}"},
        "validation.min": {"zh-CN": "{subject}：不能小于 {limit}", "en": "{subject}: must be at least {limit}"},
        "validation.max": {"zh-CN": "{subject}：不能大于 {limit}", "en": "{subject}: must be at most {limit}"},
        "validation.above": {"zh-CN": "{subject}：应大于 {limit}", "en": "{subject}: must be more than {limit}"},
        "validation.below": {"zh-CN": "{subject}：应小于 {limit}", "en": "{subject}: must be less than {limit}"},
        "validation.multiple": {"zh-CN": "{subject}：应为 {limit} 的整数倍", "en": "{subject}: must be a multiple of {limit}"},
        "validation.pattern": {"zh-CN": "{subject}：格式不符合要求", "en": "{subject}: the format is not accepted"},
        "validation.pattern.code": {"zh-CN": "{subject}：只能包含英文字母、数字、下划线 _ 和连字符 -",
                                    "en": "{subject}: only letters A-Z, digits, _ and - are allowed"},
        "validation.pattern.username": {"zh-CN": "{subject}：只能包含英文字母、数字和 _ . @ -",
                                        "en": "{subject}: only letters A-Z, digits and _ . @ - are allowed"},
        "validation.pattern.clock": {"zh-CN": "{subject}：应为 24 小时制的 HH:MM，如 09:30",
                                     "en": "{subject}: must be a 24-hour time HH:MM, e.g. 09:30"},
        "validation.timezone": {"zh-CN": "{subject}：时间须带时区，如 2026-05-01T09:30:00+08:00",
                                "en": "{subject}: the time needs a time zone, e.g. 2026-05-01T09:30:00+08:00"},
        "validation.no_timezone": {"zh-CN": "{subject}：时间不能带时区", "en": "{subject}: the time must not have a time zone"},
        "validation.date": {"zh-CN": "{subject}：日期应为 YYYY-MM-DD，如 2026-05-01",
                            "en": "{subject}: a date must be YYYY-MM-DD, e.g. 2026-05-01"},
        "validation.datetime": {"zh-CN": "{subject}：时间应为 YYYY-MM-DDTHH:MM:SS+08:00 格式",
                                "en": "{subject}: a time must be YYYY-MM-DDTHH:MM:SS+08:00"},
        "validation.time": {"zh-CN": "{subject}：时刻应为 HH:MM 或 HH:MM:SS", "en": "{subject}: a time of day must be HH:MM or HH:MM:SS"},
        "validation.choice": {"zh-CN": "{subject}：不支持取值 {value}", "en": "{subject}: {value} is not one of the accepted values"},
        "validation.out_of_range": {"zh-CN": "{subject}：数值超出允许范围", "en": "{subject}: the number is out of range"},
        "validation.nul": {"zh-CN": "{subject}：不能包含空字符 NUL（\\u0000）",
                           "en": "{subject}: must not contain the NUL character (\\u0000)"},
        "validation.invalid": {"zh-CN": "{subject} 的值无效", "en": "{subject} has an invalid value"},
    }
)
