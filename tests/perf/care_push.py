"""Care push fan-out: the dispatcher sending a campaign through Web Push to a local push service, against
encrypting the same payloads alone, measured in the same run.

    python -m tests.perf.care_push                       # SQLite, 3000 subscribed customers
    CARE_PUSH_CHANNEL=inbox python -m tests.perf.care_push   # the same campaign through the wallet inbox only
    CARE_PUSH_CUSTOMERS=5000 CARE_BENCH_ENGINE=postgres CARE_BENCH_PG=postgresql://postgres@127.0.0.1:55432 \\
        python -m tests.perf.care_push

The encryption baseline is the RFC 8291 body of each message the fan-out sent (the same payload bytes
for the same subscription: an ephemeral P-256 key, ECDH, HKDF, AES-GCM) made one after another in this
process right after the fan-out; the fan-out is everything a real send does: claim under a lease,
consent and frequency cap, the wallet inbox, encryption, the POST, recording the answer. Prints one
JSON line (with the machine's one-minute load average: the two rates share the machine).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import uvloop
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = int(os.environ.get("CARE_PUSH_CUSTOMERS", "3000"))
ENGINE = os.environ.get("CARE_BENCH_ENGINE", "sqlite")
NOW = dt.datetime(2027, 7, 1, 3, 0, tzinfo=dt.timezone.utc)  # 11:00 in Shanghai
MESSAGE = {"templates": {"zh-CN": {"title": "夏日驿站", "body": "{{ name }}，炎炎夏日，来店里喝杯凉茶吧，凭此消息领取一瓶。"}}}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def _load(port: int) -> list:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from regulars.core import db
    from regulars.core.db import raw
    from regulars.messaging.push import PushTarget

    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    p256dh, auth = _b64(key), _b64(os.urandom(16))
    now = dt.datetime.now(dt.timezone.utc)
    await db.start()
    try:
        await raw("INSERT INTO store (code, name, kind, region, timezone, grade, address, active, created_at) "
                  "VALUES ('PB001', '推送测试厅', 'community', '', 'Asia/Shanghai', 'B', '', {}, {})", True, now)
        store = (await raw("SELECT id FROM store"))[0]["id"]
        targets = []
        for n in range(CUSTOMERS):
            customer = (await raw(
                "INSERT INTO customer (phone, phone_tail, name, home_store, consent_marketing, consent_service, created_at, "
                "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                f"13{n:09d}", f"{n % 10000:04d}", f"客户{n}", store, True, True, now, now))[0]["id"]
            await raw("INSERT INTO customer_store (customer, store, relation, since) VALUES ({}, {}, 'home', {})",
                      customer, store, now)
            endpoint = f"http://127.0.0.1:{port}/push/{n}"
            sub = (await raw("INSERT INTO push_subscription (endpoint, p256dh, auth, customer, user_agent, created_at, "
                             "updated_at) VALUES ({}, {}, {}, {}, '', {}, {}) RETURNING id",
                             endpoint, p256dh, auth, customer, now, now))[0]["id"]
            targets.append(PushTarget(endpoint=endpoint, p256dh=p256dh, auth=auth, id=sub))
        await raw("INSERT INTO care_campaign (name, store, status, occasion, occasion_params, starts_on, ends_on, purpose, "
                  "message, channels, quiet_start, quiet_end, priority, holdout_bp, tags, revision, created_at, updated_at) "
                  "VALUES ('夏日驿站', {}, 'active', 'date_range', '{}', {}, {}, 'marketing', {}, {}, '21:00', '09:00', 50, 0, "
                  "'[]', 1, {}, {})".replace("'{}'", "{}"),
                  store, "{}", NOW.date(), NOW.date(), json.dumps(MESSAGE), json.dumps([os.environ.get("CARE_PUSH_CHANNEL", "push")]), now, now)
        return targets
    finally:
        await db.stop()


async def _sent_payloads(targets: list) -> list[tuple]:
    """(subscription, payload) for every message the fan-out sent: the very bytes it encrypted for each."""
    from regulars.core.db import raw
    from regulars.messaging.channels import push_payload

    by_customer = {r["customer"]: r for r in await raw(
        "SELECT customer, id, title, body FROM inbox_message WHERE dedupe_key LIKE 'care:%'")}
    subscription_owner = {r["id"]: r["customer"] for r in await raw("SELECT id, customer FROM push_subscription")}
    found = []
    for target in targets:
        message = by_customer.get(subscription_owner.get(target.id))
        if message is not None:
            found.append((target, push_payload(message["id"], message["title"], message["body"])))
    return found


async def _measure(targets: list) -> dict:
    from regulars.care import dispatcher, planner
    from regulars.core import db, process
    from regulars.core.db import raw
    from regulars.messaging import push

    await db.start()
    process.settle()  # as the server and a worker do once started
    try:
        planned = await planner.plan(now=NOW, force=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        sent = 0
        while True:
            with db.heavy():  # as the dispatcher runs in production: a job's round
                claimed = await dispatcher.dispatch_until_idle(NOW, budget_seconds=600)
            sent += claimed
            if claimed == 0:
                break
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        statuses = {r["status"]: r["n"] for r in await raw("SELECT status, count(*) AS n FROM care_outbox GROUP BY status")}
        await push.close_sessions()
        payloads = await _sent_payloads(targets)
    finally:
        await db.stop()
    # the baseline: the same payloads for the same subscriptions, encrypted one after another in this process
    started = time.perf_counter()
    for target, payload in payloads:
        push.encrypt(target, payload)
    encrypt_rate = len(payloads) / (time.perf_counter() - started)
    fan_out_rate = planned / seconds
    return {"engine": ENGINE, "messages": planned, "encrypt_per_s": round(encrypt_rate, 1),
            "fan_out_per_s": round(fan_out_rate, 1), "fan_out_cpu_us": round(cpu_seconds / planned * 1e6),
            "encrypt_cpu_us": round(1e6 / encrypt_rate), "ratio": round(fan_out_rate / encrypt_rate, 2), "statuses": statuses,
            "load_average": round(os.getloadavg()[0], 2)}


def main() -> None:
    if os.environ.get("CARE_BENCH_CHILD") != "1":
        with tempfile.TemporaryDirectory(prefix="care-push-") as work:
            env = {**os.environ, "CARE_BENCH_CHILD": "1", "CARE_BENCH_WORK": work}
            subprocess.run([sys.executable, "-m", "tests.perf.care_push"], check=True, env=env, cwd=ROOT)
        return
    from tests.perf.care_planning import _create_pg_database, _environment

    work = Path(os.environ["CARE_BENCH_WORK"])
    _environment(work)
    os.environ["REGULARS_PUSH_ALLOW_INSECURE_LOCAL"] = "1"
    os.environ["REGULARS_CARE_BATCH"] = os.environ.get("REGULARS_CARE_BATCH", "200")
    if ENGINE == "postgres":
        asyncio.run(_create_pg_database(True))
    port_file = work / "receiver.port"
    receiver = subprocess.Popen([sys.executable, "-m", "tests.perf.push_receiver", str(port_file)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        subprocess.run([sys.executable, "-m", "regulars.cli", "migrate"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        targets = asyncio.run(_load(int(port_file.read_text())))
        result = uvloop.run(_measure(targets))  # the loop the server and a worker run the dispatcher on
        receiver.send_signal(signal.SIGTERM)
        result["receiver"] = json.loads(receiver.communicate(timeout=30)[0].strip().splitlines()[-1])
        print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        if receiver.poll() is None:
            receiver.kill()
        if ENGINE == "postgres":
            asyncio.run(_create_pg_database(False))


if __name__ == "__main__":
    main()
