import pytest

from regulars.core import i18n, security

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("header", "lang"),
    [(None, "zh-CN"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("fr-FR", "zh-CN"),
     ("fr;q=0.9, en;q=0.5", "en"), ("en;q=0.3, zh-TW;q=0.8", "zh-CN")],
)
def test_negotiate_language(header, lang):
    assert i18n.negotiate(header) == lang


def test_every_message_has_both_languages():
    for lang in i18n.LANGUAGES:
        catalogue = i18n.catalogue(lang)
        assert catalogue and all(isinstance(v, str) and v for v in catalogue.values())


def test_register_refuses_message_missing_a_language():
    with pytest.raises(ValueError):
        i18n.register({"x.only_zh": {"zh-CN": "只有中文"}})


def test_crockford_code_has_valid_check_character():
    for _ in range(200):
        code = security.crockford_code(10)
        assert len(code) == 11
        assert security.crockford_valid(code)


def test_crockford_code_ends_in_a_letter_or_digit():
    """Never in one of the extra check symbols (*~$=U), which chat apps cut off links and clerks stumble over."""
    endings = {security.crockford_code(10)[-1] for _ in range(2000)}
    assert endings <= set(security.CROCKFORD) and len(endings) > 20


def test_crockford_restore_check_only_for_a_cut_off_extra_symbol():
    body = next(b for b in ("".join(p) for p in _bodies()) if security.crockford_check(b) not in security.CROCKFORD)
    assert security.restore_check(body, 10) == body + security.crockford_check(body)
    plain = next(b for b in ("".join(p) for p in _bodies()) if security.crockford_check(b) in security.CROCKFORD)
    assert security.restore_check(plain, 10) == plain  # a body whose check is alphanumeric stays short: still invalid
    full = body + security.crockford_check(body)
    assert security.restore_check(full, 10) == full


def _bodies():
    import itertools
    return itertools.product("0123456789", repeat=10)


def test_crockford_single_typo_detected():
    code = security.crockford_code(10)
    replacement = "0" if code[3] != "0" else "1"
    assert not security.crockford_valid(code[:3] + replacement + code[4:])


def test_crockford_normalise_maps_lookalikes():
    assert security.normalise_crockford(" ab-cd o1l i ") == "ABCD0111"
