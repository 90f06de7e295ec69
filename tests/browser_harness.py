"""Headless Chromium for browser tests (Debian's chromium, driven by Playwright)."""
from __future__ import annotations

import os

CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def studio_media(home) -> tuple[list[str], dict[str, str]]:
    """``panel serve`` args and env serving ``<home>/previews`` at ``/studio-media/``, exactly as `studio serve` does."""
    from studio_kit.ui.shot_generator import media_serve_options

    return media_serve_options(home)
