"""Dashboards under load: first render and interaction latency with 1, 8 and 16 browser sessions, idle CPU.

Each dashboard is served by ``panel serve`` (one process, as `studio serve` runs it) on a fresh
STUDIO_HOME whose project holds the sample short as a script version. For each session count N, N headless
Chromium pages open the dashboard at once:

* first render: seconds from navigation until the dashboard is drawn (its project picker is up), median
  and worst over the N sessions (goal: < 2 s with 1 session);
* interaction: seconds from a user action to the server's answer on screen (goal: < 0.5 s at 8 sessions):
  Studio Home searches the asset list (Enter in the search field), Script Room types the last letter of a
  new scene heading (until the preview has applied its patch: the editor's typing pause is included;
  the scene list follows later, after a longer pause, by design), the Board adds a breakdown tag and the Character Lab creates a
  character (the button, the name already typed: typing into a field sends nothing). ``--pattern burst``
  (the default): every session acts at the same moment, once — the worst case; ``--pattern users``: each
  session acts ``--rounds`` times, each after a random think time (exponential, mean ``--think`` s, seeded),
  as a team at work does, so actions overlap now and then. Either way the N browsers run on this
  machine's cores beside the server, so their drawing is part of every figure. Nobody acts before the
  pages have settled (the machine under 15 % busy, at least 2 s after the last page was ready: "settle"),
  so the actions are not timed against N pages still finishing their first draw; in a burst the machine
  settles again after every session got ready (typed its field), so the Script Room's N sessions typing
  the scene heading up to its last letter are not still being laid out and drawn when the last key goes;
* idle CPU: the server's CPU use over 10 s with all N sessions open and nobody typing, per session
  (goal: ~0 — no periodic callbacks while idle);
* errors: failed requests + console errors + server tracebacks (goal: 0).

    .venv/bin/python benchmarks/bench_dashboards.py [--sessions 1 8 16] [--dashboards studio_home script_room ...]

``--in-process`` measures the server's side alone, without browsers (less sensitive to other work on the
machine): the seconds to build a session of each dashboard (the script run the way ``panel serve`` runs
it, plus the document serialized as the websocket sends it), the first one (imports, first store
access) apart from the next ones, and the seconds of one user action on an already built page.
``--profile FILE`` writes a cProfile of the warm sessions (and of the action to ``FILE.action``).

``--cpu REPS`` shows where an action's time goes with one session: the CPU the server process, all Chromium
processes and the page's renderer (its task time) spend on each of REPS actions and the second after it.

The Board draws itself after its page (``pn.state.onload``): its first render is the page (project picker)
as for every dashboard, "ready" the board drawn, and its action (add a tag) is timed once every session's
board is there.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
#: dashboards that draw their main content after the page (``pn.state.onload``): the page is "ready" when
#: this shows, and the action is timed from then (the Board's tag editor comes with the board)
READY = {"breakdown_board": "input[placeholder='e.g. FILM REEL']",
         "audio_mixer": "text=/^Mixed /"}         # the mixer voices, scores and mixes the script on opening
#: the dashboards with a timed user action (see ``_interact``)
ACTIONS = ("studio_home", "script_room", "breakdown_board", "character_lab")
#: the renderer's task time and the parts of it Chromium counts apart (``Performance.getMetrics``): the page's
#: JavaScript (BokehJS applying the update), style recalculation and layout (``--cpu``)
RENDERER_PARTS = {"renderer": "TaskDuration", "script": "ScriptDuration", "style": "RecalcStyleDuration",
                  "layout": "LayoutDuration"}


#: in the page: the time of every key press and click (the event's own time stamp), and of the first moment
#: after each server update is applied and drawn (Bokeh's document patch, then a frame, then a task); with
#: ``__sk.want`` set (a pattern), also the first such moment at which the page's text matches it (the text of
#: every shadow root: Panel draws each component in one)
_PROBE = """() => {
  if (window.__sk) return;
  const sk = window.__sk = {inputs: [], drawn: [], want: null, hit: null};
  const roots = () => {
    const out = [document], todo = [document.documentElement];
    while (todo.length) {
      const el = todo.pop();
      if (el.shadowRoot) { out.push(el.shadowRoot); todo.push(...el.shadowRoot.children); }
      todo.push(...el.children);
    }
    return out;
  };
  const shows = (re) => roots().some((r) => re.test(r.textContent || ""));
  for (const type of ["keydown", "click"]) document.addEventListener(type, (e) => sk.inputs.push(e.timeStamp), true);
  const doc = Bokeh.documents[0], apply = doc.apply_json_patch.bind(doc);
  doc.apply_json_patch = (...args) => {
    const out = apply(...args);
    requestAnimationFrame(() => setTimeout(() => {
      const t = performance.now();
      sk.drawn.push(t);
      if (sk.want !== null && sk.hit === null && sk.inputs.length && shows(new RegExp(sk.want))) {
        sk.hit = t;
        sk.answer();
      }
    }, 0));
    return out;
  };
}"""
#: in the page, before an action: forget earlier inputs and updates, and look for ``want`` in the answer
#: (``__sk.answered`` resolves when it shows: the driver waits on it instead of polling the page)
_ARM = """(want) => {
  Object.assign(__sk, {inputs: [], drawn: [], want, hit: null});
  __sk.answered = new Promise((resolve) => { __sk.answer = resolve; });
}"""
#: in the page: wait for the armed answer (``_ARM``), at most ``ms``
_AWAIT = """(ms) => Promise.race([__sk.answered, new Promise((_, fail) =>
  setTimeout(() => fail(new Error(`no answer matching ${__sk.want} in ${ms} ms`)), ms))])"""
#: ms from the action's first key press or click to the server's answer drawn: the first update after which
#: the page shows ``want``, or without one the last update drawn since (null: none seen)
_IN_PAGE = """() => {
  const sk = window.__sk, t0 = sk.inputs[0], drawn = sk.drawn.filter((t) => t >= t0);
  if (t0 === undefined) return null;
  if (sk.want !== null) return sk.hit === null ? null : sk.hit - t0;
  return drawn.length ? drawn[drawn.length - 1] - t0 : null;
}"""


def _answer(dashboard: str, i: int, k: int) -> str | None:
    """The text (a JavaScript pattern) that shows the server has answered the action, if there is one (the
    Script Room's answer is the preview's patch, whatever its text)."""
    if dashboard == "studio_home":
        return r"· [1-9][0-9]* asset\(s\)" if k % 2 else r"· 0 asset\(s\)"
    return {"breakdown_board": f"PROP {i}", "character_lab": f"Extra {i}"}.get(dashboard)


#: the button each dashboard's action clicks (``_interact``)
BUTTONS = {"breakdown_board": "Add tag", "character_lab": "Create character"}
#: where each page's button is, found before the action (``_prepare``): the driver's look-up of the button
#: and Playwright's checks before a click (visible, stable over two frames, not covered) run in the page,
#: and in a burst they would run in the other pages while this one is timed
_AT: dict[int, tuple[float, float]] = {}
#: in the page: is the button named ``name`` still at (x, y)? (one look through the shadow roots at that point)
_ON_BUTTON = """([x, y, name]) => {
  let el = document.elementFromPoint(x, y);
  while (el && el.shadowRoot) {
    const inner = el.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === el) break;
    el = inner;
  }
  const button = el && el.closest("button");
  return !!button && button.textContent.includes(name);
}"""


async def _prepare(dashboard: str, page, i: int, k: int = 0) -> None:
    """What the user does before the timed action (their ``k``-th): type the search (one that finds
    nothing, then clear it), the tag or the character name (a field sends nothing to the server until
    Enter or the button), and find the button (``_AT``)."""
    if dashboard == "studio_home":
        await page.get_by_placeholder("name contains…").fill("" if k % 2 else f"zzz{i}")
    elif dashboard == "script_room":                                      # a new scene, all but its last key
        await page.locator(".fountain-editor .ace_content").click()         # the Ace editor
        await page.keyboard.press("Control+End")
        await page.keyboard.type(f"\nEXT. PIER {i} - NIGH", delay=0)        # Enter after action adds the blank
        await page.wait_for_timeout(1000)                                   # its pages re-laid meanwhile
    elif dashboard == "breakdown_board":
        await page.get_by_placeholder("e.g. FILM REEL").fill(f"PROP {i}")
    elif dashboard == "character_lab":
        await page.get_by_placeholder("e.g. Nova Reyes").fill(f"Extra {i}")
    if dashboard in BUTTONS:
        await _find_button(dashboard, page)


async def _find_button(dashboard: str, page) -> None:
    """Where the page's action button is now (``_AT``), scrolled into view."""
    button = page.get_by_role("button", name=BUTTONS[dashboard])
    box = None
    while box is None:           # another session's edit may be redrawing this part of the page: look again
        await button.scroll_into_view_if_needed()
        box = await button.bounding_box()
    _AT[id(page)] = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


async def _interact(dashboard: str, page, i: int, k: int = 0) -> None:
    """The timed user action on ``dashboard`` (after ``_prepare`` and ``_ARM``) and the wait for the server's
    answer on screen. Where the answer has a text (``_answer``) the page itself says when it shows
    (``_AWAIT``): Playwright's own wait would search the page's text over and over (after 0, 20, 50, 100 ms
    …), work no user's browser does, and in a burst it would run in every page at once."""
    if dashboard == "studio_home":
        await page.get_by_placeholder("name contains…").press("Enter")
        await page.evaluate(_AWAIT, 300_000)
    elif dashboard in BUTTONS:                              # the button where _prepare found it
        if not await page.evaluate(_ON_BUTTON, [*_AT[id(page)], BUTTONS[dashboard]]):
            # the page moved since (with --pattern users another session's edit may grow a list above the
            # button): find it again, before the click that starts the page's clock
            await _find_button(dashboard, page)
        await page.mouse.click(*_AT[id(page)])
        await page.evaluate(_AWAIT, 300_000)
    elif dashboard == "script_room":                        # the last key → the preview's patch applied
        seq = await page.locator(".sr-scroll").first.get_attribute("data-seq")
        await page.keyboard.type("T")
        await page.locator(f".sr-scroll:not([data-seq='{seq}'])").first.wait_for(state="attached")
        await page.keyboard.press("Escape")                                 # (a location may be offered)
    else:                                   # a dashboard without a benchmark action: its first render only
        raise ValueError(dashboard)


async def _sessions(url: str, dashboard: str, n: int, pattern: str = "burst", rounds: int = 3,
                    think: float = 2.0) -> dict:
    from playwright.async_api import async_playwright

    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await _launch(pw)
        contexts = [await browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(n)]
        pages = [await c.new_page() for c in contexts]
        for p in pages:
            p.set_default_timeout(300_000)
            p.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
            p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        async def open_one(p):
            t0 = time.perf_counter()
            await p.goto(url)
            await p.locator(".sk-where").first.wait_for()
            render = time.perf_counter() - t0
            if dashboard in READY:        # drawn after the page (onload): the action waits for it, untimed
                await p.locator(READY[dashboard]).first.wait_for()
            took = time.perf_counter() - t0
            await p.evaluate(_PROBE)
            return render, took

        opened = await asyncio.gather(*(open_one(p) for p in pages))
        renders, ready = [r for r, _ in opened], [r for _, r in opened]
        settled = await _settle()

        async def act(p, i, k=0):
            await _prepare(dashboard, p, i, k)
            if pattern == "burst":                   # every session's field filled before anyone acts
                filled.append(i)
                if len(filled) == n:
                    # what the sessions did to get ready (the Script Room's typing: N previews and scene
                    # lists to lay out and draw) finished too, as after opening: only the action is timed
                    await _settle(at_least=0.5)
                    ready_all.set()
                await ready_all.wait()
            await p.evaluate(_ARM, _answer(dashboard, i, k))
            t0 = time.perf_counter()
            await _interact(dashboard, p, i, k)
            driver = time.perf_counter() - t0
            in_page = await p.evaluate(_IN_PAGE)
            return driver, float("nan") if in_page is None else in_page / 1000

        filled: list[int] = []
        ready_all = asyncio.Event()
        if dashboard not in ACTIONS:
            actions = [(float("nan"), float("nan"))]
        elif pattern == "burst":
            actions = list(await asyncio.gather(*(act(p, i) for i, p in enumerate(pages))))
        else:                                        # users: each acts `rounds` times after a think time
            rng = random.Random(n)

            async def user(p, i):
                took = []
                for k in range(rounds):
                    await asyncio.sleep(rng.expovariate(1 / think))
                    took.append(await act(p, 100 * i + k, k))
                return took

            actions = [t for ts in await asyncio.gather(*(user(p, i) for i, p in enumerate(pages))) for t in ts]
        await asyncio.sleep(2)
        result = {"renders": renders, "ready": ready, "settled": settled, "driver": [d for d, _ in actions],
                  "actions": [a for _, a in actions], "errors": errors, "pages": pages, "contexts": contexts,
                  "browser": browser}
        result["idle"] = await _idle_cpu(result)
        for c in contexts:
            await c.close()
        await browser.close()
    return result


async def _launch(pw):
    """Headless Chromium as every session of this benchmark runs it."""
    return await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])


async def _settle(at_least: float = 2.0, at_most: float = 20.0, quiet: float = 0.15) -> float:
    """Seconds waited after the pages were drawn until the machine is quiet: the pages' own after-load work
    (pictures drawn on load, the browsers' layout and garbage collection) finished, so the actions are
    timed on idle pages, not on 8 pages still settling. Quiet: below ``quiet`` of all cores busy over half
    a second, after at least ``at_least`` s and at most ``at_most`` s."""
    import psutil

    t0 = time.perf_counter()
    await asyncio.sleep(at_least)
    psutil.cpu_percent()
    while time.perf_counter() - t0 < at_most:
        await asyncio.sleep(0.5)
        if psutil.cpu_percent() < quiet * 100:
            break
    return time.perf_counter() - t0


async def _idle_cpu(result: dict, seconds: float = 10.0) -> float:
    import psutil

    proc = psutil.Process(result["server_pid"]) if "server_pid" in result else psutil.Process(_SERVER["pid"])
    before = proc.cpu_times()
    await asyncio.sleep(seconds)
    after = proc.cpu_times()
    return ((after.user - before.user) + (after.system - before.system)) / seconds * 100    # % of one core


_SERVER: dict = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(dashboard: str, home: Path) -> tuple[subprocess.Popen, str, Path]:
    port = _free_port()
    log = home / f"{dashboard}.log"
    from studio_kit.ui.shot_generator import media_serve_options

    media_args, media_env = media_serve_options(home)
    # the options `studio serve` gives panel (studio_kit/cli/core.py: serve)
    proc = subprocess.Popen([sys.executable, "-m", "panel", "serve", str(REPO / "dashboards" / f"{dashboard}.py"),
                             "--port", str(port), "--address", "127.0.0.1",
                             "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1",
                             "--unused-session-lifetime", "60000", "--plugins", "studio_kit.ui.preload",
                             *media_args],
                            env={**os.environ, **media_env, "STUDIO_HOME": str(home)}, cwd=str(REPO),
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 240
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/js/bokeh.min.js", timeout=5):
                break
        except OSError:
            time.sleep(0.3)
    return proc, f"http://127.0.0.1:{port}/{dashboard}", log


def _project(home: Path) -> None:
    os.environ["STUDIO_HOME"] = str(home)
    from studio_kit.config import reset_settings

    reset_settings()
    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import dispose_engines, open_store
    from studio_kit.ui.board_state import SAMPLE_SCRIPT

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, user="bench")
    save_version(ctx, SAMPLE_SCRIPT.read_text(encoding="utf-8"), name="the_last_reel.fountain")
    dispose_engines()


def _in_process(dashboard: str, sessions: int, profile: str | None = None) -> dict:
    """Seconds to build ``sessions`` sessions of ``dashboard`` one after the other in this process, and
    the seconds of the benchmark's user action on a built page (no browser, no websocket)."""
    import cProfile

    from bokeh.command.util import build_single_handler_application
    from bokeh.core.json_encoder import serialize_json
    from panel.io.session import generate_session
    from panel.io.state import set_curdoc, state

    app = build_single_handler_application(str(REPO / "dashboards" / f"{dashboard}.py"))
    times, sizes, models, prof = [], [], [], cProfile.Profile()
    session = None
    for i in range(sessions):
        if profile and i == 1:
            prof.enable()
        t0 = time.perf_counter()
        session = generate_session(app)
        doc = session.document
        with set_curdoc(doc):
            state._on_load(None)                           # what the page's websocket connection triggers
        sizes.append(len(serialize_json(doc.to_json())))   # what the browser pulls over the websocket
        models.append(len(doc.models))
        times.append(time.perf_counter() - t0)
    if profile:
        prof.disable()
        prof.dump_stats(profile)
    action = _in_process_action(dashboard, session.document, profile and f"{profile}.action")
    return {"first": times[0], "next": statistics.median(times[1:]) if len(times) > 1 else float("nan"),
            "doc_kb": sizes[-1] / 1024, "models": models[-1], "action": action}


def _in_process_action(dashboard: str, doc, profile: str | None = None) -> float:
    """The benchmark's action on the page built last, timed from the widget change to the stored result
    (``profile``: a cProfile of it to that file)."""
    import cProfile
    import gc

    from panel.io.state import set_curdoc

    from studio_kit.ui.breakdown_board import BreakdownBoard
    from studio_kit.ui.character_lab import CharacterLab
    from studio_kit.ui.studio_home import StudioHome

    prof = cProfile.Profile()
    kinds = {"studio_home": StudioHome, "character_lab": CharacterLab, "breakdown_board": BreakdownBoard}
    if dashboard not in kinds:
        return float("nan")
    # the page's component (the newest of its class, built last), found before the clock starts
    ui = [o for o in gc.get_objects() if isinstance(o, kinds[dashboard])][-1]
    with set_curdoc(doc):
        if profile:
            prof.enable()
        t0 = time.perf_counter()
        if dashboard == "studio_home":
            ui.search_input.value = "zzz"
            assert "0 asset(s)" in ui.page_info.object
        elif dashboard == "character_lab":
            ui.new_name.value = "Extra 0"
            ui.create_button.clicks += 1
            assert ui.bible is not None and ui.bible.name == "Extra 0"
        else:                             # add a tag: re-break-down, re-price, redraw
            ui.tag_name.value = "PROP 0"
            ui.add_button.clicks += 1
            assert "PROP 0" in ui.sheet_pane.object, ui._alert.object
        took = time.perf_counter() - t0
        if profile:
            prof.disable()
            prof.dump_stats(profile)
        return took


async def _cpu_per_action(url: str, dashboard: str, reps: int) -> list[dict]:
    """CPU seconds each part spends on one action, one session: the server process, every Chromium process
    (renderer, browser, compositing) and the renderer's own task time (``Performance.getMetrics``), over the
    action and the second after it (what it set in motion: drawing, animations)."""
    import psutil
    from playwright.async_api import async_playwright

    def chromium_cpu() -> float:
        total = 0.0
        for proc in psutil.process_iter(["name"]):
            try:
                if "chrom" in (proc.info["name"] or ""):
                    t = proc.cpu_times()
                    total += t.user + t.system
            except psutil.Error:
                continue
        return total

    server, rows = psutil.Process(_SERVER["pid"]), []
    async with async_playwright() as pw:
        browser = await _launch(pw)
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Performance.enable")
        await page.goto(url)
        await page.locator(READY.get(dashboard, ".sk-where")).first.wait_for()
        await page.evaluate(_PROBE)
        await _settle()

        async def renderer() -> dict[str, float]:
            metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
            return {part: metrics[name] for part, name in RENDERER_PARTS.items()}

        for k in range(reps):
            await _prepare(dashboard, page, k, k)
            await page.evaluate(_ARM, _answer(dashboard, k, k))
            await asyncio.sleep(1.0)
            s0, c0, r0 = sum(server.cpu_times()[:2]), chromium_cpu(), await renderer()
            await _interact(dashboard, page, k, k)
            in_page = await page.evaluate(_IN_PAGE)
            await asyncio.sleep(1.0)
            r1 = await renderer()
            rows.append({"act": float("nan") if in_page is None else in_page / 1000,
                         "server": sum(server.cpu_times()[:2]) - s0, "chromium": chromium_cpu() - c0,
                         **{part: r1[part] - r0[part] for part in RENDERER_PARTS}})
        await browser.close()
    return rows


def _med_max(values: list[float]) -> tuple[float, float]:
    """Median and worst of the figures that were taken (NaN: none, or none for that dashboard)."""
    taken = [v for v in values if v == v]
    return (statistics.median(taken), max(taken)) if taken else (float("nan"), float("nan"))


def _s(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds:.2f}"      # NaN: no action on that dashboard


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 8, 16])
    ap.add_argument("--dashboards", nargs="+",
                    default=["studio_home", "script_room", "breakdown_board", "character_lab"],
                    help="dashboards/<name>.py; any dashboard can be opened, but only " + ", ".join(ACTIONS) +
                         " have an action (the others show — there)")
    ap.add_argument("--pattern", choices=["burst", "users"], default="burst",
                    help="burst: every session acts at the same moment, once; users: each session acts --rounds "
                         "times, each after a random think time (exponential, mean --think s), as people do")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--think", type=float, default=2.0)
    ap.add_argument("--cpu", type=int, metavar="REPS", help="CPU per action, 1 session: server, Chromium and "
                                                             "renderer CPU of REPS actions (see _cpu_per_action)")
    ap.add_argument("--in-process", action="store_true", help="server side only, no browser (see above)")
    ap.add_argument("--profile", help="with --in-process: cProfile of the warm sessions to this file "
                                      "(<dashboard> in the name is replaced)")
    args = ap.parse_args()
    if args.in_process:
        print(f"{'dashboard':<16} {'first s':>8} {'next s':>7} {'models':>7} {'doc KB':>7} {'action s':>8}")
        for dashboard in args.dashboards:
            with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
                _project(Path(tmp))
                r = _in_process(dashboard, max(args.sessions), args.profile and
                                args.profile.replace("<dashboard>", dashboard))
                print(f"{dashboard:<16} {r['first']:>8.2f} {r['next']:>7.2f} {r['models']:>7} {r['doc_kb']:>7.0f} {r['action']:>8.2f}",
                      flush=True)
                from studio_kit.store import dispose_engines

                dispose_engines()
        print(f"load average: {os.getloadavg()[0]:.1f}")
        return
    if args.cpu:
        print(f"{'dashboard':<16} {'action':>6} {'act s':>6} {'server ms':>9} {'Chromium ms':>11} {'renderer ms':>11}"
              f" {'script':>6} {'style':>6} {'layout':>6}")
        for dashboard in [d for d in args.dashboards if d in ACTIONS]:
            with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
                _project(Path(tmp))
                proc, url, _log = _serve(dashboard, Path(tmp))
                _SERVER["pid"] = proc.pid
                try:
                    cpu = asyncio.run(_cpu_per_action(url, dashboard, args.cpu))
                finally:
                    proc.terminate()
                    proc.wait(20)
            for k, r in enumerate(cpu):
                print(f"{dashboard:<16} {k + 1:>6} {_s(r['act']):>6} {r['server'] * 1000:>9.0f} "
                      f"{r['chromium'] * 1000:>11.0f} {r['renderer'] * 1000:>11.0f} {r['script'] * 1000:>6.0f} "
                      f"{r['style'] * 1000:>6.0f} {r['layout'] * 1000:>6.0f}", flush=True)
        print(f"load average: {os.getloadavg()[0]:.1f}")
        return
    rows = []
    for dashboard in args.dashboards:
        for n in args.sessions:
            with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
                home = Path(tmp)
                _project(home)
                proc, url, log = _serve(dashboard, home)
                _SERVER["pid"] = proc.pid
                try:
                    r = asyncio.run(_sessions(url, dashboard, n, args.pattern, args.rounds, args.think))
                finally:
                    proc.terminate()
                    proc.wait(20)
                tracebacks = log.read_text().count("Traceback")
                rows.append((dashboard, n, *_med_max(r["renders"]), *_med_max(r["ready"]), r["settled"],
                             *_med_max(r["actions"]), *_med_max(r["driver"]), r["idle"] / n, r["idle"], len(r["errors"]) + tracebacks))
                kinds = sorted({e[:120] for e in r["errors"]})[:3]
                print(f"  {dashboard} × {n}: done" + (f"; errors e.g. {kinds}" if kinds else ""), flush=True)
    print(f"\n{'dashboard':<16} {'N':>3} {'render med':>10} {'render max':>10} {'ready med':>9} {'ready max':>9} "
          f"{'settle s':>8} {'act med':>8} {'act max':>8} {'drv med':>8} {'drv max':>8} {'idle %/sess':>11} {'idle % all':>10} "
          f"{'errors':>6}")
    for d, n, rm, rx, ym, yx, st, am, ax, dm, dx, idle, idle_all, err in rows:
        print(f"{d:<16} {n:>3} {rm:>10.2f} {rx:>10.2f} {ym:>9.2f} {yx:>9.2f} {st:>8.1f} {_s(am):>8} {_s(ax):>8} {_s(dm):>8} "
              f"{_s(dx):>8} {idle:>11.2f} {idle_all:>10.2f} {err:>6}")
    print("settle: seconds after the last page was ready until the machine was quiet (< 15 % busy), before "
          "anyone acts")
    print("act: in the page, from the key press or click to the server's answer drawn; drv: the same action as "
          "the test driver (Playwright) saw it, its own round trips and polling included")
    print(f"\ncpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (other work on the machine slows every "
          "figure)")


if __name__ == "__main__":
    main()
