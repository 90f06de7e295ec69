"""The production calendar: milestones with due dates, shoot milestones from the published
schedule, status from the approvals and runs that belong to them, slippage, .ics and CSV.

A milestone has a phase (development, prep, shoot, post, delivery, custom), an optional
start, a due date and the due date first planned (``baseline_due``): slippage is the
difference in days. ``depends_on`` names milestones that must be due first; moving one
later pushes its dependents by the same amount when they would start too early.
``subjects`` are what completes it: review subjects (``script:pilot.fountain`` = any
version approved) and ``run:TEMPLATE`` (the template's latest run succeeded).

Publishing a schedule (:func:`publish_schedule`) locks its review (a producer must have
approved it) and writes one ``shoot-week-N`` milestone per shooting week plus
``principal-photography``; publishing a changed schedule moves them and shows the slip.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from studio_kit.domain.preproduction import Schedule
from studio_kit.platform import permissions, reviews
from studio_kit.platform._ops import (
    OpsError,
    as_utc,
    audit,
    bump,
    check_version,
    lock_rows,
    parse_date,
    row_state,
    write_session,
)
from studio_kit.platform.reviews import subject_matches
from studio_kit.store.files import atomic_open
from studio_kit.store.models import Run, utcnow
from studio_kit.store.ops_models import Milestone, ReviewItem

PHASES = ("development", "prep", "shoot", "post", "delivery", "custom")
FIELDS = ("key", "name", "phase", "start_date", "due_date", "baseline_due", "depends_on", "subjects", "done_at",
          "version")
SCHEDULE_KIND = "schedule"
AT_RISK_DAYS = 7  #: a milestone due within this many days with open work is "at risk"


@dataclass
class MilestoneView:
    """A milestone with its derived status, for lists, the Gantt chart and exports."""

    key: str
    name: str
    phase: str
    start: dt.date
    due: dt.date
    baseline_due: dt.date
    slip_days: int
    status: str            # done, overdue, at risk, slipped, in progress, planned
    done_on: dt.date | None
    depends_on: list[str]
    subjects: list[str]
    open_subjects: list[str]
    source: str
    version: int


# -- reading ------------------------------------------------------------------------------------

def _subject_done(pattern: str, reviews: list[ReviewItem], runs: list[Run]) -> tuple[bool, dt.date | None]:
    if pattern.startswith("run:"):
        mine = [r for r in runs if r.template == pattern[4:]]
        if mine and mine[-1].status == "succeeded":
            return True, as_utc(mine[-1].finished_at or mine[-1].created_at).date()
        return False, None
    done = [r for r in reviews if subject_matches(pattern, r.subject) and r.state in ("approved", "locked")]
    return (True, max(as_utc(r.updated_at) for r in done).date()) if done else (False, None)


def _view(m: Milestone, reviews: list[ReviewItem], runs: list[Run], today: dt.date) -> MilestoneView:
    results = [(p, *_subject_done(p, reviews, runs)) for p in m.subjects]
    open_subjects = [p for p, ok, _ in results if not ok]
    done_on = as_utc(m.done_at).date() if m.done_at else None
    if done_on is None and m.subjects and not open_subjects:
        done_on = max(d for _, _, d in results if d)
    slip = (m.due_date - m.baseline_due).days
    if done_on:
        status = "done"
    elif today > m.due_date:
        status = "overdue"
    elif (m.due_date - today).days <= AT_RISK_DAYS and (open_subjects or not m.subjects):
        status = "at risk"
    elif slip > 0:
        status = "slipped"
    elif m.start_date and today >= m.start_date:
        status = "in progress"
    else:
        status = "planned"
    return MilestoneView(m.key, m.name, m.phase, m.start_date or m.due_date, m.due_date, m.baseline_due, slip, status,
                         done_on, list(m.depends_on), list(m.subjects), open_subjects, m.source, m.version)


def list_milestones(ctx: Any, today: dt.date | None = None) -> list[MilestoneView]:
    """Every milestone with its status, in calendar order."""
    permissions.require(ctx, "view")
    today = today or dt.date.today()
    with ctx.session() as s:
        rows = s.exec(select(Milestone)).all()
        reviews = list(s.exec(select(ReviewItem)).all())
        runs = list(s.exec(select(Run).order_by(col(Run.id))).all())
    views = [_view(m, reviews, runs, today) for m in rows]
    return sorted(views, key=lambda v: (v.start, v.due, PHASES.index(v.phase) if v.phase in PHASES else 9, v.key))


def get(ctx: Any, key: str) -> MilestoneView:
    for v in list_milestones(ctx):
        if v.key == key:
            return v
    raise OpsError(f"No milestone {key!r} in {ctx.scope_name}.", hint="`studio milestones` lists them.")


# -- writing ------------------------------------------------------------------------------------

def _check(key: str, name: str, phase: str) -> None:
    if not re.match(r"^[a-z0-9][a-z0-9._-]{0,63}$", key or ""):
        raise OpsError(f"Milestone key {key!r} is not valid.", hint="Use lower-case letters, digits, '-', e.g. 'picture-lock'.")
    if not (name or "").strip():
        raise OpsError("A milestone needs a name.", hint='e.g. --name "Picture lock"')
    if phase not in PHASES:
        raise OpsError(f"Unknown phase {phase!r}.", hint=f"Phases: {', '.join(PHASES)}.")


def add(ctx: Any, key: str, name: str, phase: str, due: Any, *, start: Any = None,
        depends_on: list[str] | None = None, subjects: list[str] | None = None, source: str = "manual") -> Milestone:
    """Create a milestone (needs manage_milestones)."""
    _check(key, name, phase)
    due_d, start_d = parse_date(due, "Due date"), parse_date(start, "Start date")
    if due_d is None:
        raise OpsError(f"Milestone {key} needs a due date.", hint="--due YYYY-MM-DD")
    if start_d and start_d > due_d:
        raise OpsError(f"Milestone {key} starts {start_d} after it is due {due_d}.", hint="Swap the dates.")
    with write_session(ctx) as s:
        permissions.require(ctx, "manage_milestones", s=s)
        existing = {m.key: m for m in s.exec(select(Milestone)).all()}
        if key in existing:
            raise OpsError(f"Milestone {key} already exists.", hint=f"Move it: `studio milestones move {key} --due ...`.")
        missing = [d for d in depends_on or [] if d not in existing]
        if missing:
            raise OpsError(f"Milestone {key} depends on unknown milestone(s) {', '.join(missing)}.",
                           hint="Create those first.")
        row = Milestone(org_id=ctx.org_id, project_id=ctx.project_id, key=key, name=name.strip(), phase=phase,
                        start_date=start_d, due_date=due_d, baseline_due=due_d, depends_on=list(depends_on or []),
                        subjects=list(subjects or []), source=source)
        s.add(row)
        audit(s, ctx, "milestone.add", f"milestone:{key}", {"due": due_d.isoformat()}, after=row_state(row, FIELDS))
        s.commit()
        return row


def _cascade(s: Any, ctx: Any, moved: Milestone, rows: dict[str, Milestone]) -> list[str]:
    """Push dependents that would start before what they depend on is due; returns the keys moved."""
    pushed, queue = [], [moved.key]
    while queue:
        key = queue.pop(0)
        for d in rows.values():
            if key not in d.depends_on:
                continue
            earliest = max(rows[k].due_date for k in d.depends_on if k in rows) + dt.timedelta(days=1)
            begin = d.start_date or d.due_date
            if begin < earliest:
                shift = earliest - begin
                before = row_state(d, FIELDS)
                d.start_date = d.start_date + shift if d.start_date else None
                d.due_date += shift
                bump(d)
                s.add(d)
                audit(s, ctx, "milestone.slip", f"milestone:{d.key}", {"because": key, "days": shift.days},
                      before=before, after=row_state(d, FIELDS))
                pushed.append(d.key)
                queue.append(d.key)
    return pushed


def move(ctx: Any, key: str, due: Any, *, start: Any = None, expected_version: int | None = None) -> list[str]:
    """Move a milestone's due (and start) date; dependents slip with it. Returns every key moved."""
    due_d, start_d = parse_date(due, "Due date"), parse_date(start, "Start date")
    with write_session(ctx) as s:
        permissions.require(ctx, "manage_milestones", s=s)
        rows = {m.key: m for m in s.exec(lock_rows(select(Milestone), s)).all()}
        if key not in rows:
            raise OpsError(f"No milestone {key!r} in {ctx.scope_name}.", hint="`studio milestones` lists them.")
        row = rows[key]
        check_version(row, expected_version, f"Milestone {key}")
        before = row_state(row, FIELDS)
        if start_d is None and row.start_date is not None and due_d is not None:
            start_d = row.start_date + (due_d - row.due_date)  # keep the duration
        row.due_date, row.start_date = due_d or row.due_date, start_d or row.start_date
        if row.start_date and row.start_date > row.due_date:
            raise OpsError(f"Milestone {key} would start {row.start_date} after it is due {row.due_date}.",
                           hint="Give --start too.")
        bump(row)
        s.add(row)
        audit(s, ctx, "milestone.move", f"milestone:{key}", {"due": row.due_date.isoformat()}, before=before,
              after=row_state(row, FIELDS))
        moved = [key] + _cascade(s, ctx, row, rows)
        s.commit()
        return moved


def complete(ctx: Any, key: str, done: bool = True) -> Milestone:
    """Mark a milestone done (or not done) by hand."""
    with write_session(ctx) as s:
        permissions.require(ctx, "manage_milestones", s=s)
        row = s.exec(lock_rows(select(Milestone).where(Milestone.key == key), s)).first()
        if row is None:
            raise OpsError(f"No milestone {key!r} in {ctx.scope_name}.", hint="`studio milestones` lists them.")
        before = row_state(row, FIELDS)
        row.done_at = utcnow() if done else None
        bump(row)
        s.add(row)
        audit(s, ctx, "milestone.complete" if done else "milestone.reopen", f"milestone:{key}", {},
              before=before, after=row_state(row, FIELDS))
        s.commit()
        return row


def on_review_change(s: Any, ctx: Any, item: ReviewItem) -> None:
    """Inside a review transition: milestones waiting on ``item`` become done (or not) with it."""
    rows = [m for m in s.exec(select(Milestone)).all() if any(subject_matches(p, item.subject) for p in m.subjects)]
    if not rows:
        return
    reviews = list(s.exec(select(ReviewItem)).all())
    runs = list(s.exec(select(Run).order_by(col(Run.id))).all())
    for m in rows:
        done = all(_subject_done(p, reviews, runs)[0] for p in m.subjects)
        if done == (m.done_at is not None):
            continue
        before = row_state(m, FIELDS)
        m.done_at = utcnow() if done else None
        bump(m)
        s.add(m)
        audit(s, ctx, "milestone.complete" if done else "milestone.reopen", f"milestone:{m.key}",
              {"because": item.subject}, before=before, after=row_state(m, FIELDS))


# -- schedule -------------------------------------------------------------------------------------

def store_schedule(ctx: Any, schedule: Any, name: str | None = None) -> Any:
    """Store a :class:`~studio_kit.domain.preproduction.Schedule` as a ``schedule`` asset (to review, then publish)."""
    permissions.require(ctx, "edit_schedule")
    if not schedule.days:
        raise OpsError("This schedule has no shooting days.", hint="Build it from a breakdown first.")
    name = name or f"{_slug(schedule.title)}-schedule.json"
    return ctx.put_asset(schedule.model_dump_json(indent=2), kind=SCHEDULE_KIND, name=name,
                         meta={"days": len(schedule.days), "title": schedule.title,
                               "start": schedule.days[0].date.isoformat() if schedule.days[0].date else None})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "untitled").lower()).strip("-") or "untitled"


def publish_schedule(ctx: Any, ref: Any) -> list[MilestoneView]:
    """Lock an approved schedule (gate: a producer's approval) and derive its shoot milestones."""
    permissions.require(ctx, "lock_schedule")
    subject, kind, asset_id = reviews.resolve(ctx, ref)
    if kind != SCHEDULE_KIND or asset_id is None:
        raise OpsError(f"{subject} is not a stored schedule.", hint="Store one with milestones.store_schedule().")
    schedule = Schedule.model_validate_json(ctx.read_bytes(asset_id))
    if any(d.date is None for d in schedule.days):
        raise OpsError(f"{subject} has shooting days without dates.",
                       hint="Rebuild the schedule with a start date (`--start YYYY-MM-DD`).")
    item = reviews.require_gate(ctx, "schedule.lock", subject)
    if item is None or item.state != "locked":
        if item is None or item.state != "approved":  # gate switched off: approve as we lock
            reviews.approve(ctx, subject, note="approved on publish")
        reviews.lock(ctx, subject)
    dated = [(day.week, day.date) for day in schedule.days if day.date is not None]  # all of them (checked above)
    weeks: dict[int, list[dt.date]] = {}
    for week, date in dated:
        weeks.setdefault(week, []).append(date)
    wanted = {"principal-photography": ("Principal photography", min(date for _, date in dated),
                                        max(date for _, date in dated))}
    for week, dates in sorted(weeks.items()):
        wanted[f"shoot-week-{week}"] = (f"Shoot week {week} ({len(dates)} day{'s' * (len(dates) != 1)})",
                                        min(dates), max(dates))
    with write_session(ctx) as s:
        rows = {m.key: m for m in s.exec(lock_rows(select(Milestone), s)).all()}
        for key, (name, start, due) in wanted.items():
            row = rows.get(key)
            if row is None:
                # done when the producer marks the week wrapped (complete()), not when the plan is approved
                row = Milestone(org_id=ctx.org_id, project_id=ctx.project_id, key=key, name=name, phase="shoot",
                                start_date=start, due_date=due, baseline_due=due, source="schedule")
                s.add(row)
                audit(s, ctx, "milestone.add", f"milestone:{key}", {"from": subject}, after=row_state(row, FIELDS))
                rows[key] = row
            elif (row.start_date, row.due_date, row.name) != (start, due, name):
                before = row_state(row, FIELDS)
                row.start_date, row.due_date, row.name = start, due, name
                bump(row)
                s.add(row)
                audit(s, ctx, "milestone.move", f"milestone:{key}", {"from": subject}, before=before,
                      after=row_state(row, FIELDS))
                _cascade(s, ctx, row, rows)
        for key, row in rows.items():  # a shorter schedule drops its last weeks
            if row.source == "schedule" and key not in wanted:
                audit(s, ctx, "milestone.remove", f"milestone:{key}", {"from": subject},
                      before=row_state(row, FIELDS))
                s.delete(row)
        s.commit()
    return [v for v in list_milestones(ctx) if v.key in wanted]



reviews.on_change(on_review_change)  # every review transition updates the milestones waiting on it

# -- exports --------------------------------------------------------------------------------------

CSV_FIELDS = ("key", "name", "phase", "start", "due", "baseline_due", "slip_days", "status", "done_on",
              "depends_on", "subjects")


def csv_text(views: list[MilestoneView]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for v in views:
        writer.writerow([v.key, v.name, v.phase, v.start.isoformat(), v.due.isoformat(), v.baseline_due.isoformat(),
                         v.slip_days, v.status, v.done_on.isoformat() if v.done_on else "", " ".join(v.depends_on),
                         " ".join(v.subjects)])
    return buf.getvalue()


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start = [], 0
    limit = 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)


def ics_text(ctx: Any, views: list[MilestoneView]) -> str:
    """An iCalendar (RFC 5545) with one all-day event per milestone."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//studio_kit//studio ops//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_escape(ctx.scope_name + ' milestones')}"]
    for v in views:
        desc = f"Phase: {v.phase}\nStatus: {v.status}\nSlip: {v.slip_days:+d} days (planned {v.baseline_due})"
        if v.open_subjects:
            desc += "\nWaiting on: " + ", ".join(v.open_subjects)
        lines += ["BEGIN:VEVENT", f"UID:{v.key}@{ctx.project_slug}.{ctx.org_slug}.studio-kit", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{v.start:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{v.due + dt.timedelta(days=1):%Y%m%d}",  # DTEND is exclusive
                  f"SUMMARY:{_ics_escape(v.name)}", f"DESCRIPTION:{_ics_escape(desc)}",
                  f"CATEGORIES:{v.phase.upper()}", "STATUS:CONFIRMED",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def export_milestones(ctx: Any, out: str | Path) -> Path:
    """Write the calendar as .ics or .csv (by the file's extension); needs the export permission."""
    permissions.require(ctx, "export")
    out = Path(out)
    views = list_milestones(ctx)
    if out.suffix.lower() == ".ics":
        data = ics_text(ctx, views)
    elif out.suffix.lower() == ".csv":
        data = csv_text(views)
    else:
        raise OpsError(f"Cannot export milestones as {out.suffix or 'a file without extension'}.",
                       hint="Name the file .ics (calendar) or .csv (spreadsheet).")
    with atomic_open(out, "w") as fh:
        fh.write(data)
    return out
