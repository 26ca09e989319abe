"""The staff app's static shell: the service worker precaches exactly the shell's files, and every
string the app shows exists in both catalogues (none hard-coded in one language)."""

from __future__ import annotations

import json
import re

import pytest

from regulars.pwa import PWA_DIR, VERSION_MARK, shell_version

pytestmark = pytest.mark.nodb

SOURCES = sorted(PWA_DIR.glob("js/**/*.js"))
CATALOGUES = {lang: json.loads((PWA_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("zh-CN", "en")}
# Keys built at run time from a value: the prefixes they are built from.
DYNAMIC = re.compile(r"""t(?:Or)?\(`([a-z_.]+)\$\{""")
STATIC = re.compile(r"""\bt(?:Or)?\("([a-zA-Z0-9_.]+)"|(?:label|title): "([a-z_]+\.[a-z_.]+)\"""")


def precached(name: str = "SHELL") -> list[str]:
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    block = re.search(rf"const {name} = \[(.*?)\];", source, re.S).group(1)
    return re.findall(r'"([^"]+)"', block)


def test_service_worker_precaches_every_shell_file():
    """Every committed file of the shell; what `make pwa-vendor` copies into vendor/ is cached when present."""
    files = sorted(str(p.relative_to(PWA_DIR)) for p in PWA_DIR.rglob("*")
                   if p.is_file() and p.name != "sw.js" and p.relative_to(PWA_DIR).parts[0] != "vendor")
    listed = precached()
    assert listed[0] == "./"
    assert sorted(listed[1:]) == files
    assert precached("OPTIONAL") == ["vendor/jsQR.js"]


def test_service_worker_version_is_stamped_by_the_server():
    assert VERSION_MARK in (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    assert re.fullmatch(r"[0-9a-f]{16}", shell_version())


def test_catalogues_have_the_same_keys():
    assert set(CATALOGUES["zh-CN"]) == set(CATALOGUES["en"])
    assert all(CATALOGUES["en"].values()) and all(CATALOGUES["zh-CN"].values())


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PWA_DIR)))
def test_every_message_key_exists(path):
    source = path.read_text(encoding="utf-8")
    keys = {a or b for a, b in STATIC.findall(source)}
    missing = sorted(k for k in keys if k not in CATALOGUES["zh-CN"])
    assert missing == []
    for prefix in DYNAMIC.findall(source):
        assert any(k.startswith(prefix) for k in CATALOGUES["zh-CN"]), prefix


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "config.js"], ids=lambda p: str(p.relative_to(PWA_DIR)))
def test_no_chinese_text_in_code(path):
    """zh-CN lives in i18n/zh-CN.json; config.js holds the chain's tag vocabulary, which is data."""
    source = re.sub(r"//.*", "", path.read_text(encoding="utf-8"))
    assert re.findall(r"[\u4e00-\u9fff]+", source) == []
