"""Studio Home without a browser: latest work cards, the asset browser (search, kind, pages, previews), runs."""
import subprocess

from studio_kit.store import open_store


def _ctx(user="ana"):
    from studio_kit.config import get_settings

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user)


def _pdf(tmp_path):
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pdf import render_pdf

    path = tmp_path / "pilot.pdf"
    render_pdf(parse_fountain("Title: Pilot\n\nINT. DINER - NIGHT\n\nANA pours coffee.\n"), path)
    return path


def test_home_shows_the_latest_script_with_its_first_page_and_the_published_schedule(studio_home, tmp_path):
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.ui.studio_home import StudioHome

    ctx = _ctx()
    version = save_version(ctx, "Title: Pilot\n\nINT. DINER - NIGHT\n\nANA pours coffee.\n", name="pilot.fountain")
    ctx.put_asset(_pdf(tmp_path), kind="script_pdf", name="pilot.pdf", parent_id=version.asset_id)
    ctx.put_asset('{"days": []}', kind="schedule", name="pilot.schedule.json",
                  meta={"published": True, "days": 3, "script": "pilot.fountain"})
    ctx.put_asset("{}", kind="budget", name="pilot.budget.json",
                  meta={"grand_total": "89658.28", "currency": "USD", "days": 3, "note": "published schedule v1"})
    home = StudioHome(ctx=ctx)
    html = home.latest.object
    assert "pilot.fountain" in html and "v1 White · 1 scenes" in html
    assert 'alt="first page of pilot.pdf" src="data:image/png;base64,' in html
    assert "3 shoot days" in html and "published v1" in html and "$89,658.28" in html
    assert "./script_room?org=" in html and "./breakdown_board?org=" in html and "./character_lab?org=" in html


def test_asset_browser_searches_filters_pages_previews_and_downloads(studio_home, tmp_path):
    import imageio_ffmpeg

    from studio_kit.ui.studio_home import PAGE_SIZE, StudioHome

    ctx = _ctx()
    for i in range(PAGE_SIZE + 5):
        ctx.put_asset(f"note {i}", kind="note", name=f"note-{i:02d}.txt")
    ctx.put_asset(_pdf(tmp_path), kind="script_pdf", name="pilot.pdf")
    from PIL import Image
    Image.new("RGB", (32, 24), (200, 30, 60)).save(tmp_path / "frame.png")
    ctx.put_asset(tmp_path / "frame.png", kind="storyboard_frame", name="frame.png")
    wav = tmp_path / "tone.wav"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=d=0.2", str(wav)],
                   check=True)
    ctx.put_asset(wav, kind="voice", name="tone.wav")
    home = StudioHome(ctx=ctx)
    assert len(home.assets.value) == PAGE_SIZE and home.next_button.disabled is False
    assert "Page 1 of 2 · 28 asset(s)" in home.page_info.object
    home.next_button.clicks += 1
    assert home.page == 2 and len(home.assets.value) == 8
    home.kind_select.value = "note"
    assert home.page == 1 and set(home.assets.value["kind"]) == {"note"}
    home.search = "note-2"
    assert sorted(home.assets.value["name"]) == [f"note-{i}.txt" for i in range(20, 25)]
    home.search, home.kind_select.value = "", ""
    for name, needle in (("pilot.pdf", 'alt="page 1" src="data:image/png;base64,'),
                         ("frame.png", 'src="data:image/png;base64,'),
                         ("tone.wav", '<audio controls src="data:audio/'),
                         ("note-03.txt", "<pre>note 3</pre>")):
        row = list(home.assets.value["name"]).index(name) if name in list(home.assets.value["name"]) else None
        if row is None:
            home.search = name
            row = 0
        home.assets.selection = [row]
        assert needle in home.preview.object, name
        assert home.download.filename == name and not home.download.disabled
        assert home._download_selected().getvalue() == ctx.read_bytes(home._selected.id)
        home.search = ""


def test_runs_show_start_parameters_and_the_executed_notebook(studio_home):
    import datetime as dt

    from studio_kit.ui.studio_home import StudioHome

    ctx = _ctx()
    nb = ctx.put_asset('{"cells": []}', kind="run_notebook", name="hello_project.ipynb")
    run = ctx.create_run("hello_project", {"project_title": "The Last Reel"})
    ctx.update_run(run, status="succeeded", started_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC),
                   duration_s=4.2, output_asset_id=nb.id)
    home = StudioHome(ctx=ctx)
    row = home.runs.value.iloc[0]
    assert row["template"] == "hello_project" and row["started"] == "2026-03-02 09:30"
    assert "The Last Reel" in row["parameters"] and row["notebook"] == "yes"
    home.runs.selection = [0]
    assert not home.run_notebook.disabled and home.run_notebook.filename == f"run-{run}-hello_project.ipynb"
    assert home._download_notebook().getvalue() == b'{"cells": []}'


def test_a_search_finding_nothing_keeps_the_tables_columns(studio_home):
    """The asset and run tables keep their column dtypes with no rows, so a search that finds nothing and the
    next one that finds something swap the rows, not the table's setup (which makes the browser rebuild the
    whole table)."""
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from studio_kit.ui.studio_home import StudioHome

    ctx = _ctx()
    ctx.put_asset("note", kind="note", name="note-01.txt", meta={})
    home = StudioHome(ctx=ctx)
    doc = Document()
    with set_curdoc(doc):
        model = home.assets.get_root(doc)
        setups = []
        model.on_change("configuration", lambda attr, old, new: setups.append(new))
        found = home.assets.value.dtypes.to_dict()
        home.search = "zzz"
        assert len(home.assets.value) == 0 and setups == []     # sorters and formatters not resent
        assert home.assets.value.dtypes.to_dict() == found and str(found["version"]) == "int64"
        home.search = "note"
        assert list(home.assets.value["name"]) == ["note-01.txt"] and setups == []
    assert home.runs.value.dtypes.to_dict()["seconds"] == "float64" and len(home.runs.value) == 0


def test_refresh_reaches_the_page_as_one_update(studio_home):
    """The Refresh button's new kinds, cards, asset page and runs are held and sent together: no change of it
    goes to the browser on its own."""
    import panel as pn
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from studio_kit.ui.studio_home import StudioHome

    ctx = _ctx()
    home = StudioHome(ctx=ctx)
    doc = Document()
    with set_curdoc(doc):
        pn.Column(home).server_doc(doc)
        ctx.put_asset("note", kind="note", name="note-01.txt", meta={})     # a new kind and a new row
        loose, held = [], []
        trigger = doc.callbacks.trigger_on_change

        def spy(event):
            (held if doc.callbacks.hold_value else loose).append((type(event.model).__name__, event.attr))
            trigger(event)

        doc.callbacks.trigger_on_change = spy
        home.refresh_button.clicks += 1
    assert ("CustomSelect", "options") in held and ("ColumnDataSource", "data") in held
    assert loose == []
    assert list(home.assets.value["name"]) == ["note-01.txt"] and "note" in home.kind_select.options
