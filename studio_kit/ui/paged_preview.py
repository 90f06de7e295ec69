"""The Script Room's page preview: every page of the draft, patched page by page, drawn only near the viewport.

:class:`PagedPreview` is a Panel ``JSComponent`` that keeps the page HTML in
the browser. :meth:`PagedPreview.show` takes the full list of page HTML after
each layout; the first call (and any later reset) sends every page, each later
one sends only ``{index: html}`` for the pages whose HTML changed and the new
page count, and the browser patches those pages. Pages are fixed-size
placeholders (a screenplay page has one size per paper), and only the pages
near the scrolled-to place get their content in the DOM, so a 120-page (or
2,000-page) script stays scrollable with no page cap.

The browser answers a patch it cannot apply (it missed the one before, a view
drawn again) by asking for a full copy (``resync``), so what it shows always
equals the pages held here (``object`` is that whole preview as one HTML string).
"""
from __future__ import annotations

from typing import Any, ClassVar

import param
from panel.custom import JSComponent

from studio_kit.ui.screenplay_html import PREVIEW_CSS

__all__ = ["PagedPreview", "page_patch"]

# pages this many pixels above or below the visible part of the preview get their content
_MARGIN_PX = 1600

_ESM = r"""
export function render({ model, el }) {
  const scroller = document.createElement("div");
  scroller.className = "sr-scroll";
  const desk = document.createElement("div");
  desk.className = "sr-desk";
  const slots = document.createElement("div");
  const tail = document.createElement("div");
  desk.append(slots, tail);
  scroller.appendChild(desk);
  el.appendChild(scroller);
  let pages = [], seq = -1, box = "";
  const live = new Set();         // slots whose page content is in the DOM
  const fill = (i) => { const s = slots.children[i]; if (s) { s.innerHTML = pages[i] || ""; live.add(s); } };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const i = Number(e.target.dataset.slot);
      if (e.isIntersecting) { if (!live.has(e.target)) fill(i); }
      else if (live.has(e.target)) { e.target.innerHTML = ""; live.delete(e.target); }
    }
  }, {root: scroller, rootMargin: "%(margin)dpx 0px"});
  const resize = (count) => {
    while (slots.children.length > count) {
      const s = slots.lastElementChild; observer.unobserve(s); live.delete(s); s.remove();
    }
    while (slots.children.length < count) {
      const s = document.createElement("div");
      s.className = "sr-slot"; s.dataset.slot = String(slots.children.length); s.style.cssText = box;
      slots.appendChild(s); observer.observe(s);
    }
  };
  const reset = (snap) => {
    pages = snap.pages.slice(); seq = snap.seq; box = snap.box;
    for (const s of slots.children) s.style.cssText = box;
    resize(pages.length);
    for (const s of Array.from(live)) fill(Number(s.dataset.slot));
    tail.innerHTML = snap.tail || "";
    scroller.dataset.seq = String(seq);
  };
  const patch = (p) => {
    if (!p || p.seq === undefined || p.seq <= seq) return;
    if (p.base !== seq) { model.resync = seq; return; }     // a patch missed: ask for every page again
    pages.length = p.count;
    resize(p.count);
    for (const [k, html] of Object.entries(p.pages)) {
      const i = Number(k); pages[i] = html;
      const s = slots.children[i];
      if (s && live.has(s)) s.innerHTML = html;
    }
    tail.innerHTML = p.tail || "";
    seq = p.seq;
    scroller.dataset.seq = String(seq);
  };
  reset(model.snapshot);
  patch(model.patch);
  model.on("snapshot", () => reset(model.snapshot));
  model.on("patch", () => patch(model.patch));
  model.on("remove", () => observer.disconnect());
}
""".replace("%(margin)d", str(_MARGIN_PX))

_CSS = PREVIEW_CSS + """
:host { display: block; }
.sr-scroll { height: 100%; overflow-y: auto; }
.sr-slot { font-size: min(12px, calc(100cqw / 55)); margin: 0 auto 18px auto; }
.sr-slot > .sr-page { margin: 0; }
"""


def page_patch(old: list[str], new: list[str]) -> dict[int, str]:
    """``{index: html}`` of the pages of ``new`` that differ from (or are past the end of) ``old``."""
    n_old = len(old)
    return {i: html for i, html in enumerate(new) if i >= n_old or html != old[i]}


class PagedPreview(JSComponent):
    """Every page of the draft; updates send only the changed pages (see the module notes)."""

    snapshot = param.Dict(default={"seq": 0, "pages": [], "box": "", "tail": ""},
                          doc="Every page: {seq, pages, box (CSS size of a page), tail (HTML after the pages)}.")
    patch = param.Dict(default={}, doc="The last edit: {base, seq, count, pages {index: html}, tail}.")
    resync = param.Integer(default=-1, doc="Set by the browser when it missed a patch: send every page again.")

    _esm = _ESM
    _stylesheets: ClassVar[list[str]] = [_CSS]

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.pages: list[str] = []       # what the browser shows (after the last patch)
        self.tail = ""
        self.box = ""
        self.seq = 0
        self.sent_bytes = 0              # HTML sent by the last show() (pages and tail)
        self.param.watch(lambda event: self.reset(), "resync")

    @property
    def object(self) -> str:
        """The whole preview as one HTML string (every page, as the browser holds them)."""
        from studio_kit.templating import Markup, render_html

        return render_html("script_room/preview.html.j2", css=Markup(PREVIEW_CSS),
                           pages=[Markup(p) for p in self.pages], more=0, tail=Markup(self.tail))

    def show(self, pages: list[str], box: str, tail: str = "") -> dict[int, str]:
        """Show ``pages`` (each page's HTML, in order) of size ``box``; returns the pages sent.

        The browser gets every page the first time and when the page size changes, and
        after that only the pages whose HTML differs from what it holds."""
        if box != self.box or not self.seq:
            self.pages, self.tail, self.box = list(pages), tail, box
            self.reset()
            return dict(enumerate(pages))
        changed = page_patch(self.pages, pages)
        if not changed and len(pages) == len(self.pages) and tail == self.tail:
            self.sent_bytes = 0
            return {}
        base, self.seq = self.seq, self.seq + 1
        self.pages, self.tail = list(pages), tail
        self.sent_bytes = sum(len(h) for h in changed.values()) + len(tail)
        self.patch = {"base": base, "seq": self.seq, "count": len(pages), "tail": tail,
                      "pages": {str(i): h for i, h in changed.items()}}
        return changed

    def reset(self) -> None:
        """Send every page again (first show, a new page size, or a browser that missed a patch)."""
        self.seq += 1
        self.sent_bytes = sum(len(h) for h in self.pages) + len(self.tail)
        self.snapshot = {"seq": self.seq, "pages": list(self.pages), "box": self.box, "tail": self.tail}
