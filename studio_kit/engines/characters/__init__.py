"""Character engine: bibles, identity lock, versions, actor/avatar/brand modes, continuity.

Modules (import what you need; nothing heavy is imported here):

* ``cast`` — the cast list: short cues folded into one character (``BOB`` → ``CYBER BOB``), roles
  lead / supporting / minor / day player from dialogue blocks, scenes and first appearance;
* ``bible`` — bibles mined from a screenplay's character introductions (incl. species: "dog", "cloud");
* ``identity`` — lock a look into an immutable, hashed :class:`~studio_kit.domain.character.IdentityRecord`;
* ``modes`` — actor / avatar / brand rules checked before every render;
* ``versions`` — concept → casting → final with approvals, history and descriptor diffs (store);
* ``consistency`` — identity drift score per render (previz parameters, embedding, face identity with the
  optional ``faces`` extra, shift-tolerant perceptual fallback);
* ``continuity`` — wardrobe/look continuity across scenes;
* ``sheet`` — turnaround + expression character sheet;
* ``service`` — the functions the CLI, dashboards and templates call (incl. ``render_frame`` for
  storyboard frames drawn from locked identities).
"""
