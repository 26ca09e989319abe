"""Every report and every chart of it has a name in both languages of the staff app (else the app shows the raw name)."""

import json

from regulars.pwa import PWA_DIR
from regulars.reports import registry
from tests.support.reports import report


async def test_every_report_and_chart_named_in_both_languages(world):
    catalogues = {lang: json.loads((PWA_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
                  for lang in ("zh-CN", "en")}
    missing = []
    for name in registry.names():
        table = await report(world.manager_a, name)
        wanted = [f"reports.name.{name}", *(f"reports.breakdown.{chart}" for chart in table["breakdowns"])]
        missing += [(lang, key) for lang, catalogue in catalogues.items() for key in wanted if key not in catalogue]
    assert missing == []
