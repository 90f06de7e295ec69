"""`studio store check [--repair]`: rows and files of the project store agree."""
from __future__ import annotations

import typer

store_app = typer.Typer(help="Maintain the project store: files and rows agree, hashes verified.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")


def _size(paths) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except FileNotFoundError:  # swept by another process since the check listed it
            continue
    return total


@store_app.command("check")
def check(repair: bool = typer.Option(False, "--repair", help="Remove temp files of killed writes and files "
                                      "no row points at (those untouched for --older-than seconds)."),
          older_than: float = typer.Option(3600.0, "--older-than", min=0, max=10 * 365 * 86400,
                                           help="With --repair: only files untouched this many seconds "
                                                "(0: all; a write in progress elsewhere may lose its temp file)."),
          hashes: bool = typer.Option(True, "--hashes/--no-hashes", help="Verify every file's SHA-256.")) -> None:
    """Report temp files of killed writes, files without rows, rows without files and corrupt files.

    Exit status 0 when everything agrees, 1 when problems remain (rows without files and
    corrupt files need a backup or a decision, so --repair never touches them).
    """
    from rich.console import Console
    from rich.table import Table

    from studio_kit.store import open_store

    console = Console()
    store = open_store()
    removed = store.repair(older_than) if repair else []
    report = store.check(verify_hashes=hashes)
    table = Table(title=f"Store {store.url} — assets in {store.asset_root}", title_justify="left")
    for col in ("problem", "count", "detail", "fix"):
        table.add_column(col, overflow="fold")
    table.add_row("temp files of killed writes (.partial-*)", str(len(report.partial_files)),
                  f"{_size(report.partial_files) / 2**20:.1f} MiB", "studio store check --repair")
    table.add_row("files without a row", str(len(report.orphan_files)),
                  f"{_size(report.orphan_files) / 2**20:.1f} MiB", "studio store check --repair")
    fix = "restore the file from backup or delete the asset"
    for label, problems in (("rows without a file", report.missing_files),
                            ("files whose SHA-256 changed", report.corrupt_files)):
        detail = ", ".join(f"asset {p.asset_id} (org {p.org_id}) {p.path}" for p in problems[:5])
        table.add_row(label, str(len(problems)), detail + (" ..." if len(problems) > 5 else ""), fix)
    console.print(table)
    if repair:
        console.print(f"Removed {len(removed)} file(s) untouched for {older_than:.0f} s or more."
                      if removed else f"Nothing untouched for {older_than:.0f} s or more to remove.")
    verdict = "agree" if report.ok else "disagree"
    console.print(f"{report.rows_checked} asset rows checked{' with hashes' if hashes else ''}: rows and files "
                  f"{verdict}.")
    if not report.ok:
        raise typer.Exit(1)
