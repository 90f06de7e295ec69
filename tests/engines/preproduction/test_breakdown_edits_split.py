"""break_down = automatic_breakdown + apply_edits: the board reuses one automatic breakdown per script."""
from studio_kit.domain.breakdown_edits import EditLog
from studio_kit.engines.preproduction.breakdown import apply_edits, automatic_breakdown, break_down
from studio_kit.engines.preproduction.service import SAMPLE_SCRIPT, read_script


def test_automatic_breakdown_plus_the_edit_log_is_break_down():
    plain = break_down(read_script(SAMPLE_SCRIPT))
    log = EditLog()
    log.add("props", "CARBON RODS", plain.sheets[0].scene_index, breakdown=plain, user="ana")
    log.add("cast", "Extra Guard", plain.sheets[1].scene_index, breakdown=plain, user="ana")
    log.cast_numbers.update({"OTTO": 1, "MAYA": 2})
    expected = break_down(read_script(SAMPLE_SCRIPT), edits=log)

    script = read_script(SAMPLE_SCRIPT)
    automatic = automatic_breakdown(script, cast_numbers=dict(log.cast_numbers))
    before = automatic.model_dump_json()
    assert apply_edits(automatic, log) == expected
    assert automatic.model_dump_json() == before                     # the shared automatic one is left as it was
    assert break_down(read_script(SAMPLE_SCRIPT), edits=EditLog()) == apply_edits(
        automatic_breakdown(read_script(SAMPLE_SCRIPT)), EditLog())
