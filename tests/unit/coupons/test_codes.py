"""Coupon codes: format, check character, what a clerk may type, and QR that scans back."""

import io

import cairosvg
import pytest
import zxingcpp
from PIL import Image

from regulars.core.security import CROCKFORD
from regulars.coupons import codes

pytestmark = pytest.mark.nodb


def test_new_code_ten_characters_and_check():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == 11 and all(c in CROCKFORD for c in code[:10])
        assert codes.parse(code) == code


def test_parse_normalises_typing():
    code = codes.new_code()
    typed = "-".join([code[:4], code[4:8], code[8:]]).lower().replace("0", "o").replace("1", "i")
    assert codes.parse(f"  {typed} ") == code


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFGHJK", "ABCDEFGHJKMN", "ABCDEFGHJU!"])
def test_parse_refuses_malformed(typed):
    assert codes.parse(typed) is None


def test_parse_refuses_wrong_check_character():
    code = codes.new_code()
    for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U":
        if other != code[-1]:
            assert codes.parse(code[:-1] + other) is None


def test_parse_detects_single_character_typo():
    code = codes.new_code()
    for position in range(10):
        for replacement in CROCKFORD:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1:]
                assert codes.parse(typo) is None


def test_qr_svg_scans_back_for_many_codes():
    for _ in range(40):
        code = codes.new_code()
        png = cairosvg.svg2png(bytestring=codes.qr_svg(code), output_width=300, output_height=300,
                               background_color="white")
        found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
        assert found == [code]
