"""`studio keys | api | worker`: API keys, the REST API server and job workers (issue 16)."""
from __future__ import annotations

import typer

keys_app = typer.Typer(name="keys", help="API keys of the organization: create (shown once), list, revoke.",
                       no_args_is_help=True)


usage_app = typer.Typer(name="usage", help="Metered usage per day/project/user/backend, and quotas.",
                        invoke_without_command=True)
invoices_app = typer.Typer(name="invoices", help="Rate cards, invoices (PDF/CSV) and credit notes.",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(usage_app, name="usage")
    app.add_typer(invoices_app, name="invoices")
    app.command("api")(api)
    app.command("worker")(worker)


def _store_org():
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store(), settings


@keys_app.command("create")
def keys_create(name: str = typer.Argument(..., help="What the key is for, e.g. 'render farm'."),
                scope: list[str] = typer.Option(["*:read"], "--scope", "-s",
                                                help="admin, *:read, *:write or AREA:read/AREA:write (repeat)."),
                expires_days: float | None = typer.Option(None, "--expires-days", help="Days until it expires."),
                org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG)."),
                user: str | None = typer.Option(None, help="User the key acts as (default STUDIO_USER).")) -> None:
    """Create an API key; it is printed once and never again."""
    from studio_kit.platform import keys

    store, settings = _store_org()
    org = org or settings.org
    store.org(org, create=False)
    key, info = keys.create_key(store, org, name, scope, user=user or settings.user, expires_in_days=expires_days,
                                created_by=settings.user)
    typer.echo(f"Created key {info.prefix} '{name}' for {org} as {info.user}, scopes {', '.join(info.scopes)}"
               + (f", expires {info.expires_at:%Y-%m-%d %H:%M} UTC" if info.expires_at else "") + ".")
    typer.echo("Store it now, it is not shown again:")
    typer.echo(key)


@keys_app.command("list")
def keys_list(org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """The organization's keys (prefix, scopes, status, last use); never the keys themselves."""
    from rich.console import Console
    from rich.table import Table

    from studio_kit.platform import keys

    store, settings = _store_org()
    table = Table(title=f"API keys of {org or settings.org}")
    for col in ("prefix", "name", "user", "scopes", "status", "expires", "last used", "from"):
        table.add_column(col, no_wrap=col in ("prefix", "status"))
    for k in keys.list_keys(store, org or settings.org):
        table.add_row(k.prefix, k.name, k.user, " ".join(k.scopes), k.status,
                      f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "", f"{k.last_used_at:%Y-%m-%d %H:%M}"
                      if k.last_used_at else "never", k.last_used_ip or "")
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(prefix: str = typer.Argument(..., help="The key's prefix, e.g. sk_live_AbCd1234."),
                org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Revoke a key: the API refuses it from the next request on."""
    from studio_kit.platform import keys

    store, settings = _store_org()
    info = keys.revoke_key(store, org or settings.org, prefix, by=settings.user)
    typer.echo(f"Revoked {info.prefix} '{info.name}' at {info.revoked_at:%Y-%m-%d %H:%M:%S} UTC.")


def api(host: str = typer.Option("127.0.0.1", help="Address to bind."),
        port: int = typer.Option(8080, min=1, max=65535),
        workers: int = typer.Option(1, min=1, max=64, help="Server processes."),
        log_level: str = typer.Option("info")) -> None:
    """Serve the REST API (/api/v1, /openapi.json, /docs, /healthz, /readyz, /metrics) with uvicorn.

    Jobs it queues run on `studio worker` processes; the Panel dashboards are served by
    `studio serve` (a second process)."""
    import uvicorn

    from studio_kit.api.observability import configure_logging

    configure_logging()
    uvicorn.run("studio_kit.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False)


def worker(once: bool = typer.Option(False, "--once", help="Stop when the queue is empty."),
           poll: float = typer.Option(0.5, min=0.05, max=60, help="Seconds between polls of an empty queue."),
           max_jobs: int | None = typer.Option(None, min=1, help="Stop after this many jobs."),
           dask: str | None = typer.Option(None, "--dask", help="Execute jobs on Dask: 'local' (a LocalCluster on "
                                           "this machine) or a scheduler address (tcp://host:8786)."),
           dask_workers: int | None = typer.Option(None, min=1, help="Worker processes of the local cluster.")) -> None:
    """Run queued jobs (generation, renders, template runs) until stopped (Ctrl-C); with --dask, on a Dask
    cluster, as many at once as it has threads."""
    import logging
    import signal

    from studio_kit.api.observability import configure_logging
    from studio_kit.platform.jobs import Worker

    configure_logging()
    store, _ = _store_org()
    w = Worker(store, poll_s=poll)
    signal.signal(signal.SIGTERM, lambda *_: w.stop.set())
    logging.getLogger("studio_kit.worker").info(f"worker {w.name} started", extra={"event": "worker.start"})
    try:
        if dask:
            n = w.run_on_dask(None if dask == "local" else dask, workers=dask_workers, once=once, max_jobs=max_jobs)
        else:
            n = w.run(once=once, max_jobs=max_jobs)
    except KeyboardInterrupt:
        n = w.done
    typer.echo(f"Worker {w.name} ran {n} job(s).")


def _org(org: str | None):
    store, settings = _store_org()
    return store, store.org(org or settings.org), settings


def _date(value: str, what: str):
    import datetime as dt

    from studio_kit.exceptions import InputError

    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date.", hint="Write it as YYYY-MM-DD.") from None


@usage_app.callback()
def usage(ctx: typer.Context, start: str = typer.Option("1970-01-01", help="From this UTC date (inclusive)."),
          end: str = typer.Option("9999-12-31", help="To this UTC date (exclusive)."),
          org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Usage rolled up per day, project, user, backend and billing unit."""
    if ctx.invoked_subcommand:
        return
    from rich.console import Console
    from rich.table import Table

    from studio_kit.platform import billing
    from studio_kit.platform import usage as metering

    _, o, _ = _org(org)
    metering.sample_storage(o)          # today's asset-store sample, once per day
    events = billing.usage_in(o, _date(start, "--start"), _date(end, "--end"))
    table = Table(title=f"Usage of {o.org_slug}")
    for col in ("day", "project", "user", "backend", "unit", "calls", "units", "seconds"):
        table.add_column(col)
    for r in billing.rollup(events):
        table.add_row(str(r.day), str(r.project_id), r.user or "", r.backend, r.unit, str(r.calls),
                      f"{r.units:,.6f}" if r.unit == billing.STORAGE_UNIT else f"{r.units:,.3f}", f"{r.seconds:,.1f}")
    console = Console()
    console.print(table)
    stored = metering.storage_use(events)
    if stored:
        slugs = {p.id: p.slug for p in o.projects()}
        st = Table(title=f"Storage of {o.org_slug} (GB-month = average daily GB × days / days in month)")
        for col in ("project", "days sampled", "average GB", "GB-months"):
            st.add_column(col, justify="left" if col == "project" else "right")
        for u in stored:
            st.add_row(slugs.get(u.project_id, str(u.project_id)), str(u.days), f"{u.average_gb:,.6f}",
                       f"{u.gb_months:,.6f}")
        console.print(st)


@usage_app.command("quota")
def usage_quota(unit: str | None = typer.Argument(None, help="Billing unit (voice_minute ...) or concurrent_jobs; "
                                                                "omit to list quotas and their use."),
                limit: float | None = typer.Argument(None, help="The limit."),
                period: str = typer.Option("month", help="day or month (UTC)."),
                project_id: int | None = typer.Option(None, help="A project's id (default: whole organization)."),
                org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Set a quota, or list the quotas with what is used."""
    from studio_kit.platform import quotas

    _, o, settings = _org(org)
    if unit is not None:
        if limit is None:
            raise typer.BadParameter("Give the limit after the unit.")
        quotas.set_quota(o, unit, limit, period=period, project_id=project_id, by=settings.user)
    for q in quotas.usage(o, project_id):
        typer.echo(f"{q.unit:>16} {q.scope:>8}: {q.used.normalize():f} of {q.limit.normalize():f} ({q.fraction:.0%}) "
                   + (f"per {q.period}, resets {q.resets_at:%Y-%m-%d %H:%M} UTC" if q.resets_at else "right now"))


@invoices_app.command("rates")
def invoices_rates(path: str = typer.Argument(..., help='JSON: {"currency": "EUR", "tax_rate": "0.2", "prices": '
                                                       '{"gpu_second": {"included": "100", "tiers": [...]}}}, '
                                                       'or "default" for the shipped starter card.'),
                   org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Store the next version of the organization's rate card from a JSON file."""
    import json
    from pathlib import Path

    from studio_kit.exceptions import InputError
    from studio_kit.platform import billing

    _, o, settings = _org(org)
    try:
        data = billing.default_rate_card() if path == "default" and not Path(path).exists() \
            else json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"Cannot read the rate card {path}: {exc}.", hint="Give a JSON file.") from None
    card = billing.set_rate_card(o, data.get("prices", {}), currency=data.get("currency", "USD"),
                                 tax_rate=str(data.get("tax_rate", "0")), by=settings.user)
    typer.echo(f"Rate card v{card.version} of {o.org_slug}: {len(card.prices)} units priced in {card.currency}.")


@invoices_app.command("issue")
def invoices_issue(start: str = typer.Option(..., help="Period start, UTC date (inclusive)."),
                   end: str = typer.Option(..., help="Period end, UTC date (exclusive)."),
                   out: str | None = typer.Option(None, "-o", "--out", help="Folder for the PDF and CSV."),
                   org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Issue the invoice of a billing period (immutable once issued)."""
    from studio_kit.platform import billing

    _, o, settings = _org(org)
    inv = billing.issue_invoice(o, _date(start, "--start"), _date(end, "--end"), by=settings.user)
    typer.echo(f"Issued {inv.number}: {billing.money(inv.total_cents, inv.currency)} "
               f"({len(inv.lines)} lines, tax {billing.money(inv.tax_cents, inv.currency)}).")
    _write_invoice(inv, out, o.org_slug)


def _write_invoice(inv, out: str | None, org_name: str) -> None:
    if not out:
        return
    from pathlib import Path

    from studio_kit.platform import billing
    from studio_kit.store.files import atomic_path

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    billing.export_invoice_pdf(inv, folder / f"{inv.number}.pdf", org_name)
    with atomic_path(folder / f"{inv.number}.csv") as tmp:
        tmp.write_text(billing.export_invoice_csv(inv))
    typer.echo(f"Wrote {folder / (inv.number + '.pdf')} and .csv")


@invoices_app.command("list")
def invoices_list(org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Issued invoices and credit notes."""
    from studio_kit.platform import billing

    _, o, _ = _org(org)
    for inv in billing.list_invoices(o):
        typer.echo(f"{inv.number:<18} {inv.kind:<12} {inv.period_start:%Y-%m-%d}..{inv.period_end:%Y-%m-%d} "
                   f"{billing.money(inv.total_cents, inv.currency):>16}")


@invoices_app.command("credit")
def invoices_credit(number: str = typer.Argument(..., help="Invoice number, e.g. INV-0001-00001."),
                    reason: str = typer.Option(..., help="What was wrong."),
                    out: str | None = typer.Option(None, "-o", "--out", help="Folder for the PDF and CSV."),
                    org: str | None = typer.Option(None, help="Organization (default STUDIO_ORG).")) -> None:
    """Correct an issued invoice with a credit note (the invoice itself never changes)."""
    from studio_kit.platform import billing

    _, o, settings = _org(org)
    note = billing.credit_note(o, number, reason=reason, by=settings.user)
    typer.echo(f"Issued credit note {note.number} for {number}: {billing.money(note.total_cents, note.currency)}.")
    _write_invoice(note, out, o.org_slug)
