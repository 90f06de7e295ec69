"""``espeak-ng`` voice backend: formant synthesis in 100+ languages (Debian ``espeak-ng``).

Used for languages no installed Piper voice speaks (dubbing into Arabic,
Japanese, Hebrew, ...). Voices are espeak-ng names with an optional variant:
``en-us``, ``es``, ``ar``, ``ja``, ``en-us+f3``. Output is deterministic.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

from studio_kit.backends.base import Availability
from studio_kit.backends.voice.base import VoiceBackend
from studio_kit.domain.requests import Speech
from studio_kit.exceptions import BackendError, BackendUnavailableError

BASE_WPM = 165
_LANGS: dict[str, set[str]] = {}


def _exe() -> str:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        raise BackendUnavailableError("Voice backend 'espeak': the espeak-ng program is not installed.",
                                      hint="sudo apt-get install espeak-ng (Debian package espeak-ng).")
    return exe


class EspeakVoiceBackend(VoiceBackend):
    """Speech from the espeak-ng command-line synthesiser."""

    name = "espeak"
    capabilities = frozenset({"speech", "multilingual", "deterministic"})

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        if not (shutil.which("espeak-ng") or shutil.which("espeak")):
            return Availability(False, "espeak-ng is not installed (apt-get install espeak-ng)")
        return Availability(True, "espeak-ng")

    @property
    def model_id(self) -> str | None:
        return "espeak-ng"

    def language_table(self) -> set[str]:
        """Every espeak-ng voice/language name (``es``, ``en-us``, ``cmn`` ...)."""
        if "all" not in _LANGS:
            out = subprocess.run([_exe(), "--voices"], capture_output=True, text=True, check=True).stdout
            names: set[str] = set()
            for row in out.splitlines()[1:]:
                cols = row.split()
                if len(cols) >= 2:
                    names.add(cols[1].lower())
                    names.add(cols[1].lower().split("-")[0])
            _LANGS["all"] = names
        return _LANGS["all"]

    def supports(self, language: str) -> bool:
        lang = language.lower()
        return lang in self.language_table() or lang.split("-")[0] in self.language_table() \
            or _ALIASES.get(lang.split("-")[0], "") in self.language_table()

    def voices(self) -> list[str]:
        return sorted(self.language_table())

    def voice_for(self, language: str, voice: str | None = None) -> str:
        if voice:
            return voice
        lang = language.lower()
        table = self.language_table()
        for cand in (lang, lang.split("-")[0], _ALIASES.get(lang.split("-")[0], "")):
            if cand and cand in table:
                return cand
        raise BackendError(f"espeak-ng has no voice for language {language!r}.",
                           hint="Use an ISO 639 code espeak-ng knows (`espeak-ng --voices`), e.g. es, ar, ja, zh.")

    def synthesize(self, text: str, *, voice: str | None = None, language: str = "en",
                   rate: float = 1.0, seed: int | None = None) -> Speech:
        import numpy as np
        import soundfile as sf

        name = self.voice_for(language, voice)
        wpm = round(BASE_WPM * max(0.3, float(rate)))
        proc = subprocess.run([_exe(), "-v", name, "-s", str(wpm), "--stdout", "-b", "1", text],
                              capture_output=True, check=False)
        if proc.returncode != 0 or not proc.stdout:
            raise BackendError(f"espeak-ng failed on voice {name!r}: {proc.stderr.decode(errors='replace').strip()}",
                               hint="Check the voice name with `espeak-ng --voices`.")
        samples, sr = sf.read(io.BytesIO(proc.stdout), dtype="float32", always_2d=False)
        if samples.ndim > 1:
            samples = samples.mean(axis=1)
        peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
        if peak > 0:
            samples = samples * (0.9 / peak)
        return Speech(samples.astype(np.float32), int(sr), {"voice": name})


#: ISO 639-1 codes whose espeak-ng voice goes by another name
_ALIASES = {"zh": "cmn", "no": "nb", "fa": "fa", "he": "he", "iw": "he"}
