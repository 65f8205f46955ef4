"""``Idempotency-Key`` on writes: the first answer is kept and a retry gets it back.

What real Intacct does on a replay is UNVERIFIED (reference §4.7), so the
behaviour is the tenant setting ``idempotency``: ``replay`` (the stored answer
again; the same key with another method, path or body is a 409 conflict),
``conflict`` (any reuse of a key is a 409) or ``ignore``. Entries live in the
tenant's records, so every worker process sees them, and expire after
``idempotency_hours`` on the simulator clock.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from simulator.intacct.rest.wire import RestError
from simulator.store import Records

KIND = "intacct._rest_idempotency"
MAX_KEY = 255


def fingerprint(method: str, path: str, body: Any) -> str:
    return hashlib.sha256(json.dumps([method, path, body], sort_keys=True).encode()).hexdigest()


def conflict(message: str) -> RestError:
    return RestError(409, message, code="conflict", error_id="REST-1072", message_id="IA.IDEMPOTENCY_KEY_CONFLICT")


class Keys:
    def __init__(self, records: Records, settings: dict[str, Any], now: float) -> None:
        self.records = records
        self.mode = str(settings.get("idempotency", "replay"))
        self.ttl = float(settings.get("idempotency_hours", 24)) * 3600
        self.now = now

    def lookup(self, key: str, method: str, path: str, body: Any) -> tuple[int, Any] | None:
        """The stored answer to replay, None to run the request, or a RestError to refuse it."""
        if self.mode == "ignore":
            return None
        if not key or len(key) > MAX_KEY:
            raise RestError(400, f"Idempotency-Key must be 1 to {MAX_KEY} characters.", error_id="REST-1073",
                            message_id="IA.INVALID_IDEMPOTENCY_KEY")
        found = self.records.get_by_key(KIND, key)
        if found is None or float(found.data.get("expires", 0)) <= self.now:
            if found is not None:
                self.records.delete(KIND, found.id)
            return None
        if self.mode == "conflict":
            raise conflict(f"Idempotency-Key '{key}' was already used.")
        if found.data.get("fingerprint") != fingerprint(method, path, body):
            raise conflict(f"Idempotency-Key '{key}' was used for a different request.")
        return int(found.data["status"]), found.data["body"]

    def remember(self, key: str, method: str, path: str, body: Any, status: int, answer: Any) -> None:
        if self.mode == "ignore" or not 200 <= status < 300:
            return  # a failed request may be retried with the same key
        self.records.insert(KIND, {"fingerprint": fingerprint(method, path, body), "status": status,
                                   "body": answer, "expires": self.now + self.ttl}, key=key)
