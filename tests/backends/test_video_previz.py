"""The previz video backend: camera moves over a still, through the registry like any backend."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from studio_kit.backends.video.previz_motion import move_box
from studio_kit.domain.requests import VideoRequest
from studio_kit.exceptions import BackendError
from studio_kit.registry import invoke, last_call, load_backend


@pytest.fixture
def still():
    img = Image.new("RGB", (320, 180), (230, 230, 220))
    d = ImageDraw.Draw(img)
    for x in range(0, 320, 20):
        d.line([(x, 0), (x, 180)], fill=(20, 20, 20), width=2)
    d.ellipse((130, 60, 190, 120), fill=(200, 40, 40))
    return img


def test_push_in_changes_over_time_and_static_holds(still, studio_home):
    backend = load_backend("video")
    assert backend.name == "previz"
    push = invoke(backend, "generate", VideoRequest(frames=24, width=320, height=180, image=still, movement="push in"),
                  units=1.0)
    assert last_call().backend == "previz" and len(push) == 24
    first, mid, last = (push.frame(i).astype(int) for i in (0, 12, 23))
    assert np.abs(first - mid).mean() > 2 and np.abs(mid - last).mean() > 2
    def red(f):
        return int(((f[..., 0] > 150) & (f[..., 1] < 90)).sum())

    assert red(last) > red(first) * 1.2                       # the subject grows as the camera pushes in
    static = backend.generate(VideoRequest(frames=10, width=320, height=180, image=still))
    assert np.array_equal(static.frame(0), static.frame(9))


def test_moves_go_the_right_way_and_ease():
    x0 = [move_box("pan right", t, 1000, 500)[0] for t in (0, 0.5, 1)]
    assert x0[0] < x0[1] < x0[2]
    assert move_box("pan left", 0, 1000, 500)[0] > move_box("pan left", 1, 1000, 500)[0]
    assert move_box("tilt up", 0, 1000, 500)[1] > move_box("tilt up", 1, 1000, 500)[1]
    w = [move_box("push in", t, 1000, 500)[2] - move_box("push in", t, 1000, 500)[0] for t in (0, 0.05, 0.5, 0.95, 1)]
    assert w[0] == 1000 and w[-1] == pytest.approx(1000 / 1.15)
    assert (w[0] - w[1]) < (w[1] - w[2]) / 5                  # eased: slow start
    assert move_box("pull out", 0, 1000, 500)[2] < move_box("pull out", 1, 1000, 500)[2]
    for m in ("handheld", "ken burns", "crane", "tracking", "static"):
        x0, y0, x1, y1 = move_box(m, 0.3, 1000, 500)
        assert 0 <= x0 < x1 <= 1000 and 0 <= y0 < y1 <= 500


def test_no_still_or_odd_size_is_refused(still):
    from studio_kit.backends.video.previz_motion import PrevizVideoBackend

    with pytest.raises(BackendError, match="no image"):
        PrevizVideoBackend().generate(VideoRequest(frames=4))
    with pytest.raises(BackendError, match="even sizes"):
        PrevizVideoBackend().generate(VideoRequest(frames=4, width=321, height=180, image=still))
