"""Script Room typing on the 120-page feature: keystroke → updated preview, and the bytes each edit costs.

The 120-page feature of ``bench_parse.py`` is stored as the project's script; ``panel serve`` serves
dashboards/script_room.py (one process, as `studio serve` runs it) and N headless Chromium pages open it.
Each round, every session types one character at the end of an action line in the middle of the script
(all sessions at once), and the bench reads in each page:

* latency: ms from the keydown to the preview's patch being applied in the page (``.sr-scroll``'s
  ``data-seq`` moves on), median and worst (goal: < 150 ms with 1 session, < 400 ms with 8; it includes
  the editor's and the server's typing pauses);
* payload: bytes of websocket frames the page received per edit: up to the patch ("preview"), and in all
  over the second after it (the scene list, stats and cards follow the pause; goal < 20 KB); and the bytes
  the page sent per edit (the editor's splice, not the draft);
* first render: s from navigation to the preview's pages (goal < 2 s with 1 session); errors: failed or
  off-machine requests and console errors (goal 0).

It also times the server-side work per edit in-process (ScriptRoom.timing: incremental layout, drawing
the changed pages and the diff), without the websocket. The load average is printed: on a shared machine
the browser numbers are slower than on a quiet one.

    .venv/bin/python benchmarks/bench_script_room.py [--sessions 1 8] [--edits 15]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_dashboards import CHROMIUM, _serve  # noqa: E402
from bench_parse import build_feature  # noqa: E402

# the caret to the end of ``line`` in the Ace editor, and probes for the keydown and the applied patch
_CARET = ("(el, row) => { const ed = el.__editor; ed.gotoLine(row, 0, false); ed.navigateLineEnd(); "
          "ed.focus(); }")
_PROBE = """(el) => {
  window.__patched = []; window.__keys = [];
  new MutationObserver(() => window.__patched.push(performance.now()))
    .observe(el, {attributes: true, attributeFilter: ["data-seq"]});
  document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
}"""


def _middle_line(text: str) -> int:
    """The 1-based number of an action line about halfway through ``text`` (where the caret goes)."""
    lines = text.split("\n")
    for i in range(len(lines) // 2, len(lines)):
        ln = lines[i].strip()
        if (len(ln) > 30 and not ln.isupper() and not ln.startswith(("(", "[", "#", "=", "!", ">", ".", "/*"))
                and lines[i - 1].strip() == "" and i + 1 < len(lines) and lines[i + 1].strip() == ""):
            return i + 1
    raise SystemExit("no action line found in the middle of the feature")


async def _sessions(url: str, n: int, edits: int, line: int) -> dict:
    from playwright.async_api import async_playwright

    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--headless", "--no-sandbox", "--disable-gpu",
                                                 "--disable-dev-shm-usage"])
        contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(n)]
        pages = [await c.new_page() for c in contexts]
        frames: list[list[tuple[float, int]]] = [[] for _ in range(n)]
        sent: list[list[tuple[float, int]]] = [[] for _ in range(n)]     # frames the page sent (its edits)
        pulled = [asyncio.Event() for _ in range(n)]
        for k, p in enumerate(pages):
            p.set_default_timeout(300_000)
            p.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
            p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            p.on("request", lambda r: errors.append(f"off-machine {r.url}")
                 if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)

            def on_ws(ws, k=k):
                def got(f, k=k):
                    frames[k].append((time.perf_counter(), len(f)))
                    if str(f[:8]).startswith('{"doc"'):
                        pulled[k].set()
                ws.on("framereceived", got)
                ws.on("framesent", lambda f, k=k: sent[k].append((time.perf_counter(), len(f))))
            p.on("websocket", on_ws)

        async def open_one(k, p):
            t0 = time.perf_counter()
            await p.goto(url)
            await p.locator(".sr-slot .sr-page").first.wait_for()
            took = time.perf_counter() - t0
            await pulled[k].wait()
            await p.locator(".fountain-editor .ace_content").wait_for()
            await p.locator(".fountain-editor.ace_editor").evaluate(_CARET, line)
            await p.locator(".sr-scroll").evaluate(_PROBE)
            return took

        renders = await asyncio.gather(*(open_one(k, p) for k, p in enumerate(pages)))
        await asyncio.sleep(2)
        latencies: list[float] = []
        preview_bytes: list[int] = []
        total_bytes: list[int] = []
        sent_bytes: list[int] = []
        for _ in range(edits):
            starts = [time.perf_counter() for _ in pages]

            async def type_one(k, p, starts=starts):
                starts[k] = time.perf_counter()
                await p.keyboard.type("x")

            await asyncio.gather(*(type_one(k, p) for k, p in enumerate(pages)))

            async def settle(k, p):
                await p.wait_for_function("() => window.__patched.length && "
                                          "window.__patched[window.__patched.length - 1] > "
                                          "window.__keys[window.__keys.length - 1]")
                key, done = await p.evaluate("() => [window.__keys[window.__keys.length - 1], "
                                             "window.__patched[window.__patched.length - 1]]")
                return done - key, time.perf_counter()

            settled = await asyncio.gather(*(settle(k, p) for k, p in enumerate(pages)))
            await asyncio.sleep(1.2)                  # the scene list, stats and cards follow the pause
            for k, (lat, patched_at) in enumerate(settled):
                latencies.append(lat)
                preview_bytes.append(sum(b for t, b in frames[k] if starts[k] <= t <= patched_at))
                total_bytes.append(sum(b for t, b in frames[k] if t >= starts[k]))
                sent_bytes.append(sum(b for t, b in sent[k] if t >= starts[k]))
            for f in frames + sent:
                f.clear()
        for c in contexts:
            await c.close()
        await browser.close()
    return {"renders": renders, "latencies": latencies, "preview_bytes": preview_bytes,
            "total_bytes": total_bytes, "sent_bytes": sent_bytes, "errors": errors}


def _server_side(text: str, line: int, edits: int) -> dict:
    """ScriptRoom.timing over the same edits, in-process (no websocket): layout, drawing and diff."""
    from studio_kit.ui.script_room import ScriptRoom

    room = ScriptRoom(text=text)
    at = len("\n".join(text.split("\n")[:line]))          # the end of that line

    def units(s: str) -> int:                               # the browser's String.length
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    at16, length = units(text[:at]), units(text)
    layout, preview, total = [], [], []
    for i in range(edits):
        edit = {"epoch": room.editor.sync["epoch"], "base": i, "rev": i + 1, "at": at16 + i, "del": 0, "ins": "x",
                "blen": length + i, "len": length + i + 1}     # the splice the editor sends for one key
        t0 = time.perf_counter()
        assert room.editor.apply_edit(edit)
        total.append((time.perf_counter() - t0) * 1000)
        layout.append(room.timing["layout_ms"])
        preview.append(room.timing["preview_ms"])
    t0 = time.perf_counter()
    room._refresh_panes()
    panes = (time.perf_counter() - t0) * 1000
    return {"layout": layout, "preview": preview, "total": total, "panes": panes,
            "pages": len(room.preview.pages)}


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} / {max(values):7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--pages", type=float, default=120.0)
    args = ap.parse_args()

    text, pages = build_feature(args.pages)
    line = _middle_line(text)
    home = Path(tempfile.mkdtemp(prefix="bench-script-room-"))
    os.environ["STUDIO_HOME"] = str(home)
    from studio_kit.config import get_settings, reset_settings

    reset_settings()
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import dispose_engines, open_store

    settings = get_settings()
    save_version(open_store().project(settings.org, settings.project, user="bench"), text, name="feature.fountain")
    side = _server_side(text, line, args.edits)
    dispose_engines()

    print(f"Script Room, {pages:.0f}-page feature ({len(text):,} chars, {side['pages']} preview pages), "
          f"{args.edits} edits per session; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"server side per edit, in-process (median / max ms): layout {_ms(side['layout'])}, "
          f"changed pages + diff {_ms(side['preview'])}; in-process refresh with the scene list, stats and "
          f"cards (a server session runs those after the pause) {_ms(side['total'])}; those alone "
          f"{side['panes']:.0f} ms")
    print(f"{'sessions':>8} | {'first render s (med/max)':>24} | {'keystroke→preview ms (med/max)':>31} | "
          f"{'preview bytes/edit (med/max)':>28} | {'all bytes/edit (med/max)':>24} | "
          f"{'sent bytes/edit (med/max)':>25} | errors | load")
    proc, url, log = _serve("script_room", home)
    try:
        for n in args.sessions:
            r = asyncio.run(_sessions(url, n, args.edits, line))
            print(f"{n:>8} | {statistics.median(r['renders']):10.2f} / {max(r['renders']):10.2f} | "
                  f"{_ms(r['latencies']):>31} | "
                  f"{statistics.median(r['preview_bytes']):12,.0f} / {max(r['preview_bytes']):12,.0f} | "
                  f"{statistics.median(r['total_bytes']):10,.0f} / {max(r['total_bytes']):10,.0f} | "
                  f"{statistics.median(r['sent_bytes']):11,.0f} / {max(r['sent_bytes']):11,.0f} | "
                  f"{len(r['errors']):>6} | {os.getloadavg()[0]:.2f}", flush=True)
            for e in r["errors"][:5]:
                print("   error:", e)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:      # a loaded machine: do not leave the server behind
            proc.kill()


if __name__ == "__main__":
    main()
