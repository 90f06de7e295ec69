"""Marketing Kit: trailer EDL editor with a player, poster layout picker with live preview, social clips with QC.

    from studio_kit.ui.marketing_kit import MarketingKit
    kit = MarketingKit(script="film.fountain")    # in a notebook; dashboards/marketing_kit.py serves it

Every operation goes through :mod:`studio_kit.engines.marketing.service`: the poster
preview is composed (not stored) on every layout change; the trailer player plays the
project's newest stored trailer; editing the EDL table and pressing *Save EDL &
re-render* stores a new EDL version (checked: complete lines, never the final scene)
and renders the trailer again from it; the exports table shows each social clip and
platform export with its QC verdict.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import panel as pn
import param

from studio_kit.config import get_settings, sample_path
from studio_kit.engines.marketing import service
from studio_kit.exceptions import StudioError
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import data_url

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.domain.marketing import TrailerEDL

SAMPLE_SCRIPT = sample_path("the_last_reel.fountain")
EDL_COLUMNS = ["kind", "shot_id", "source_in", "duration_frames", "text", "movement", "reason"]


def _view(name: str, *args: Any) -> str:
    """One of the kit's HTML pieces (template marketing_kit/views.html.j2)."""
    return render_macro("marketing_kit/views.html.j2", name, *args)


def _video_html(path: Path | None) -> str:
    if path is None or not Path(path).is_file():
        return _view("video", "")
    return _view("video", data_url(Path(path).read_bytes(), "video/mp4"))


class MarketingKit(pn.viewable.Viewer):
    """Poster layouts with live preview, the trailer with its editable EDL, exports with QC badges."""

    layout: param.Selector[str] = param.Selector(
        default="one-sheet", objects=["one-sheet", "square", "banner", "youtube-thumbnail"], doc="Poster layout.")

    def __init__(self, script: str | Path | None = None, ctx: Any = None, **params):
        super().__init__(**params)

        self.service = service
        self.script = Path(script) if script else SAMPLE_SCRIPT
        self.ctx = service.project_context(ctx)
        self.status = pn.pane.HTML("", css_classes=["mk-status"])
        self.layout_select = pn.widgets.Select.from_param(self.param.layout, name="Poster layout")
        self.poster = pn.pane.HTML("", css_classes=["mk-poster"], sizing_mode="stretch_width")
        self.trailer = pn.pane.HTML("", css_classes=["mk-player"], sizing_mode="stretch_width")
        self.edl = pn.widgets.Tabulator(value=None, show_index=False, sizing_mode="stretch_width", height=260,
                                        editors={c: None for c in ("kind", "shot_id", "movement", "reason")})
        self.save = pn.widgets.Button(name="Save EDL & re-render", button_type="primary")
        self.cut = pn.widgets.Button(name="Cut trailer (30 s)", button_type="default")
        self.exports = pn.pane.HTML("", css_classes=["mk-exports"])
        self.save.on_click(self._save)
        self.cut.on_click(self._cut)
        self._edl: TrailerEDL | None = None
        self._refresh_poster()
        self._refresh_trailer()

    # -- poster ------------------------------------------------------------------
    @param.depends("layout", watch=True)
    def _refresh_poster(self) -> None:
        try:
            png, warnings = self.service.poster_preview(self.script, self.layout, ctx=self.ctx, width=420)
        except StudioError as exc:
            self.status.object = _view("error", exc.message, exc.hint)
            return
        self.poster.object = _view("poster", self.layout, data_url(png), warnings)

    def _poster_pdf(self) -> Any:
        with tempfile.TemporaryDirectory(prefix="studio-poster-") as work:
            result = self.service.poster(self.script, self.layout, Path(work) / f"poster-{self.layout}.pdf",
                                         ctx=self.ctx, dpi=150)
            return io.BytesIO(Path(result.pdf).read_bytes())

    # -- trailer -----------------------------------------------------------------
    def _refresh_trailer(self) -> None:
        import pandas as pd

        path, edl, meta = self.service.latest_trailer(ctx=self.ctx)
        self._edl = edl
        self.trailer.object = _video_html(path)
        self.status.object = _view("status", meta.get("qc") or {}, self.script.name)
        rows = [{c: getattr(e, c) for c in EDL_COLUMNS} for e in edl.entries] if edl else []
        self.edl.value = pd.DataFrame(rows, columns=EDL_COLUMNS)
        self.exports.object = self._exports_html()

    def _exports_html(self) -> str:
        return _view("exports", self.service.list_exports(ctx=self.ctx))

    def _save(self, _event: Any = None) -> None:
        if self._edl is None:
            self.status.object = _view("error", "No EDL to edit yet: cut a trailer first.", "")
            return
        edited = self._edl.model_copy(deep=True)
        table = self.edl.value
        for entry, (_i, row) in zip(edited.entries, table.iterrows(), strict=False):
            entry.source_in = int(row["source_in"])
            entry.duration_frames = int(row["duration_frames"])
            if entry.kind == "card":
                entry.text = str(row["text"])
        try:
            stored, warnings = self.service.update_edl(edited, self.script, ctx=self.ctx)
            self.status.object = "Rendering the edited trailer…"
            self.service.trailer(self.script, stored.length, self._out(stored.length), ctx=self.ctx, edl=stored)
        except StudioError as exc:
            self.status.object = _view("error", exc.message, exc.hint)
            return
        self._refresh_trailer()
        if warnings:
            self.status.object += _view("warnings", warnings)

    def _cut(self, _event: Any = None) -> None:
        try:
            self.status.object = "Cutting and rendering a 30 s trailer…"
            self.service.trailer(self.script, 30, self._out(30), ctx=self.ctx)
        except StudioError as exc:
            self.status.object = _view("error", exc.message, exc.hint)
            return
        self._refresh_trailer()

    def _out(self, length: int) -> Path:
        folder = Path(get_settings().home) / "outputs" / "marketing" / self.script.stem
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"trailer-{length}.mp4"

    # -- layout ------------------------------------------------------------------
    def sidebar(self) -> pn.viewable.Viewable:
        download = pn.widgets.FileDownload(callback=self._poster_pdf, filename="poster.pdf",
                                           label="Download poster PDF", button_type="success")
        return pn.Column(self.layout_select, download, self.cut, self.status)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown("## Trailer"), self.trailer,
            pn.pane.Markdown("Edit in/out (film frames), durations and card text, then save: lines stay whole, "
                             "the final scene stays out."), self.edl, self.save,
            pn.pane.Markdown("## Poster"), self.poster,
            pn.pane.Markdown("## Social clips and platform exports"), self.exports,
            sizing_mode="stretch_width")
