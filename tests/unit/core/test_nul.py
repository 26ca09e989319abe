"""Where in a decoded JSON body the NUL characters are, as field paths the validation answer names."""

import pytest

from regulars.core.nul import nul_paths
from regulars.core.validation import explain


@pytest.mark.parametrize(("body", "paths"), [
    ({"name": "张\x00三", "phone": "13800000000"}, ["name"]),
    ({"items": [{"name": "杯"}, {"name": "\x00"}]}, ["items[1].name"]),
    ({"interests": ["a", "b\x00"], "address": {"city": "\x00"}}, ["interests[1]", "address.city"]),
    ({"rates": {"dev\x00ice": 1}}, ["rates"]),
    ({"na\x00me": "x"}, ["name"]),
    ("\x00", [""]),
    ({"name": "a\\u0000b", "n": 1, "ok": None}, []),
])
def test_nul_paths(body, paths):
    assert nul_paths(body) == paths


def test_nul_explained_in_both_languages():
    message = "Text contains the NUL character"
    assert explain("items[1].name", message, "zh-CN") == {
        "field": "items[1].name", "message": "字段 items[1].name：不能包含空字符 NUL（\\u0000）"}
    assert explain("", message, "en") == {"field": "body", "message": "The request body: must not contain the NUL character (\\u0000)"}
