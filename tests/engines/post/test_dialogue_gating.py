"""Netflix dialogue gating reads where dialogue is from the timeline (the dialogue stem's line slots), not the mix."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.engines.post import loudness as L
from studio_kit.engines.post.audio import SR
from studio_kit.engines.post.mix import MixSettings, mix


def _speechlike(n: int, seed: int) -> np.ndarray:
    """Band noise with 4 Hz syllables and a 140 Hz pitch: what a voice-activity detector calls speech."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    return (0.2 * (np.sin(2 * np.pi * 140 * t) + 0.3 * rng.standard_normal(n)) * np.abs(np.sin(2 * np.pi * 4 * t))
            ).astype(np.float32)


def test_speech_in_the_music_between_lines_does_not_move_the_dialogue_gated_figure(voiced):
    spans = [(voiced.timeline.seconds(e.start_frame), voiced.timeline.seconds(e.end_frame))
             for e in voiced.timeline.dialogue()]
    mixdown = np.repeat(voiced.dialogue[:, None], 2, axis=1) * np.float32(0.7)
    base = L.measure(mixdown, SR, spans)
    # a loud speech-like sound (a TV, walla) only where nobody on the timeline speaks, clear of every block
    # that touches a line: a VAD on the mix would gate it in; the timeline's dialogue does not
    outside = np.ones(len(mixdown), dtype=bool)
    for a, b in spans:
        outside[max(0, int((a - 0.45) * SR)): int((b + 0.45) * SR)] = False
    assert outside.mean() > 0.1
    busy = mixdown + (_speechlike(len(mixdown), 1) * 3 * outside)[:, None]
    moved = L.measure(busy, SR, spans)
    assert moved.integrated_lufs > base.integrated_lufs + 1.0          # the programme got louder …
    assert moved.dialogue_lufs == pytest.approx(base.dialogue_lufs, abs=0.05)   # … its dialogue-gated figure did not
    # the same sound under the lines is part of the mix the gate measures
    under = mixdown + (_speechlike(len(mixdown), 1) * 3 * ~outside)[:, None]
    assert L.measure(under, SR, spans).dialogue_lufs > base.dialogue_lufs + 1.0


def test_the_netflix_mix_gates_on_the_timelines_dialogue_events(voiced):
    """mix() to spec netflix normalises the level over the dialogue events' blocks to −27, whatever sits between them."""
    n = len(voiced.dialogue)
    spans = [(voiced.timeline.seconds(e.start_frame), voiced.timeline.seconds(e.end_frame))
             for e in voiced.timeline.dialogue()]
    music = np.repeat(_speechlike(n, 2)[:, None], 2, axis=1)
    result = mix(voiced.dialogue, music, np.zeros((n, 2), dtype=np.float32), voiced.timeline, MixSettings(spec="netflix"))
    assert L.measure(result.mix, SR, spans).dialogue_lufs == pytest.approx(result.loudness.dialogue_lufs, abs=0.01)
    assert abs(result.loudness.dialogue_lufs - (-27.0)) <= 0.5 and result.qc.passed
    assert result.loudness.dialogue_lufs != pytest.approx(result.loudness.integrated_lufs, abs=0.3)
