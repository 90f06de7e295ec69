"""What each job kind does: one call into its engine's public functions, one result asset.

Every handler looks for the result of an earlier attempt of the same run first
(``_existing``), so a job re-run after its worker died ends with exactly one result asset.
Inputs that name a stored script take its asset id (another org's id is simply not found).
"""
from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio_kit.engines.marketing import service as marketing
from studio_kit.engines.post import service as post
from studio_kit.engines.post.audio import SR
from studio_kit.engines.production import service as production
from studio_kit.engines.writing.generation import generate_script as generate
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.writing.versions import SCRIPT_KIND, save_version
from studio_kit.exceptions import InputError
from studio_kit.runs.runner import run_template
from studio_kit.store.models import Asset, AssetRecord, to_record

if TYPE_CHECKING:  # the worker's context a handler gets; jobs.py imports this table, not the other way
    from studio_kit.platform.jobs import JobContext

Handler = Callable[[Any, dict[str, Any], "JobContext"], dict[str, Any]]


def _existing(ctx: Any, kind: str, run_id: int) -> Any:
    """The newest ``kind`` asset whose provenance names ``run_id``, found by the database.

    (Listing every asset of the kind made each job O(assets): a queue of 3000 script jobs
    drained at 12 jobs/s first and 1 job/s at the end, see benchmarks/NOTES.md.)"""
    from sqlmodel import col, select


    with ctx.session() as s:
        run = Asset.provenance["run_id"]
        # ->> gives text on PostgreSQL; SQLite's json_extract keeps the JSON integer
        same = run.as_string() == str(run_id) if s.get_bind().dialect.name == "postgresql" \
            else run.as_integer() == run_id
        row = s.exec(select(Asset).where(Asset.kind == kind, same).order_by(col(Asset.id).desc())).first()
        return None if row is None else to_record(row, AssetRecord)


def _script(ctx: Any, params: dict[str, Any]) -> Any:
    sid = params.get("script_id")
    if sid is None:
        raise InputError("This job needs 'script_id' (a stored script asset).", hint="POST /api/v1/scripts first.")
    asset = ctx.get_asset(int(sid))
    if asset.kind != "script":
        raise InputError(f"Asset {sid} is a {asset.kind}, not a script.", hint="Give the id of a script asset.")
    return load_script(ctx.read_bytes(asset.id), name=asset.name)


def _wav(samples: Any) -> bytes:
    import soundfile as sf


    buf = io.BytesIO()
    sf.write(buf, samples, SR, format="WAV", subtype="PCM_24")
    return buf.getvalue()


def generate_script(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Write a screenplay from a logline and save it as version 1 (or the next) of script ``name``."""
    found = _existing(ctx, SCRIPT_KIND, job.run_id)
    if found is not None:
        return {"asset_id": found.id, "name": found.name, "version": found.version, "reused": True}
    job.progress(0.1, "planning the story")
    allowed = {"format", "genre", "tone", "pages", "seed", "title", "cast"}
    result = generate(params["logline"], **{k: v for k, v in params.items() if k in allowed and v is not None})
    job.progress(0.8, f"{len(result.script.scenes)} scenes written")
    name = params.get("name") or f"{result.script.title or 'script'}.fountain"
    saved = save_version(ctx, result.fountain, name=name,
                         provenance={"run_id": job.run_id, **(result.provenance or {})})
    job.progress(1.0, "saved")
    return {"asset_id": saved.asset_id, "name": saved.name, "version": saved.version,
            "scenes": len(result.script.scenes), "title": result.script.title}


def voice(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Voice every line of a stored script: the dialogue stem as a 48 kHz WAV asset."""
    found = _existing(ctx, "post.dialogue", job.run_id)
    if found is not None:
        return {"asset_id": found.id, "reused": True}
    script = _script(ctx, params)
    track = post.voice(script, language=params.get("language", "en"), ctx=ctx,
                       progress=lambda _stage, k, n: job.progress(0.9 * k / max(n, 1), f"line {k}/{n}"))
    asset = ctx.put_asset(_wav(track.dialogue), "post.dialogue", f"dialogue-run{job.run_id}.wav", mime="audio/wav",
                          provenance={"run_id": job.run_id, "script_id": params["script_id"], "engine": "post.voice"})
    return {"asset_id": asset.id, "lines": len(track.lines), "seconds": round(len(track.dialogue) / 48000, 3)}


def music(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Score a stored script (scene-aware cues): the music stem as a 48 kHz WAV asset."""
    found = _existing(ctx, "post.score", job.run_id)
    if found is not None:
        return {"asset_id": found.id, "reused": True}
    script = _script(ctx, params)
    result = post.score(script, genre=params.get("genre"),
                        progress=lambda _stage, k, n: job.progress(0.9 * k / max(n, 1), f"cue {k}/{n}"))
    asset = ctx.put_asset(_wav(result.stem), "post.score", f"score-run{job.run_id}.wav", mime="audio/wav",
                          provenance={"run_id": job.run_id, "script_id": params["script_id"], "engine": "post.music"})
    return {"asset_id": asset.id, "cues": len(result.cues)}


def generate_shot(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """An AI video of one shot of a stored script (the production engine's render_shot_video)."""
    script = _script(ctx, params)
    number = str(params.get("shot") or "")
    if not number:
        raise InputError("This job needs 'shot' (a shot number such as '1A').", hint="List shots in the shot plan.")
    before = {a.id for a in ctx.list_assets("shot_video")}
    job.progress(0.1, f"rendering shot {number}")
    production.render_shot_video(script, number, ctx=ctx, backend=params.get("backend"))
    new = [a for a in ctx.list_assets("shot_video") if a.id not in before]
    return {"asset_id": new[-1].id if new else None, "shot": number}


def template_run(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Execute a template notebook on this run's row (a retry re-runs the same row)."""
    found = _existing(ctx, "run_notebook", job.run_id)
    if found is not None:
        return {"asset_id": found.id, "reused": True}
    job.progress(0.05, f"running template {params['template']}")
    result = run_template(params["template"], params.get("parameters") or {}, org=ctx.org_slug,
                          project=ctx.project_slug, store=ctx.store, progress=False, run_id=job.run_id,
                          raise_on_error=True)
    return {"asset_id": result.output_asset_id, "template": result.template, "outputs": _plain(result.outputs)}


def _plain(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return {k: str(v) for k, v in (value or {}).items()} if isinstance(value, dict) else str(value)


def _new_assets(ctx: Any, kind: str, before: set[int]) -> list[Any]:
    return [a for a in ctx.list_assets(kind) if a.id not in before]


def trailer(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Cut, render, QC and store a trailer of a stored script (the marketing engine's service)."""
    script = _script(ctx, params)
    before = {a.id for a in ctx.list_assets("marketing.trailer")}
    job.progress(0.05, "cutting the trailer")
    with tempfile.TemporaryDirectory(prefix="studio-job-trailer-") as work:
        result = marketing.trailer(script, int(params.get("length") or 60), Path(work) / "trailer.mp4", ctx=ctx)
    new = _new_assets(ctx, "marketing.trailer", before)
    return {"asset_id": new[-1].id if new else None, "warnings": list(result.warnings)}


def poster(ctx: Any, params: dict[str, Any], job: JobContext) -> dict[str, Any]:
    """Compose and store a poster (PNG + PDF) of a stored script."""
    script = _script(ctx, params)
    before = {a.id for a in ctx.list_assets("marketing.poster")}
    job.progress(0.1, "composing the poster")
    with tempfile.TemporaryDirectory(prefix="studio-job-poster-") as work:
        marketing.poster(script, params.get("layout") or "one-sheet", Path(work) / "poster.png", ctx=ctx,
                         tagline=params.get("tagline"))
    new = _new_assets(ctx, "marketing.poster", before)
    return {"asset_id": new[0].id if new else None, "asset_ids": [a.id for a in new]}


#: what each job kind runs: ``studio_kit.platform.jobs`` looks the kind up here (a new kind is one row)
HANDLERS: dict[str, Handler] = {
    "script.generate": generate_script,
    "post.voice": voice,
    "post.music": music,
    "production.generate-shot": generate_shot,
    "template.run": template_run,
    "marketing.trailer": trailer,
    "marketing.poster": poster,
}
