"""Checking the chain: every row's hash, every link, no gaps, and agreement with checkpoints."""

from __future__ import annotations

from dataclasses import dataclass

from xinan.audit import chain
from xinan.audit.models import AuditEvent

_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class VerifyResult:
    rows: int
    head_id: int
    head_hash: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(*, up_to: int | None = None) -> VerifyResult:
    """Walk the chain in id order, in keyset-paginated batches, and stop at the first fault.

    A changed byte shows as a hash mismatch on that row; a deleted row as a gap or a broken
    link on the row after it. Rows appended after the last one are not proof of anything:
    compare with a signed checkpoint to catch a truncated tail.
    """
    prev_hash = chain.GENESIS_HASH
    expected_id = 1
    rows = 0
    columns = (
        "id",
        "occurred_at",
        "actor_type",
        "actor_id",
        "action",
        "target_type",
        "target_id",
        "tenant_id",
        "changes",
        "request_id",
        "ip_hmac",
        "prev_hash",
        "hash",
    )
    queryset = AuditEvent.objects.order_by("id").values_list(*columns)
    if up_to is not None:
        queryset = queryset.filter(id__lte=up_to)
    last_id = 0
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:_BATCH])
        if not batch:
            break
        for (
            row_id,
            occurred_at,
            actor_type,
            actor_id,
            action,
            target_type,
            target_id,
            tenant_id,
            changes,
            request_id,
            ip_hmac,
            stored_prev,
            stored_hash,
        ) in batch:
            if row_id != expected_id:
                return VerifyResult(
                    rows,
                    expected_id - 1,
                    prev_hash,
                    expected_id,
                    f"row {expected_id} is missing (next row is {row_id})",
                )
            if stored_prev != prev_hash:
                return VerifyResult(
                    rows,
                    expected_id - 1,
                    prev_hash,
                    row_id,
                    f"row {row_id} does not link to row {row_id - 1}",
                )
            computed = chain.row_hash(
                prev_hash,
                id=row_id,
                occurred_at=occurred_at,
                actor_type=actor_type,
                actor_id=actor_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                tenant_id=tenant_id,
                changes=changes,
                request_id=request_id,
                ip_hmac=ip_hmac,
            )
            if computed != stored_hash:
                return VerifyResult(
                    rows,
                    expected_id - 1,
                    prev_hash,
                    row_id,
                    f"row {row_id} was altered: its content does not match its hash",
                )
            prev_hash = stored_hash
            expected_id += 1
            rows += 1
        last_id = batch[-1][0]
    return VerifyResult(rows, expected_id - 1, prev_hash)
