"""Rate cards, invoices and credit notes: money to the cent, immutable once issued."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_kit.platform import billing
from studio_kit.registry import CallRecord  # noqa: F401  (the shape usage events come from)

JAN = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DEC = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
CARD = {"gpu_second": {"included": "100", "tiers": [{"up_to": "1000", "price": "0.002"},
                                                     {"up_to": None, "price": "0.001"}]},
        "image": {"included": "0", "tiers": [{"up_to": None, "price": "0.04"}]}}


def _usage(ctx, key, units, unit, at):
    ctx.record_usage_once(key, backend=f"ext.{unit}", units=units, unit=unit, at=at)


def test_an_invoice_prices_allowance_then_tiers_adds_tax_and_exports_pdf_and_csv(store, tmp_path):
    ctx = store.project("acme", "night-shift", user="ana")
    org = store.org("acme")
    billing.set_rate_card(org, CARD, currency="EUR", tax_rate="0.2", by="ana")
    _usage(ctx, "a", 600, "gpu_second", JAN + dt.timedelta(days=3))
    _usage(ctx, "b", 800, "gpu_second", JAN + dt.timedelta(days=20))
    _usage(ctx, "c", 25, "image", JAN + dt.timedelta(days=5))
    _usage(ctx, "d", 9999, "gpu_second", DEC + dt.timedelta(hours=1))  # next period: not on this invoice
    inv = billing.issue_invoice(org, JAN, DEC, by="ana")
    gpu = next(line for line in inv.lines if line["unit"] == "gpu_second")
    # 1400 used - 100 included = 1300 billable: 1000 × 0.002 + 300 × 0.001 = 2.30
    assert (gpu["quantity"], gpu["billable"], gpu["amount_cents"]) == ("1400.0", "1300.0", 230)
    assert next(line for line in inv.lines if line["unit"] == "image")["amount_cents"] == 100
    assert (inv.subtotal_cents, inv.tax_cents, inv.total_cents, inv.currency) == (330, 66, 396, "EUR")
    csv_text = billing.export_invoice_csv(inv)
    assert "gpu_second,1400.0,100,1300.0,2.30" in csv_text and csv_text.rstrip().endswith("total,,,,3.96")
    pdf = billing.export_invoice_pdf(inv, tmp_path / "inv.pdf", "Acme Films")
    from pypdf import PdfReader

    text = PdfReader(pdf).pages[0].extract_text()
    assert inv.number in text and "EUR 3.96" in text and "2026-11-01 to 2026-12-01" in text


def test_an_issued_invoice_never_changes_and_a_credit_note_corrects_it(store):
    ctx = store.project("acme", "night-shift", user="ana")
    org = store.org("acme")
    billing.set_rate_card(org, CARD)
    _usage(ctx, "x", 50, "image", JAN + dt.timedelta(days=1))
    inv = billing.issue_invoice(org, JAN, DEC)
    with pytest.raises(billing.BillingError, match="already covers"):
        billing.issue_invoice(org, JAN + dt.timedelta(days=10), DEC)
    with org.session() as s:
        row = s.get(billing.Invoice, inv.id)
        row.total_cents = 1
        s.add(row)
        with pytest.raises(billing.BillingError, match="cannot change"):
            s.commit()
    credit = billing.credit_note(org, inv.number, reason="image units double-metered", by="ana")
    assert credit.kind == "credit_note" and credit.total_cents == -inv.total_cents == -200
    again = billing.issue_invoice(org, JAN, DEC)
    assert again.total_cents == 200 and again.number != inv.number
    assert [i.total_cents for i in billing.list_invoices(org)] == [200, -200, 200]


def test_bad_rate_cards_say_what_is_wrong(store):
    org = store.org("acme", create=True)
    with pytest.raises(Exception, match="last tier of 'image' must be open-ended"):
        billing.set_rate_card(org, {"image": {"tiers": [{"up_to": "10", "price": "1"}]}})
    with pytest.raises(Exception, match="must ascend"):
        billing.set_rate_card(org, {"image": {"tiers": [{"up_to": "10", "price": "1"}, {"up_to": "5", "price": "1"},
                                                        {"up_to": None, "price": "1"}]}})
    with pytest.raises(Exception, match="Currency 'XYZ'"):
        billing.set_rate_card(org, CARD, currency="XYZ")


def _reference(quantity: Decimal, spec: dict) -> int:
    billable = max(Decimal(0), quantity - Decimal(spec["included"]))
    total, lower = Decimal(0), Decimal(0)
    for tier in spec["tiers"]:
        upper = Decimal(tier["up_to"]) if tier["up_to"] is not None else billable
        total += max(Decimal(0), min(billable, upper) - lower) * Decimal(tier["price"])
        lower = max(lower, upper)
    return int(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


_counter = itertools.count()
units = st.sampled_from(["gpu_second", "image", "video_second", "voice_minute"])
amounts = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def rate_cards(draw):
    card = {}
    for unit in draw(st.sets(units, min_size=1)):
        cuts = sorted(draw(st.sets(st.integers(1, 4000), max_size=3)))
        tiers = [{"up_to": str(c), "price": str(draw(prices))} for c in cuts] + [{"up_to": None, "price": str(draw(prices))}]
        card[unit] = {"included": str(draw(st.integers(0, 500))), "tiers": tiers}
    return card


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=rate_cards(), tax=st.decimals(min_value=0, max_value=Decimal("0.3"), places=3),
       events=st.lists(st.tuples(units, amounts, st.integers(-5, 35)), max_size=25))
def test_invoice_totals_equal_the_usage_they_cover_under_any_rate_card(sqlite_store, card, tax, events):
    slug = f"prop-{next(_counter)}"
    ctx = sqlite_store.project(slug, "p", user="u")
    org = sqlite_store.org(slug)
    billing.set_rate_card(org, card, tax_rate=str(tax))
    covered: dict[str, Decimal] = {}
    for n, (unit, amount, day) in enumerate(events):
        _usage(ctx, f"e{n}", float(amount), unit, JAN + dt.timedelta(days=day, hours=n % 24))
        if 0 <= day < 30:  # November has 30 days: [JAN, DEC)
            covered[unit] = covered.get(unit, Decimal(0)) + amount
    inv = billing.issue_invoice(org, JAN, DEC)
    assert {line["unit"]: Decimal(line["quantity"]) for line in inv.lines} == {u: q for u, q in covered.items()}
    expected = {u: (_reference(q, card[u]) if u in card else 0) for u, q in covered.items()}
    assert {line["unit"]: line["amount_cents"] for line in inv.lines} == expected
    assert inv.subtotal_cents == sum(expected.values())
    tax_cents = int((Decimal(inv.subtotal_cents) / 100 * tax).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    assert (inv.tax_cents, inv.total_cents) == (tax_cents, inv.subtotal_cents + tax_cents)
