"""Message catalogues (zh-CN default, en) and the choice of language per request."""

from __future__ import annotations

import logging
from typing import Any, Mapping

log = logging.getLogger("regulars.i18n")
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

_CATALOGUE: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Adds a room's messages; every key must have both languages."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        _CATALOGUE[key] = dict(texts)


def negotiate(accept_language: str | None) -> str:
    """Picks zh-CN or en from an Accept-Language header; zh-CN when nothing matches."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for piece in pieces[1:]:
            if piece.strip().startswith("q="):
                try:
                    quality = float(piece.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, tag))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


class _Unfilled(dict):
    """A value the caller forgot reads as an ellipsis: the user never sees a raw `{placeholder}`."""

    def __missing__(self, name: str) -> str:
        return "…"


class Term(str):
    """A message parameter that is itself a message key (an outcome, a state): said in the message's language."""


class Terms(tuple):
    """A message parameter that is a list of message keys (fields, say): each said in the message's language,
    listed as that language lists things."""


LIST_SEPARATOR = {"zh-CN": "、", "en": ", "}


def _said(value: Any, lang: str) -> Any:
    if isinstance(value, Term):
        return t(value, lang)
    if isinstance(value, Terms):
        return LIST_SEPARATOR.get(lang, ", ").join(t(key, lang) for key in value)
    return value


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The message `key` in `lang`, its placeholders filled from `params` (a missing one is logged)."""
    texts = _CATALOGUE.get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    params = {name: _said(value, lang) for name, value in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, AttributeError) as exc:
        log.error("message %s (%s) lacks a value for %s", key, lang, exc)
        return template.format_map(_Unfilled(params))


def catalogue(lang: str) -> dict[str, str]:
    """Every message in one language, for the PWA."""
    return {key: texts.get(lang, texts[DEFAULT_LANGUAGE]) for key, texts in _CATALOGUE.items()}


register(
    {
        "error.bad_request": {"zh-CN": "请求有误", "en": "Bad request"},
        "error.invalid": {"zh-CN": "输入有误", "en": "Invalid input"},
        "error.not_found": {"zh-CN": "未找到", "en": "Not found"},
        "error.forbidden": {"zh-CN": "无权进行此操作", "en": "You are not allowed to do this"},
        "error.conflict": {"zh-CN": "与现有数据冲突", "en": "Conflicts with existing data"},
        "error.gone": {"zh-CN": "已失效", "en": "No longer valid"},
        "error.too_many": {
            "zh-CN": "尝试次数过多，请 {retry_after} 秒后再试",
            "en": "Too many attempts; try again in {retry_after} s",
        },
        "error.unauthorized": {"zh-CN": "请先登录", "en": "Please log in"},
        "error.internal": {"zh-CN": "服务器出错，请稍后再试", "en": "Server error; please try again later"},
        "error.method": {"zh-CN": "不支持此请求方法", "en": "Method not allowed"},
        "error.csrf": {
            "zh-CN": "安全校验失败，请刷新页面后重试",
            "en": "Security check failed; reload the page and try again",
        },
        "error.validation": {"zh-CN": "字段 {field} 有误：{problem}", "en": "Field {field} is invalid: {problem}"},
        "error.missing_field": {"zh-CN": "缺少必填字段 {field}", "en": "Required field {field} is missing"},
        "error.body": {
            "zh-CN": "请求内容不是有效的 JSON，请检查格式（括号、引号、逗号）后重试",
            "en": "The request body is not valid JSON; check its brackets, quotes and commas",
        },
        "error.body_missing": {
            "zh-CN": "请求缺少内容：应发送 JSON",
            "en": "The request has no body; send JSON",
        },
        "error.unknown_fields": {
            "zh-CN": "不允许设置字段：{fields}",
            "en": "These fields cannot be set: {fields}",
        },
        "error.idempotency_mismatch": {
            "zh-CN": "Idempotency-Key {idempotency_key} 已用于另一请求内容",
            "en": "Idempotency-Key {idempotency_key} was already used with a different body",
        },
        "error.idempotency_key": {
            "zh-CN": "Idempotency-Key 须为 8-200 个可见字符",
            "en": "Idempotency-Key must be 8-200 visible characters",
        },
        "error.page": {"zh-CN": "分页参数有误", "en": "Invalid paging parameters"},
        "error.out_of_range": {
            "zh-CN": "请求中的数字或文字超出允许范围",
            "en": "A number or text in the request is outside what can be stored",
        },
    }
)
