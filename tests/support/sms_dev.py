"""The one-time codes the development SMS provider writes to var/sms-dev.log (one JSON line per message)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path


def dev_sms_code(ref: str, timeout: float = 5.0) -> str:
    """The code in the development SMS sent under this reference (the test server's var directory)."""
    log = Path(os.environ["REGULARS_VAR_DIR"]) / "sms-dev.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                if entry["ref"] == ref:
                    return re.search(r"(?<!\d)(\d{6})(?!\d)", entry["text"]).group(1)
        time.sleep(0.1)
    raise AssertionError(f"no development SMS for {ref}")


def dev_sms_text(ref: str) -> str:
    """The whole text of the development SMS sent under this reference."""
    dev_sms_code(ref)
    log = Path(os.environ["REGULARS_VAR_DIR"]) / "sms-dev.log"
    return next(json.loads(line)["text"] for line in log.read_text(encoding="utf-8").splitlines()
                if json.loads(line)["ref"] == ref)
