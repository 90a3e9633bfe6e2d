"""A delivery that records what it was handed, for the digest tests (injected, not patched)."""

from __future__ import annotations

import threading

from engine.notify.delivery import Message, Outcome


class Recorded:
    def __init__(self) -> None:
        self.sent: list[Message] = []
        self._lock = threading.Lock()

    def send(self, message: Message) -> Outcome:
        with self._lock:
            self.sent.append(message)
        return Outcome(False, "recorded by the test, not sent")
