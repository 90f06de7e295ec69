"""Video backends: moving shots from stills (previz) or from a local diffusers video pipeline."""
