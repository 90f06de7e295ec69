"""Post-production engine: the film's timing, character voices, score, mix, loudness, stems, dubbing.

The operations are the functions of :mod:`studio_kit.engines.post.service`; the
timeline is built by :func:`studio_kit.engines.post.timeline_build.build_timeline`.
"""
