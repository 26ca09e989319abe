"""What must always hold in customer data, checked by `regulars reconcile`."""

from __future__ import annotations

from regulars.core import invariants
from regulars.core.db import raw


async def home_store_membership() -> list[str]:
    rows = await raw(
        "SELECT c.id FROM customer c WHERE NOT EXISTS (SELECT 1 FROM customer_store cs "
        "WHERE cs.customer = c.id AND cs.store = c.home_store) LIMIT 100"
    )
    return [f"customer {r['id']} is not a member of its home store" for r in rows]


async def consent_flags_follow_records() -> list[str]:
    rows = await raw(
        """
        SELECT c.id, c.consent_marketing, latest.granted
        FROM customer c JOIN consent latest ON latest.customer = c.id AND latest.purpose = 'marketing'
        WHERE latest.id = (SELECT MAX(id) FROM consent x WHERE x.customer = c.id AND x.purpose = 'marketing')
          AND c.erased_at IS NULL AND c.consent_marketing <> latest.granted
        LIMIT 100
        """
    )
    return [f"customer {r['id']} marketing consent flag disagrees with its latest record" for r in rows]


invariants.register("customers.home_store_membership", home_store_membership)
invariants.register("customers.consent_flags", consent_flags_follow_records)
