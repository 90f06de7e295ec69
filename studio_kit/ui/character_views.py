"""HTML pieces of the Character Lab: the lock badge, the render gallery, the version history.

Pure functions from domain objects and stored assets to HTML strings, so the
dashboard's look can be tested without a browser. Images travel as
``data:image/png;base64`` URLs (thumbnails, ``THUMB_WIDTH`` pixels wide) so the
page never needs a file route into ``STUDIO_HOME``.
"""
from __future__ import annotations

import html
import io
from collections.abc import Iterable
from typing import Any

from studio_kit.ui.feedback import data_url

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


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def png_data_url(png: bytes | Any, width: int | None = None) -> str:
    """A PNG (bytes or PIL image) as a data URL, optionally shrunk to ``width`` pixels."""
    from PIL import Image

    image = png if hasattr(png, "save") else None
    if width is not None or image is not None:
        image = image or Image.open(io.BytesIO(png))
        if width is not None and image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="PNG", optimize=False)
        png = buf.getvalue()
    return data_url(png)


def swatches(colours: Iterable[str]) -> str:
    return "<span class='cl-swatches'>" + "".join(
        f"<span class='cl-swatch' title='{esc(c)}' style='background:{esc(c)}'></span>" for c in colours) + "</span>"


def lock_badge(bible: Any) -> str:
    """``LOCKED v2 · seed 1234 · identity 1a2b3c4d5e6f`` or ``UNLOCKED v1 · concept art``."""
    if bible is None:
        return ""
    ident = bible.identity
    if ident is not None:
        return (f"<span class='cl-badge locked' id='cl-lock-state'><span class='cl-dot'></span>LOCKED v{ident.version} · "
                f"seed {ident.seed} · identity {esc(ident.hash[7:19])}</span>")
    return (f"<span class='cl-badge unlocked' id='cl-lock-state'><span class='cl-dot'></span>UNLOCKED v{bible.version} · "
            f"concept art · seed {bible.seed}</span>")


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
        return ("<div class='cl-header'><h2>Character Lab</h2></div><p class='cl-muted'>Create a character in the "
                "sidebar, or cast every speaking part from a screenplay.</p>")
    species = [bible.species] if getattr(bible, "species", "human") != "human" else []
    chips = "".join(f"<span class='cl-chip'>{esc(x)}</span>" for x in
                    (bible.role, *species, bible.mode.value, bible.style.value, f"{bible.stage.value} stage"))
    aliases = f" · also cued as {esc(', '.join(bible.aliases))}" if getattr(bible, "aliases", None) else ""
    age = f"{bible.age}, " if bible.age is not None else ""
    face = f"<img class='cl-portrait' alt='{esc(bible.name)}' src='{portrait}'/>" if portrait else ""
    return (f"<div class='cl-header'>{face}<h2>{esc(bible.name)}</h2>{chips}{swatches(bible.palette)}"
            f"<span style='flex:1'></span>{lock_badge(bible)}</div>"
            f"<div class='cl-muted' style='font-style:normal'>{esc(age)}{esc(bible.pronouns)}"
            f"{aliases}{' — ' + esc(bible.description) if bible.description else ''}</div>")


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
    label, why = scorer_summary(consistency)
    return f"<div class='cl-scorer' title='{esc(why)}'>scored by <b>{esc(label)}</b> — {esc(why)}</div>"


def render_card(meta: dict[str, Any], image_url: str, asset_id: Any, created: Any = None) -> str:
    """One gallery card: thumbnail (a data URL), view/expression/look, backend, and the identity score.

    A render below its identity threshold (``meta["flagged"]``) gets a red frame and a DRIFT tag.
    """
    score, flagged = meta.get("score"), bool(meta.get("flagged"))
    if score is None:
        score_html = "<span class='cl-score cl-muted' title='Concept render: no locked identity to compare to'>—</span>"
    else:
        method = (meta.get("consistency") or {}).get("method", "")
        score_html = (f"<span class='cl-score' title='{esc(method)} · threshold {meta.get('threshold')}'>"
                      f"{float(score):.3f}</span>")
    flag = "<span class='cl-flag'>DRIFT</span>" if flagged else ""
    warns = "".join(f"<div style='color:#9a6a00'>&#9888; {esc(w.get('message'))}</div>"
                    for w in meta.get("warnings") or [])
    lock = "locked" if meta.get("locked") else "concept"
    look = f" · {esc(meta['wardrobe'])}" if meta.get("wardrobe") else ""
    return (f"<div class='cl-card {'flagged' if flagged else 'ok'}' data-asset='{esc(asset_id)}' "
            f"data-score='{esc(score)}'>"
            f"<img alt='{esc(meta.get('name'))} {esc(meta.get('view'))} {esc(meta.get('expression'))}' "
            f"src='{image_url}'/>"
            f"<div class='cl-cap'>{score_html}<b>{esc(meta.get('view'))}</b> · {esc(meta.get('expression'))}{look}{flag}"
            f"<br>v{esc(meta.get('version'))} {lock} · {esc(meta.get('backend'))}"
            f"{' · ' + esc(created.strftime('%d %b %H:%M')) if hasattr(created, 'strftime') else ''}"
            f"{scorer_html(meta.get('consistency')) if score is not None else ''}{warns}</div></div>")


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
        who = esc(names.get(cid, cid))
        if c is None:
            rows.append(f"<tr><td>{who}</td><td class='cl-muted'>unlocked: not scored</td><td></td></tr>")
            continue
        cls = "bad" if c.get("flagged") else "ok"
        label, why = scorer_summary(c)
        rows.append(f"<tr data-character='{esc(cid)}'><td>{who}</td><td class='{cls} cl-frame-score'>"
                    f"{float(c['score']):.3f}{' DRIFT' if c.get('flagged') else ''}</td>"
                    f"<td title='{esc(why)}'>{esc(label)}{' — ' + esc(why) if detail else ''}</td></tr>")
    when = f" · {esc(created.strftime('%d %b %H:%M'))}" if hasattr(created, "strftime") else ""
    number = f"{esc(shot.get('number'))} · " if shot.get("number") else ""
    caption = f"<div>{esc(shot.get('description'))}</div>" if shot.get("description") else ""
    return (f"<div class='cl-frame' data-asset='{esc(asset_id)}'><img alt='storyboard frame "
            f"{esc(scene.get('heading', ''))}' src='{image_url}'/><div class='cl-cap'>"
            f"<div class='cl-slug'>{esc(scene.get('heading') or '')}</div>"
            f"<div>{number}<b>{esc(shot.get('size'))}</b> · {esc(meta.get('backend'))}{when}</div>{caption}"
            f"<table>{''.join(rows)}</table></div></div>")


def gallery_html(cards: list[str]) -> str:
    if not cards:
        return "<p class='cl-muted'>No renders yet. Pick a view and an expression and press Render.</p>"
    return "<div class='cl-gallery'>" + "".join(cards) + "</div>"


def history_html(records: list[Any]) -> str:
    """The version table: number, stage, identity, approvals (who and when), render count."""
    if not records:
        return "<p class='cl-muted'>No stored versions.</p>"
    rows = []
    for r in records:
        approvals = "<br>".join(f"{esc(a.stage.value)} by <b>{esc(a.by)}</b> {esc(a.at.strftime('%Y-%m-%d %H:%M'))} UTC"
                                f"{' — ' + esc(a.note) if a.note else ''}" for a in r.approvals) or "—"
        ident = esc(r.identity_hash[7:19]) if r.identity_hash else "<span class='cl-muted'>unlocked</span>"
        rows.append(f"<tr><td>v{r.number}</td><td class='cl-stage'>{esc(r.stage.value)}</td><td><code>{ident}</code></td>"
                    f"<td>{approvals}</td><td>{len(r.render_ids)}</td><td>{esc(r.created_by)}<br>"
                    f"<span class='cl-muted'>{esc(r.created_at.strftime('%Y-%m-%d %H:%M'))}</span></td></tr>")
    return ("<table class='cl-history'><tr><th>Version</th><th>Stage</th><th>Identity</th><th>Approvals</th>"
            "<th>Renders</th><th>Stored by</th></tr>" + "".join(rows) + "</table>")


def _value_html(value: Any) -> str:
    """A diff cell: colour lists as swatches, dicts as key: value lines, '—' for nothing."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.startswith("#") for v in value):
        return swatches(value) + " " + esc(", ".join(value))
    if isinstance(value, str) and value.startswith("sha256:"):
        return f"<code title='{esc(value)}'>{esc(value[7:19])}</code>"
    if isinstance(value, dict):
        return "<br>".join(f"{esc(k)}: {esc(', '.join(v) if isinstance(v, list) else v)}" for k, v in value.items())
    return esc(value)


def diff_html(changes: list[dict[str, Any]], old_label: str, new_label: str) -> str:
    """Descriptor changes between two versions (``versions.diff_bibles`` rows)."""
    if not changes:
        return f"<p class='cl-muted'>No descriptor changes between {esc(old_label)} and {esc(new_label)}.</p>"
    rows = "".join(f"<tr><td><b>{esc(c['field'])}</b></td><td class='old'>{_value_html(c['old'])}</td>"
                   f"<td class='new'>{_value_html(c['new'])}</td></tr>" for c in changes)
    return (f"<table class='cl-history cl-diff'><tr><th>Field</th><th>{esc(old_label)}</th><th>{esc(new_label)}</th>"
            f"</tr>{rows}</table>")


def continuity_html(report: Any, character: str | None = None) -> str:
    """Scene-by-scene looks (one row per scene, one column per character) with the report's issues on top.

    ``character`` (a name) puts that character's column first and keeps only issues about them.
    """
    looks = report.looks
    if not looks:
        return "<p class='cl-muted'>No speaking characters in this script.</p>"
    names = list(dict.fromkeys(x.character for x in looks))
    if character and character.upper() in (n.upper() for n in names):
        names.sort(key=lambda n: n.upper() != character.upper())
    issues = [i for i in report.issues if not character or i.character.upper() == character.upper()]
    flagged = {(i.character, i.scene_index) for i in report.issues}
    head = "".join(f"<th>{esc(n)}</th>" for n in names)
    scenes: dict[int, tuple[str, str]] = {}
    cell: dict[tuple[str, int], Any] = {}
    for x in looks:
        scenes.setdefault(x.scene_index, (x.scene_number, x.heading))
        cell[(x.character, x.scene_index)] = x
    rows = []
    for index in sorted(scenes):
        number, heading = scenes[index]
        tds = []
        for n in names:
            x = cell.get((n, index))
            if x is None:
                tds.append("<td></td>")
                continue
            style = " style='background:#fdecea;color:#a93226;font-weight:600'" if (n, index) in flagged else ""
            tag = " &#9986;" if x.tagged else ""      # scissors: the script tags this costume
            tds.append(f"<td{style} title='{esc(x.origin)}'>{esc(x.look)}{tag}</td>")
        rows.append(f"<tr><td>{esc(number)}</td><td>{esc(heading)}</td>{''.join(tds)}</tr>")
    if issues:
        notes = "".join(f"<li><b>{esc(i.kind.replace('_', ' '))}</b>: {esc(i.message)}</li>" for i in issues)
        summary = f"<div class='cl-issues'><b>{len(issues)} continuity issue(s)</b><ul>{notes}</ul></div>"
    else:
        summary = "<p style='color:#2f7a4b'><b>No continuity issues</b> for this cast.</p>"
    return (summary + "<table class='cl-history'><tr><th>Sc.</th><th>Heading</th>" + head + "</tr>"
            + "".join(rows) + f"</table><p class='cl-muted'>&#9986; = wardrobe tagged in the script "
            f"(tags from the {esc(report.tag_source)}).</p>")
