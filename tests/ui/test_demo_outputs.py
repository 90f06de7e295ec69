"""`studio demo` keeps the project's script as a proper version and writes under STUDIO_HOME by default."""


def test_a_package_made_from_a_stored_script_does_not_store_a_bare_copy(studio_home, tmp_path):
    from studio_kit.config import get_settings
    from studio_kit.engines.preproduction.service import plan_package
    from studio_kit.engines.writing.versions import list_versions, save_version
    from studio_kit.store import open_store
    from studio_kit.ui.board_state import SAMPLE_SCRIPT

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, user="ana")
    version = save_version(ctx, SAMPLE_SCRIPT.read_text(encoding="utf-8"), name="the_last_reel.fountain")
    path = tmp_path / "the_last_reel.fountain"
    path.write_text(ctx.read_text(version.asset_id), encoding="utf-8")     # the template's copy of v1
    pkg = plan_package(path, out_dir=tmp_path / "pre", ctx=ctx, time_limit=2, call_days=[1])
    versions = list_versions(ctx, "the_last_reel.fountain")
    assert [(v.version, v.colour, len(v.scene_numbers)) for v in versions] == [(1, "White", 12)]
    assert all(a.parent_id == version.asset_id for a in pkg.assets)       # the package hangs off v1


def test_demo_outputs_default_to_studio_home(studio_home, monkeypatch):
    import io

    from rich.console import Console

    from studio_kit import demo

    monkeypatch.setattr(demo, "_steps", lambda pages=None: [])       # only where the outputs go is under test here
    monkeypatch.chdir(studio_home.parent)
    out = io.StringIO()
    demo.run_demo(console=Console(file=out, width=200))
    assert (studio_home / "outputs" / "demo").is_dir()
    assert str((studio_home / "outputs" / "demo").resolve()) in out.getvalue().replace("\n", "")
    assert not (studio_home.parent / "studio-home" / "demo").exists()
