"""The app's pure modules run under Node: the phone rule and completeness agree with the server's,
and offline writes about a customer captured offline point at the server id once it exists."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from regulars.core.security import normalise_crockford
from regulars.customers import rules
from regulars.pwa import PWA_DIR

pytestmark = [pytest.mark.nodb, pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")]

PHONES = ["13812345678", "+86 138-1234-5678", "0086 13812345678", "8613812345678", "(138) 1234 5678", "1381234567",
          "23812345678", "12812345678", "138123456789", "", "abc", "+8613812345678"]


def run_node(script: str) -> object:
    result = subprocess.run(["node", "--input-type=module", "-e", script], cwd=PWA_DIR / "js",
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_phone_rule_matches_the_server():
    got = run_node(f"""
        import {{ normalisePhone }} from "./profile-form.js";
        console.log(JSON.stringify({json.dumps(PHONES)}.map(normalisePhone)));
    """)
    assert got == [rules.looks_like_phone(p) for p in PHONES]


def test_completeness_matches_the_server():
    profile = {"name": "王", "gender": "female", "birthday": {"month": 1, "day": 2}, "plan": "5G", "monthly_spend_fen": 12900,
               "interests": ["摄影"], "broadband": False, "family_lines": 0}
    got = run_node(f"""
        import {{ completeness }} from "./completeness.js";
        console.log(JSON.stringify(completeness({json.dumps(profile)})));
    """)
    server_view = {**profile, "birth_month": 1, "spend_band": rules.spend_band(12900)}
    assert got == rules.completeness(server_view)


def test_offline_customer_reference_resolves_in_path_and_body():
    got = run_node("""
        import { resolvedBody, resolvedPath } from "./replay.js";
        const entry = { path: "/api/v1/customers/{customer}/notes", body: { customer_id: "{customer}", lines: [{ of: "{customer}" }], text: "{customer} x" } };
        console.log(JSON.stringify([resolvedPath(entry, 42), resolvedBody(entry.body, 42)]));
    """)
    assert got == ["/api/v1/customers/42/notes", {"customer_id": 42, "lines": [{"of": 42}], "text": "{customer} x"}]


def test_changes_carry_only_what_differs():
    got = run_node("""
        import { changes } from "./profile-form.js";
        const before = { name: "王", tags: ["学生"], plan: "", birthday: null, occupation: null };
        const after = { name: "王", tags: ["学生", "商务"], plan: "", birthday: null, occupation: "" };
        console.log(JSON.stringify(changes(before, after)));
    """)
    assert got == {"tags": ["学生", "商务"]}


def test_amounts_in_yuan_become_fen_exactly():
    typed = ["129", "129.5", "129.50", "¥0.01", "￥1,000", "-5", "1.005", "", "abc", " 88 ", "0"]
    got = run_node(f"""
        import {{ fenOf, yuanOf }} from "./amounts.js";
        console.log(JSON.stringify([{json.dumps(typed)}.map(fenOf), [12900, 12950, 1, 0, null].map(yuanOf)]));
    """)
    assert got == [[12900, 12950, 12950, 1, None, None, None, None, None, 8800, 0], ["129", "129.5", "0.01", "0", ""]]


def test_redemption_answers_follow_the_server_refusals():
    """Every refusal the server names (coupons/redemption.py) reads as its own answer at the counter."""
    cases = [(200, {}), (409, {"reason": "already_redeemed"}), (410, {"reason": "expired"}), (410, {"reason": "void"}),
             (403, {"reason": "wrong_store"}), (404, {"code": "coupon.not_found"}), (422, {"reason": "not_yet_valid"}),
             (422, {"reason": "min_spend"}), (422, {"reason": "spend_needed"}), (403, {"code": "coupon.redeem_store"}),
             (500, {})]
    got = run_node(f"""
        import {{ answerOf }} from "./redemption.js";
        console.log(JSON.stringify({json.dumps(cases)}.map(([status, problem]) => answerOf(status, problem))));
    """)
    assert got == ["redeemed", "already_redeemed", "expired", "void", "wrong_store", "unknown", "not_yet_valid", "min_spend",
                   "spend_needed", "error", "error"]


def test_codes_are_grouped_without_losing_the_check_symbol():
    codes = ["ABCDEFGHJK" + symbol for symbol in "*~$=U"] + ["abcd-efgh-jk*", " 9t9k ka3p s7x "]
    got = run_node(f"""
        import {{ groupCode }} from "./redemption.js";
        console.log(JSON.stringify({json.dumps(codes)}.map(groupCode)));
    """)
    assert [normalise_crockford(g) for g in got] == [normalise_crockford(c) for c in codes]
    assert got[0] == "ABCD-EFGH-JK*" and got[-1] == "9T9K-KA3P-S7X"


def test_profile_change_refused_as_changed_meanwhile_keeps_theirs_or_applies_mine():
    got = run_node("""
        globalThis.navigator = { onLine: true };  // the module's view half reaches the outbox, which asks it
        const { applyingMine, expectedOf, keepingTheirs } = await import("./edit-conflict.js");
        const before = { name: "原名", tags: ["学生"], plan: null, phone: "13812345678" };
        const diff = { name: "新名", tags: ["学生", "商务"], plan: "5G" };
        const body = { ...diff, expected: expectedOf(before, diff) };
        console.log(JSON.stringify([body.expected, keepingTheirs(body, ["name"]), keepingTheirs(body, ["name", "tags", "plan"]),
                                    applyingMine(body, { name: "同事改的" }).expected]));
    """)
    assert got == [
        {"name": "原名", "tags": ["学生"], "plan": ""},
        {"tags": ["学生", "商务"], "plan": "5G", "expected": {"tags": ["学生"], "plan": ""}},
        None,
        {"name": "同事改的", "tags": ["学生"], "plan": ""},
    ]
