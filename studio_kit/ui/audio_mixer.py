"""Audio Mixer: a film's stems by scene, faders, mute/solo, ducking, loudness against a spec, re-mix, download.

    from studio_kit.ui.audio_mixer import AudioMixer
    mixer = AudioMixer(script="short.fountain")   # voices, scores and mixes it once (cached lines)
    mixer = AudioMixer(ctx=ctx)                    # the project's latest script version
    mixer                                          # in a notebook; dashboards/audio_mixer.py serves it

With a project (``ctx``) and no script given, the mixer opens the project's
latest stored script version; a project without one offers the bundled sample
as an explicit "Open sample" action. In a served page the voicing and mixing
run in a worker thread after the page is up, so the page, its fonts and its
controls load at once and the server keeps answering other sessions.

Every operation goes through :mod:`studio_kit.engines.post.service`: the stems are
voiced, scored and given their effects once; Re-mix re-balances, re-ducks and
re-normalises them with the settings on screen (seconds, not minutes), shows the
new loudness figures against the chosen spec, refreshes the players and the
24-bit WAV download.
"""
from __future__ import annotations

import io
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import panel as pn
import param

from studio_kit.config import sample_path
from studio_kit.engines.post import service
from studio_kit.engines.post.audio import SR, wav_bytes
from studio_kit.engines.post.loudness import get_spec
from studio_kit.engines.post.mix import DuckSettings, MixSettings
from studio_kit.exceptions import InputError, StudioError
from studio_kit.templating import render_macro
from studio_kit.ui.project_picker import latest_asset

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.domain.timeline import Timeline
    from studio_kit.engines.post.mix import MixResult, MixSettings
    from studio_kit.engines.post.service import Score, VoiceTrack

SAMPLE_SCRIPT = sample_path("the_last_reel.fountain")
STEMS = ("dialogue", "music", "effects")
WAVE_POINTS = 1500


def envelope(x: np.ndarray, points: int = WAVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(times, peak) of ``x`` in ``points`` buckets: what a waveform overview draws."""
    mono = np.abs(x) if x.ndim == 1 else np.abs(x).max(axis=1)      # a peak is the loudest channel, either sign
    n = max(1, len(mono) // points)
    usable = (len(mono) // n) * n
    peaks = mono[:usable].reshape(-1, n).max(axis=1) if usable else np.zeros(1)
    return np.arange(len(peaks)) * n / SR, peaks


def preview_audio(x: np.ndarray) -> bytes:
    """A small Ogg/Opus preview for the browser players (the download stays a 24-bit WAV)."""
    import imageio_ffmpeg

    pcm = wav_bytes(x, SR, subtype="PCM_16")
    proc = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "wav", "-i", "-",
                           "-c:a", "libopus", "-b:a", "96k", "-f", "ogg", "-"], input=pcm, capture_output=True,
                          check=False)
    return proc.stdout if proc.returncode == 0 and proc.stdout else pcm


class _PageClosed(Exception):
    """The page went away while its mix was being made: the worker stops."""


def _view(name: str, *args: Any) -> str:
    """One macro of the mixer's HTML pieces (studio_kit/data/templates/audio_mixer): escaped, one path."""
    return render_macro("audio_mixer/views.html.j2", name, *args)


class _FiguresPane(pn.pane.HTML):
    """An HTML pane with the Markdown pane's look (its headings and table borders): figures, status, scenes."""

    _stylesheets: ClassVar[list[str]] = list(pn.pane.Markdown._stylesheets)


class _AlertPane(pn.pane.HTML):
    """An HTML pane dressed as a danger ``pn.pane.Alert`` (its stylesheet and classes): the mixer's error box."""

    _stylesheets: ClassVar[list[str]] = [*pn.pane.Markdown._stylesheets, *pn.pane.Alert._stylesheets]


class AudioMixer(pn.viewable.Viewer):
    """Scenes with stem waveforms, faders, mute/solo, ducking, spec, loudness figures, players, re-mix, download."""

    spec: param.Selector[str] = param.Selector(default="streaming", objects=["streaming", "ebu-r128", "netflix", "apple"],
                          doc="Delivery spec the mix is normalised to.")

    def __init__(self, script: str | Path | None = None, ctx: Any = None, **params):
        super().__init__(**params)
        import holoviews as hv

        hv.extension("bokeh", logo=False)

        self.ctx = ctx
        self.script_path: Path | None = Path(script) if script else None
        #: what gets mixed: a path, or the project's stored Fountain text; its name for the status line
        self.source: str | Path | None = self.script_path
        self.source_name = self.script_path.name if self.script_path else ""
        self._load_error: StudioError | None = None
        if self.source is None and ctx is not None:
            self._open_project_script()
        if self.source is None and ctx is None:
            self.source, self.source_name = SAMPLE_SCRIPT, SAMPLE_SCRIPT.name
        self._closed = False
        self._worker: threading.Thread | None = None
        self.track: VoiceTrack | None = None
        self.score: Score | None = None
        self.fx: np.ndarray | None = None
        self.timeline: Timeline | None = None
        self.result: MixResult | None = None
        d = DuckSettings()
        self.faders = {s: pn.widgets.FloatSlider(name=f"{s.title()} fader (dB)", start=-30, end=12, step=0.5, value=0.0)
                       for s in STEMS}
        self.mutes = {s: pn.widgets.Checkbox(name=f"Mute {s}") for s in STEMS}
        self.solos = {s: pn.widgets.Checkbox(name=f"Solo {s}") for s in STEMS}
        self.depth = pn.widgets.FloatInput(name="Duck depth (dB)", value=d.depth_db, start=0, end=40, step=1)
        self.threshold = pn.widgets.FloatInput(name="Duck threshold (dBFS)", value=d.threshold_db, start=-80, end=0)
        self.attack = pn.widgets.FloatInput(name="Attack (ms)", value=d.attack_ms, start=1, end=2000)
        self.release = pn.widgets.FloatInput(name="Release (ms)", value=d.release_ms, start=1, end=5000)
        self.lookahead = pn.widgets.FloatInput(name="Look-ahead (ms)", value=d.lookahead_ms, start=0, end=1000)
        self.hold = pn.widgets.FloatInput(name="Hold between lines (ms)", value=d.hold_ms, start=0, end=5000)
        self.spec_select = pn.widgets.Select.from_param(self.param.spec, name="Delivery spec")
        self.remix_button = pn.widgets.Button(name="Re-mix", button_type="primary", icon="refresh", disabled=True)
        self.remix_button.on_click(lambda _e: self.remix())
        self.status = _FiguresPane(_view("status", "Loading …" if self.source is not None else
                                         "This project has no script yet: save one in the Script Room, "
                                         "or open the bundled sample."), css_classes=["am-status"])
        self.sample_button = pn.widgets.Button(name="Open sample (The Last Reel)", button_type="default",
                                               visible=self.source is None, width=240)
        self.sample_button.on_click(lambda _e: self.open_sample())
        self.figures = _FiguresPane("", css_classes=["am-figures"], sizing_mode="stretch_width")
        self.alert = _AlertPane("", css_classes=["alert", "alert-danger"], visible=False, sizing_mode="stretch_width")
        self.players = {k: pn.pane.Audio(None, name=k, sizing_mode="stretch_width", css_classes=[f"am-play-{k}"])
                        for k in ("mix", *STEMS)}
        self.download = pn.widgets.FileDownload(callback=self._wav, filename="mix.wav", label="Download mix (24-bit WAV)",
                                                button_type="success", disabled=True, embed=False)
        self.waves = pn.pane.HoloViews(None, sizing_mode="stretch_width", height=420)
        self.scenes = _FiguresPane("", sizing_mode="stretch_width")
        self._loaded = False
        if self._load_error is not None:
            self._error(self._load_error)

    # -- work ------------------------------------------------------------------
    def _open_project_script(self) -> None:
        """The project's latest stored script version becomes what is mixed (nothing when it has none)."""
        try:
            record = latest_asset(self.ctx, "script")
            if record is not None:
                self.source = self.ctx.read_text(record.id)
                self.source_name = f"{record.name} v{record.version}"
        except StudioError as exc:
            self.source, self.source_name = None, ""
            self._load_error = exc

    def open_sample(self) -> None:
        """The explicit "Open sample" action: mix the bundled sample short."""
        self.source, self.source_name = SAMPLE_SCRIPT, SAMPLE_SCRIPT.name
        self.sample_button.visible = False
        self.start()

    def start(self) -> None:
        """Voice and mix in a worker thread (a served page stays responsive); at most one at a time."""
        if self.source is None or (self._worker is not None and self._worker.is_alive()):
            return
        self.status.object = _view("status", "Voicing, scoring and mixing ", self.source_name, " …")
        self._worker = threading.Thread(target=self.load, name="audio-mixer-load", daemon=True)
        self._worker.start()

    def close(self) -> None:
        """The page went away: a running load stops at its next stage."""
        self._closed = True

    def load(self) -> None:
        """Voice, score and add effects once; then mix with the settings on screen."""
        if self.source is None:
            return
        try:
            self.status.object = _view("status", "Voicing, scoring and mixing ", self.source_name, " …")
            script = service.load_script(self.source)
            self.track = (service.voice(script, ctx=self.ctx, progress=self._progress)
                          if script.dialogue_block_count else None)
            timeline = self.track.timeline if self.track else None
            if timeline is None:
                from studio_kit.engines.post.timeline_build import build_timeline

                timeline = build_timeline(script)
            self.timeline = timeline
            self.script = script
            self.score = service.score(script, timeline, progress=self._progress)
            self.fx, _ = service.effects(script, timeline)
            if self._closed:
                return
            self._loaded = True
            self.remix_button.disabled = False
            self.remix()
        except StudioError as exc:
            self._error(exc)
        except _PageClosed:
            return

    def _progress(self, what: str, done: int, total: int) -> None:
        if self._closed:
            raise _PageClosed
        noun = {"voice": "Voicing line", "score": "Scoring cue"}.get(what, what)
        self.status.object = _view("status", f"{noun} {done} of {total} · ", self.source_name, " …")

    def settings(self) -> MixSettings:
        return MixSettings(faders={s: _number(w) for s, w in self.faders.items()},
                           mute=[s for s, w in self.mutes.items() if w.value],
                           solo=[s for s, w in self.solos.items() if w.value],
                           duck=DuckSettings(threshold_db=_number(self.threshold), depth_db=_number(self.depth),
                                             attack_ms=_number(self.attack), release_ms=_number(self.release),
                                             lookahead_ms=_number(self.lookahead), hold_ms=_number(self.hold)),
                           spec=self.spec)

    def remix(self) -> None:
        timeline = self.timeline
        if not self._loaded or timeline is None:
            return
        try:
            self.alert.visible = False
            result = self.result = service.mix_film(self.track, self.score, self.fx, self.settings(), timeline)
        except StudioError as exc:
            self._error(exc)
            return
        self._show(result, timeline)

    def _error(self, exc: StudioError) -> None:
        self.alert.object = _view("error", exc.message, exc.hint)
        self.alert.visible = True
        self.status.object = _view("status", "Stopped.")

    # -- views -----------------------------------------------------------------
    def _show(self, r: MixResult, timeline: Timeline) -> None:
        qc = r.qc
        self.figures.object = _view("figures", r, r.settings.duck.depth_db, _target(r.settings.spec),
                                    _ceiling(r.settings.spec))
        self.players["mix"].object = io.BytesIO(preview_audio(r.mix))
        for s in STEMS:
            self.players[s].object = io.BytesIO(preview_audio(r.stems[s]))
        self.download.disabled = False
        self.download.filename = f"mix_{r.settings.spec}.wav"
        self.waves.object = self._plot(r, timeline)
        self.scenes.object = _view("scenes", [
            {"number": sc.scene_number, "heading": sc.heading, "tc": timeline.timecode(sc.start_frame),
             "seconds": timeline.seconds(sc.duration_frames), "lines": sum(e.kind == "dialogue" for e in sc.events())}
            for sc in timeline.scenes])
        # last: "Mixed" means the players, the waveforms and the scene list are all on the page
        self.status.object = _view("status", "Mixed ", timeline.title or self.source_name, f": {qc.line()}")

    @staticmethod
    def _plot(result: MixResult, timeline: Timeline) -> Any:
        import holoviews as hv

        colours = {"dialogue": "#1f6feb", "music": "#8957e5", "effects": "#2da44e", "mix": "#57606a"}
        overlays = []
        for k in ("mix", *STEMS):
            audio = result.mix if k == "mix" else result.stems[k]
            t, p = envelope(audio)
            curve = hv.Area((t, p), "Time (s)", "Peak", label=k).opts(color=colours[k], alpha=0.6, line_width=0)
            bounds = [hv.VLine(timeline.seconds(sc.start_frame)).opts(color="#999", line_dash="dashed", line_width=1)
                      for sc in timeline.scenes]
            overlays.append(hv.Overlay([curve, *bounds]).opts(title=k.title(), height=100, responsive=True,
                                                               show_legend=False, toolbar=None, ylim=(0, 1)))
        return hv.Layout(overlays).cols(1)

    def _wav(self) -> io.BytesIO:
        return io.BytesIO(wav_bytes(self.result.mix)) if self.result is not None else io.BytesIO(b"")

    def sidebar(self) -> pn.Column:
        strips = [pn.Column(f"**{s.title()}**", self.faders[s], pn.Row(self.mutes[s], self.solos[s])) for s in STEMS]
        return pn.Column(*strips, "**Ducking**", self.depth, self.threshold, self.attack, self.release,
                         self.lookahead, self.hold, self.spec_select, self.remix_button, self.download)

    def __panel__(self) -> pn.viewable.Viewable:
        if not self._loaded and pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.onload(self.start)
            pn.state.on_session_destroyed(lambda _ctx: self.close())
        players = pn.Row(*[pn.Column(f"**{k.title()}**", self.players[k]) for k in ("mix", *STEMS)])
        return pn.Column(self.alert, self.status, self.sample_button, self.figures, players, self.waves, "### Scenes", self.scenes,
                         sizing_mode="stretch_width")


def _number(widget: pn.widgets.FloatInput | pn.widgets.FloatSlider) -> float:
    """A fader's or number box's value; an emptied box is refused with the fix (it was a TypeError)."""
    if widget.value is None:
        raise InputError(f"{widget.name} is empty.", hint="Type a number in it, then Re-mix.")
    return float(widget.value)


def _target(spec: str) -> str:
    s = get_spec(spec)
    return f"{s.target_lufs:.0f} ± {s.tolerance_lu:.0f} LU"


def _ceiling(spec: str) -> str:
    return f"{get_spec(spec).true_peak_dbtp:.0f}"
