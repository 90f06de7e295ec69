"""Multi-user deployment on JupyterHub: kernel profiles, the studio spawner, dashboards behind the
hub's login (jupyter-server-proxy) and the kernel-time accounting service.

Nothing here is imported by ``import studio_kit``; JupyterHub loads it from its config.
"""
