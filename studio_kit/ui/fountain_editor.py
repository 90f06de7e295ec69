"""The Script Room's Fountain editor: Ace with a Fountain mode, Final Draft element keys, autocomplete,
index cards that reorder scenes, and notes anchored to lines.

- :class:`FountainEditor` is a Panel ``JSComponent`` around Ace (the editor Panel's own ``CodeEditor`` uses),
  loaded from Panel's bundled static files (``static/extensions/panel/bundled/aceplot``), so no request leaves
  the machine. Its Fountain mode colours scene headings (``ace_heading``), character cues (``ace_character``),
  parentheticals, dialogue, transitions, notes, sections and synopses.
  Keys as in Final Draft: **Tab** cycles the element of the current line (action → character cue,
  character → action; in dialogue an empty line becomes a parenthetical ``()``, a parenthetical becomes
  dialogue again); **Enter** moves to the element that follows (after a cue or a parenthetical: dialogue on
  the next line; after dialogue, action or a heading: a blank line and a new paragraph).
  **Tab on an empty line** (outside dialogue) cycles the element the new line will be, as Final Draft's
  empty-element cycle does: action → character cue → transition → scene heading → action. Plain text cannot
  hold an empty element, so the line gets Fountain's forced-element mark: ``@`` (character), ``>``
  (transition), ``.`` (scene heading), nothing (action); a blank line is put above it first when the line
  above is not blank. While the caret stays on that line, what is typed is upper-cased (``@MARCUS``,
  ``>CUT TO:``, ``.EXT. PIER - DAY``), and Enter after the cue goes on to dialogue as usual. The mark is
  its own token (``ace_forced``, drawn faint), so the line reads as the element; when the caret leaves
  the line the mark is removed where the text alone is already that element (``MARCUS`` after a blank
  line, ``CUT TO:`` with a blank line below, ``EXT. PIER - DAY``) and kept, faint, where Fountain needs
  it (``.THE VOID``).
  Character names (on cue lines, after ``@`` too) and locations (after ``INT.``/``EXT.``) autocomplete
  from the script.
- :class:`SceneCards` draws a scene's index card (number, heading, synopsis, beats, eighths) and lets the
  writer drag cards; :func:`reorder_scenes` rewrites the Fountain text in the new order.
- Notes: :func:`add_note` appends to the edit stream ``notes:<script>`` (``store.edits.append``), so two
  sessions adding notes at once both keep theirs; :func:`notes_for` reads them back and re-anchors each to
  the line it was written on (found again by its text when lines moved). :func:`edit_note` and
  :func:`delete_note` append ``{"op": "edit"|"delete", "of": <the note's sequence number>}`` to the same
  stream (nothing is rewritten); :func:`notes_for` folds them in, in stream order. Only the note's author,
  or (in a project) someone whose role has ``edit_script``, may edit or delete it (:class:`PermissionDenied`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar

import param
from panel.custom import JSComponent
from panel.io.state import set_curdoc
from panel.models.esm import DataEvent

from studio_kit.domain.script import ElementType
from studio_kit.engines.writing.pagination import format_eighths
from studio_kit.exceptions import PermissionDenied, StudioError
from studio_kit.platform.permissions import can
from studio_kit.store.edits import append, read_stream
from studio_kit.ui.paged_preview import FOLLOW_JS, PatchedList

ACE_BASE = "static/extensions/panel/bundled/aceplot/ace-builds@1.40.1/src-min-noconflict/"
NOTES_STREAM = "notes:{name}"


# ------------------------------------------------------------------ text operations (pure Python)
def scene_blocks(text: str, script) -> tuple[str, list[str]]:
    """Split Fountain ``text`` into the part before the first scene and one block per scene (its source
    lines, heading first), using the parsed ``script``'s scene start lines."""
    lines = text.split("\n")
    starts = [s.line - 1 for s in script.scenes if s.line > 0]
    if not starts:
        return text, []
    prefix = "\n".join(lines[:starts[0]])
    bounds = starts + [len(lines)]
    return prefix, ["\n".join(lines[a:b]) for a, b in pairwise(bounds)]


def reorder_scenes(text: str, script, order: list[int]) -> str:
    """The Fountain text with its scenes in ``order`` (0-based indices of the current scenes)."""
    prefix, blocks = scene_blocks(text, script)
    if sorted(order) != list(range(len(blocks))):
        raise StudioError(f"The new scene order {order} does not name each of the {len(blocks)} scenes once.",
                          hint="Drag the cards again after the script has been re-read.")
    body = [blocks[i].rstrip("\n") + "\n" for i in order]
    return prefix + "\n" + "\n".join(body) if prefix else "\n".join(body)


def character_names(script) -> list[str]:
    """Every character who speaks or is introduced, in first-appearance order."""
    seen: dict[str, None] = {}
    for scene in script.scenes:
        for name in scene.characters:
            seen.setdefault(name, None)
    return list(seen)


def locations(script) -> list[str]:
    """Every scene location, in first-appearance order."""
    seen: dict[str, None] = {}
    for scene in script.scenes:
        if scene.location:
            seen.setdefault(scene.location, None)
    return list(seen)


@dataclass
class Note:
    line: int          # 1-based line it is anchored to now
    text: str
    author: str
    at: str
    anchor: str        # the line's text when the note was written
    written_line: int  # the line it was written on
    seq: int = 0       # its sequence number in the notes stream (what edit_note / delete_note name)
    edited: str = ""   # "who at when" of the last edit, "" when never edited


def add_note(ctx, script_name: str, line: int, text: str, line_text: str):
    """Append a note on ``line`` of ``script_name``; concurrent notes from other sessions all survive."""
    text = text.strip()
    if not text:
        raise StudioError("The note is empty.", hint="Type the note, then press Add note.")
    if line < 1:
        raise StudioError(f"Line {line} is not a line of the script.", hint="Put the cursor on a line first.")
    return append(ctx, NOTES_STREAM.format(name=script_name), {"line": int(line), "text": text,
                                                               "anchor": line_text.strip()})


def notes_for(ctx, script_name: str, text: str) -> list[Note]:
    """Every note on ``script_name`` in the order written, with their edits applied and deleted ones left
    out, anchored to ``text`` (see :func:`reanchor`)."""
    notes: dict[int, Note] = {}
    for e in read_stream(ctx, NOTES_STREAM.format(name=script_name)):
        op, when = e.payload.get("op"), e.at.strftime("%Y-%m-%d %H:%M") if e.at else ""
        if op == "edit" and e.payload.get("of") in notes:
            note = notes[e.payload["of"]]
            note.text, note.edited = e.payload.get("text", note.text), f"{e.user or '?'} {when}".strip()
        elif op == "delete":
            of = e.payload.get("of")
            if isinstance(of, int):
                notes.pop(of, None)
        elif op is None:
            notes[e.seq] = Note(int(e.payload.get("line", 1)), e.payload.get("text", ""), e.user or "?", when,
                                e.payload.get("anchor", ""), int(e.payload.get("line", 1)), e.seq)
    return reanchor(list(notes.values()), text)


def _changeable_note(ctx, script_name: str, seq: int, verb: str) -> Note:
    """The live note ``seq`` if the acting user may ``verb`` it: its author, or (in a project) a role with
    ``edit_script``; else StudioError (gone) or PermissionDenied (someone else's note)."""
    note = next((n for n in notes_for(ctx, script_name, "") if n.seq == int(seq)), None)
    if note is None:
        raise StudioError(f"Note {seq} on {script_name} is gone (deleted, or never written).",
                          hint="Press Refresh notes to see the notes as they are now.")
    if note.author == ctx.user:
        return note
    if getattr(ctx, "project_id", None) is not None:
        if can(ctx, "edit_script"):
            return note
    raise PermissionDenied(f"{ctx.user} may not {verb} {note.author}'s note on line {note.written_line}: only its "
                           "author or someone with the edit_script permission may.", user=ctx.user or "",
                           permission="edit_script",
                           hint="Fix: add a note of your own instead, or ask the author or a writer to change it.")


def edit_note(ctx, script_name: str, seq: int, text: str):
    """Replace the text of note ``seq`` (appended as an edit: the original stays in the stream)."""
    text = text.strip()
    if not text:
        raise StudioError("The edited note is empty.", hint="Fix: type the new text, or press Delete note.")
    _changeable_note(ctx, script_name, seq, "edit")
    return append(ctx, NOTES_STREAM.format(name=script_name), {"op": "edit", "of": int(seq), "text": text})


def delete_note(ctx, script_name: str, seq: int):
    """Delete note ``seq`` (appended as a deletion: the stream keeps the note and who deleted it)."""
    _changeable_note(ctx, script_name, seq, "delete")
    return append(ctx, NOTES_STREAM.format(name=script_name), {"op": "delete", "of": int(seq)})


def reanchor(notes: list[Note], text: str) -> list[Note]:
    """Anchor each note to the line that still holds the text it was written on (the one nearest its
    original line), or to its original line number when that text is gone."""
    lines = [ln.strip() for ln in text.split("\n")]
    last = max(len(lines), 1)
    for note in notes:
        line = note.written_line
        if note.anchor and (line > len(lines) or lines[line - 1] != note.anchor):
            hits = [i + 1 for i, ln in enumerate(lines) if ln == note.anchor]
            if hits:
                line = min(hits, key=lambda n: abs(n - note.written_line))
        note.line = min(max(line, 1), last)
    return notes


# ------------------------------------------------------------------ components
_EDITOR_ESM = r"""
const BASE = "%(base)s";
function load(src) {
  return new Promise((ok, fail) => {
    const s = document.createElement("script"); s.src = src; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
}
function ready() {
  if (!window.__fountainAce) {
    window.__fountainAce = (window.ace ? Promise.resolve() : load(BASE + "ace.js"))
      .then(() => (window.ace.require("ace/ext/language_tools") ? null : load(BASE + "ext-language_tools.js")))
      .then(() => { window.ace.config.set("basePath", BASE); defineMode(window.ace); return window.ace; });
  }
  return window.__fountainAce;
}
// each element as Fountain recognises it without a forced mark (after a blank line)
const HEADING_PLAIN = /^(?:INT|EXT|EST|INT\.?\/EXT|I\/E|[Ii]nt|[Ee]xt|[Ee]st|[Ii]nt\.?\/[Ee]xt|[Ii]\/[Ee])[. ].*$/;
const CUE_PLAIN = /^[A-Z][A-Z0-9 ._'\-]*[A-Z](?: ?\(.*\))?\s*\^?$/;
const TRANSITION_PLAIN = /^[A-Z ]+TO:$/;
const FORCED = {"@": "character", ">": "transition", ".": "heading"};   // Fountain's forced-element marks
const EMPTY_CYCLE = {"": "@", "@": ">", ">": ".", ".": ""};   // Tab on an empty element, as Final Draft
function plainElement(text) {   // what a line after a blank line is without a mark (the mode's rule order)
  if (HEADING_PLAIN.test(text)) return "heading";
  if (TRANSITION_PLAIN.test(text)) return "transition";
  if (/^[#=]/.test(text) || /^>.*<$/.test(text)) return "other";
  if (CUE_PLAIN.test(text)) return "character";
  return "action";
}
function defineMode(ace) {
  if (ace.__fountainMode) return;
  const oop = ace.require("ace/lib/oop");
  const TextMode = ace.require("ace/mode/text").Mode;
  const Rules = ace.require("ace/mode/text_highlight_rules").TextHighlightRules;
  function FountainRules() {
    const common = [
      {token: "fountain.note", regex: /\[\[.*?\]\]/},
    ];
    this.$rules = {
      start: [   // a line after a blank line: any element may start here
        {token: "empty_line", regex: /^$/, next: "start"},
        // a forced mark is its own token ("ace_forced", drawn faint) so the line reads as its element
        {token: ["fountain.forced", "fountain.heading"], regex: /^(\.)((?!\.)\S.*)$/, next: "text"},
        {token: "fountain.heading", regex: HEADING_PLAIN, next: "text"},
        {token: ["fountain.forced", "fountain.transition"], regex: /^(>)(.*[^<])$/, next: "text"},
        {token: "fountain.transition", regex: TRANSITION_PLAIN, next: "text"},
        {token: "fountain.section", regex: /^#.*$/, next: "start"},
        {token: "fountain.synopsis", regex: /^=(?!=).*$/, next: "start"},
        {token: "fountain.centered", regex: /^>.*<$/, next: "text"},
        {token: ["fountain.forced", "fountain.character"], regex: /^(@)(.+)$/, next: "dialogue"},
        {token: "fountain.forced", regex: /^@$/, next: "dialogue"},      // a mark alone: the element to come
        {token: "fountain.forced", regex: /^[>.]$/, next: "text"},
        {token: "fountain.character", regex: CUE_PLAIN, next: "dialogue"},
      ].concat(common, [{token: "fountain.action", regex: /.+/, next: "text"}]),
      text: [
        {token: "empty_line", regex: /^$/, next: "start"},
      ].concat(common, [{token: "fountain.action", regex: /.+/, next: "text"}]),
      dialogue: [
        {token: "empty_line", regex: /^$/, next: "start"},
        {token: "fountain.parenthetical", regex: /^\s*\(.*\)\s*$/, next: "dialogue"},
      ].concat(common, [{token: "fountain.dialogue", regex: /.+/, next: "dialogue"}]),
    };
  }
  oop.inherits(FountainRules, Rules);
  function Mode() { this.HighlightRules = FountainRules; }
  oop.inherits(Mode, TextMode);
  ace.__fountainMode = Mode;
}
function element(session, row) {   // the Fountain element of a line: from the tokenizer's state
  const state = row > 0 ? session.getState(row - 1) : "start";
  const line = session.getLine(row);
  if (!line.trim()) return state === "dialogue" ? "dialogue-empty" : (state === "start" ? "empty" : "empty");
  const tokens = session.getTokens(row);
  const t = tokens.find((tok) => tok.type !== "fountain.forced");
  if (!t) return FORCED[line.trim()] || "action";     // a mark alone: the element it forces
  return t.type.replace("fountain.", "");
}
function redundantMark(session, row) {   // the line's forced mark changes nothing: the text alone is that element
  const line = session.getLine(row), kind = FORCED[line.charAt(0)];
  if (!kind || (row > 0 && session.getLine(row - 1).trim())) return false;   // needs a blank line above
  const below = row + 1 < session.getLength() ? session.getLine(row + 1).trim() : "";
  if (kind === "transition" && below) return false;                           // and a transition one below
  return plainElement(line.slice(1)) === kind;
}
function sentence(s) { const l = s.toLowerCase(); return l.charAt(0).toUpperCase() + l.slice(1); }

export function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "fountain-editor";
  el.appendChild(box);
  ready().then((ace) => {
    const editor = ace.edit(box, {mode: new ace.__fountainMode(), wrap: true, showPrintMargin: false,
      fontSize: 14, useSoftTabs: true, enableLiveAutocompletion: true, enableBasicAutocompletion: true,
      highlightActiveLine: true});
    editor.renderer.attachToShadowRoot();   // Panel renders components in a shadow root: Ace's CSS goes there
    editor.renderer.setShowGutter(true);
    box.__editor = editor;
    let echo = false;
    // the text the server holds (its last push, then each edit it was sent): a pause in typing sends one
    // splice against it, a few bytes, never the whole draft; "epoch" counts the server's pushes, "rev" our edits
    let base = (model.sync && model.sync.text) || "", epoch = (model.sync && model.sync.epoch) || 0, rev = 0;
    editor.setValue(base, -1);
    const completer = {
      identifierRegexp: /[A-Za-z0-9_'\-]/,
      getCompletions(ed, session, pos, prefix, callback) {
        const before = session.getLine(pos.row).slice(0, pos.column);
        const el = element(session, pos.row);
        if (/^\.?(?:INT|EXT|EST|INT\.?\/EXT|I\/E)[. ]\s*[^-]*$/i.test(before)) {
          return callback(null, model.locations.map((v) => ({caption: v, value: v, meta: "location", score: 100})));
        }
        const prev = pos.row > 0 ? session.getLine(pos.row - 1).trim() : "";
        // a cue: capitals after a blank line, or anything after Fountain's forced "@" (which Tab puts there)
        if (!prev && (/^[A-Z0-9 .'\-]+$/.test(before) || /^@[A-Za-z0-9 .'\-]+$/.test(before))) {
          return callback(null, model.characters.map((v) => ({caption: v, value: v, meta: "character", score: 100})));
        }
        callback(null, []);
      },
    };
    editor.completers = [completer];
    // like a textarea: value_input follows typing (after a short pause), value commits on blur
    const typed = (commit) => {
      if (echo) return;
      const now = editor.getValue();
      if (now === base && !commit) return;
      const n = Math.min(now.length, base.length);
      let a = 0;                                   // the common prefix and suffix: what is left is the edit
      while (a < n && now.charCodeAt(a) === base.charCodeAt(a)) a++;
      let b = 0;
      while (b < n - a && now.charCodeAt(now.length - 1 - b) === base.charCodeAt(base.length - 1 - b)) b++;
      const high = (s, i) => { const c = s.charCodeAt(i); return c >= 0xD800 && c <= 0xDBFF; };
      if (a > 0 && high(now, a - 1)) a--;           // never split a surrogate pair (an emoji)
      if (b > 0 && high(now, now.length - b - 1)) b--;
      rev += 1;
      model.send_msg({epoch: epoch, base: rev - 1, rev: rev, at: a, del: base.length - a - b,
                      ins: now.slice(a, now.length - b), blen: base.length, len: now.length, commit: !!commit});
      base = now;
    };
    let timer = null;
    editor.session.on("change", () => { if (echo) return; clearTimeout(timer); timer = setTimeout(() => typed(false), model.input_delay_ms); });
    editor.on("blur", () => { clearTimeout(timer); typed(true); });
    model.on("msg:custom", (msg) => {     // the server lost track of our text: send it whole, once
      if (!msg || msg.resync !== epoch) return;
      clearTimeout(timer);
      base = editor.getValue(); rev += 1;
      model.send_msg({epoch: epoch, rev: rev, text: base, commit: false});
    });
    const Range = ace.require("ace/range").Range;
    // the line an empty-line Tab turned into a forced element, as an anchor (it moves with edits above it)
    let forced = null;
    const forcedRow = () => (forced ? forced.row : -1);
    const forget = () => { const anchor = forced; forced = null; return anchor; };
    const settle = (anchor) => {   // the caret left that line: drop the mark where the text alone is that element
      const row = anchor.row, s = editor.session;
      anchor.detach();
      if (row < s.getLength() && redundantMark(s, row)) s.remove(new Range(row, 0, row, 1));
    };
    editor.selection.on("changeCursor", () => {
      const row = editor.getCursorPosition().row;
      // after the edit that moved the caret (Enter, a click) has finished, never inside it
      if (forced && row !== forced.row) { const anchor = forget(); setTimeout(() => settle(anchor), 0); }
      if (row + 1 !== model.cursor_line) model.cursor_line = row + 1;
    });
    editor.commands.addCommand({name: "fountainTab", bindKey: {win: "Tab", mac: "Tab"},
      exec(ed) {
        if (ed.completer && ed.completer.activated) { ed.completer.insertMatch(); return; }
        const s = ed.session, row = ed.getCursorPosition().row, line = s.getLine(row);
        const kind = element(s, row);
        const full = new Range(row, 0, row, line.length);
        const mark = line.trim();
        if (kind === "empty" || (EMPTY_CYCLE.hasOwnProperty(mark) && mark && forcedRow() === row)) {
          // an empty element: cycle action → character → transition → scene heading → action (forced marks)
          let at = row;
          if (kind === "empty" && row > 0 && s.getLine(row - 1).trim()) { s.insert({row: row, column: 0}, "\n"); at = row + 1; }
          const next = EMPTY_CYCLE[kind === "empty" ? "" : mark];
          s.replace(new Range(at, 0, at, s.getLine(at).length), next);
          ed.moveCursorTo(at, next.length);
          const old = forget();
          if (old) old.detach();
          if (next) forced = s.getDocument().createAnchor(at, 0);
          return;
        }
        if (kind === "action") {
          s.replace(full, line.toUpperCase());
          if (row > 0 && s.getLine(row - 1).trim()) s.insert({row: row, column: 0}, "\n");
        } else if (kind === "character") {
          s.replace(full, sentence(FORCED[line.charAt(0)] ? line.slice(1) : line));
        } else if (kind === "dialogue-empty" || kind === "dialogue") {
          if (!line.trim()) { s.replace(full, "()"); ed.moveCursorTo(row, 1); }
          else { s.replace(full, "(" + line.trim() + ")"); }
        } else if (kind === "parenthetical") {
          s.replace(full, line.trim().replace(/^\(/, "").replace(/\)$/, ""));
        }
      }});
    // while the caret stays on a line Tab made a cue / transition / heading, what is typed is upper case
    editor.commands.on("exec", (e) => {
      if (e.command.name === "insertstring" && typeof e.args === "string" &&
          editor.getCursorPosition().row === forcedRow()) e.args = e.args.toUpperCase();
    });
    editor.commands.addCommand({name: "fountainEnter", bindKey: {win: "Enter", mac: "Enter"},
      exec(ed) {
        if (ed.completer && ed.completer.activated) { ed.completer.insertMatch(); return; }
        const pos = ed.getCursorPosition(), s = ed.session, line = s.getLine(pos.row);
        const kind = element(s, pos.row);
        const atEnd = pos.column >= line.length;
        if (atEnd && (kind === "action" || kind === "heading" || kind === "dialogue" || kind === "transition")) {
          ed.insert("\n\n");
        } else {
          ed.insert("\n");
        }
      }});
    const pushed = () => {     // text set from Python (a version opened, a draft written, scenes moved)
      const text = model.sync.text || "";
      epoch = model.sync.epoch; base = text; rev = 0;
      if (text === editor.getValue()) return;
      clearTimeout(timer);
      echo = true;
      const pos = editor.getCursorPosition();
      editor.session.setValue(text);
      editor.moveCursorToPosition(pos);
      echo = false;
    };
    model.on("sync", pushed);
    const annotate = () => editor.session.setAnnotations(model.notes.map((n) => (
      {row: n.line - 1, column: 0, text: n.author + ": " + n.text, type: "info"})));
    annotate();
    model.on("notes", annotate);
    model.on("goto_line", () => { if (model.goto_line > 0) { editor.gotoLine(model.goto_line, 0, true); editor.focus(); } });
    model.on("remove", () => editor.destroy());
  });
}
""".replace("%(base)s", ACE_BASE)

_EDITOR_CSS = """
:host { display: block; }
.fountain-editor { width: 100%; height: 100%; min-height: 300px; border: 1px solid #cfc9bd; border-radius: 6px;
  font-family: 'Courier Prime', 'Courier New', monospace; line-height: 1.5; }
.fountain-editor .ace_heading { font-weight: bold; color: #1d3f8b; }
.fountain-editor .ace_character { font-weight: bold; color: #8b1e3f; }
.fountain-editor .ace_dialogue { color: #222; }
.fountain-editor .ace_parenthetical { color: #6b5b3e; font-style: italic; }
.fountain-editor .ace_transition { color: #5b2b7a; font-weight: bold; }
.fountain-editor .ace_note { color: #2e7d32; background: #eef7ee; }
.fountain-editor .ace_section { color: #999; }
.fountain-editor .ace_synopsis { color: #777; font-style: italic; }
.fountain-editor .ace_forced { color: #c4bcac; font-weight: normal; }  /* a forced mark Fountain still needs */
"""


def _units(s: str) -> int:
    """The length of ``s`` in UTF-16 code units, as a browser's ``String.length`` counts it."""
    return len(s) if s.isascii() else len(s.encode("utf-16-le", "surrogatepass")) // 2


def apply_splice(text: str, at: int, delete: int, insert: str, base_len: int, new_len: int) -> str | None:
    """``text`` with ``delete`` characters from ``at`` replaced by ``insert``, offsets and lengths counted
    as the browser counts them (UTF-16 code units), or None when the splice does not fit ``text``: its
    length is not ``base_len``, the range falls outside it, or the result would not be ``new_len`` long."""
    if not (isinstance(at, int) and isinstance(delete, int) and isinstance(insert, str)):
        return None
    if at < 0 or delete < 0 or base_len - delete + _units(insert) != new_len:
        return None
    if text.isascii():
        if len(text) != base_len or at + delete > base_len:
            return None
        return text[:at] + insert + text[at + delete:]
    enc = text.encode("utf-16-le", "surrogatepass")
    if len(enc) // 2 != base_len or at + delete > base_len:
        return None
    out = enc[:2 * at] + insert.encode("utf-16-le", "surrogatepass") + enc[2 * (at + delete):]
    return out.decode("utf-16-le", "surrogatepass")


class FountainEditor(JSComponent):
    """Ace with a Fountain mode, Final Draft Tab/Enter keys, autocomplete and note markers in the gutter.

    Typing reaches the server as small splices, never the whole draft: after each pause the browser sends
    ``{epoch, base, rev, at, del, ins, blen, len}`` (a message, :meth:`apply_edit`) against the text the
    server last saw, and the server applies it to ``value_input`` (``value`` too on blur). Neither is sent
    back: text set from Python goes to the browser once, through ``sync`` (``{epoch, text}``). When a
    splice does not fit (another revision, another length), the server asks for the whole text once."""

    value = param.String(default="", doc="The Fountain text, committed when the editor loses focus.")
    value_input = param.String(default="", doc="The Fountain text while typing (after ``input_delay_ms``).")
    sync = param.Dict(default={"epoch": 0, "text": ""},
                      doc="Text set from Python, for the browser: {epoch (counts such pushes), text}.")
    input_delay_ms = param.Integer(default=25, bounds=(0, 2000),
                                   doc="Pause in typing (ms) before ``value_input`` follows the editor.")
    characters = param.List(default=[], doc="Character names offered on cue lines.")
    locations = param.List(default=[], doc="Locations offered after INT./EXT.")
    notes = param.List(default=[], doc="[{line, text, author}] shown as gutter markers.")
    cursor_line = param.Integer(default=1, doc="The 1-based line the cursor is on.")
    goto_line = param.Integer(default=0, doc="Set to move the cursor to a line.")

    _esm = _EDITOR_ESM
    _stylesheets: ClassVar[list[str]] = [_EDITOR_CSS]
    # the text travels as splices (browser → server) and ``sync`` pushes (server → browser), never as these
    _rename: ClassVar[dict[str, str | None]] = {"value": None, "value_input": None}

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._text = self.value_input or self.value   # the browser's text as far as the server knows
        self._rev = 0                                 # the browser's last edit applied to it
        self._applying = False
        self.resyncs = 0                              # times the whole text was asked for (a splice misfit)
        self.sync = {"epoch": 0, "text": self._text}
        self.param.watch(self._push, ["value", "value_input"])

    def _push(self, *events) -> None:
        """Text set from Python: send it to the browser, which edits against it from now on."""
        if self._applying:
            return
        text = events[-1].new
        if text == self._text:
            return
        self._text, self._rev = text, 0
        self.sync = {"epoch": int(self.sync.get("epoch", 0)) + 1, "text": text}

    def _process_bokeh_event(self, doc, event) -> None:
        # An edit is handled without Panel's busy counter: ``pn.state.busy`` is one flag for the whole
        # server and its indicators are every session's template spinner, so each keystroke counted there
        # updated (and sent) the spinner in every open session twice: with 8 writers, 16 model updates
        # per key, most of the server's time per edit. Other events still count.
        if isinstance(event, DataEvent):
            with set_curdoc(doc):
                self._process_event(event)
            return
        super()._process_bokeh_event(doc, event)

    def _handle_msg(self, data) -> None:
        if isinstance(data, dict):
            self.apply_edit(data)

    def apply_edit(self, edit: dict) -> bool:
        """Apply one edit from the browser: a splice ``{epoch, base, rev, at, del, ins, blen, len}`` or the
        whole text ``{epoch, rev, text}``; ``commit`` (blur) also sets ``value``. An edit typed before the
        server's last push reached the browser is dropped (the push replaces that text there); a splice
        that does not fit the text asks the browser for the whole text. True when applied."""
        if edit.get("epoch") != self.sync.get("epoch"):
            return False
        if "text" in edit:
            new = edit["text"] if isinstance(edit["text"], str) else None
        elif edit.get("base") != self._rev:
            new = None
        else:
            new = apply_splice(self._text, edit.get("at"), edit.get("del"), edit.get("ins"),  # type: ignore[arg-type]
                               edit.get("blen", -1), edit.get("len", -1))  # type: ignore[arg-type]
        if new is None:
            self.resyncs += 1
            self._send_msg({"resync": self.sync.get("epoch")})
            return False
        self._text, self._rev = new, int(edit.get("rev", self._rev + 1))
        self._applying = True
        try:
            if edit.get("commit"):
                self.param.update(value_input=new, value=new)
            else:
                self.value_input = new
        finally:
            self._applying = False
        return True


_CARDS_ESM = r"""
%(follow)s
export function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "sr-cards";
  el.appendChild(wrap);
  let dragged = null;
  let cards = [];
  const draw = () => {
    wrap.innerHTML = "";
    cards.forEach((c, i) => {
      const card = document.createElement("div");
      card.className = "sr-card"; card.draggable = true; card.dataset.index = String(i);
      const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[ch]));
      card.innerHTML = `<div class="sr-card-head"><span class="sr-card-num">${esc(c.number)}</span>` +
        `<span class="sr-card-heading">${esc(c.heading)}</span><span class="sr-card-len">${esc(c.length)}</span></div>` +
        `<div class="sr-card-syn">${esc(c.synopsis)}</div>` +
        (c.beats.length ? `<ul class="sr-card-beats">${c.beats.map((b) => `<li>${esc(b)}</li>`).join("")}</ul>` : "");
      card.addEventListener("dragstart", (e) => { dragged = i; card.classList.add("sr-dragging");
        e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", String(i)); });
      card.addEventListener("dragend", () => card.classList.remove("sr-dragging"));
      card.addEventListener("dragover", (e) => { e.preventDefault(); card.classList.add("sr-over"); });
      card.addEventListener("dragleave", () => card.classList.remove("sr-over"));
      card.addEventListener("drop", (e) => {
        e.preventDefault(); card.classList.remove("sr-over");
        const from = dragged !== null ? dragged : parseInt(e.dataTransfer.getData("text/plain"), 10);
        const to = i; dragged = null;
        if (from === to || isNaN(from)) return;
        const order = cards.map((_, k) => k);
        order.splice(to, 0, order.splice(from, 1)[0]);
        model.order = order;
      });
      card.addEventListener("dblclick", () => model.send_msg({open: i}));
      wrap.appendChild(card);
    });
  };
  follow(model, (items) => { cards = items; draw(); });    // only the cards that changed come over
}
""".replace("%(follow)s", FOLLOW_JS)

_CARDS_CSS = """
.sr-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
.sr-card { background: #fffdf5; border: 1px solid #d8cfae; border-top: 4px solid #8b1e3f; border-radius: 4px;
  padding: 8px 10px; cursor: grab; font-size: 12px; min-height: 90px; overflow-wrap: anywhere; }
.sr-card.sr-dragging { opacity: .4; } .sr-card.sr-over { outline: 2px dashed #8b1e3f; }
.sr-card-head { display: flex; gap: 6px; font-weight: 700; }
.sr-card-heading { flex: 1; } .sr-card-len { color: #777; font-weight: 400; white-space: nowrap; }
.sr-card-syn { margin-top: 4px; color: #333; } .sr-card-beats { margin: 4px 0 0 16px; padding: 0; color: #555; }
"""


class SceneCards(PatchedList):
    """Index cards, one per scene; drag a card onto another to move the scene there (sets ``order``).

    ``put(cards)`` (or setting ``cards``) sends the browser only the cards that changed. A card's source
    ``line`` stays on the server (a double-click names the card): lines typed above a scene move its line,
    and sending that would resend every card below each Enter."""

    order = param.List(default=[], doc="Set by a drop: the new order as indices of ``cards``.")
    open_line = param.Integer(default=0, doc="Set by a double-click: the card's scene line.")

    _esm = _CARDS_ESM
    _stylesheets: ClassVar[list[str]] = [_CARDS_CSS]

    def __init__(self, cards: list[dict] | None = None, **params) -> None:
        self._cards: list[dict] = []
        super().__init__(**params)
        self.put(cards or [])

    def put(self, items: list, **extra) -> dict:
        """Show the cards ``items`` (each with its ``line``; the browser gets them without it)."""
        self._cards = list(items)
        return super().put([{k: v for k, v in c.items() if k != "line"} for c in items], **extra)

    def _handle_msg(self, data) -> None:
        index = data.get("open") if isinstance(data, dict) else None
        if isinstance(index, int) and 0 <= index < len(self._cards):
            self.open_line = 0                    # the same card twice still moves the caret there
            self.open_line = int(self._cards[index].get("line", 0))
            return
        super()._handle_msg(data)

    @property
    def cards(self) -> list[dict]:
        """[{number, heading, synopsis, beats, length, line}], one per scene."""
        return self._cards

    @cards.setter
    def cards(self, cards: list[dict]) -> None:
        self.put(cards)


def scene_cards(script, pagination=None) -> list[dict]:
    """The index-card data of each scene: number, heading, synopsis (or the first action line), beats
    (the scene's notes ``[[...]]`` and synopses), length in eighths."""
    out = []
    for i, scene in enumerate(script.scenes):
        beats = [e.text for e in scene.elements if e.type in (ElementType.NOTE, ElementType.SYNOPSIS)]
        synopsis = scene.synopsis or next((re.split(r"(?<=[.!?])\s", e.text)[0] for e in scene.elements
                                           if e.type == ElementType.ACTION and e.text.strip()), "")
        eighths = (pagination.scene_eighths[i] if pagination is not None and i < len(pagination.scene_eighths)
                   else scene.eighths)
        out.append({"number": scene.number or str(i + 1), "heading": scene.heading, "synopsis": synopsis,
                    "beats": [b for b in beats if b != scene.synopsis], "line": scene.line,
                    "length": format_eighths(eighths) if eighths else ""})
    return out


__all__ = [
    "FountainEditor",
    "Note",
    "SceneCards",
    "add_note",
    "apply_splice",
    "character_names",
    "delete_note",
    "edit_note",
    "locations",
    "notes_for",
    "reanchor",
    "reorder_scenes",
    "scene_blocks",
    "scene_cards",
]
