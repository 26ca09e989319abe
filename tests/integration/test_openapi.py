"""The published contract, schemas/openapi.json, is what the app serves: regenerate it when routes change."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.server import ROOT, regulars_command

pytestmark = pytest.mark.nodb

PUBLISHED = ROOT / "schemas" / "openapi.json"


def _routes(document: dict) -> set[str]:
    return {f"{method.upper()} {path}" for path, item in document.get("paths", {}).items() for method in item}


def test_published_openapi_matches_the_app(tmp_path):
    generated_path = tmp_path / "openapi.json"
    subprocess.run(regulars_command("openapi", "--output", str(generated_path)), cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    generated = generated_path.read_text()
    assert PUBLISHED.exists(), "schemas/openapi.json is missing: run `make openapi` and commit it"
    published = PUBLISHED.read_text()
    if generated == published:
        return
    new, old = json.loads(generated), json.loads(published)
    added, removed = sorted(_routes(new) - _routes(old)), sorted(_routes(old) - _routes(new))
    pytest.fail(
        "schemas/openapi.json no longer matches the app: run `make openapi` and commit the result"
        + (f"\n  routes missing from the file: {', '.join(added)}" if added else "")
        + (f"\n  routes in the file but gone from the app: {', '.join(removed)}" if removed else "")
        + ("" if added or removed else "\n  (the routes are the same; their parameters, bodies or answers changed)")
    )
