"""Marketing & distribution: trailers, posters and key art, social clips, platform deliverables, press kit.

Operations live in :mod:`studio_kit.engines.marketing.service`.
"""
