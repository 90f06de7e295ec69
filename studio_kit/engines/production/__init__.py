"""Production engine: shots, storyboards, camera plans, animatic, footage, continuity, the hybrid cut."""
