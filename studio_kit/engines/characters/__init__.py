"""Character engine: bibles, identity lock, versions, actor/avatar/brand modes, continuity.

Modules (import what you need; nothing heavy is imported here):

* ``bible`` — bibles mined from a screenplay's character introductions;
* ``identity`` — lock a look into an immutable, hashed :class:`~studio_kit.domain.character.IdentityRecord`;
* ``modes`` — actor / avatar / brand rules checked before every render;
* ``versions`` — concept → casting → final with approvals, history and descriptor diffs (store);
* ``consistency`` — identity drift score per render (previz parameters, embedding, perceptual fallback);
* ``continuity`` — wardrobe/look continuity across scenes;
* ``sheet`` — turnaround + expression character sheet;
* ``service`` — the functions the CLI, dashboards and templates call.
"""
