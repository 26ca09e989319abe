"""Rows the coupon, points and purchase browser tests start from, made over the API, and the fake
camera's video: a coupon's QR drawn into a Y4M file that Chromium plays as its camera."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

from tests.support.world import new_phone

WIDTH, HEIGHT = 640, 480


async def make_template(client, **fields) -> dict:
    body = {"name_zh": "到店立减20元", "name_en": "¥20 off in store", "kind": "amount_off", "amount_off_fen": 2000,
            "category": "business", "purpose": "discount", "valid_days": 30, "per_customer_limit": None, **fields}
    response = await client.post("/api/v1/coupon-templates", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def make_customer(client, name: str, prefix: str = "139") -> dict:
    phone = new_phone(prefix)
    response = await client.post("/api/v1/customers", json={"phone": phone, "name": name},
                                 headers={"Idempotency-Key": f"e2e-customer-{phone}"})
    assert response.status_code == 201, response.text
    return response.json()


async def issue(client, template_id: int, customer_id: int) -> dict:
    response = await client.post("/api/v1/coupons", json={"template_id": template_id, "customer_id": customer_id},
                                 headers={"Idempotency-Key": f"e2e-issue-{template_id}-{customer_id}-{new_phone()}"})
    assert response.status_code == 201, response.text
    return response.json()


def qr_video(code: str, path: Path, frames: int = 3) -> Path:
    """A few frames of the coupon's QR, centred on white, as YUV 4:2:0 (a Y4M header, then raw I420 frames)."""
    symbol = qrcode.make(code, border=4, box_size=10).convert("L")
    side = 320
    canvas = Image.new("L", (WIDTH, HEIGHT), 255)
    canvas.paste(symbol.resize((side, side), Image.NEAREST), ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    canvas.convert("RGB").save(path.with_suffix(".png"))
    luma, blue, red = canvas.convert("RGB").convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)
    return path
