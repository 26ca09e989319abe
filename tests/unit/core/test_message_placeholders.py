"""Every message raised or rendered with a literal key gets a value for each of its placeholders, so no
clerk ever reads a raw `{field}` (found over HTTP: a template's percent_off without its value, a started
campaign's occasion, a report's `store=abc`)."""

import ast
import re
from pathlib import Path

import pytest

import regulars.app  # noqa: F401  (imports every room, which registers its messages)
from regulars.core import i18n
from regulars.core.errors import DomainError, TooManyRequests

pytestmark = pytest.mark.nodb

PACKAGE = Path(regulars.app.__file__).parent
PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


ERRORS = {cls.__name__: cls for cls in (DomainError, *_subclasses(DomainError))}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _uses():
    """(where, key, names given) of each error raised, each problem() answered and each t() with a literal key."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or any(k.arg is None for k in node.keywords):
                continue  # **params: what it passes is not known here
            name = _name(node.func)
            position = {"t": 0, "problem": 2}.get(name, 0 if name in ERRORS else None)
            if position is None or len(node.args) <= position:
                continue
            key = node.args[position]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            given = {k.arg for k in node.keywords} - {"extra", "headers"}
            if name in ERRORS and issubclass(ERRORS[name], TooManyRequests):
                given.add("retry_after")
            yield f"{path.relative_to(PACKAGE)}:{node.lineno}", key.value, given


USES = list(_uses())


def test_scan_finds_the_raises():
    assert len(USES) > 100
    assert any(key == "coupon.kind_value" for _, key, _ in USES)


def test_every_literal_message_key_exists():
    missing = [f"{where} {key}" for where, key, _ in USES if key not in i18n._CATALOGUE and "." in key]
    assert not missing, missing


def test_every_placeholder_gets_a_value():
    lacking = []
    for where, key, given in USES:
        for lang, template in i18n._CATALOGUE.get(key, {}).items():
            if needed := set(PLACEHOLDER.findall(template)) - given:
                lacking.append(f"{where} {key} [{lang}] lacks {sorted(needed)}")
    assert not lacking, "\n".join(lacking)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_message_with_a_forgotten_value_shows_no_placeholder(lang):
    text = i18n.t("coupon.kind_value", lang, kind="percent_off")
    assert "{" not in text and "percent_off" in text


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize(("key", "params"), [
    ("coupon.kind_value", {"kind": "percent_off"}),
    ("coupon.kind_extra", {"kind": "fixed_off"}),
    ("care.frozen_after_start", {}),
    ("error.validation", {"problem": "abc"}),
])
def test_domain_error_field_fills_its_message(key, params, lang):
    """The field a service names is one of the message's values (it used to stop at the error itself)."""
    from litestar.testing import RequestFactory

    error = DomainError(key, field="percent_off", **params)
    request = RequestFactory().get("/", headers={"Accept-Language": lang})
    body = regulars.app.on_domain_error(request, error).content
    assert "{" not in body["detail"] and "percent_off" in body["detail"] and body["field"] == "percent_off"
