"""Studio Home: the studio's front door for one project.

Links to every dashboard (the shared :class:`~studio_kit.ui.project_picker.ProjectPicker`), the project's
latest script, published schedule, budget and cast with thumbnails, an asset browser (search, filter by
kind, pages of 20, preview of PDFs, images, audio and video, download) and the template runs with their
start time, parameters and executed notebook.
"""
from __future__ import annotations

import io
import json
import subprocess
import tempfile
from decimal import Decimal
from html import escape  # the scope name goes into a Markdown heading, which passes HTML through
from pathlib import Path
from typing import Any

import panel as pn
import param

from studio_kit.engines.preproduction.budget import format_money
from studio_kit.exceptions import StudioError
from studio_kit.templating import render_html
from studio_kit.ui.character_views import png_data_url
from studio_kit.ui.feedback import data_url, one_update, table_frame
from studio_kit.ui.project_picker import current_context, dashboard_url, latest_asset, shared_thumb

PAGE_SIZE = 20
#: the tables' columns and their dtypes (the same with no rows: see ``table_frame``)
ASSET_COLUMNS = {"kind": "object", "name": "object", "version": "int64", "size": "object", "by": "object",
                 "created": "object"}
RUN_COLUMNS = {"id": "int64", "template": "object", "status": "object", "started": "object", "seconds": "float64",
               "parameters": "object", "notebook": "object", "error": "object"}
PREVIEW_MAX_BYTES = 25_000_000          # bigger media are offered for download, not inlined
IMAGE_KINDS_HINT = ("image/",)
HOME_CSS = """
.sh-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; }
.sh-card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; background: #fff; min-width: 0;
           font: 13px/1.45 'Open Sans', sans-serif; }
.sh-card h4 { margin: 0 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #8b1e3f; }
.sh-card .big { font-size: 18px; font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sh-card .muted { color: #666; font-size: 12px; overflow-wrap: anywhere; }
.sh-card img.thumb { max-width: 100%; max-height: 150px; border: 1px solid #ccc; margin-top: 6px; display: block; }
.sh-card a { color: #8b1e3f; }
.sh-cast { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.sh-cast figure { margin: 0; width: 64px; text-align: center; font-size: 11px; overflow: hidden; }
.sh-cast img { width: 64px; height: 64px; object-fit: cover; border-radius: 4px; border: 1px solid #ccc; }
.sh-cast figcaption { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sh-preview img, .sh-preview video { max-width: 100%; }
.sh-preview audio { width: 100%; }
.sh-preview pre { white-space: pre-wrap; font: 12px 'Courier Prime', monospace; max-height: 420px; overflow: auto; }
"""


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def pdf_page_pngs(data: bytes, pages: int = 2, dpi: int = 50) -> list[bytes]:
    """The first ``pages`` pages of a PDF as PNGs (poppler's pdftoppm), for thumbnails and previews."""
    with tempfile.TemporaryDirectory(prefix="studio-home-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(src),
                            str(Path(tmp) / "p")], check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return []
        return [p.read_bytes() for p in sorted(Path(tmp).glob("p*.png"))]


def _cached_pdf_thumbs(ctx: Any, record: Any, pages: int = 1, dpi: int = 40) -> list[bytes]:
    """PDF page thumbnails, cached per file content for the whole server (every session shares them)."""
    return shared_thumb(record, f"studio-home-pdf-{pages}-{dpi}", lambda: pdf_page_pngs(ctx.read_bytes(record.id), pages, dpi))


CAST_THUMB_PX = 128         # the cast card shows 64 px portraits: twice that for sharp ones on HiDPI screens


def _cached_cast_thumb(ctx: Any, record: Any) -> str:
    """A cast render shrunk for the cast card, made once per server for every session (keyed by the file's
    SHA-256, asked for only with a record of the session's own project) instead of inlining the full render
    (up to 2 MB) in every page."""
    def make() -> str:
        data = ctx.read_bytes(record.id)
        try:
            return png_data_url(data, CAST_THUMB_PX)
        except Exception:  # noqa: BLE001 - a picture PIL cannot open is shown as the browser can
            return data_url(data, record.mime)

    return shared_thumb(record, f"studio-home-cast-{CAST_THUMB_PX}", make)


class StudioHome(pn.viewable.Viewer):
    """The front door of one project (the page's ?org=&project=, else the settings')."""

    search = param.String(default="", doc="Find assets whose name contains this text.")
    kind = param.String(default="", doc="Only assets of this kind ('' = every kind).")
    page = param.Integer(default=1, bounds=(1, None), doc="Page of the asset list (20 per page).")

    def __init__(self, ctx: Any = None, **params):
        super().__init__(**params)

        self.ctx = ctx or current_context()
        w = pn.widgets
        self.latest = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[HOME_CSS])
        self.search_input = w.TextInput.from_param(self.param.search, label="Search assets", placeholder="name contains…",
                                                   width=220)
        self.kind_select = w.Select(label="Kind", width=180)
        self.kind_select.param.watch(lambda e: setattr(self, "kind", e.new or ""), "value")
        self.prev_button = w.Button(label="‹ Previous", width=100, align="end")
        self.next_button = w.Button(label="Next ›", width=100, align="end")
        self.prev_button.on_click(lambda e: setattr(self, "page", max(1, self.page - 1)))
        self.next_button.on_click(lambda e: setattr(self, "page", self.page + 1))
        self.page_info = pn.pane.Markdown("", align="end", margin=(5, 10))
        self.assets = w.Tabulator(disabled=True, show_index=False, selectable=1, sizing_mode="stretch_width",
                                  layout="fit_data_stretch", height=560)
        self.assets.param.watch(self._on_select, "selection")
        self.preview = pn.pane.HTML("<p>Select an asset to preview it.</p>", sizing_mode="stretch_width",
                                    stylesheets=[HOME_CSS], css_classes=["sh-preview"])
        self.download = w.FileDownload(callback=self._download_selected, filename="asset", label="Download",
                                       color="success", width=160, disabled=True)
        self.runs = w.Tabulator(disabled=True, show_index=False, selectable=1, sizing_mode="stretch_width",
                                layout="fit_data_stretch", height=360)
        self.runs.param.watch(self._on_run, "selection")
        self.run_notebook = w.FileDownload(callback=self._download_notebook, filename="run.ipynb",
                                           label="Executed notebook", color="primary", width=200, disabled=True)
        self.refresh_button = w.Button(label="Refresh", width=100)
        self.refresh_button.on_click(lambda e: self.refresh())
        self._selected: Any = None
        self._run_asset: Any = None
        self._page_records: list[Any] = []
        self._run_records: list[Any] = []
        self.refresh()

    # -- reading the project -------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the project again: the kinds, the latest-work cards, the asset page and the runs reach the page
        as one update (the Refresh button)."""
        kinds = sorted({a.kind for a in self.ctx.list_assets()})
        with one_update():
            self.kind_select.options = {"every kind": ""} | {k: k for k in kinds}
            self.latest.object = self.latest_html()
            self._draw_assets()
            self._draw_runs()

    def _latest(self, kind: str):
        return latest_asset(self.ctx, kind)

    def latest_html(self) -> str:
        """Cards: latest script (with its first page), published schedule, budget, cast with portraits."""
        org, project = self.ctx.org_slug, self.ctx.project_slug
        links = {name: dashboard_url(dash, org, project) for name, dash in
                 (("script_room", "script_room"), ("board", "breakdown_board"), ("character_lab", "character_lab"))}
        script_card = None
        script = self._latest("script")
        if script is not None:
            meta = script.meta or {}
            script_card = {"name": script.name, "version": script.version, "by": script.created_by or "",
                           "colour": str((meta.get("revision") or {}).get("colour", "White")),
                           "scenes": len(meta.get("scene_numbers") or []), "when": _when(script.created_at),
                           "thumb": "", "pdf_name": ""}
            pdf = next((a for a in reversed(self.ctx.list_assets(kind="script_pdf")) if a.parent_id == script.id), None)
            if pdf is not None:
                pngs = _cached_pdf_thumbs(self.ctx, pdf)
                if pngs:
                    script_card.update(thumb=data_url(pngs[0], "image/png"), pdf_name=pdf.name)
        schedule_card = None
        schedule = self._latest("schedule")
        if schedule is not None:
            meta = schedule.meta or {}
            schedule_card = {"days": meta.get("days", "?"), "version": schedule.version,
                             "state": "published" if meta.get("published") else "stored",
                             "script": str(meta.get("script", schedule.name)), "by": schedule.created_by or "",
                             "when": _when(schedule.created_at)}
        budget_card = None
        budget = self._latest("budget")
        if budget is not None and (budget.meta or {}).get("grand_total"):
            meta = budget.meta
            budget_card = {"total": format_money(Decimal(str(meta["grand_total"])), meta.get("currency", "USD")),
                           "version": budget.version, "days": meta.get("days", "?"), "note": str(meta.get("note", "")),
                           "by": budget.created_by or "", "when": _when(budget.created_at)}
        return render_html("studio_home/cards.html.j2", links=links, script=script_card, schedule=schedule_card,
                           budget=budget_card, cast=self._cast_card())

    def _cast_card(self) -> dict[str, Any]:
        try:
            from studio_kit.engines.characters import service

            bibles = service.list_characters(self.ctx)
        except StudioError:
            bibles = []
        renders: dict[str, Any] = {}
        for r in self.ctx.list_assets(kind="character_render"):
            cid = (r.meta or {}).get("character_id") or (r.provenance or {}).get("character_id")
            if cid and (r.mime or "").startswith("image/") and r.size < 2_000_000:
                renders[cid] = r                       # newest render of each character
        figures = []
        for b in bibles[:12]:
            r = renders.get(b.character_id)
            figures.append({"name": b.name, "locked": b.locked, "src": _cached_cast_thumb(self.ctx, r) if r else ""})
        return {"count": len(bibles), "figures": figures}

    # -- assets --------------------------------------------------------------------------------
    def filtered(self) -> list[Any]:
        """Assets matching the search and kind, newest first."""
        text = self.search.strip().lower()
        records = self.ctx.list_assets(kind=self.kind or None)
        if text:
            records = [a for a in records if text in a.name.lower() or text in a.kind.lower()]
        return sorted(records, key=lambda a: (a.created_at, a.id), reverse=True)

    @param.depends("search", "kind", watch=True)
    def _first_page(self) -> None:
        if self.page != 1:
            self.page = 1          # redraws through the page watcher
        else:
            self._draw_assets()

    @param.depends("page", watch=True)
    def _draw_assets(self) -> None:
        records = self.filtered()
        pages = max(1, -(-len(records) // PAGE_SIZE))
        if self.page > pages:
            self.page = pages
            return
        start = (self.page - 1) * PAGE_SIZE
        self._page_records = records[start:start + PAGE_SIZE]
        with one_update():                    # rows, page figures and buttons in one message
            self.assets.selection = []        # a new page: nothing selected, the preview says so
            self.assets.value = table_frame(
                [{"kind": a.kind, "name": a.name, "version": a.version, "size": _size(a.size),
                  "by": a.created_by or "", "created": _when(a.created_at)} for a in self._page_records],
                ASSET_COLUMNS)
            self.page_info.object = f"Page {self.page} of {pages} · {len(records)} asset(s)"
            self.prev_button.disabled = self.page <= 1
            self.next_button.disabled = self.page >= pages

    def _on_select(self, event) -> None:
        rows = event.new or []
        self._selected = self._page_records[rows[0]] if rows and rows[0] < len(self._page_records) else None
        self.download.disabled = self._selected is None
        if self._selected is not None:
            self.download.filename = Path(self._selected.name).name
        self.preview.object = self.preview_html(self._selected)

    def preview_html(self, record: Any) -> str:
        """An in-page preview: PDF pages, image, audio or video player, or the text."""
        if record is None:
            return render_html("studio_home/preview.html.j2", record=None)
        mime = record.mime or ""
        view: dict[str, Any] = {"body": "none", "error": "", "src": "", "pages": [], "text": ""}
        if record.size > PREVIEW_MAX_BYTES:
            view["body"] = "too_large"
        else:
            try:
                data = self.ctx.read_bytes(record.id)
            except StudioError as exc:
                view.update(body="error", error=exc.message)
            else:
                if mime == "application/pdf" or record.name.lower().endswith(".pdf"):
                    view.update(body="pdf", pages=[data_url(p, "image/png") for p in pdf_page_pngs(data, pages=3, dpi=60)])
                elif mime.startswith(("image/", "audio/", "video/")):
                    view.update(body=mime.split("/")[0], src=data_url(data, mime))
                elif mime.startswith("text/") or mime in ("application/json", "application/xml",
                                                          "application/x-ipynb+json"):
                    view.update(body="text", text=data[:20000].decode("utf-8", errors="replace"))
        return render_html("studio_home/preview.html.j2", record=record, size=_size(record.size),
                           when=_when(record.created_at), **view)

    def _download_selected(self):
        if self._selected is None:
            return io.BytesIO(b"")
        return io.BytesIO(self.ctx.read_bytes(self._selected.id))

    # -- runs ----------------------------------------------------------------------------------
    def _draw_runs(self) -> None:
        self._run_records = self.ctx.list_runs(limit=100)
        self.runs.value = table_frame(
            [{"id": r.id, "template": r.template, "status": r.status, "started": _when(r.started_at),
              "seconds": round(r.duration_s or 0, 1), "parameters": _params(r.parameters),
              "notebook": "yes" if r.output_asset_id else "", "error": (r.error or "")[:80]}
             for r in self._run_records],
            RUN_COLUMNS)

    def _on_run(self, event) -> None:
        rows = event.new or []
        run = self._run_records[rows[0]] if rows and rows[0] < len(self._run_records) else None
        self._run_asset = run.output_asset_id if run is not None else None
        self.run_notebook.disabled = self._run_asset is None
        if run is not None:
            self.run_notebook.filename = f"run-{run.id}-{run.template}.ipynb"

    def _download_notebook(self):
        return io.BytesIO(self.ctx.read_bytes(self._run_asset) if self._run_asset else b"")

    def __panel__(self):
        browser = pn.Column(
            pn.FlexBox(self.search_input, self.kind_select, self.prev_button, self.next_button, self.page_info,
                       self.download, align_items="flex-end"),
            pn.FlexBox(pn.Column(self.assets, min_width=420, sizing_mode="stretch_width"),
                       pn.Column(self.preview, min_width=320, sizing_mode="stretch_width"),
                       sizing_mode="stretch_width", flex_wrap="wrap"),
            sizing_mode="stretch_width")
        runs = pn.Column(pn.Row(self.run_notebook), self.runs, sizing_mode="stretch_width")
        return pn.Column(
            pn.Row(pn.pane.Markdown(f"## {escape(self.ctx.scope_name)}"), pn.HSpacer(), self.refresh_button),
            self.latest,
            # the Runs table is built and sent when its tab is first opened
            pn.Tabs(("Assets", browser), ("Runs", runs), dynamic=True, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _params(parameters: dict | None) -> str:
    text = json.dumps(parameters or {}, default=str)
    return text if len(text) <= 120 else text[:117] + "…"
