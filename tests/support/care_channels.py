"""A channel for tests that records messages in this process and answers from a script, standing where
the messaging room's push or SMS channel plugs in (the dispatcher's own decisions are what is tested)."""

from __future__ import annotations

from typing import Sequence

from regulars.care import channels


class RecordingChannel:
    """Keeps every message; answers from a script of outcomes (then 'sent')."""

    in_transaction = False

    def __init__(self, name: str, *, replace_safe: bool = True, answers: list[str] | None = None,
                 reachable: set[int] | None = None):
        self.name = name
        self.replace_safe = replace_safe
        self.answers = list(answers or [])
        self.only = reachable
        self.sent: list[channels.Message] = []

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set(customer_ids) if self.only is None else set(customer_ids) & self.only

    async def send(self, message: channels.Message) -> channels.Answer:
        self.sent.append(message)
        outcome = self.answers.pop(0) if self.answers else "sent"
        return channels.Answer(outcome, {"receiver": "recording"})
