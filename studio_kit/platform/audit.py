"""The tamper-evident audit log: verify the per-organization hash chain, export a period, anchor the head.

Entries are written by the store itself (see :mod:`studio_kit.store.ops_models`): each
``audit_event`` becomes the next ``audit_entry`` of its organization, whose hash covers
its content and the previous entry's hash. :func:`verify` recomputes the chain and
names the first entry that was edited, deleted, inserted or moved, and checks every
``audit_event`` row against its entry. :func:`anchor` appends the chain head to a
file (run it daily from cron); :func:`verify` with ``anchors`` then also catches a
chain rewritten from scratch.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from studio_kit.platform import permissions
from studio_kit.platform._ops import OpsError, as_utc, parse_date
from studio_kit.store.files import atomic_open
from studio_kit.store.models import AuditEvent
from studio_kit.store.ops_models import GENESIS, AuditChainHead, AuditEntry, canonical_time, entry_digest

EXPORT_FIELDS = ("seq", "at", "actor", "action", "target", "project_id", "before_hash", "after_hash", "prev_hash",
                 "entry_hash", "detail")


@dataclass
class VerifyResult:
    """``ok`` when the chain is intact; else ``first_bad`` (a seq number) and ``problem`` in words."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad: int | None = None
    problem: str = ""
    anchors_checked: int = 0
    details: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.ok:
            anchors = f", {self.anchors_checked} anchor(s) match" if self.anchors_checked else ""
            return f"Audit chain intact: {self.entries} entries, head #{self.head_seq} {self.head_hash[:16]}{anchors}."
        return f"Audit chain BROKEN at entry #{self.first_bad}: {self.problem}"


def _org_scope(ctx: Any) -> Any:
    """Verify and export read the whole organization's chain (an org-scoped view of the same store)."""
    return ctx.store.org(ctx.org_slug) if getattr(ctx, "project_id", None) is not None else ctx


def _require(ctx: Any) -> None:
    if getattr(ctx, "project_id", None) is not None:
        permissions.require(ctx, "view_audit")


def _digest(e: AuditEntry) -> str:
    return entry_digest(org_id=e.org_id, project_id=e.project_id, seq=e.seq, at=e.at, actor=e.actor,
                        action=e.action, target=e.target, detail=e.detail, before_hash=e.before_hash,
                        after_hash=e.after_hash, prev_hash=e.prev_hash)


def verify(ctx: Any, anchors: str | Path | None = None) -> VerifyResult:
    """Recompute the organization's chain; the result names the first bad entry."""
    _require(ctx)
    org = _org_scope(ctx)
    with org.session() as s:
        entries = list(s.exec(select(AuditEntry).order_by(col(AuditEntry.seq), col(AuditEntry.id))).all())
        head = s.exec(select(AuditChainHead)).first()
        events = {e.id: e for e in s.exec(select(AuditEvent)).all()}
    head_seq, head_hash = (head.seq, head.head_hash) if head else (0, GENESIS)
    result = VerifyResult(ok=True, entries=len(entries), head_seq=head_seq, head_hash=head_hash)

    def bad(seq: int, problem: str) -> VerifyResult:
        result.ok, result.first_bad, result.problem = False, seq, problem
        return result

    prev, seen_events = GENESIS, set()
    for expected, e in enumerate(entries, start=1):
        if e.seq != expected:
            return bad(expected, f"entry #{expected} is missing (deleted, or the entries after it were renumbered); "
                                 f"the next stored entry is #{e.seq} ({e.action} by {e.actor}).")
        if e.prev_hash != prev:
            return bad(e.seq, f"entry #{e.seq} ({e.action} by {e.actor}) does not follow entry #{e.seq - 1}: "
                              "an entry before it was removed, inserted or reordered.")
        if _digest(e) != e.entry_hash:
            return bad(e.seq, f"entry #{e.seq} ({e.action} by {e.actor} at {canonical_time(e.at)}) was edited: "
                              "its content no longer matches its hash.")
        if e.event_id is not None:
            ev = events.get(e.event_id)
            if ev is None:
                return bad(e.seq, f"audit_event {e.event_id} behind entry #{e.seq} ({e.action}) was deleted.")
            if (ev.actor, ev.action, ev.target, json.loads(json.dumps(ev.detail or {}, default=str))) != \
                    (e.actor, e.action, e.target, e.detail) or canonical_time(ev.at) != canonical_time(e.at):
                return bad(e.seq, f"audit_event {e.event_id} behind entry #{e.seq} ({e.action}) was edited.")
            seen_events.add(e.event_id)
        prev = e.entry_hash
    last_seq = entries[-1].seq if entries else 0
    if head is not None and (head_seq != last_seq or head_hash != prev):
        return bad(last_seq + 1, f"the chain head says #{head_seq} but the log ends at #{last_seq}: "
                                 f"the last {max(head_seq - last_seq, 0)} entries were deleted.")
    unchained = sorted(set(events) - seen_events)
    if unchained:
        ev = events[unchained[0]]
        return bad(last_seq + 1, f"audit_event {ev.id} ({ev.action} by {ev.actor}) is not in the chain: "
                                 "it was written around the store.")
    if anchors is not None:
        by_seq = {e.seq: e.entry_hash for e in entries}
        path = Path(anchors)
        if not path.is_file():
            raise OpsError(f"Anchor file {path} does not exist.", hint="Write one with `studio audit anchor FILE`.")
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            a = json.loads(line)
            if a.get("org") != ctx.org_slug:
                continue
            result.anchors_checked += 1
            if by_seq.get(a["seq"]) != a["head_hash"]:
                return bad(a["seq"], f"entry #{a['seq']} differs from the head anchored at {a['at']}: "
                                     "the chain was rewritten after that time.")
    return result


def entries(ctx: Any, since: Any = None, until: Any = None) -> list[AuditEntry]:
    """Chain entries with ``since <= date < until`` (dates or YYYY-MM-DD), oldest first.
    From a project context: that project's entries (needs view_audit)."""
    _require(ctx)
    start, end = parse_date(since, "Start date"), parse_date(until, "End date")
    with _org_scope(ctx).session() as s:
        stmt = select(AuditEntry).order_by(col(AuditEntry.seq))
        if getattr(ctx, "project_id", None) is not None:
            stmt = stmt.where(AuditEntry.project_id == ctx.project_id)
        rows = s.exec(stmt).all()
    out = []
    for r in rows:
        day = as_utc(r.at).date()
        if (start and day < start) or (end and day >= end):
            continue
        out.append(r)
    return out


def _row(e: AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": canonical_time(e.at), "actor": e.actor, "action": e.action, "target": e.target,
            "project_id": e.project_id, "before_hash": e.before_hash, "after_hash": e.after_hash,
            "prev_hash": e.prev_hash, "entry_hash": e.entry_hash, "detail": e.detail}


def export_audit(ctx: Any, out: str | Path, since: Any = None, until: Any = None) -> Path:
    """Write the period's entries to ``out``: .csv (detail as JSON text) or .jsonl (one entry a line)."""
    out = Path(out)
    rows = [_row(e) for e in entries(ctx, since, until)]
    if out.suffix.lower() == ".csv":
        with atomic_open(out, "w") as fh:
            writer = csv.DictWriter(fh, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
            for r in rows:
                writer.writerow({**r, "detail": json.dumps(r["detail"], sort_keys=True)})
    elif out.suffix.lower() in (".jsonl", ".json"):
        with atomic_open(out, "w") as fh:
            for r in rows:
                fh.write(json.dumps(r, sort_keys=True) + "\n")
    else:
        raise OpsError(f"Cannot export the audit log as {out.suffix or 'a file without extension'}.",
                       hint="Name the file .csv or .jsonl.")
    return out


def anchor(ctx: Any, path: str | Path) -> dict[str, Any]:
    """Append the organization's chain head to ``path`` (JSON lines): an outside copy to verify against."""
    _require(ctx)
    with _org_scope(ctx).session() as s:
        head = s.exec(select(AuditChainHead)).first()
    line = {"org": ctx.org_slug, "seq": head.seq if head else 0, "head_hash": head.head_hash if head else GENESIS,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:  # an append-only log: appending is the atomic write
        fh.write(json.dumps(line, sort_keys=True) + "\n")
    return line
