"""QR codes of channel URLs: SVG for screens, a print-ready PNG poster with the store's name and a call to action."""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess

import qrcode
import qrcode.image.svg
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger("regulars.acquisition")

# A6 portrait at 300 dpi: fits a counter stand or a shelf wobbler.
POSTER_SIZE = (1240, 1748)
POSTER_LAYOUT = "2026-12-08"  # change with the poster's drawing: posters kept by posters.py (and browsers) are redrawn
POSTER_DPI = (300, 300)
BAND = (196, 30, 58)
INK = (33, 33, 33)
MUTED = (110, 110, 110)
CJK_FONT_NAMES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
FALLBACK_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def _matrix(url: str, border: int = 4) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, box_size=10)
    code.add_data(url, optimize=0)
    code.make(fit=True)
    return code


def svg(url: str) -> bytes:
    """An SVG of the QR of `url` on its own white ground (dark pages must not swallow the quiet zone)."""
    code = _matrix(url)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).to_string(encoding="unicode").encode()


def png(url: str, box: int = 10) -> Image.Image:
    code = _matrix(url)
    code.box_size = box
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


@functools.cache
def cjk_font_path() -> str | None:
    """A font with Chinese glyphs: asked of fontconfig first, then the usual Debian paths."""
    if shutil.which("fc-match"):
        for name in CJK_FONT_NAMES:
            try:
                found = subprocess.run(["fc-match", "-f", "%{file}", f"{name}:lang=zh-cn"], capture_output=True,
                                       text=True, timeout=5).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                break
            if found and any(key in found.lower() for key in ("wqy", "cjk", "han", "hei", "song", "kai")):
                return found
    for path in FALLBACK_PATHS:
        try:
            with open(path, "rb"):
                return path
        except OSError:
            continue
    log.warning("no CJK font found: posters fall back to Latin text")
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int):
    """The largest font up to `size` that fits `text` in `width` pixels."""
    while size > 18:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size)


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill) -> None:
    width = draw.textlength(text, font=font)
    draw.text(((POSTER_SIZE[0] - width) / 2, y), text, font=font, fill=fill)


def poster(url: str, store_name: str, clerk_name: str | None, code: str, *, welcome: bool) -> bytes:
    """The print-ready PNG poster: store name, a call to action in Chinese, the QR, the typed code (and the clerk of a
    clerk's code). The channel's own name is the store's label for it and is not printed."""
    has_cjk = cjk_font_path() is not None
    if has_cjk:
        headline = "扫码关注 领取新人礼券" if welcome else "扫码关注 优惠积分随时查"
        subline = "会员券、积分、生日关怀 · 无需下载 App"
        store_line = store_name
    else:
        headline, subline, store_line = "Scan to follow", "Coupons, points and care - no app needed", "Regulars"
    image = Image.new("RGB", POSTER_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width, margin = POSTER_SIZE[0], 80
    draw.rectangle([0, 0, width, 300], fill=BAND)
    _centered(draw, 95, store_line, _fit(draw, store_line, 96, width - 2 * margin), "white")
    _centered(draw, 360, headline, _fit(draw, headline, 84, width - 2 * margin), INK)
    _centered(draw, 475, subline, _fit(draw, subline, 44, width - 2 * margin), MUTED)
    qr_image = png(url, box=1)
    side = (width - 2 * 150) // qr_image.width * qr_image.width
    qr_image = qr_image.resize((side, side), Image.NEAREST)
    top = 570
    image.paste(qr_image, ((width - side) // 2, top))
    below = top + side + 30
    label = f"服务店员：{clerk_name} · {code}" if has_cjk and clerk_name else code
    _centered(draw, below, label, _fit(draw, label, 40, width - 2 * margin), MUTED)
    _centered(draw, below + 60, url, _fit(draw, url, 32, width - 2 * margin), MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=POSTER_DPI, optimize=True)
    return out.getvalue()
