"""Draws the staff app's icons (pwa/icons/*.png): a white storefront with a heart on teal.

Run again only when the mark changes: `.venv/bin/python scripts/pwa_icons.py`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (15, 118, 110)
WHITE = (255, 255, 255)
AMBER = (251, 191, 36)
OUT = Path(__file__).resolve().parents[1] / "pwa" / "icons"
SCALE = 4  # drawn large, then reduced: smooth edges without an anti-aliasing pass


def mark(size: int, padding: float, rounded: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.22), fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    inner = big * (1 - 2 * padding)
    x0 = big * padding
    y0 = big * padding

    def box(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        return (x0 + inner * a, y0 + inner * b, x0 + inner * c, y0 + inner * d)

    # Awning: a band of scallops over the shop front.
    draw.rounded_rectangle(box(0.08, 0.14, 0.92, 0.36), radius=int(inner * 0.04), fill=WHITE)
    for i in range(5):
        left = 0.08 + i * 0.168
        draw.pieslice(box(left, 0.27, left + 0.168, 0.45), 0, 180, fill=WHITE)
    # Walls and door.
    draw.rectangle(box(0.14, 0.50, 0.86, 0.86), fill=WHITE)
    draw.rounded_rectangle(box(0.40, 0.62, 0.60, 0.86), radius=int(inner * 0.03), fill=TEAL)
    # A heart in the window: the customer who comes back.
    hx, hy, hs = 0.72, 0.64, 0.085
    draw.ellipse(box(hx - hs, hy - hs * 0.6, hx, hy + hs * 0.4), fill=AMBER)
    draw.ellipse(box(hx, hy - hs * 0.6, hx + hs, hy + hs * 0.4), fill=AMBER)
    draw.polygon([box(hx - hs * 0.97, hy, 0, 0)[:2], box(hx + hs * 0.97, hy, 0, 0)[:2], box(hx, hy + hs * 1.15, 0, 0)[:2]], fill=AMBER)
    draw.rectangle(box(0.20, 0.60, 0.32, 0.72), fill=TEAL)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    mark(192, 0.12, True).save(OUT / "icon-192.png", optimize=True)
    mark(512, 0.12, True).save(OUT / "icon-512.png", optimize=True)
    # Maskable: the platform cuts its own shape; the mark stays inside the central safe zone.
    mark(512, 0.22, False).save(OUT / "icon-maskable-512.png", optimize=True)
    mark(180, 0.12, False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
