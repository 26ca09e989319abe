"""Every coupon's QR, as the wallet and the staff screen get it (SVG), scans back to its code."""

import io

import cairosvg
import zxingcpp
from PIL import Image

from regulars.coupons import codes, service
from tests.support.coupons import make_customer, make_template, principal


def decode_svg(svg: bytes) -> list[str]:
    png = cairosvg.svg2png(bytestring=svg, output_width=360, output_height=360, background_color="white")
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def test_coupon_qr_svg_decodes_to_code(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    for _ in range(5):
        coupon = await service.issue(principal(world, "clerk_a"), template.id, customer_id, source="staff")
        response = await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}/qr.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert decode_svg(response.content) == [coupon.code]
        assert codes.parse(decode_svg(codes.qr_svg(coupon.code))[0]) == coupon.code


async def test_coupon_qr_other_store_not_found(world):
    template = await make_template(world, owner="manager_b")
    coupon = await service.issue(principal(world, "clerk_b"), template.id,
                                 await make_customer(world, clerk="clerk_b"), source="staff")
    assert (await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}/qr.svg")).status_code == 404
