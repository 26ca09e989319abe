"""The app's pure modules run under Node: the phone rule and completeness agree with the server's,
and offline writes about a customer captured offline point at the server id once it exists."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

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
