"""The inbox, push and SMS channels care's dispatcher plugs in, with a message shaped like care's."""

import datetime as dt
import json

import msgspec
import pytest

from regulars.core.db import raw, writing
from regulars.messaging import channels, inbox, push
from regulars.messaging.config import messaging_settings
from regulars.settings import get_settings
from tests.support.world import new_phone


class Message(msgspec.Struct, frozen=True):
    outbox_id: int
    customer_id: int
    store_id: int
    campaign_id: int = 1
    lang: str = "zh-CN"
    title: str = "生日快乐"
    body: str = "送您一张 20 元券，到店可用"
    url: str | None = "/w"
    topic: str = "care-1"
    ttl_seconds: int = 3600
    urgency: str = "normal"
    clerk_id: int | None = None
    due_on: dt.date = dt.date(2027, 3, 1)
    marketing: bool = True


@pytest.fixture
async def local_push(monkeypatch, database):
    monkeypatch.setenv("REGULARS_PUSH_ALLOW_INSECURE_LOCAL", "1")
    messaging_settings.cache_clear()
    await push.close_sessions()
    yield
    messaging_settings.cache_clear()
    await push.close_sessions()


async def customer(world) -> int:
    return (await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()})).json()["id"]


async def subscribe(customer_id, subscriber):
    from regulars.messaging import schemas, service

    await service.subscribe(msgspec.convert(subscriber.json(), schemas.SubscriptionCreate), customer_id=customer_id)


async def test_inbox_channel_files_once_inside_a_transaction(world):
    customer_id = await customer(world)
    channel = channels.InboxChannel()
    assert channel.in_transaction and await channel.reachable([customer_id, 999999]) == {customer_id}
    message = Message(outbox_id=101, customer_id=customer_id, store_id=world.store_a.id)
    async with writing():
        first = await channel.send(message)
    again = await channel.send(message)
    assert first.outcome == again.outcome == "sent" and first.detail == again.detail
    page = await inbox.customer_inbox(customer_id)
    assert [(i.title, i.kind) for i in page.items] == [("生日快乐", "care")]


async def test_push_channel_sends_with_care_topic_and_files_in_inbox(world, local_push, push_service):
    customer_id = await customer(world)
    subscriber = push_service.subscriber()
    await subscribe(customer_id, subscriber)
    channel = channels.PushChannel()
    assert channel.replace_safe and await channel.reachable([customer_id, 999999]) == {customer_id}
    message = Message(outbox_id=202, customer_id=customer_id, store_id=world.store_a.id, topic="care-202", urgency="low")
    first = await channel.send(message)
    resent = await channel.send(message)  # after a crash between send and commit
    assert first.outcome == resent.outcome == "sent"
    deliveries = push_service.received(subscriber)
    assert [d.headers["Topic"] for d in deliveries] == ["care-202", "care-202"]
    assert deliveries[0].headers["Urgency"] == "low" and deliveries[0].headers["TTL"] == "3600"
    assert deliveries[0].message["id"] == first.detail["inbox_id"] == resent.detail["inbox_id"]
    assert len((await inbox.customer_inbox(customer_id)).items) == 1


async def test_push_channel_unreachable_without_subscription(world, local_push):
    customer_id = await customer(world)
    channel = channels.PushChannel()
    assert await channel.reachable([customer_id]) == set()
    answer = await channel.send(Message(outbox_id=303, customer_id=customer_id, store_id=world.store_a.id))
    assert answer.outcome == "unreachable"
    assert len((await inbox.customer_inbox(customer_id)).items) == 1  # the inbox still has it


async def test_push_channel_gone_subscription_unreachable(world, local_push, push_service):
    customer_id = await customer(world)
    subscriber = push_service.subscriber()
    await subscribe(customer_id, subscriber)
    push_service.answer(subscriber, 410)
    answer = await channels.PushChannel().send(Message(outbox_id=404, customer_id=customer_id, store_id=world.store_a.id))
    assert answer.outcome == "unreachable"
    assert await raw("SELECT id FROM push_subscription WHERE customer = {}", customer_id) == []


async def test_push_channel_server_error_retry(world, local_push, push_service):
    customer_id = await customer(world)
    subscriber = push_service.subscriber()
    await subscribe(customer_id, subscriber)
    push_service.answer(subscriber, 503, 503, (503, {"Retry-After": "40"}))
    answer = await channels.PushChannel().send(Message(outbox_id=505, customer_id=customer_id, store_id=world.store_a.id))
    assert answer.outcome == "retry" and answer.detail["retry_after"] == 40


async def test_sms_channel_through_the_provider(world):
    customer_id = await customer(world)
    channel = channels.SmsChannel()
    assert await channel.reachable([customer_id]) == {customer_id}
    answer = await channel.send(Message(outbox_id=606, customer_id=customer_id, store_id=world.store_a.id))
    assert answer.outcome == "sent"
    lines = (get_settings().var_dir / "sms-dev.log").read_text(encoding="utf-8").splitlines()
    entry = json.loads(next(line for line in lines if '"care-606"' in line))
    assert entry["text"] == "生日快乐：送您一张 20 元券，到店可用" and entry["purpose"] == "care"


async def test_sms_channel_erased_customer_unreachable(world):
    from regulars.customers import privacy

    customer_id = await customer(world)
    await privacy.erase(None, customer_id)
    channel = channels.SmsChannel()
    assert await channel.reachable([customer_id]) == set()
    assert (await channel.send(Message(outbox_id=707, customer_id=customer_id, store_id=world.store_a.id))).outcome == "unreachable"


async def test_push_channel_many_at_once_each_answer_recorded(world, local_push, push_service):
    """The batch form: every message filed and pushed, each answer told as it comes, subscriptions kept in step."""
    ids = [await customer(world) for _ in range(4)]
    subscribers = [push_service.subscriber() for _ in ids]
    for customer_id, subscriber in zip(ids, subscribers):
        await subscribe(customer_id, subscriber)
    push_service.answer(subscribers[1], 410)
    push_service.answer(subscribers[2], 403)
    push_service.answer(subscribers[3], (429, {"Retry-After": "30"}))
    messages = [Message(outbox_id=900 + n, customer_id=c, store_id=world.store_a.id, topic=f"care-{900 + n}")
                for n, c in enumerate(ids)]
    told = {}

    async def on_answer(n, answer):
        told[n] = answer

    try:
        answers = await channels.PushChannel().send_many(messages, concurrency=1, timeout=10, on_answer=on_answer)
    finally:
        push._backoff_cache.clear()
        await raw("DELETE FROM push_backoff")
    assert [a.outcome for a in answers] == ["sent", "unreachable", "unreachable", "retry"]
    assert {n: a.outcome for n, a in told.items()} == dict(enumerate(a.outcome for a in answers))
    assert answers[3].detail["retry_after"] == 30
    assert [d.headers["Topic"] for d in push_service.received(subscribers[0])] == ["care-900"]
    rows = {r["customer"]: r["last_status"] for r in await raw(
        f"SELECT customer, last_status FROM push_subscription WHERE customer IN ({', '.join('{}' for _ in ids)})", *ids)}
    assert rows == {ids[0]: 201, ids[2]: 403, ids[3]: None}  # 410 deleted the subscription; a 429 is not its answer
    again = await channels.PushChannel().send_many(messages[:1], concurrency=1, timeout=10)
    assert again[0].detail["inbox_id"] == answers[0].detail["inbox_id"]  # filed once
