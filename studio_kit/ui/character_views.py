"""HTML pieces of the Character Lab: the lock badge, the render gallery, the version history.

Pure functions from domain objects and stored assets to HTML strings, so the
dashboard's look can be tested without a browser. Images travel as
``data:image/png;base64`` URLs (thumbnails, ``THUMB_WIDTH`` pixels wide) so the
page never needs a file route into ``STUDIO_HOME``.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from studio_kit.templating import Markup, render_macro
from studio_kit.ui.feedback import data_url

#: an image still being made (a transparent pixel: the card keeps its grey box until the picture arrives)
PENDING_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
THUMB_WIDTH = 168            # px, gallery thumbnails (a 512 × 768 render shrinks to 168 × 252)
ACCENT = "#2f5d62"           # the lab's colour: a muted teal, like a design studio's cutting mat

LAB_CSS = """
.cl-header { display:flex; align-items:center; gap:14px; flex-wrap:wrap; margin:4px 0 2px; }
.cl-header h2 { margin:0; font-size:28px; font-weight:650; color:#1f2a2c; letter-spacing:.2px; }
.cl-portrait { width:56px; height:56px; border-radius:50%; border:2px solid #2f5d62; background:#f3f2ee; }
.cl-chip { display:inline-block; padding:2px 10px; border-radius:11px; font-size:12px; background:#eef1f0;
  color:#3c4a4c; border:1px solid #d5dcda; text-transform:uppercase; letter-spacing:.6px; }
.cl-badge { display:inline-flex; gap:8px; align-items:center; padding:6px 14px; border-radius:6px; font:600 13px/1.2
  ui-monospace, 'DejaVu Sans Mono', monospace; letter-spacing:.4px; }
.cl-badge.locked { background:#1f3d2c; color:#e6f5ea; border:1px solid #2f7a4b; }
.cl-badge.unlocked { background:#fff6e0; color:#7a5200; border:1px dashed #d4a017; }
.cl-dot { width:9px; height:9px; border-radius:50%; background:currentColor; display:inline-block; }
.cl-badge.locked .cl-dot { background:#5fd38d; box-shadow:0 0 6px #5fd38d; }
.cl-swatches { display:inline-flex; gap:3px; margin-left:4px; }
.cl-swatch { width:14px; height:14px; border-radius:3px; border:1px solid rgba(0,0,0,.25); display:inline-block; }
.cl-gallery { display:flex; flex-wrap:wrap; gap:14px; }
.cl-card { width:{thumb}px; background:#fff; border:1px solid #dde3e1; border-radius:8px; overflow:hidden;
  box-shadow:0 1px 3px rgba(0,0,0,.06); }
.cl-card img { display:block; width:100%; background:#f3f2ee; }
.cl-card .cl-cap { padding:6px 9px 8px; font-size:12px; color:#445; line-height:1.45; }
.cl-card .cl-score { float:right; font-weight:700; }
.cl-card.ok .cl-score { color:#2f7a4b; }
.cl-card.flagged { border:2px solid #c0392b; box-shadow:0 0 0 3px rgba(192,57,43,.15); }
.cl-card.flagged .cl-score { color:#c0392b; }
.cl-flag { display:inline-block; background:#c0392b; color:#fff; border-radius:3px; padding:0 5px; font-size:11px;
  margin-left:4px; }
.cl-muted { color:#778; font-style:italic; }
.cl-scorer { margin-top:3px; font-size:11px; color:#556; line-height:1.35; }
.cl-scorer b { color:#2f5d62; }
.cl-frame { background:#fff; border:1px solid #dde3e1; border-radius:8px; overflow:hidden; margin-bottom:12px;
  box-shadow:0 1px 3px rgba(0,0,0,.06); }
.cl-frame img { display:block; width:100%; background:#f3f2ee; }
.cl-frame .cl-cap { padding:8px 12px 10px; font-size:13px; color:#334; line-height:1.5; }
.cl-frame .cl-slug { font:600 13px/1.3 'Courier Prime', 'Courier New', monospace; letter-spacing:.3px; }
.cl-frame table { border-collapse:collapse; margin-top:4px; font-size:12px; }
.cl-frame td { padding:2px 10px 2px 0; vertical-align:top; }
.cl-frame .ok { color:#2f7a4b; font-weight:700; } .cl-frame .bad { color:#c0392b; font-weight:700; }
.cl-frames { display:flex; flex-wrap:wrap; gap:12px; }
.cl-frames .cl-frame { width:300px; margin:0; }
table.cl-history { border-collapse:collapse; width:100%; font-size:13px; }
table.cl-history th { text-align:left; border-bottom:2px solid #cfd8d6; padding:5px 8px; color:#3c4a4c; }
table.cl-history td { border-bottom:1px solid #e6ebea; padding:5px 8px; vertical-align:top; }
.cl-issues { background:#fdf6ec; border-left:4px solid #d35400; padding:6px 12px; margin-bottom:8px; }
.cl-issues ul { margin:4px 0; padding-left:18px; }
.cl-stage { font-weight:600; text-transform:capitalize; }
.cl-diff td.old { color:#a33; text-decoration:line-through; } .cl-diff td.new { color:#2f7a4b; }
""".replace("{thumb}", str(THUMB_WIDTH))


def _macro(name: str, *args: Any, **kwargs: Any) -> str:
    return render_macro("character_lab/views.html.j2", name, *args, **kwargs)


def png_data_url(png: bytes | Any, width: int | None = None) -> str:
    """A PNG (bytes or PIL image) as a data URL, optionally shrunk to ``width`` pixels."""
    from PIL import Image

    image: Image.Image
    if not isinstance(png, bytes):
        image = png                                  # a PIL image
    elif width is None:
        return data_url(png)
    else:
        image = Image.open(io.BytesIO(png))
    if width is not None and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG", optimize=False)
    return data_url(buf.getvalue())


def swatches(colours: Iterable[str]) -> str:
    return _macro("swatches", list(colours))


def lock_badge(bible: Any) -> str:
    """``LOCKED v2 · seed 1234 · identity 1a2b3c4d5e6f`` or ``UNLOCKED v1 · concept art``."""
    return _macro("lock_badge", bible)


def portrait_url(png: bytes, size: int = 64) -> str:
    """A head crop of a full-figure render as a ``size`` px data URL.

    The crop starts at the figure's first dark outline row (the top of the head) and is
    a sixth of the frame height square, centred on the outline's horizontal centre.
    """
    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    m = 10  # px; the frame's own border line is not the figure
    rows = np.flatnonzero((grey[m: h * 2 // 3, m: w - m] < 70).any(axis=1))
    top = int(rows[0]) + m if rows.size else h // 10
    cols = np.flatnonzero((grey[top: top + h // 12, m: w - m] < 70).any(axis=0))
    cx = int(cols.mean()) + m if cols.size else w // 2
    side = h // 6
    left = min(max(cx - side // 2, 0), w - side)
    upper = max(top - side // 10, 0)
    crop = image.crop((left, upper, left + side, upper + side))
    return png_data_url(crop.resize((size, size), Image.Resampling.LANCZOS))


def header_html(bible: Any, portrait: str | None = None) -> str:
    """Name, role / mode / stage chips, palette swatches, the lock badge; ``portrait`` a data URL of the face."""
    if bible is None:
        return _macro("header", None, None, [], "", "")
    species = [bible.species] if getattr(bible, "species", "human") != "human" else []
    chips = [bible.role, *species, bible.mode.value, bible.style.value, f"{bible.stage.value} stage"]
    aliases = ", ".join(bible.aliases) if getattr(bible, "aliases", None) else ""
    age = f"{bible.age}, " if bible.age is not None else ""
    return _macro("header", bible, portrait, chips, aliases, age)


def scorer_summary(consistency: dict[str, Any] | None) -> tuple[str, str]:
    """(which scorer, why) for a stored consistency score: previz exact, face identity, image embedding or
    perceptual, with the numbers behind it and, for the perceptual fallback, why face identity was not used."""
    if not consistency:
        return "not scored", "concept render: no locked identity to compare with"
    method = str(consistency.get("method") or "")
    d = consistency.get("details") or {}
    threshold = consistency.get("threshold")
    kind = method.split(":")[0]
    if kind == "previz-params":
        differ = d.get("differs") or []
        return "previz exact", ("drawn from the locked identity's parameters, compared one by one: "
                                + (f"differs in {', '.join(map(str, differ))}" if differ else "all match"))
    if kind == "face":
        limit = f" (same person ≤ {1 - float(threshold):.2f})" if threshold is not None else ""
        return "face identity", (f"a face in the locked references and in the render: dlib face distance "
                                 f"{d.get('distance')}{limit}")
    if kind == "embedding":
        cos = d.get("cosine")
        return f"image embedding ({method.partition(':')[2] or 'local encoder'})", \
            f"cosine {float(cos):.3f} to the locked reference embedding" if cos is not None else "local image encoder"
    if "error" in d:
        return "perceptual", str(d["error"])
    why_not_face = (f"face identity not used: {d['face']}" if d.get("face") else
                    "no face identity locked (no face in the references) and no image encoder configured")
    return "perceptual", (f"colour histogram {d.get('histogram')} + pHash {d.get('phash')} "
                          f"(Hamming {d.get('hamming')}/64); {why_not_face}")


def scorer_html(consistency: dict[str, Any] | None) -> str:
    return _macro("scorer", *scorer_summary(consistency))


def _when(created: Any) -> str:
    return created.strftime("%d %b %H:%M") if hasattr(created, "strftime") else ""


def render_card(meta: dict[str, Any], image_url: str, asset_id: Any, created: Any = None) -> str:
    """One gallery card: thumbnail (a data URL), view/expression/look, backend, and the identity score.

    A render below its identity threshold (``meta["flagged"]``) gets a red frame and a DRIFT tag.
    """
    score = meta.get("score")
    label, why = scorer_summary(meta.get("consistency"))
    return _macro("render_card", meta, image_url, asset_id, _when(created),
                  None if score is None else f"{float(score):.3f}", label, why)


def frame_card(meta: dict[str, Any], image_url: str, asset_id: Any, names: dict[str, str] | None = None,
               created: Any = None, detail: bool = True) -> str:
    """A storyboard frame: the image, the scene heading and shot, the caption, and one identity score per
    locked character in it (which scorer, and why, when ``detail``); unlocked characters say so."""
    names = names or {}
    shot, scene = meta.get("shot") or {}, meta.get("scene") or {}
    scores = meta.get("consistency") or {}
    rows = []
    for cid in meta.get("characters") or []:
        c = scores.get(cid)
        row = {"cid": cid, "who": names.get(cid, cid), "score": None}
        if c is not None:
            label, why = scorer_summary(c)
            row.update(score=f"{float(c['score']):.3f}", flagged=bool(c.get("flagged")), label=label, why=why)
        rows.append(row)
    return _macro("frame_card", image_url, asset_id, scene, shot, meta.get("backend"), _when(created), rows, detail)


def gallery_html(cards: list[str]) -> str:
    """The render cards (each made by :func:`render_card`) in a wrapping row."""
    return _macro("gallery", [Markup(c) for c in cards])


def frames_html(cards: list[str], older: int = 0) -> str:
    """Storyboard frame cards (each made by :func:`frame_card`) in a row; ``older`` frames not shown."""
    return _macro("frames", [Markup(c) for c in cards], older)


def muted_html(text: str) -> str:
    """A grey note line ("Saved to …")."""
    return _macro("muted", text)


def history_html(records: list[Any]) -> str:
    """The version table: number, stage, identity, approvals (who and when), render count."""
    return _macro("history", records)


def _value_cell(value: Any) -> tuple[str, Any]:
    """How a diff cell shows a value: colour lists as swatches, dicts as key: value lines, '—' for nothing."""
    if value in (None, "", [], {}):
        return "none", None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.startswith("#") for v in value):
        return "colours", list(value)
    if isinstance(value, str) and value.startswith("sha256:"):
        return "hash", value
    if isinstance(value, dict):
        return "mapping", [(k, ", ".join(v) if isinstance(v, list) else v) for k, v in value.items()]
    return "text", value


def diff_html(changes: list[dict[str, Any]], old_label: str, new_label: str) -> str:
    """Descriptor changes between two versions (``versions.diff_bibles`` rows)."""
    rows = [{"field": c["field"], "old": _value_cell(c["old"]), "new": _value_cell(c["new"])} for c in changes]
    return _macro("diff", rows, old_label, new_label)


def continuity_html(report: Any, character: str | None = None) -> str:
    """Scene-by-scene looks (one row per scene, one column per character) with the report's issues on top.

    ``character`` (a name) puts that character's column first and keeps only issues about them.
    """
    looks = report.looks
    if not looks:
        return _macro("no_looks")
    names = list(dict.fromkeys(x.character for x in looks))
    if character and character.upper() in (n.upper() for n in names):
        names.sort(key=lambda n: n.upper() != character.upper())
    issues = [i for i in report.issues if not character or i.character.upper() == character.upper()]
    flagged = {(i.character, i.scene_index) for i in report.issues}
    scenes: dict[int, tuple[str, str]] = {}
    cell: dict[tuple[str, int], Any] = {}
    for x in looks:
        scenes.setdefault(x.scene_index, (x.scene_number, x.heading))
        cell[(x.character, x.scene_index)] = x
    rows = [(scenes[index][0], scenes[index][1],
             [(cell.get((n, index)), (n, index) in flagged) for n in names]) for index in sorted(scenes)]
    return _macro("continuity", names, rows, issues, report.tag_source)
