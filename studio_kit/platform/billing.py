"""Metering roll-ups, versioned rate cards and immutable invoices (PDF, CSV, credit notes).

Money is :class:`~decimal.Decimal` throughout and stored in cents. How an invoice is priced:

* usage events of the period ``[start, end)`` are summed per unit (``gpu_second``,
  ``image``, ``voice_minute`` ...); a unit the rate card does not price is listed at 0;
* storage is the unit ``storage_gb_month``: the daily asset-store samples of
  :mod:`studio_kit.platform.usage` (GB held that day / days in that month, summed over the
  period's sampled days); issuing an invoice samples today's storage first;
* the unit's ``included`` allowance is subtracted first;
* the rest is priced through *graduated* tiers: ``[{"up_to": 1000, "price": "0.002"},
  {"up_to": null, "price": "0.001"}]`` prices the first 1000 billable units at 0.002 and
  every unit above at 0.001 (``up_to`` counts billable units, after the allowance);
* each line is rounded to the cent (half up), the subtotal is the sum of the lines,
  tax is the subtotal × the card's ``tax_rate`` rounded to the cent, total = subtotal + tax.

An issued invoice never changes (the ORM refuses updates and deletes; on PostgreSQL a
trigger does too). A correction is a *credit note*: a new row with negative lines that
refers to the invoice it corrects; issue a new invoice afterwards if needed.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import col, func, select

from studio_kit.exceptions import InputError, StudioError
from studio_kit.platform import usage
from studio_kit.store.files import atomic_path
from studio_kit.store.models import UsageEvent, UsageRecord, to_record
from studio_kit.store.platform_models import Invoice, RateCard

CENT = Decimal("0.01")
CURRENCIES = {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "DKK", "NZD", "INR"}


class BillingError(StudioError):
    """A rate card or invoice request that cannot be honoured."""


@event.listens_for(Invoice, "before_update")
@event.listens_for(Invoice, "before_delete")
def _immutable(mapper: Any, connection: Any, target: Invoice) -> None:
    raise BillingError(f"Invoice {target.number} is issued and cannot change.",
                       hint="Issue a credit note with `studio invoices credit` to correct it.")


# -- roll-ups ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rollup:
    day: dt.date
    project_id: int
    user: str | None
    backend: str
    unit: str
    calls: int
    units: float
    seconds: float


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


#: (modality, backend unit) -> (billing unit, divisor): what a backend meters, in the units prices use
BILLING_UNITS: dict[tuple[str, str], tuple[str, Decimal]] = {
    ("voice", "seconds"): ("voice_minute", Decimal(60)),
    ("music", "seconds"): ("music_minute", Decimal(60)),
    ("video", "seconds"): ("video_second", Decimal(1)),
    ("image", "images"): ("image", Decimal(1)),
    ("text", "tokens"): ("text_token", Decimal(1)),
    ("text", "scenes"): ("text_scene", Decimal(1)),
    ("translate", "characters"): ("translate_character", Decimal(1)),
    ("hub", "seconds"): ("kernel_second", Decimal(1)),
}


def billing_unit(modality: str, unit: str) -> tuple[str, Decimal]:
    """The billing unit of a usage event and the divisor from its metered unit (reported units pass through)."""
    return BILLING_UNITS.get((modality, unit), (unit, Decimal(1)))


STORAGE_UNIT = "storage_gb_month"


def billed_quantity(e: UsageRecord) -> tuple[str, Decimal]:
    if usage.is_storage(e):
        return STORAGE_UNIT, usage.gb_months(e)
    unit, divisor = billing_unit(e.modality, e.unit)
    return unit, Decimal(repr(float(e.units))) / divisor


def rollup(events: Iterable[UsageRecord]) -> list[Rollup]:
    """Usage per day (UTC), project, user, backend and billing unit."""
    acc: dict[tuple[dt.date, int, str | None, str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0), 0.0])
    for e in events:
        unit, quantity = billed_quantity(e)
        key = (_utc(e.at).date(), e.project_id, e.user, e.backend, unit)
        acc[key][0] += 1
        acc[key][1] += quantity
        acc[key][2] += e.seconds
    return [Rollup(*k, int(v[0]), float(v[1]), v[2]) for k, v in sorted(acc.items(), key=lambda kv: tuple(map(str, kv[0])))]


def usage_in(org: Any, start: dt.datetime, end: dt.datetime) -> list[UsageRecord]:
    """The organization's usage events with ``start <= at < end``."""
    with org.session() as s:
        rows = s.exec(select(UsageEvent).where(UsageEvent.at >= start, UsageEvent.at < end)
                      .order_by(col(UsageEvent.id))).all()
        return [to_record(r, UsageRecord) for r in rows]


# -- rate cards ---------------------------------------------------------------------------------

def _dec(value: Any, what: str) -> Decimal:
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{what} {value!r} is not a number.", hint="Write prices as decimal strings: '0.002'.") \
            from None
    if not out.is_finite() or out < 0:
        raise InputError(f"{what} {value!r} must be a non-negative number.", hint="Use e.g. '0.002'.")
    return out


def check_prices(prices: dict[str, Any]) -> dict[str, Any]:
    """Validated prices: unit -> {included, tiers}; tiers ascending, the last open-ended."""
    out: dict[str, Any] = {}
    for unit, spec in prices.items():
        if not isinstance(spec, dict) or not spec.get("tiers"):
            raise InputError(f"Price of {unit!r} needs 'tiers'.",
                             hint='e.g. {"included": "100", "tiers": [{"up_to": null, "price": "0.01"}]}')
        included = _dec(spec.get("included", "0"), f"{unit} allowance")
        tiers, last = [], Decimal(0)
        for n, tier in enumerate(spec["tiers"]):
            up_to = tier.get("up_to")
            price = _dec(tier.get("price"), f"{unit} tier {n + 1} price")
            if up_to is None and n != len(spec["tiers"]) - 1:
                raise InputError(f"Only the last tier of {unit!r} may be open-ended.", hint="Give every other tier up_to.")
            if up_to is not None:
                up = _dec(up_to, f"{unit} tier {n + 1} up_to")
                if up <= last:
                    raise InputError(f"Tiers of {unit!r} must ascend ({up} after {last}).", hint="Sort the tiers.")
                last = up
            tiers.append({"up_to": None if up_to is None else str(_dec(up_to, "up_to")), "price": str(price)})
        if tiers[-1]["up_to"] is not None:
            raise InputError(f"The last tier of {unit!r} must be open-ended (up_to null).",
                             hint="Add a final tier with up_to null.")
        out[unit] = {"included": str(included), "tiers": tiers}
    return out


def set_rate_card(org: Any, prices: dict[str, Any], *, currency: str = "USD", tax_rate: str = "0",
                  by: str | None = None) -> RateCard:
    """Store the next version of the organization's rate card."""
    currency = currency.upper()
    if currency not in CURRENCIES:
        raise InputError(f"Currency {currency!r} is not supported.", hint="Use one of " + ", ".join(sorted(CURRENCIES)))
    tax = _dec(tax_rate, "Tax rate")
    if tax >= 1:
        raise InputError(f"Tax rate {tax_rate} is 100 % or more.", hint="Give a fraction: '0.2' for 20 %.")
    checked = check_prices(prices)
    with org.session() as s:
        current = s.exec(select(func.max(RateCard.version))).one() or 0
        row = RateCard(org_id=org.org_id, version=current + 1, currency=currency, tax_rate=str(tax), prices=checked,
                       created_by=by)
        s.add(row)
        s.commit()
        return row


def default_rate_card() -> dict[str, Any]:
    """The starter rate card shipped in ``studio_kit/data/platform/rate_card.json`` (currency, tax_rate, prices)."""
    data = json.loads((files("studio_kit") / "data" / "platform" / "rate_card.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def rate_card(org: Any, version: int | None = None) -> RateCard:
    with org.session() as s:
        stmt = select(RateCard).order_by(col(RateCard.version).desc())
        if version is not None:
            stmt = stmt.where(RateCard.version == version)
        row = s.exec(stmt).first()
    if row is None:
        raise BillingError(f"Organization '{org.org_slug}' has no rate card" + (f" version {version}" if version else "")
                           + ".", hint="Set one with `studio invoices rates FILE.json`.")
    return row


# -- pricing -------------------------------------------------------------------------------------

def cents(amount: Decimal) -> int:
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def price_quantity(quantity: Decimal, spec: dict[str, Any]) -> tuple[Decimal, Decimal, list[dict[str, str]]]:
    """(billable quantity, amount, per-tier breakdown) of ``quantity`` units under ``spec``."""
    billable = max(Decimal(0), quantity - Decimal(spec["included"]))
    amount, below, parts = Decimal(0), Decimal(0), []
    for tier in spec["tiers"]:
        top = Decimal(tier["up_to"]) if tier["up_to"] is not None else None
        band = (min(billable, top) if top is not None else billable) - below
        if band <= 0:
            break
        amount += band * Decimal(tier["price"])
        parts.append({"quantity": str(band), "price": tier["price"], "amount": str(band * Decimal(tier["price"]))})
        below += band
    return billable, amount, parts


def _q(value: Decimal) -> Decimal:
    """Quantities keep 6 decimals (a minute of voice is 1/60: not a finite decimal)."""
    return value.quantize(Decimal("0.000001")).normalize() if value != value.to_integral_value() else value


def price_lines(events: Iterable[UsageRecord], card: RateCard) -> list[dict[str, Any]]:
    """One invoice line per unit: quantity, allowance, billable, tiers, amount in cents."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    storage = []
    for e in events:
        if usage.is_storage(e):
            storage.append(e)
            continue
        unit, quantity = billed_quantity(e)
        totals[unit] += quantity
    if storage:
        totals[STORAGE_UNIT] = usage.total_gb_months(storage)
    lines = []
    for unit in sorted(totals):
        spec = card.prices.get(unit)
        if spec is None:
            lines.append({"unit": unit, "quantity": str(_q(totals[unit])), "included": "0", "billable": "0",
                          "tiers": [], "amount_cents": 0, "note": "not priced on this rate card"})
            continue
        billable, amount, parts = price_quantity(totals[unit], spec)
        lines.append({"unit": unit, "quantity": str(_q(totals[unit])), "included": spec["included"],
                      "billable": str(billable), "tiers": parts, "amount_cents": cents(amount)})
    return lines


def _number(s: Any, org_id: int, kind: str) -> str:
    count = s.exec(select(func.count()).select_from(Invoice).where(Invoice.org_id == org_id)).one()
    return f"{'CN' if kind == 'credit_note' else 'INV'}-{org_id:04d}-{count + 1:05d}"


def issue_invoice(org: Any, start: dt.datetime, end: dt.datetime, *, by: str | None = None,
                  rate_card_version: int | None = None) -> Invoice:
    """Price the period's usage with the (latest) rate card and store the invoice; it never changes."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        raise InputError(f"The billing period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d}).",
                         hint="Give --start before --end.")
    card = rate_card(org, rate_card_version)

    usage.sample_storage(org)
    with org.session() as s:
        overlap = s.exec(select(Invoice).where(Invoice.kind == "invoice", Invoice.period_start < end,
                                               Invoice.period_end > start)).all()
        credited = {r.corrects_id for r in s.exec(select(Invoice).where(Invoice.kind == "credit_note")).all()}
        live = [r for r in overlap if r.id not in credited]
        if live:
            raise BillingError(f"Invoice {live[0].number} already covers part of this period.",
                               hint=f"Credit it first (`studio invoices credit {live[0].number}`), then re-issue.")
    lines = price_lines(usage_in(org, start, end), card)
    subtotal = sum(line["amount_cents"] for line in lines)
    tax = cents(Decimal(subtotal) / 100 * Decimal(card.tax_rate))
    with org.session() as s:
        row = Invoice(org_id=org.org_id, number=_number(s, org.org_id, "invoice"), period_start=start, period_end=end,
                      currency=card.currency, rate_card_version=card.version, tax_rate=card.tax_rate, lines=lines,
                      subtotal_cents=subtotal, tax_cents=tax, total_cents=subtotal + tax, issued_by=by)
        s.add(row)
        s.commit()
        return row


def credit_note(org: Any, number: str, *, reason: str, by: str | None = None) -> Invoice:
    """Cancel an issued invoice in full with a credit note (negative lines and totals)."""
    if not reason.strip():
        raise InputError("A credit note needs a reason.", hint="Say what was wrong, e.g. --reason 'double-metered'.")
    with org.session() as s:
        inv = s.exec(select(Invoice).where(Invoice.number == number)).first()
        if inv is None or inv.kind != "invoice":
            raise BillingError(f"No invoice {number!r} in '{org.org_slug}'.", hint="List them with `studio invoices list`.")
        if s.exec(select(Invoice).where(Invoice.corrects_id == inv.id)).first() is not None:
            raise BillingError(f"Invoice {number} is already credited.", hint="Nothing left to correct.")
        lines = [{**line, "amount_cents": -line["amount_cents"]} for line in inv.lines]
        row = Invoice(org_id=org.org_id, number=_number(s, org.org_id, "credit_note"), kind="credit_note",
                      corrects_id=inv.id, period_start=inv.period_start, period_end=inv.period_end,
                      currency=inv.currency, rate_card_version=inv.rate_card_version, tax_rate=inv.tax_rate,
                      lines=lines, subtotal_cents=-inv.subtotal_cents, tax_cents=-inv.tax_cents,
                      total_cents=-inv.total_cents, note=reason, issued_by=by)
        s.add(row)
        s.commit()
        return row


def list_invoices(org: Any) -> list[Invoice]:
    with org.session() as s:
        return list(s.exec(select(Invoice).order_by(col(Invoice.id))).all())


# -- exports ---------------------------------------------------------------------------------------

def money(cents_: int, currency: str) -> str:
    sign = "-" if cents_ < 0 else ""
    return f"{sign}{currency} {abs(cents_) // 100:,}.{abs(cents_) % 100:02d}"


def export_invoice_csv(inv: Invoice) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["number", "kind", "period_start", "period_end", "currency", "unit", "quantity", "included",
                "billable", "amount"])
    for line in inv.lines:
        w.writerow([inv.number, inv.kind, f"{_utc(inv.period_start):%Y-%m-%d}", f"{_utc(inv.period_end):%Y-%m-%d}",
                    inv.currency, line["unit"], line["quantity"], line["included"], line["billable"],
                    f"{Decimal(line['amount_cents']) / 100:.2f}"])
    for label, value in (("subtotal", inv.subtotal_cents), (f"tax {Decimal(inv.tax_rate) * 100:g}%", inv.tax_cents),
                         ("total", inv.total_cents)):
        w.writerow([inv.number, inv.kind, "", "", inv.currency, label, "", "", "", f"{Decimal(value) / 100:.2f}"])
    return out.getvalue()


def export_invoice_pdf(inv: Invoice, path: Any, org_name: str) -> Any:
    """A one-page (or more) A4 invoice PDF written atomically."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas


    path = Path(path)
    with atomic_path(path) as tmp:
        c = canvas.Canvas(str(tmp), pagesize=A4)
        width, height = A4
        y = height - 60
        title = "CREDIT NOTE" if inv.kind == "credit_note" else "INVOICE"
        c.setFont("Helvetica-Bold", 18)
        c.drawString(50, y, f"{title} {inv.number}")
        c.setFont("Helvetica", 10)
        y -= 24
        for text in (f"Bill to: {org_name}", f"Period: {_utc(inv.period_start):%Y-%m-%d} to "
                     f"{_utc(inv.period_end):%Y-%m-%d} (end exclusive)",
                     f"Issued: {_utc(inv.issued_at):%Y-%m-%d %H:%M} UTC   Rate card v{inv.rate_card_version}",
                     *([f"Corrects invoice id {inv.corrects_id}: {inv.note}"] if inv.corrects_id else [])):
            c.drawString(50, y, text)
            y -= 14
        y -= 10
        c.setFont("Helvetica-Bold", 10)
        for x, head in ((50, "Unit"), (200, "Quantity"), (290, "Included"), (380, "Billable")):
            c.drawString(x, y, head)
        c.drawRightString(width - 50, y, "Amount")
        c.setFont("Helvetica", 10)
        for line in inv.lines:
            y -= 16
            if y < 90:
                c.showPage()
                c.setFont("Helvetica", 10)
                y = height - 60
            c.drawString(50, y, line["unit"])
            c.drawString(200, y, f"{Decimal(line['quantity']):f}"[:14])
            c.drawString(290, y, f"{Decimal(line['included']):f}"[:14])
            c.drawString(380, y, f"{Decimal(line['billable']):f}"[:14])
            c.drawRightString(width - 50, y, money(line["amount_cents"], inv.currency))
        y -= 28
        for label, value, bold in (("Subtotal", inv.subtotal_cents, False),
                                   (f"Tax ({Decimal(inv.tax_rate) * 100:g} %)", inv.tax_cents, False),
                                   ("Total", inv.total_cents, True)):
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 11 if bold else 10)
            c.drawString(width - 250, y, label)
            c.drawRightString(width - 50, y, money(value, inv.currency))
            y -= 16
        c.save()
    return path
