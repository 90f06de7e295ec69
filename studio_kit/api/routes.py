"""The /api/v1 routers, one per engine or platform area; each calls only services.

Generation endpoints queue a job (:mod:`studio_kit.platform.jobs`) and answer ``202``
with its id; ``WS /api/v1/jobs/{id}/events`` streams its progress.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Query,
    Request,
    Response,
    UploadFile,
    WebSocket,
)
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select
from starlette.websockets import WebSocketDisconnect

from studio_kit.api import deps
from studio_kit.api.errors import Conflict, NotFound, NotLanded, TooLarge, Unsupported
from studio_kit.domain.character import CharacterBible
from studio_kit.engines.characters import service
from studio_kit.engines.characters.versions import BIBLE_KIND
from studio_kit.engines.writing.io import load_script
from studio_kit.exceptions import InputError, StudioError
from studio_kit.platform import billing, jobs, keys
from studio_kit.platform.keys import Identity
from studio_kit.runs.parameters import validate_parameters
from studio_kit.runs.templates import find_template
from studio_kit.store.models import (
    AssetRecord,
    OrgRecord,
    Project,
    ProjectRecord,
    UsageEvent,
    UsageRecord,
    to_record,
)

MAX_ID = 2**31 - 1   #: ids are 32-bit integers in PostgreSQL
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
Limit = Query(50, ge=1, le=200, description="Items per page.")
Cursor = Query(None, max_length=64, description="next_cursor of the previous page.")


# -- shared response models ---------------------------------------------------------------------

class Problem(BaseModel):
    """RFC 9457 problem details; ``fix`` says what to do."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    fix: str | None = None
    request_id: str | None = None


_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {**_PROBLEM, "description": why} for code, why in (
        (400, "Bad input (the message names it, `fix` says what to do)."), (401, "No key, or a bad key."),
        (403, "The key lacks the scope."), (404, "Not found in this organization."), (409, "Conflict."),
        (413, "Upload over the size limit."), (415, "Upload is not a supported media file."),
        (422, "The request does not match the schema."), (429, "Rate-limited or over a quota."),
        (501, "The engine behind this endpoint has not landed."))}


def links(status: int, description: str, **targets: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI links of one response: ``name={"operationId": ..., "parameters"|"requestBody": ...}``.
    Clients (and Schemathesis' stateful fuzzing) follow them from a created resource to its next calls;
    a partial ``requestBody`` is merged into the target's body (``x-schemathesis.merge_body``)."""
    out: dict[str, dict[str, Any]] = {}
    for name, link in targets.items():
        out[name] = {**link, "x-schemathesis": {"merge_body": True}} if "requestBody" in link else link
    return {status: {"description": description, "links": out}}


_TO_JOB = {"operationId": "get_job", "parameters": {"job_id": "$response.body#/job/id"}}
_IN_PROJECT = {"requestBody": {"project_id": "$response.body#/id"}}
PROJECT_LINKS = links(201, "The new project.",
                      GetProject={"operationId": "get_project", "parameters": {"project_id": "$response.body#/id"}},
                      GenerateScript={"operationId": "generate_script", **_IN_PROJECT},
                      CreateCharacter={"operationId": "create_character", **_IN_PROJECT},
                      ListScripts={"operationId": "list_scripts", "parameters": {"project_id": "$response.body#/id"}})
JOB_LINKS = links(202, "Queued: the job to poll (also in Location).", GetJob=_TO_JOB)


class Page(BaseModel):
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last.")


class JobOut(BaseModel):
    id: int
    run_id: int
    project_id: Id
    kind: str
    state: Literal["queued", "running", "succeeded", "failed"]
    attempts: int
    max_attempts: int
    result: dict[str, Any] = {}
    error: str | None = None
    created_at: dt.datetime
    finished_at: dt.datetime | None = None
    events_url: str


class JobAccepted(BaseModel):
    job: JobOut
    status_url: str
    warnings: list[str] = Field([], description="Quotas at 80 % or more of their limit.")


class JobPage(Page):
    items: list[JobOut]


def _job_out(job: jobs.JobRecord) -> JobOut:
    return JobOut(id=job.id, run_id=job.run_id, project_id=job.project_id, kind=job.kind, state=job.state,
                  attempts=job.attempts, max_attempts=job.max_attempts, result=job.result, error=job.error,
                  created_at=job.created_at, finished_at=job.finished_at,
                  events_url=f"/api/v1/jobs/{job.id}/events")


def _accepted(response: Response, job: jobs.JobRecord) -> JobAccepted:
    response.status_code = 202
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    if job.warnings:
        response.headers["X-Quota-Warning"] = " | ".join(job.warnings)[:1000]
    return JobAccepted(job=_job_out(job), status_url=f"/api/v1/jobs/{job.id}", warnings=list(job.warnings))


def _queue(request: Request, ident: Identity, project_id: int, kind: str, params: dict[str, Any]) -> jobs.JobRecord:
    ctx = deps.project_ctx(request, ident, project_id)
    return jobs.enqueue(ctx, kind, params)


def _queue_on_script(request: Request, response: Response, ident: Identity, body: Any, kind: str) -> JobAccepted:
    """Queue ``kind`` on the stored script ``body.script_id`` (checked first: 404 for another org's),
    with the body's fields, less the project id, as the job's parameters."""
    deps.asset_ctx(request, ident, body.script_id, "script")
    return _accepted(response, _queue(request, ident, body.project_id, kind, body.model_dump(exclude={"project_id"})))


# -- organizations ---------------------------------------------------------------------------------

orgs = APIRouter(prefix="/organizations", tags=["organizations"], responses=ERRORS)


class OrgIn(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="URL-safe name.")
    name: str = Field(min_length=1, max_length=200)
    admin_user: str = Field("admin", min_length=1, max_length=120, description="Who the new org's first key acts as.")


class OrgCreated(BaseModel):
    organization: OrgRecord
    admin_key: str = Field(description="The new organization's first admin key. Shown once: store it now.")
    admin_key_prefix: str


@orgs.post("", status_code=201, response_model=OrgCreated)
def create_organization(body: OrgIn, request: Request, ident: Identity = Depends(deps.need("admin"))) -> OrgCreated:
    """Create an organization (admin scope) and its first admin key."""
    store = deps.store_of(request)
    if any(o.slug == body.slug for o in store.orgs()):
        raise Conflict(f"Organization '{body.slug}' already exists.", hint="Pick another slug.")
    org = store.org(body.slug, create=True)
    key, info = keys.create_key(store, body.slug, "first admin key", ["admin"], user=body.admin_user,
                                created_by=f"{ident.org_slug}:{ident.user}")
    record = next(o for o in store.orgs() if o.id == org.org_id)
    return OrgCreated(organization=record, admin_key=key, admin_key_prefix=info.prefix)


@orgs.get("/current", response_model=OrgRecord)
def current_organization(request: Request, ident: Identity = Depends(deps.current_org)) -> OrgRecord:
    """The organization of the calling key."""
    return next(o for o in deps.store_of(request).orgs() if o.id == ident.org_id)


# -- projects ------------------------------------------------------------------------------------

projects = APIRouter(prefix="/projects", tags=["projects"], responses=ERRORS)


class ProjectIn(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str | None = Field(None, min_length=1, max_length=200)


class ProjectPage(Page):
    items: list[ProjectRecord]


@projects.post("", status_code=201, response_model=ProjectRecord, responses=PROJECT_LINKS)
def create_project(body: ProjectIn, request: Request,
                   ident: Identity = Depends(deps.need("projects", "write"))) -> ProjectRecord:
    org = deps.org_ctx(request, ident)
    if any(p.slug == body.slug for p in org.projects()):
        raise Conflict(f"Project '{ident.org_slug}/{body.slug}' already exists.", hint="Pick another slug.")
    ctx = deps.store_of(request).project(ident.org_slug, body.slug, user=ident.user, create=True, title=body.name,
                                         org_checked=True)  # the key is the org's
    return next(p for p in org.projects() if p.id == ctx.project_id)


@projects.get("", response_model=ProjectPage)
def list_projects(request: Request, limit: int = Limit, cursor: str | None = Cursor,
                  ident: Identity = Depends(deps.need("projects"))) -> dict:
    after = deps.decode_cursor(cursor)
    with deps.org_ctx(request, ident).session() as s:
        stmt = select(Project).order_by(col(Project.id).desc()).limit(limit + 1)
        if after is not None:
            stmt = stmt.where(col(Project.id) < after)

        rows = [to_record(r, ProjectRecord) for r in s.exec(stmt).all()]
    return deps.page(rows, limit, lambda p: p.id)


@projects.get("/{project_id}", response_model=ProjectRecord)
def get_project(project_id: PathId, request: Request, ident: Identity = Depends(deps.need("projects"))) -> ProjectRecord:
    ctx = deps.project_ctx(request, ident, project_id)
    return next(p for p in deps.org_ctx(request, ident).projects() if p.id == ctx.project_id)


# -- characters ------------------------------------------------------------------------------

characters = APIRouter(prefix="/characters", tags=["characters"], responses=ERRORS)


class CharacterIn(BaseModel):
    project_id: Id
    bible: CharacterBible


class CharacterOut(BaseModel):
    id: int = Field(description="Asset id of this version of the bible.")
    project_id: Id
    version: int
    bible: CharacterBible


class CharacterPage(Page):
    items: list[CharacterOut]


def _bible_kind() -> str:
    return BIBLE_KIND


@characters.post("", status_code=201, response_model=CharacterOut)
def create_character(body: CharacterIn, request: Request,
                     ident: Identity = Depends(deps.need("characters", "write"))) -> CharacterOut:
    ctx = deps.project_ctx(request, ident, body.project_id)
    bible = service.create_character(body.bible, ctx)
    asset = ctx.latest(_bible_kind(), f"{bible.character_id}.json")
    return CharacterOut(id=asset.id, project_id=ctx.project_id, version=asset.version, bible=bible)


@characters.get("", response_model=CharacterPage)
def list_characters(request: Request, project_id: QueryId, limit: int = Limit, cursor: str | None = Cursor,
                    ident: Identity = Depends(deps.need("characters"))) -> dict:
    ctx = deps.project_ctx(request, ident, project_id)
    after = deps.decode_cursor(cursor)
    latest: dict[str, AssetRecord] = {}
    for asset in ctx.list_assets(_bible_kind()):
        latest[asset.name] = asset
    rows = sorted((a for a in latest.values() if after is None or a.id < after), key=lambda a: -a.id)[:limit + 1]
    items = [CharacterOut(id=a.id, project_id=ctx.project_id, version=a.version,
                          bible=CharacterBible.from_json(ctx.read_bytes(a.id))) for a in rows]
    return deps.page(items, limit, lambda c: c.id)


@characters.get("/{character_id}", response_model=CharacterOut)
def get_character(character_id: PathId, request: Request,
                  ident: Identity = Depends(deps.need("characters"))) -> CharacterOut:
    ctx, asset = deps.asset_ctx(request, ident, character_id, _bible_kind())
    return CharacterOut(id=asset.id, project_id=ctx.project_id, version=asset.version,
                        bible=CharacterBible.from_json(ctx.read_bytes(asset.id)))


# -- scripts ------------------------------------------------------------------------------------

scripts = APIRouter(prefix="/scripts", tags=["scripts"], responses=ERRORS)


class ScriptRequest(BaseModel):
    """Arguments of the writing engine's generate_script (see studio_kit.engines.writing.generation)."""

    project_id: Id
    logline: str = Field(min_length=1, max_length=2000)
    format: Literal["short", "film", "save_the_cat", "episode", "ad15", "ad30", "ad60"] = "short"
    genre: str = Field("drama", max_length=40)
    tone: str = Field("grounded", max_length=40)
    pages: float | None = Field(None, gt=0, le=200)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    title: str | None = Field(None, max_length=200)
    name: str | None = Field(None, pattern=r"^[\w .\-]{1,120}$", description="Script name in the project.")


class ScriptOut(BaseModel):
    id: int
    project_id: Id
    name: str
    version: int
    title: str | None
    scenes: int
    fountain: str
    created_at: dt.datetime


class ScriptSummary(BaseModel):
    id: int
    project_id: Id
    name: str
    version: int
    size: int
    created_at: dt.datetime


class ScriptPage(Page):
    items: list[ScriptSummary]


@scripts.post("", status_code=202, response_model=JobAccepted, responses=JOB_LINKS)
def generate_script(body: ScriptRequest, request: Request, response: Response,
                    ident: Identity = Depends(deps.need("scripts", "write"))) -> JobAccepted:
    """Queue a screenplay from a logline; the job's result names the stored script."""
    params = body.model_dump(exclude={"project_id"})
    return _accepted(response, _queue(request, ident, body.project_id, "script.generate", params))


@scripts.get("", response_model=ScriptPage)
def list_scripts(request: Request, project_id: QueryId, limit: int = Limit, cursor: str | None = Cursor,
                 ident: Identity = Depends(deps.need("scripts"))) -> dict:
    ctx = deps.project_ctx(request, ident, project_id)
    after = deps.decode_cursor(cursor)
    rows = sorted((a for a in ctx.list_assets("script") if after is None or a.id < after), key=lambda a: -a.id)
    items = [ScriptSummary(id=a.id, project_id=a.project_id, name=a.name, version=a.version, size=a.size,
                           created_at=a.created_at) for a in rows[:limit + 1]]
    return deps.page(items, limit, lambda c: c.id)


@scripts.get("/{script_id}", response_model=ScriptOut)
def get_script(script_id: PathId, request: Request, ident: Identity = Depends(deps.need("scripts"))) -> ScriptOut:
    ctx, asset = deps.asset_ctx(request, ident, script_id, "script")
    data = ctx.read_bytes(asset.id)
    script = load_script(data, name=asset.name)
    return ScriptOut(id=asset.id, project_id=asset.project_id, name=asset.name, version=asset.version,
                     title=script.title, scenes=len(script.scenes), fountain=data.decode("utf-8"),
                     created_at=asset.created_at)


# -- production ---------------------------------------------------------------------------------------

production = APIRouter(prefix="/production", tags=["production"], responses=ERRORS)
MAX_UPLOAD = int(os.environ.get("STUDIO_API_MAX_UPLOAD_MB", "2048")) * 1024 * 1024
CHUNK = 1024 * 1024


def sniff_media(head: bytes) -> tuple[str, str] | None:
    """(mime, extension) from a file's first bytes, for the camera formats footage comes in."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return ("video/quicktime", ".mov") if brand == b"qt  " else ("video/mp4", ".mp4")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "video/quicktime", ".mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/x-matroska", ".mkv"
    if head.startswith(b"\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02\x01\x01\x02"):
        return "application/mxf", ".mxf"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video/x-msvideo", ".avi"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav", ".wav"
    return None


class UploadOut(BaseModel):
    asset: AssetRecord
    sniffed: str


class ShotRequest(BaseModel):
    project_id: Id
    script_id: Id
    shot: str = Field(min_length=1, max_length=16, description="Shot number, e.g. '1A'.")
    backend: str | None = Field(None, max_length=64)


@production.post("/upload-footage", status_code=201, response_model=UploadOut)
async def upload_footage(request: Request, project_id: int = Form(..., ge=1, le=MAX_ID), file: UploadFile = File(...),
                         ident: Identity = Depends(deps.need("production", "write"))) -> UploadOut:
    """Stream a camera file into the asset store (size-limited, content sniffed, not trusted by name)."""
    ctx = deps.project_ctx(request, ident, project_id)
    name = Path(file.filename or "upload").name[:200] or "upload"
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=str(ctx.store.asset_root))
    size, head = 0, b""
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await file.read(CHUNK):
                if len(head) < 64:
                    head += chunk[:64 - len(head)]
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise TooLarge(f"{name} is over the upload limit of {MAX_UPLOAD // (1024 * 1024)} MB.",
                                   hint="Ingest large camera files from disk with `studio production ingest`.")
                out.write(chunk)
        if size == 0:
            raise InputError(f"{name} is empty.", hint="Upload the camera file itself.")
        sniffed = sniff_media(head)
        if sniffed is None:
            raise Unsupported(f"{name} is not a video or audio file this studio reads (MP4, MOV, MXF, MKV, AVI, "
                              "WAV).", hint="Upload camera original or proxy media.")
        mime, ext = sniffed
        stem = Path(name).stem or "upload"
        asset = await asyncio.to_thread(ctx.put_asset, Path(tmp), "footage_upload", stem + ext, mime=mime,
                                        provenance={"uploaded_by": ident.user, "via": "api",
                                                    "original_name": name})
        return UploadOut(asset=asset, sniffed=mime)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@production.post("/generate-shot", status_code=202, response_model=JobAccepted)
def generate_shot(body: ShotRequest, request: Request, response: Response,
                  ident: Identity = Depends(deps.need("production", "write"))) -> JobAccepted:
    """Queue an AI video of one shot of a stored script."""
    return _queue_on_script(request, response, ident, body, "production.generate-shot")


# -- post-production ---------------------------------------------------------------------------------

post = APIRouter(prefix="/post-production", tags=["post"], responses=ERRORS)


class VoiceRequest(BaseModel):
    project_id: Id
    script_id: Id
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class MusicRequest(BaseModel):
    project_id: Id
    script_id: Id
    genre: str | None = Field(None, max_length=40)


@post.post("/voice", status_code=202, response_model=JobAccepted)
def voice(body: VoiceRequest, request: Request, response: Response,
          ident: Identity = Depends(deps.need("post", "write"))) -> JobAccepted:
    """Queue voicing every line of a stored script (the dialogue stem, WAV)."""
    return _queue_on_script(request, response, ident, body, "post.voice")


@post.post("/music", status_code=202, response_model=JobAccepted)
def music(body: MusicRequest, request: Request, response: Response,
          ident: Identity = Depends(deps.need("post", "write"))) -> JobAccepted:
    """Queue the scene-aware score of a stored script (the music stem, WAV)."""
    return _queue_on_script(request, response, ident, body, "post.music")


# -- marketing --------------------------------------------------------------------------------------

marketing = APIRouter(prefix="/marketing", tags=["marketing"], responses=ERRORS)


class TrailerRequest(BaseModel):
    project_id: Id
    script_id: Id
    length: Literal[15, 30, 60, 90, 120] = Field(60, description="Trailer length in seconds.")


class PosterRequest(BaseModel):
    project_id: Id
    script_id: Id
    layout: str = Field("one-sheet", max_length=40, description="one-sheet, a1, a3, social-square ...")
    tagline: str | None = Field(None, max_length=200)


def _marketing_ready() -> None:
    try:
        import studio_kit.engines.marketing.service  # noqa: F401
    except ImportError as exc:
        raise NotLanded(f"The marketing engine is not available in this installation: "
                        f"studio_kit.engines.marketing.service cannot be imported ({exc}).",
                        hint="Install the marketing engine (trailer, poster) first.") from None


@marketing.post("/trailer", status_code=202, response_model=JobAccepted)
def trailer(body: TrailerRequest, request: Request, response: Response,
            ident: Identity = Depends(deps.need("marketing", "write"))) -> JobAccepted:
    """Queue a trailer of a stored script (cut, rendered, loudness-checked, QC'd)."""
    _marketing_ready()
    return _queue_on_script(request, response, ident, body, "marketing.trailer")


@marketing.post("/poster", status_code=202, response_model=JobAccepted)
def poster(body: PosterRequest, request: Request, response: Response,
           ident: Identity = Depends(deps.need("marketing", "write"))) -> JobAccepted:
    """Queue a poster (PNG + PDF) of a stored script."""
    _marketing_ready()
    return _queue_on_script(request, response, ident, body, "marketing.poster")


# -- templates ---------------------------------------------------------------------------------------

templates = APIRouter(prefix="/templates", tags=["jobs"], responses=ERRORS)


class TemplateRunIn(BaseModel):
    project_id: Id
    parameters: dict[str, Any] = {}


@templates.post("/{name}/runs", status_code=202, response_model=JobAccepted)
def run_template(name: str, body: TemplateRunIn, request: Request, response: Response,
                 ident: Identity = Depends(deps.need("jobs", "write"))) -> JobAccepted:
    """Queue a template run (parameters are validated now, before it is queued)."""
    template = find_template(name)
    params = validate_parameters(template, dict(body.parameters))
    return _accepted(response, _queue(request, ident, body.project_id, "template.run",
                                      {"template": template.name, "parameters": params}))


# -- jobs ----------------------------------------------------------------------------------------

jobs_router = APIRouter(prefix="/jobs", tags=["jobs"], responses=ERRORS)


@jobs_router.get("", response_model=JobPage)
def list_jobs(request: Request, limit: int = Limit, cursor: str | None = Cursor,
              state: Literal["queued", "running", "succeeded", "failed"] | None = None,
              ident: Identity = Depends(deps.need("jobs"))) -> dict:
    rows = jobs.list_jobs(deps.org_ctx(request, ident), after=deps.decode_cursor(cursor), limit=limit + 1, state=state)
    return deps.page([_job_out(j) for j in rows], limit, lambda j: j.id)


@jobs_router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: PathId, request: Request, ident: Identity = Depends(deps.need("jobs"))) -> JobOut:
    return _job_out(jobs.get_job(deps.org_ctx(request, ident), job_id))


async def job_events(websocket: WebSocket, job_id: int) -> None:
    """Stream a job's events as JSON messages until it succeeds or fails (then close 1000)."""
    try:
        ident = deps.ws_identity(websocket)
        ident.require("jobs", "read")
        if not 1 <= job_id <= MAX_ID:
            raise NotFound(f"Job {job_id} not found.", hint="Use an id from GET /api/v1/jobs.")
        org = deps.org_ctx(websocket, ident)
        await asyncio.to_thread(jobs.get_job, org, job_id)
    except StudioError as exc:
        from studio_kit.api.errors import status_of

        await websocket.close(code=4000 + status_of(exc), reason=exc.message[:120])
        return
    await websocket.accept()
    last = 0
    try:
        while True:
            batch = await asyncio.to_thread(jobs.events, org, job_id, last)
            for event in batch:
                await websocket.send_json({"job_id": job_id, **event})
                last = event["id"]
            if any(e["kind"] == "state" and e["data"].get("state") in ("succeeded", "failed") for e in batch):
                await websocket.close(code=1000)
                return
            await asyncio.sleep(0.25)
    except WebSocketDisconnect:
        return


# -- usage and invoices ------------------------------------------------------------------------

usage = APIRouter(prefix="/usage", tags=["usage"], responses=ERRORS)


class UsageIn(BaseModel):
    project_id: Id
    key: str = Field(min_length=1, max_length=255, description="Idempotency key: the same key is recorded once.")
    backend: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_.\-]+$", max_length=120, description="modality.name")
    units: float = Field(ge=0, le=1e12)
    unit: str = Field(pattern=r"^[a-z_\-]{1,32}$", description="gpu_second, image, video_second, ...")
    seconds: float = Field(0.0, ge=0, le=1e9)
    user: str | None = Field(None, max_length=120)


class UsageOut(BaseModel):
    event: UsageRecord
    created: bool


class UsagePage(Page):
    items: list[UsageRecord]


@usage.post("", status_code=201, response_model=UsageOut)
def record_usage(body: UsageIn, request: Request, response: Response,
                 ident: Identity = Depends(deps.need("admin"))) -> UsageOut:
    """Record usage measured outside the studio (admin scope); a repeated key is not charged twice."""
    ctx = deps.project_ctx(request, ident, body.project_id)
    row, created = ctx.record_usage_once(body.key, backend=body.backend, units=body.units, unit=body.unit,
                                         seconds=body.seconds, user=body.user or ident.user, method="api")
    if not created:
        response.status_code = 200
    return UsageOut(event=row, created=created)


@usage.get("", response_model=UsagePage)
def list_usage(request: Request, project_id: QueryId | None = None, limit: int = Limit, cursor: str | None = Cursor,
               ident: Identity = Depends(deps.need("usage"))) -> dict:
    """Usage events of the organization (or one project), newest first."""
    ctx = deps.project_ctx(request, ident, project_id) if project_id is not None else deps.org_ctx(request, ident)
    after = deps.decode_cursor(cursor)
    with ctx.session() as s:
        stmt = select(UsageEvent).order_by(col(UsageEvent.id).desc()).limit(limit + 1)
        if after is not None:
            stmt = stmt.where(col(UsageEvent.id) < after)
        rows = [to_record(r, UsageRecord) for r in s.exec(stmt).all()]
    return deps.page(rows, limit, lambda u: u.id)


invoices = APIRouter(prefix="/invoices", tags=["usage"], responses=ERRORS)


class InvoiceOut(BaseModel):
    id: int
    number: str
    kind: Literal["invoice", "credit_note"]
    corrects_id: int | None
    period_start: dt.datetime
    period_end: dt.datetime
    currency: str
    rate_card_version: int
    tax_rate: str
    lines: list[dict[str, Any]]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    note: str | None
    issued_at: dt.datetime


class InvoicePage(Page):
    items: list[InvoiceOut]


@invoices.get("", response_model=InvoicePage)
def list_invoices(request: Request, limit: int = Limit, cursor: str | None = Cursor,
                  ident: Identity = Depends(deps.need("usage"))) -> dict:
    """Issued invoices and credit notes, newest first (amounts in cents)."""
    after = deps.decode_cursor(cursor)
    rows = [r for r in reversed(billing.list_invoices(deps.org_ctx(request, ident))) if after is None or (r.id is not None and r.id < after)]
    items = [InvoiceOut.model_validate(r, from_attributes=True) for r in rows[:limit + 1]]
    return deps.page(items, limit, lambda i: i.id)


@invoices.get("/{number}.{fmt}", response_class=Response,
              responses={200: {"content": {"application/pdf": {}, "text/csv": {}}}})
def invoice_file(number: str, fmt: Literal["pdf", "csv"], request: Request,
                 ident: Identity = Depends(deps.need("usage"))) -> Response:
    """An invoice as PDF or CSV."""
    inv = next((i for i in billing.list_invoices(deps.org_ctx(request, ident)) if i.number == number), None)
    if inv is None:
        raise NotFound(f"Invoice {number} not found.", hint="List invoices with GET /api/v1/invoices.")
    if fmt == "csv":
        return Response(billing.export_invoice_csv(inv), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{number}.csv"'})
    with tempfile.TemporaryDirectory() as tmp:
        org = next(o for o in deps.store_of(request).orgs() if o.id == ident.org_id)
        path = billing.export_invoice_pdf(inv, Path(tmp) / f"{number}.pdf", org.name)
        return Response(path.read_bytes(), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'})


# -- assets ----------------------------------------------------------------------------------------------

assets = APIRouter(prefix="/assets", tags=["assets"], responses=ERRORS)


@assets.get("/{asset_id}", response_model=AssetRecord)
def get_asset(asset_id: PathId, request: Request, ident: Identity = Depends(deps.need("assets"))) -> AssetRecord:
    return deps.asset_ctx(request, ident, asset_id)[1]


@assets.get("/{asset_id}/content", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}, 206: {"description": "A byte range."}})
def download_asset(asset_id: PathId, request: Request, ident: Identity = Depends(deps.need("assets"))) -> FileResponse:
    """The asset's file; supports ``Range: bytes=...`` (206) for media players and resumed downloads."""
    ctx, asset = deps.asset_ctx(request, ident, asset_id)
    path = ctx.asset_path(asset.id)
    if not path.exists():
        raise NotFound(f"The file of asset {asset_id} is missing from the asset store.",
                       hint="Run `studio store check` on the server.")
    return FileResponse(path, media_type=asset.mime or "application/octet-stream",
                        filename=asset.name, headers={"ETag": f'"{asset.sha256}"'})


ROUTERS = (orgs, projects, characters, scripts, production, post, marketing, templates, jobs_router, usage,
           invoices, assets)
