"""The published contract lists the coupon routes (and the document builds at all)."""

import pytest

from regulars.app import create_app

pytestmark = pytest.mark.nodb


def test_openapi_lists_coupon_routes():
    paths = create_app().openapi_schema.to_schema()["paths"]
    for path in ("/api/v1/coupon-templates", "/api/v1/coupons", "/api/v1/coupons/redeem",
                 "/api/v1/coupons/{coupon_id}/qr.svg", "/api/v1/customers/{customer_id}/coupons"):
        assert path in paths
    assert set(paths["/api/v1/coupons"]["post"]["responses"]) >= {"200", "201"}
