"""3D previz in Blender: staged scenes of mannequins of the locked characters.

The package splits into the parts that need Blender and the parts that do not:

* :mod:`.mannequin` — a character's 3D body (height in metres, build, age, species,
  hair, wardrobe colours, face features) from its identity; pure Python, frozen into
  the identity lock.
* :mod:`.staging` — marks and facings per scene, poses from action verbs, props from
  breakdown words, the camera of a shot from its size / angle / lens (rule of thirds,
  headroom), the 180° line and the shots that cross it, the set plan of a location;
  pure Python, so the camera plan and the line report need no Blender.
* :mod:`.scene` — builds and renders all of that with ``bpy`` (Workbench by default,
  Cycles on request): picture, depth map, OpenPose-style pose image, part masks.
  Only ever imported inside the worker process.
* :mod:`.worker` — the long-lived render process (``bpy`` never loads into the caller,
  so a dashboard's server thread never blocks on it and a Blender crash cannot take the
  caller down); built sets and mannequins are cached there per location / identity.
* :mod:`.backend` — :class:`Blender3DImageBackend`, the ``image.blender3d`` plugin.

Importing this package imports neither ``bpy`` nor numpy.
"""
