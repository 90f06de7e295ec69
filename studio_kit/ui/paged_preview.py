"""Browser components that keep a list in the browser and get only the items an update changed.

:class:`PatchedList` is the shared part: :meth:`PatchedList.put` takes the
whole list after each update; the first call (and any reset) sends every item,
each later one sends only ``{index: item}`` for the items that differ from what
the browser holds plus the new count, and the browser patches its copy. A
browser that cannot apply a patch (it missed the one before, a view drawn
again) asks for a full copy (``resync``), so it always ends up with the list
held here.

- :class:`PagedPreview`: the Script Room's printed pages. Every page is a
  fixed-size placeholder (a screenplay page has one size per paper) and only the
  pages near the scrolled-to place get their content in the DOM, so a 120-page
  (or 2,000-page) script stays scrollable with no page cap. The first render
  carries the first pages only; the browser asks for the others as they come
  near the viewport (later patches carry every changed page, asked for or not).
- :class:`PatchedHTML`: an HTML fragment made of rows (the scene list) or of lines (the stats).
"""
from __future__ import annotations

import json
from typing import Any, ClassVar

import param
from panel.custom import JSComponent

from studio_kit.templating import Markup, render_html
from studio_kit.ui.screenplay_html import PREVIEW_CSS

__all__ = ["FOLLOW_JS", "PagedPreview", "PatchedHTML", "PatchedList", "list_patch"]

# pages this many pixels above or below the visible part of the preview get their content
_MARGIN_PX = 1600

# follow(model, apply): keep the model's list (snapshot + patches) in the browser; apply(items, changed, extra)
# is called with every item after a reset (changed = null) or with the changed indices after a patch
FOLLOW_JS = r"""
function follow(model, apply) {
  let items = [], seq = -1;
  const reset = () => {
    const s = model.snapshot; items = s.items.slice(); seq = s.seq; apply(items, null, s.extra || {}, seq);
  };
  const patch = () => {
    const p = model.patch;
    if (!p || p.seq === undefined || p.seq <= seq) return;
    if (p.base !== seq) { model.resync = seq; return; }      // a patch missed: ask for every item again
    items.length = p.count;
    const changed = [];
    for (const [k, v] of Object.entries(p.items)) { items[Number(k)] = v; changed.push(Number(k)); }
    seq = p.seq;
    apply(items, changed, p.extra || {}, seq);
  };
  reset(); patch();
  model.on("snapshot", reset);
  model.on("patch", patch);
  return () => items;
}
"""

_PREVIEW_ESM = FOLLOW_JS + r"""
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
  let pages = [], box = "";
  const live = new Set();         // slots whose page is in the DOM: those near the viewport
  const want = new Set();         // pages not sent yet (the first render sends the first few): asked for
  let asking = null;
  const ask = () => { asking = null; if (want.size) { model.send_msg({want: Array.from(want)}); want.clear(); } };
  const fill = (s) => {
    const i = Number(s.dataset.slot), html = pages[i];
    if (html === null || html === undefined) { want.add(i); if (!asking) asking = setTimeout(ask, 0); }
    s.innerHTML = html || ""; live.add(s);
  };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) { if (!live.has(e.target)) fill(e.target); }
      else if (live.has(e.target)) { e.target.innerHTML = ""; live.delete(e.target); }
    }
  }, {root: scroller, rootMargin: "%(margin)dpx 0px"});
  follow(model, (items, changed, extra, seq) => {
    pages = items;
    if (extra.box !== undefined && extra.box !== box) {
      box = extra.box;
      for (const s of slots.children) s.style.cssText = box;
    }
    while (slots.children.length > items.length) {
      const s = slots.lastElementChild; observer.unobserve(s); live.delete(s); s.remove();
    }
    while (slots.children.length < items.length) {
      const s = document.createElement("div");
      s.className = "sr-slot"; s.dataset.slot = String(slots.children.length); s.style.cssText = box;
      slots.appendChild(s); observer.observe(s);
    }
    const redo = changed === null ? Array.from(live) : changed.map((i) => slots.children[i]);
    for (const s of redo) if (s && live.has(s)) fill(s);
    tail.innerHTML = extra.tail || "";
    scroller.dataset.seq = String(seq);
  });
  model.on("remove", () => observer.disconnect());
}
""".replace("%(margin)d", str(_MARGIN_PX))

_PREVIEW_CSS = PREVIEW_CSS + """
:host { display: block; }
.sr-scroll { height: 100%; overflow-y: auto; }
.sr-slot { font-size: min(12px, calc(100cqw / 55)); margin: 0 auto 18px auto; }
.sr-slot > .sr-page { margin: 0; }
"""

_HTML_ESM = FOLLOW_JS + r"""
export function render({ model, el }) {
  const box = document.createElement("div");
  el.appendChild(box);
  follow(model, (items, changed, extra) => { box.innerHTML = (extra.head || "") + items.join("") + (extra.foot || ""); });
}
"""


def list_patch(old: list, new: list) -> dict[int, Any]:
    """``{index: item}`` of the items of ``new`` that differ from (or are past the end of) ``old``."""
    n_old = len(old)
    return {i: item for i, item in enumerate(new) if i >= n_old or item != old[i]}


class PatchedList(JSComponent):
    """A list kept in the browser and patched item by item (see the module notes); subclasses draw it."""

    snapshot = param.Dict(default={"seq": 0, "items": [], "extra": {}},
                          doc="Every item: {seq, items, extra (other values the drawing needs)}.")
    patch = param.Dict(default={}, doc="The last update: {base, seq, count, items {index: item}, extra}.")
    resync = param.Integer(default=-1, doc="Set by the browser when it missed a patch: send every item again.")

    _reset_on: ClassVar[tuple[str, ...]] = ()    # extras whose change sends every item again
    _eager: ClassVar[int | None] = None          # items a snapshot carries (None: all); the browser asks
                                                 # for the others with send_msg({want: [index, ...]})

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.items: list = []            # what the browser holds (after the last patch)
        self.extra: dict[str, Any] = {}
        self.seq = 0
        self.sent_bytes = 0              # JSON bytes of the last snapshot or patch sent
        self.param.watch(lambda event: self.reset(), "resync")

    def put(self, items: list, **extra: Any) -> dict[int, Any]:
        """Show ``items``; returns ``{index: item}`` of those sent (all of them after a reset)."""
        if not self.seq or any(extra.get(k) != self.extra.get(k) for k in self._reset_on):
            self.items, self.extra = list(items), extra
            self.reset()
            return dict(enumerate(items))
        changed = list_patch(self.items, items)
        if not changed and len(items) == len(self.items) and extra == self.extra:
            self.sent_bytes = 0
            return {}
        base, self.seq = self.seq, self.seq + 1
        self.items, self.extra = list(items), extra
        patch = {"base": base, "seq": self.seq, "count": len(items), "extra": extra,
                 "items": {str(i): item for i, item in changed.items()}}
        self.sent_bytes = len(json.dumps(patch))
        self.patch = patch
        return changed

    def _handle_msg(self, data: Any) -> None:
        want = data.get("want") if isinstance(data, dict) else None
        if want:
            self.send_items([i for i in want if isinstance(i, int)])

    def send_items(self, indices: list[int]) -> None:
        """Send the items at ``indices`` (those a snapshot left out, when the browser asks for them)."""
        items = {str(i): self.items[i] for i in indices if 0 <= i < len(self.items)}
        if not items:
            return
        base, self.seq = self.seq, self.seq + 1
        self.patch = {"base": base, "seq": self.seq, "count": len(self.items), "extra": self.extra, "items": items}

    def reset(self) -> None:
        """Send every item again (first show, a reset extra, or a browser that missed a patch); with ``_eager``
        set, the first ``_eager`` of them and ``None`` for the others."""
        self.seq += 1
        eager = self._eager
        items = list(self.items) if eager is None else self.items[:eager] + [None] * max(0, len(self.items) - eager)
        snapshot = {"seq": self.seq, "items": items, "extra": self.extra}
        self.sent_bytes = len(json.dumps(snapshot))
        self.snapshot = snapshot


class PagedPreview(PatchedList):
    """Every page of the draft, patched page by page and drawn near the viewport only."""

    _esm = _PREVIEW_ESM
    _stylesheets: ClassVar[list[str]] = [_PREVIEW_CSS]
    _reset_on = ("box",)
    _eager = 12                 # the first render carries the first pages; the others come when scrolled to

    @property
    def pages(self) -> list[str]:
        return self.items

    @property
    def object(self) -> str:
        """The whole preview as one HTML string (every page, as the browser holds them)."""
        return render_html("script_room/preview.html.j2", css=Markup(PREVIEW_CSS),
                           pages=[Markup(p) for p in self.items], more=0, tail=Markup(self.extra.get("tail", "")))

    def show_pages(self, pages: list[str], box: str, tail: str = "") -> dict[int, Any]:
        """Show ``pages`` (each page's HTML, in order) of CSS size ``box``, then ``tail`` (HTML)."""
        return self.put(pages, box=box, tail=tail)


class PatchedHTML(PatchedList):
    """HTML made of ``head``, rows and ``foot``; an update sends only the rows that changed."""

    _esm = _HTML_ESM

    @property
    def object(self) -> str:
        """The whole fragment as one HTML string."""
        return self.extra.get("head", "") + "".join(self.items) + self.extra.get("foot", "")

    def show_rows(self, head: str, rows: list[str], foot: str) -> dict[int, Any]:
        return self.put(rows, head=head, foot=foot)

    def show_html(self, html: str) -> dict[int, Any]:
        """Show ``html``, patched line by line (a table written one row a line sends only its changed rows)."""
        return self.put(html.splitlines(keepends=True), head="", foot="")
