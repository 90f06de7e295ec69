"""Storage GB-months of the asset store: daily samples once per day, priced on the invoice to the cent."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from typer.testing import CliRunner

from studio_kit.platform import billing, usage

NOV = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DEC = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
MB = 10**6
CARD = {"storage_gb_month": {"included": "0.0002", "tiers": [{"up_to": None, "price": "2500"}]},
        "image": {"included": "0", "tiers": [{"up_to": None, "price": "0.04"}]}}


def _day(n: int) -> dt.date:
    return (NOV + dt.timedelta(days=n - 1)).date()


def _two_projects_over_four_days(store):
    """p1 holds 2 MB on Nov 1 and 3 MB from Nov 2; p2 holds 1 MB until its asset goes on Nov 4."""
    p1 = store.project("acme", "night-shift", user="ana")
    p2 = store.project("acme", "day-shift", user="ana")
    org = store.org("acme")
    p1.put_asset(os.urandom(2 * MB), "image", "plate.bin")
    gone = p2.put_asset(os.urandom(1 * MB), "image", "ref.bin")
    first = usage.sample_storage(org, _day(1))
    assert [(s.project_id, s.bytes, s.created) for s in first] == [(p1.project_id, 2 * MB, True),
                                                                   (p2.project_id, 1 * MB, True)]
    p1.put_asset(os.urandom(1 * MB), "image", "plate-2.bin")
    usage.sample_storage(org, _day(2))
    usage.sample_storage(org, _day(3))
    p2.delete_asset(gone.id)
    usage.sample_storage(org, _day(4))
    usage.sample_storage(org, DEC.date())          # next month: on no November figure
    return org, p1, p2


def test_storage_gb_months_are_average_daily_gb_times_days_over_days_in_month(store):
    org, p1, p2 = _two_projects_over_four_days(store)
    # sampling a day again (a second `studio usage`, a retried rollup) keeps the first sample
    again = usage.sample_storage(org, _day(1))      # p1 holds 3 MB now; Nov 1 keeps its 2 MB
    assert [(s.project_id, s.day, s.bytes, s.created) for s in again] == [(p1.project_id, _day(1), 2 * MB, False)]
    assert len([e for e in org.list_usage() if usage.is_storage(e)]) == 5 + 3     # p1: Nov 1-4 + Dec 1; p2: Nov 1-3
    use = {u.project_id: u for u in usage.storage_use(org.list_usage(), NOV, DEC)}
    # p1: 0.002 + 0.003 + 0.003 + 0.003 GB over 4 days of a 30-day month
    assert use[p1.project_id].days == 4
    assert use[p1.project_id].average_gb == Decimal("0.00275")
    assert use[p1.project_id].gb_months == Decimal("0.011") / 30
    # p2: 0.001 GB on 3 days (nothing held on day 4, so no sample)
    assert (use[p2.project_id].days, use[p2.project_id].gb_months) == (3, Decimal("0.003") / 30)


def test_the_invoice_prices_storage_gb_months_to_the_cent_and_resampling_changes_nothing(store):
    org, p1, _ = _two_projects_over_four_days(store)
    p1.record_usage_once("img", backend="ext.image", units=5, unit="image", at=NOV + dt.timedelta(days=2))
    billing.set_rate_card(org, CARD, currency="EUR", tax_rate="0.2")
    for n in (1, 2, 3, 4):                          # the daily sample runs again: no double count
        usage.sample_storage(org, _day(n))
    inv = billing.issue_invoice(org, NOV, DEC)
    line = next(line for line in inv.lines if line["unit"] == "storage_gb_month")
    # (0.011 + 0.003) GB-days / 30 = 0.000466667 GB-months; 0.0002 included; 0.000266667 × 2500 = 0.67
    assert line["quantity"] == "0.000467" and line["included"] == "0.0002"
    assert Decimal(line["billable"]) == Decimal("0.014") / 30 - Decimal("0.0002")
    assert line["amount_cents"] == 67
    assert next(line for line in inv.lines if line["unit"] == "image")["amount_cents"] == 20
    assert (inv.subtotal_cents, inv.tax_cents, inv.total_cents) == (87, 17, 104)
    assert "storage_gb_month,0.000467,0.0002," in billing.export_invoice_csv(inv)


def test_a_period_across_two_months_divides_each_day_by_its_own_month(store):
    ctx = store.project("acme", "night-shift", user="ana")
    org = store.org("acme")
    ctx.put_asset(os.urandom(3 * MB), "image", "plate.bin")
    usage.sample_storage(org, dt.date(2026, 11, 30))    # November: 30 days
    usage.sample_storage(org, dt.date(2026, 12, 1))     # December: 31 days
    (use,) = usage.storage_use(org.list_usage(), NOV, DEC + dt.timedelta(days=1))
    assert use.gb_months == Decimal("0.003") / 30 + Decimal("0.003") / 31


def test_studio_usage_samples_today_once_and_shows_gb_months(store, store_url, monkeypatch):
    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    ctx = store.project("acme", "night-shift", user="ana")
    ctx.put_asset(os.urandom(2 * MB), "image", "plate.bin")
    monkeypatch.setenv("STUDIO_DATABASE_URL", store_url)
    monkeypatch.setenv("STUDIO_ORG", "acme")
    monkeypatch.setenv("COLUMNS", "200")
    reset_settings()
    today = dt.datetime.now(dt.UTC).date()
    days_in_month = usage.days_in_month(today)
    for _ in range(2):
        result = CliRunner().invoke(app, ["usage"], catch_exceptions=False, terminal_width=200)
        assert result.exit_code == 0, result.output
    assert "storage.assets" in result.output and "storage_gb_month" in result.output
    assert f"{Decimal('0.002') / days_in_month:,.6f}" in result.output   # one day sampled, not two
    assert [e.key for e in store.org("acme").list_usage() if usage.is_storage(e)] == \
        [usage.storage_key(ctx.project_id, today)]


def test_the_shipped_starter_rate_card_prices_storage_with_an_allowance(store, store_url, monkeypatch):
    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    ctx = store.project("acme", "night-shift", user="ana")
    ctx.put_asset(os.urandom(2 * MB), "image", "plate.bin")
    monkeypatch.setenv("STUDIO_DATABASE_URL", store_url)
    monkeypatch.setenv("STUDIO_ORG", "acme")
    reset_settings()
    result = CliRunner().invoke(app, ["invoices", "rates", "default"], catch_exceptions=False)
    assert result.exit_code == 0 and "Rate card v1 of acme" in result.output, result.output
    org = store.org("acme")
    spec = billing.rate_card(org).prices["storage_gb_month"]
    assert spec["included"] == "10"
    # 1520 GB-months: 10 included, then 1000 × 0.023 + 510 × 0.021 = 33.71
    assert billing.cents(billing.price_quantity(Decimal(1520), spec)[1]) == 3371
    usage.sample_storage(org, _day(1))
    (line,) = [line for line in billing.issue_invoice(org, NOV, DEC).lines if line["unit"] == "storage_gb_month"]
    assert (line["quantity"], line["included"], line["billable"], line["amount_cents"]) == ("0.000067", "10", "0", 0)


def test_a_running_worker_takes_the_days_storage_sample_of_every_organization_once(store):
    from studio_kit.platform import jobs

    acme = store.project("acme", "night-shift", user="ana")
    rival = store.project("rival", "copycat", user="bob")
    acme.put_asset(os.urandom(2 * MB), "image", "plate.bin")
    rival.put_asset(os.urandom(1 * MB), "image", "ref.bin")
    worker = jobs.Worker(store)
    assert worker.run(once=True) == 0                       # an empty queue, but today's sample is taken
    assert worker.sample_storage_daily() == 0               # once per day per worker
    today = dt.datetime.now(dt.UTC).date()
    for org, size in ((store.org("acme"), 2 * MB), (store.org("rival"), 1 * MB)):
        [sample] = usage.sample_storage(org, today)          # already there: the worker's figure is kept
        assert (sample.bytes, sample.created) == (size, False)
