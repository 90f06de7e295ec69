"""HTML goes through one path: Jinja templates (studio_kit/data/templates) with autoescaping on.

Each converted page or fragment gets user text with markup in it and must print it escaped; and no module
builds HTML with f-strings, ``%``, ``.format`` or ``+`` any more (a short allow-list names the few strings
that look like HTML but are not HTML pages, each with its reason).
"""
from __future__ import annotations

import ast
import datetime as dt
import os
import re
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from studio_kit.templating import Markup, environment, render_html, render_macro

EVIL = "<script>alert(1)</script> \"&<>'"
PACKAGE = Path(__file__).resolve().parents[2] / "studio_kit"


def assert_escaped(html: str) -> None:
    """No raw markup from EVIL survives, and the escaped form is there."""
    assert "<script>" not in html and "</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '"&<>' not in html


# -- the one environment --------------------------------------------------------------------------------

def test_the_environment_autoescapes_and_refuses_unknown_names():
    env = environment()
    assert env.autoescape is True
    assert environment() is env                      # one shared environment
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}|{{ y }}").render(x=None, y=Markup("<b>ok</b>")) == "|<b>ok</b>"


def test_templates_ship_as_package_data():
    import tomllib

    data = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "data/**/*" in data["studio_kit"]
    names = environment().list_templates()
    assert "callsheet.html.j2" in names and "script_room/preview.html.j2" in names
    for name in names:                               # every template compiles
        environment().get_template(name)


# -- Script Room ----------------------------------------------------------------------------------------

FOUNTAIN = f"""Title: {EVIL}
Author: A <b>Writer</b>

INT. BOATHOUSE - NIGHT #4#

ELSA mends a net & {EVIL}

ELSA
{EVIL}
"""


def test_script_room_panes_escape_script_text():
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.engines.writing.script_diff import diff_scripts
    from studio_kit.engines.writing.stats import script_stats
    from studio_kit.ui import screenplay_html as v

    script = parse_fountain(FOUNTAIN)
    pagination = paginate(script)
    preview = v.preview_html(script, pagination, title_page=True)
    assert_escaped(preview)
    assert "A &lt;b&gt;Writer&lt;/b&gt;" in preview
    assert_escaped(v.summary_html(script, pagination))
    other = parse_fountain(FOUNTAIN.replace("BOATHOUSE", "PIER"))
    assert_escaped(v.diff_html(diff_scripts(script, other), EVIL, "v2"))
    stats = script_stats(parse_fountain(FOUNTAIN))
    stats.characters[0].name = EVIL
    stats.locations[0]["location"] = EVIL
    assert_escaped(v.stats_html(stats))
    scene = NS(number="1", heading=EVIL, speaking_characters=["ELSA"], is_night=False, int_ext="INT", eighths=1)
    assert_escaped(v.scenes_html(NS(scenes=[scene]), NS(scene_eighths=[1], scene_pages=[1])))
    version = NS(version=1, summary={}, revision=NS(date=dt.date(2026, 1, 1)), colour=EVIL, scene_numbers=["1"])
    assert_escaped(v.versions_html([version]))
    note = NS(line=3, anchor=EVIL, text=EVIL, author=EVIL, at="now")
    assert_escaped(v.notes_html([note]))


def test_stripboard_page_escapes_the_title_and_cast(tmp_path):
    from studio_kit.domain.preproduction import Schedule
    from studio_kit.engines.preproduction.exports import stripboard_html

    schedule = Schedule(title=EVIL, cast_names={1: EVIL})
    path = stripboard_html(schedule, tmp_path / "board.html")
    page = path.read_text(encoding="utf-8")
    assert_escaped(page)
    assert page.startswith("<!doctype html>") and "Cast: 1. &lt;script&gt;" in page


def test_hub_profile_form_escapes_slug_and_name():
    from studio_kit.hub.profiles import options_form

    form = options_form([NS(slug="x'\"><script>alert(1)</script>", display_name=EVIL, default=True)])
    assert_escaped(form)
    assert 'value="x&#39;&#34;&gt;&lt;script&gt;' in form and " checked>" in form


# -- Studio Home ----------------------------------------------------------------------------------------

def test_studio_home_cards_and_preview_escape_names(studio_home):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store
    from studio_kit.ui.studio_home import StudioHome

    s = get_settings()
    ctx = open_store().project(s.org, s.project, user="ana")
    ctx.put_asset("x", kind="script", name=f"{EVIL}.fountain", meta={"scene_numbers": ["1"]})
    ctx.put_asset("{}", kind="schedule", name="s.json", meta={"published": True, "days": 2, "script": EVIL})
    ctx.put_asset("{}", kind="budget", name="b.json", meta={"grand_total": "10", "currency": "USD", "note": EVIL})
    note = ctx.put_asset(f"note {EVIL}", kind="note", name=f"{EVIL}.txt")
    home = StudioHome(ctx=ctx)
    assert_escaped(home.latest.object)
    assert 'data-card="script"' in home.latest.object and 'data-card="budget"' in home.latest.object
    preview = home.preview_html(next(a for a in ctx.list_assets() if a.id == note.id))
    assert_escaped(preview)
    assert "<pre>note &lt;script&gt;" in preview


# -- Character Lab --------------------------------------------------------------------------------------

def _bible(**kw):
    value = NS
    fields = dict(identity=None, version=1, seed=7, species="human", role=EVIL, mode=value(value="live"),
                  style=value(value="real"), stage=value(value="concept"), aliases=[EVIL], age=None, name=EVIL,
                  palette=["#112233", EVIL], pronouns=EVIL, description=EVIL)
    fields.update(kw)
    return NS(**fields)


def test_character_lab_pieces_escape_character_text():
    from studio_kit.ui import character_views as v

    assert_escaped(v.header_html(_bible(), "data:image/png;base64,AAAA"))
    meta = {"score": 0.5, "flagged": True, "name": EVIL, "view": EVIL, "expression": EVIL, "wardrobe": EVIL,
            "warnings": [{"message": EVIL}], "consistency": {"method": EVIL, "details": {"error": EVIL}}}
    card = v.render_card(meta, "data:x", EVIL, dt.datetime(2026, 1, 2))
    assert_escaped(card)
    assert_escaped(v.gallery_html([card]))
    frame = {"shot": {"number": EVIL, "size": EVIL, "description": EVIL}, "scene": {"heading": EVIL},
             "characters": ["c1", "c2"], "consistency": {"c1": {"score": 0.4, "flagged": True, "method": "x"}}}
    assert_escaped(v.frame_card(frame, "data:x", 1, {"c1": EVIL, "c2": EVIL}))
    record = NS(approvals=[NS(stage=NS(value="look"), by=EVIL, at=dt.datetime(2026, 1, 1), note=EVIL)],
                identity_hash=None, number=1, stage=NS(value="look"), render_ids=[], created_by=EVIL,
                created_at=dt.datetime(2026, 1, 1))
    assert_escaped(v.history_html([record]))
    assert_escaped(v.diff_html([{"field": EVIL, "old": {EVIL: [EVIL]}, "new": EVIL}], EVIL, "v2"))
    look = NS(character=EVIL, scene_index=0, scene_number="1", heading=EVIL, origin=EVIL, look=EVIL, tagged=True)
    report = NS(looks=[look], issues=[NS(character=EVIL, scene_index=0, kind="look_change", message=EVIL)],
                tag_source=EVIL)
    assert_escaped(v.continuity_html(report))
    assert_escaped(v.frames_html([card], 2) + v.muted_html(f"Saved to {EVIL}"))


# -- Breakdown Board ------------------------------------------------------------------------------------

def test_breakdown_board_views_escape_script_text():
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.ui import board_views as v

    script = parse_fountain(f"INT. BAR <B> & \"GRILL\" - NIGHT\n\nBOB drinks a {EVIL} cocktail.\n\n"
                            "BOB\nCheers.\n")
    bd = break_down(script)
    sheet = v.sheet_html(bd.sheets[0], bd)
    assert "<B>" not in sheet and "BAR &lt;B&gt; &amp; &#34;GRILL&#34;" in sheet
    assert "<script>" not in sheet
    assert "<B>" not in v.elements_html(bd)
    cast = [NS(id=1, name=EVIL, scenes=1)]
    assert_escaped(v.cast_html(NS(cast=cast), {EVIL: 1}))
    assert_escaped(render_macro("breakdown_board/views.html.j2", "kpis", [("Budget", EVIL, EVIL)], [EVIL]))
    change = NS(total=5, line=EVIL)
    cost = render_macro("breakdown_board/views.html.j2", "cost", "$1", change, [EVIL], NS(version=1, created_by=EVIL),
                        2, [EVIL])
    assert_escaped(cost)
    frame = render_macro("breakdown_board/views.html.j2", "call_sheet_frame", 1, f"<p>{EVIL}</p>")
    assert "srcdoc=\"&lt;p&gt;&lt;script&gt;" in frame and "<script>" not in frame


# -- Shot Generator, take grid, previz nudges, camera plan ----------------------------------------------

def test_shot_generator_pieces_escape_shot_text():
    shot = NS(number=EVIL, size=EVIL, angle=EVIL, movement=EVIL, heading=EVIL, action=EVIL, description="",
              dialogue=[EVIL], flagged=True, seed=1, backend=EVIL, status="new", scene_label=EVIL, asset_id=3)
    views = "shot_generator/views.html.j2"
    assert_escaped(render_macro(views, "header", NS(title=EVIL, revision=1, active=[], scenes=lambda: [])))
    assert_escaped(render_macro(views, "info", shot, EVIL))
    take = NS(name=EVIL, media=NS(frames=10, duration_s=0.4))
    assert_escaped(render_macro(views, "cut_info", EVIL, NS(source="take", take=EVIL, in_frame=2, note=EVIL), take,
                                "data:x", 100))
    assert_escaped(render_macro(views, "board", [(shot, "")], 100))
    assert_escaped(render_macro(views, "strip", [(EVIL, 10, "50.000", True, EVIL)], "00:00:01:00", 1, 0))
    assert_escaped(render_macro(views, "video", "media/x.mp4", 24, 880, EVIL))
    assert_escaped(render_macro("take_grid/views.html.j2", "label", shot))
    cells = [{"choice": EVIL, "chosen": True, "src": "", "name": EVIL, "badge": EVIL}]
    assert_escaped(render_macro("take_grid/views.html.j2", "candidates", EVIL, EVIL, cells, True, 160))
    assert_escaped(render_macro("take_grid/views.html.j2", "summary", 2, 1, [EVIL]))


def test_previz_nudges_and_camera_plan_escape_names():
    import html
    import json

    from studio_kit.engines.production.camera_plan import Diagram
    from studio_kit.ui.previz_nudges import line_flags_html

    record = {"version": 2, "scene": EVIL, "line_flags": [
        {"shot": EVIL, "side": 1, "crosses_line": True, "size": EVIL, "lens": 35.0, "between": [EVIL, "B"]}]}
    assert_escaped(line_flags_html(record, highlight=EVIL))
    shot = NS(number=EVIL, asset_id=1, backend=EVIL, size="CU")
    previz = json.dumps({"marks": {EVIL: [0.1, 0.2]}})
    picture = render_macro("previz_nudges/views.html.j2", "picture", shot, previz, "data:x", EVIL, 400)
    assert_escaped(picture)
    assert json.loads(html.unescape(picture.split("data-previz='")[1].split("'")[0])) == json.loads(previz)
    diagram = Diagram(100, 80)
    diagram.add("text", at=(1, 2), text=EVIL)
    svg = diagram.svg()
    assert_escaped(svg)
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")


# -- Marketing Kit, Studio Ops, admin, navigation -------------------------------------------------------

def test_marketing_ops_admin_and_nav_pieces_escape_text():
    mk = "marketing_kit/views.html.j2"
    assert_escaped(render_macro(mk, "error", EVIL, EVIL))
    assert_escaped(render_macro(mk, "poster", EVIL, "data:x", [EVIL]))
    assert_escaped(render_macro(mk, "status", {"passed": False}, EVIL))
    assert_escaped(render_macro(mk, "exports", [{"preset": EVIL, "name": EVIL, "passed": True, "problems": EVIL}]))
    ops = "studio_ops/views.html.j2"
    assert_escaped(render_macro(ops, "who", EVIL, EVIL, EVIL))
    assert_escaped(render_macro(ops, "comments", EVIL, [NS(author=EVIL, anchor_kind="line", anchor=EVIL, body=EVIL)]))
    assert_escaped(render_macro(ops, "budget", EVIL, [(EVIL, "$1")], 1, "$1"))
    assert_escaped(render_macro(ops, "audit_result", False, EVIL))
    admin = "admin/views.html.j2"
    assert_escaped(render_macro(admin, "who", EVIL, "member", EVIL, 1))
    assert_escaped(render_macro(admin, "secret", NS(prefix=EVIL, name=EVIL), EVIL))
    row = {"unit": EVIL, "where": EVIL, "used": "1", "limit": "2", "percent": "50%", "width": "50", "colour": "#000",
           "period": EVIL}
    assert_escaped(render_macro(admin, "quotas", [row]))
    assert_escaped(render_macro(admin, "jobs", {"queued": 1}, 1, EVIL))
    nav = render_html("project_picker/nav.html.j2", links=[(f"./x?org={EVIL}", EVIL, True)], org=EVIL, project=EVIL,
                      user=EVIL)
    assert_escaped(nav)
    assert 'class="sk-nav-here"' in nav


# -- Audio Mixer ----------------------------------------------------------------------------------------

def test_audio_mixer_figures_and_error_escape_text_and_keep_the_lufs_span():
    views = "audio_mixer/views.html.j2"
    qc = NS(passed=False, problems=[EVIL], measured_lufs=-14.04)
    result = NS(settings=NS(spec="netflix"), qc=qc, loudness=NS(loudness_range_lu=5.2, true_peak_dbtp=-1.04))
    figures = render_macro(views, "figures", result, 30.0, EVIL, "-1")
    assert_escaped(figures)
    assert "<span id='am-lufs'>-14.0</span> LUFS" in figures and "Integrated (dialogue-gated)" in figures
    assert "30 dB" in figures and "QC: FAIL — &lt;script&gt;" in figures
    error = render_macro(views, "error", EVIL, f"Run `studio voice {EVIL}` first.")
    assert_escaped(error)
    assert "<br>Fix: Run <code>studio voice &lt;script&gt;" in error
    assert "Fix" not in render_macro(views, "error", "No timeline.", None)


def test_audio_mixer_status_and_scene_list_escape_script_text():
    """A script's title and scene headings reach the mixer's status line and scene list as text, never markup."""
    views = "audio_mixer/views.html.j2"
    status = render_macro(views, "status", "Mixed ", EVIL, ": QC streaming PASS")
    assert_escaped(status)
    assert status.startswith("<p>Mixed <strong>&lt;script&gt;") and status.endswith(": QC streaming PASS</p>")
    rows = [{"number": "1", "heading": EVIL, "tc": "00:00:00:00", "seconds": 12.345, "lines": 3}]
    scenes = render_macro(views, "scenes", rows)
    assert_escaped(scenes)
    assert "<td>12.3 s</td><td>3</td>" in scenes and scenes.count("<tr>") == 2


# -- no HTML by string building -------------------------------------------------------------------------

HTML_TAGS = ("html head body div span p table thead tbody tfoot tr td th b i u em strong small code pre br hr ul ol li "
             "h1 h2 h3 h4 h5 h6 a img section details summary label input button style svg text rect line circle "
             "polygon figure figcaption video audio source iframe select option form nav header footer article "
             "fieldset legend link font meta title script sup sub kbd mark s").split()
TAG = re.compile(r"<\s*/?\s*(?:" + "|".join(HTML_TAGS) + r")\b[^<>]*>", re.IGNORECASE)

# (module, function) -> why its strings may look like HTML. The list only shrinks: each entry must still match.
ALLOWED = {
    ("engines/marketing/press_kit.py", "export_press_kit_pdf"): "reportlab Paragraph markup in a PDF, not HTML",
    ("engines/preproduction/callsheet_pdf.py", "build_pdf"): "reportlab Paragraph markup in a PDF, not HTML",
    ("engines/preproduction/exports.py", "breakdown_pdf"): "reportlab Paragraph markup in a PDF, not HTML",
    ("engines/preproduction/exports.py", "stripboard_pdf"): "reportlab Paragraph markup in a PDF, not HTML",
    ("engines/preproduction/exports.py", "dood_pdf"): "reportlab Paragraph markup in a PDF, not HTML",
}


def _html_building(path: Path) -> list[tuple[str, int]]:
    """(function, line) of every f-string, %-format, .format/.join on a literal, or + with a literal that has HTML."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def function_of(node: ast.AST) -> str:
        while node in parents:
            node = parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node.name
        return "<module>"

    def literal(node: ast.AST) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr) and not isinstance(parents.get(node), ast.JoinedStr):
            text = "".join(literal(v) or "" for v in node.values)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            text = literal(node.left)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
            text = literal(node.func.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            sides = [literal(node.left), literal(node.right)]
            if None in sides:                    # a literal added to something computed
                text = "".join(s for s in sides if s)
        if text and TAG.search(text):
            found.append((function_of(node), node.lineno))
    return found


def test_the_checker_catches_html_built_by_string_formatting(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('def page(t):\n    a = f"<div>{t}</div>"\n    b = "<td>%s</td>" % t\n'
                   '    c = "<b>" + t\n    d = "<li>{}</li>".format(t)\n    e = "<br>".join(t)\n'
                   '    ok = f"<{t}> is not a tag" + "a <name> placeholder"\n    return a, b, c, d, e, ok\n')
    assert [line for _, line in _html_building(bad)] == [2, 3, 4, 5, 6]


def test_no_module_builds_html_with_string_formatting():
    offenders, used = [], set()
    # the package, with the dashboards it ships (studio_kit/dashboards links to the repository's dashboards/)
    paths = {p.resolve() for p in [*PACKAGE.rglob("*.py"), *(PACKAGE / "dashboards").glob("*.py")]}
    assert any(p.name == "script_room.py" and p.parent.name == "dashboards" for p in paths)
    for path in sorted(paths):
        rel = Path(os.path.relpath(path, PACKAGE.resolve())).as_posix()
        if rel.startswith("ui/static/"):
            continue
        for function, line in _html_building(path):
            if (rel, function) in ALLOWED:
                used.add((rel, function))
            else:
                offenders.append(f"studio_kit/{rel}:{line} ({function})")
    assert not offenders, ("HTML built by string formatting (render a template in studio_kit/data/templates through "
                           "studio_kit.templating instead):\n" + "\n".join(offenders))
    assert used == set(ALLOWED), f"allow-list entries that no longer match (remove them): {set(ALLOWED) - used}"
