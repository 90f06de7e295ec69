"""The press kit PDF and per-platform metadata JSON.

The PDF (reportlab, US Letter): a cover with the key art, title, logline and
tagline; short synopsis (the first non-final scenes, one line each) and long
synopsis (every scene but the last, so the ending is not spoiled); cast with each
character's description from the bible and its locked portrait; key crew from the
project's credits; stills from the best-scored trailer moments; technical specs
(runtime from the timeline, aspect ratio and frame rate of the picture, sound);
contact. Synopsis lines come from the script (the breakdown's one-line synopses).

:func:`write_synopses` has the text backend write the two synopses: a backend that
completes prompts (``transformers``, ``openai``) gets the film's title, logline,
genre, characters and those scene lines (never the final scene's: the model is not
told the ending) through :func:`studio_kit.registry.invoke`, so each call is
metered and its provenance kept. An answer is cleaned (code fences, "Here is…"
chatter, a "Synopsis:" label, an unfinished last sentence) and checked: prose, not
screenplay; its length; it names one of the film's characters; no sentence twice;
and no spoiler — no three-word run of the final scene (with a content word) that the
earlier scenes do not have, and no character who first appears in the final scene.
A rejected answer is asked again once with what was wrong; after that (or when the
call fails, or the configured backend cannot run here) the script's own lines are the
synopsis and a warning says so; the procedural writer, which cannot complete prompts,
keeps them without one.

Metadata: title, description and tags per platform, cut to each platform's limits
(YouTube title 100 / description 5000 characters, X 280, TikTok and Instagram
captions 2200).
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_kit.domain.script import scene_lines
from studio_kit.engines.marketing.typography import CONDENSED, face_path
from studio_kit.engines.preproduction.breakdown import synopsis_line
from studio_kit.engines.writing.english import STOPWORDS
from studio_kit.engines.writing.generation import _resolve_backend
from studio_kit.engines.writing.llm_writer import _tokens_used
from studio_kit.engines.writing.premise import repeated_sentences
from studio_kit.exceptions import BackendUnavailableError, StudioError
from studio_kit.registry import invoke, recording
from studio_kit.store.files import atomic_path

LIMITS = {"youtube": {"title": 100, "description": 5000, "tags": 500},
          "youtube-shorts": {"title": 100, "description": 5000, "tags": 500},
          "x": {"title": 280, "description": 280, "tags": 0},
          "tiktok": {"title": 2200, "description": 2200, "tags": 0},
          "instagram-reels": {"title": 2200, "description": 2200, "tags": 0},
          "instagram-feed": {"title": 2200, "description": 2200, "tags": 0},
          "instagram-square": {"title": 2200, "description": 2200, "tags": 0},
          "master": {"title": 200, "description": 5000, "tags": 500},
          "screener": {"title": 200, "description": 5000, "tags": 500}}
log = logging.getLogger(__name__)
#: words a backend's synopsis may run to: (fewest, most)
WORDS = {"short": (12, 90), "long": (40, 450)}
SYNOPSIS_SYSTEM = ("You are a film publicist writing a press kit. Write plain prose in the present tense and the "
                   "third person: no title, no heading, no list, no markdown, no screenplay format. Never reveal or "
                   "invent how the film ends.")
_ASK = {"short": "a short synopsis of the film: two or three sentences, at most {most} words",
        "long": "a long synopsis of the film: two to four paragraphs, at most {most} words, telling the story in "
                "order as far as the scenes above go, and stopping there"}
_HEADING_RE = re.compile(r"^\s*\.?(INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[. ]", re.IGNORECASE)


def _told(script: Any) -> list[tuple[Any, str]]:
    """Every scene but the last with its one-line synopsis (the breakdown's line), where it has one."""
    scenes = script.scenes[:-1] if len(script.scenes) > 1 else script.scenes
    return [(sc, x) for sc, x in ((sc, synopsis_line(sc, limit=160)) for sc in scenes) if x]


def _told_lines(script: Any) -> list[str]:
    return [x for _sc, x in _told(script)]


def synopses(script: Any) -> tuple[str, str]:
    """(short, long) synopsis from the script's scenes; the final scene is never told."""
    lines = _told_lines(script)
    return " ".join(lines[:3]), "\n\n".join(lines)


@dataclass
class Synopses:
    """The press kit's two synopses, who wrote each (a backend's name, or ``script``), why not the backend, and
    the provenance of every backend call made for them."""

    short: str
    long: str
    by: dict[str, str] = field(default_factory=lambda: {"short": "script", "long": "script"})
    warnings: list[str] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"by": dict(self.by), "warnings": list(self.warnings), "calls": list(self.calls)}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower())


def _names(scenes: list[Any]) -> set[str]:
    """Lower-case words of the characters' names in ``scenes`` ("CYBER BOB" → cyber, bob)."""
    return {w for sc in scenes for name in sc.characters for w in _words(name)}


def _scene_text(scene: Any) -> str:
    return " ".join(t for _, t in scene_lines(scene, include_dialogue=True))


def spoilers(text: str, script: Any) -> list[str]:
    """What ``text`` tells of the final scene: three-word runs of it (with a word of four letters or more that is
    not a name or a stop word) the earlier scenes, title and logline do not have; characters first seen there."""
    if len(script.scenes) < 2:
        return []
    final, earlier = script.scenes[-1], script.scenes[:-1]
    names = _names(script.scenes)

    def runs(words: list[str]) -> set[tuple[str, ...]]:
        return {tuple(words[k:k + 3]) for k in range(len(words) - 2)
                if any(len(w) >= 4 and w not in STOPWORDS and w not in names for w in words[k:k + 3])}

    before = " ".join([script.title, str((script.metadata or {}).get("logline") or ""),
                       *(f"{sc.heading} {_scene_text(sc)}" for sc in earlier)])
    ending = runs(_words(f"{final.heading} {_scene_text(final)}")) - runs(_words(before))
    words = _words(text)
    found = [" ".join(r) for r in sorted(runs(words) & ending)]
    newcomers = _names([final]) - _names(earlier) - set(_words(before))
    found += sorted(w for w in newcomers & set(words) if w not in STOPWORDS)
    return found


def clean_synopsis(text: str, kind: str = "long") -> str:
    """A model's synopsis without code fences, chatter before it, labels, markdown or an unfinished sentence."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"^\s*```[a-zA-Z]*\s*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_]{2,}|^\s*#+\s*", "", text, flags=re.MULTILINE)
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if paras and paras[0].endswith(":") and len(paras) > 1:       # "Here is the synopsis:"
        paras = paras[1:]
    if paras:
        paras[0] = re.sub(r"^(?:(?:short|long)\s+)?synopsis\s*[:.\-–—]\s*", "", paras[0], flags=re.IGNORECASE)
    out = (" ".join(paras) if kind == "short" else "\n\n".join(paras)).strip()
    ends = list(re.finditer(r"[.!?…][\"'”’)]?", out))
    if ends and out[-1] not in ".!?…\"'”’)":          # the model ran out of tokens mid-sentence
        out = out[:ends[-1].end()]
    return out


def synopsis_problems(text: str, kind: str, script: Any) -> list[str]:
    """What is wrong with a backend's synopsis, as sentences a model can act on (empty: it can be printed)."""
    words = _words(text)
    fewest, most = WORDS[kind]
    fewest = min(fewest, max(8, len(_words(" ".join(_told_lines(script))))))
    if not words:
        return ["The answer was empty."]
    problems = []
    if not fewest <= len(words) <= most:
        problems.append(f"Write {fewest}–{most} words; the answer had {len(words)}.")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any(_HEADING_RE.match(ln) for ln in lines) or any(ln.strip().isupper() and len(ln.split()) <= 3
                                                          for ln in lines):
        problems.append("Write prose, not screenplay format (no scene headings or character cues).")
    if not re.search(r"[a-z][.!?]", text) or sum(w.isalpha() for w in words) < 0.8 * len(words):
        problems.append("Write whole English sentences.")
    cast = sorted({n.title() for sc in script.scenes[:-1] or script.scenes for n in sc.characters})
    if cast and not set(words) & _names(script.scenes[:-1] or script.scenes):
        problems.append(f"Name the film's characters ({', '.join(cast[:6])}).")
    again = repeated_sentences([text])
    if again:
        problems.append("Do not repeat a sentence: " + "; ".join(f'"{x}"' for x in sorted(again)[:2]) + ".")
    told = spoilers(text, script)
    if told:
        problems.append("Do not tell how the film ends: leave out " + ", ".join(f'"{x}"' for x in told[:4]) + ".")
    return problems


def synopsis_prompt(script: Any, kind: str) -> str:
    """The prompt for the ``short`` or ``long`` synopsis: the film's facts and its told scenes, one line each."""
    meta = script.metadata or {}
    parts = [f"Film: {script.title}"]
    if meta.get("logline"):
        parts.append(f"Logline: {meta['logline']}")
    parts.append(f"Genre: {meta.get('genre') or 'drama'}")
    cast = list(dict.fromkeys(n for sc in script.scenes[:-1] or script.scenes for n in sc.characters))
    if cast:
        parts.append("Characters: " + ", ".join(n.title() for n in cast[:8]))
    parts.append("Scenes, in order (the ending is left out on purpose), with their first lines of dialogue:")
    for k, (sc, line) in enumerate(_told(script), start=1):
        said = [f'{b.character.title()}: "{_cut(" ".join(b.text.split()), 100)}"' for b in sc.dialogue[:2] if b.text]
        where = ", ".join(x for x in (sc.location.title(), sc.time_of_day.lower()) if x)
        parts.append(f"{k}. {where + ': ' if where else ''}{line}{' ' + ' '.join(said) if said else ''}")
    parts.append(f"Write {_ASK[kind].format(most=WORDS[kind][1])}. Name the main characters. Do not describe "
                 "how the film ends.")
    return "\n".join(parts)


def write_synopses(script: Any, backend: Any = None, *, retries: int = 1, max_tokens: int | None = None) -> Synopses:
    """The press kit's synopses written by ``backend`` (an instance, a text backend's name, or None for the
    configured one), checked, with the script's own lines where it cannot write them (see the module doc).
    ``max_tokens`` caps each answer (default 160 for the short synopsis, 700 for the long one)."""
    result = Synopses(*synopses(script))
    try:
        backend = _resolve_backend(backend)
    except BackendUnavailableError as exc:      # configured but not runnable here; a wrong name still raises
        result.warnings.append(f"the text backend cannot run here ({exc.message}); the script's scene lines are "
                               "the synopses.")
        log.warning(result.warnings[-1])
        return result
    if "complete" not in getattr(backend, "capabilities", ()):
        return result                       # the procedural writer: the script's lines are the synopses
    with recording(lambda call: result.calls.append(call.provenance())):
        for kind in ("short", "long"):
            _write(result, kind, script, backend, retries, max_tokens or (160 if kind == "short" else 700))
    return result


def _write(result: Synopses, kind: str, script: Any, backend: Any, retries: int, max_tokens: int) -> None:
    """One synopsis by ``backend`` into ``result``, asked again with its problems; a warning when none is usable."""
    base = synopsis_prompt(script, kind)
    prompt, problems = base, []
    for attempt in range(max(0, retries) + 1):
        try:
            raw = invoke(backend, "complete", prompt, system=SYNOPSIS_SYSTEM,
                         max_tokens=max_tokens, temperature=0.4, seed=attempt,
                         params={"task": f"press-kit.synopsis.{kind}", "attempt": attempt, "max_tokens": max_tokens},
                         inputs=[prompt],
                         units=lambda text: _tokens_used(backend, text))
        except StudioError as exc:
            problems = [f"the call failed: {exc.message}"]
            break
        text = clean_synopsis(raw, kind)
        problems = synopsis_problems(text, kind, script)
        if not problems:
            setattr(result, kind, text)
            result.by[kind] = backend.name
            return
        prompt = (base + "\n\nYour previous answer could not be used:\n- " + "\n- ".join(problems)
                  + "\nWrite it again and fix these problems.")
    result.warnings.append(f"{kind} synopsis: {backend.name} gave none that could be used "
                           f"({'; '.join(problems)}); the script's scene lines are used instead.")
    log.warning(result.warnings[-1])


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return head[: head.rfind(" ")].rstrip(" ,;:") + "…" if " " in head else head + "…"


def tags_for(script: Any, title: str) -> list[str]:
    genre = str((script.metadata or {}).get("genre") or "drama").lower()
    words = [w for w in re.findall(r"[a-z]+", title.lower()) if len(w) > 3]
    cast = [c.title() for c in script.speaking_characters[:3]]
    return list(dict.fromkeys([*words, genre, "short film", "trailer", "indie film", *cast]))


def platform_metadata(script: Any, credits: Any, keys: list[str], *,
                      synopses_: Synopses | None = None) -> dict[str, dict[str, Any]]:
    """Title, description and tags per platform within its limits (``synopses_``: the written ones)."""
    title = script.title
    short = synopses_.short if synopses_ is not None else synopses(script)[0]
    logline = str((script.metadata or {}).get("logline") or short)
    tags = tags_for(script, title)
    out: dict[str, dict[str, Any]] = {}
    for key in keys:
        lim = LIMITS.get(key, {"title": 100, "description": 2200, "tags": 0})
        hashtags = " ".join("#" + re.sub(r"\W", "", t.title()) for t in tags[:5])
        if lim["tags"]:
            desc = f"{logline}\n\n{credits.tagline}\n\n{credits.release}".strip()
            kept, total = [], 0
            for t in tags:
                if total + len(t) + 1 > lim["tags"]:
                    break
                kept.append(t)
                total += len(t) + 1
            out[key] = {"title": _cut(f"{title} – Official Trailer", lim["title"]),
                        "description": _cut(desc, lim["description"]), "tags": kept}
        else:
            text = f"{title}: {logline} {hashtags}"
            if len(text) > lim["description"]:
                text = f"{_cut(f'{title}: {logline}', lim['description'] - len(hashtags) - 1)} {hashtags}"
            out[key] = {"title": _cut(title, lim["title"]), "description": _cut(text, lim["description"]),
                        "tags": [h.lstrip("#") for h in hashtags.split()]}
    return out


def export_press_kit_pdf(out: str | Path, *, script: Any, credits: Any, cast: list[tuple[str, str, Any]],
                         stills: list[Any], key_art: Any, specs: dict[str, str],
                         synopses_: Synopses | None = None) -> Path:
    """Write the press kit (see the module doc); ``cast``: (name, description, portrait or None);
    ``synopses_``: the written synopses (default: the script's lines)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        Image,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )


    # the kit is set in the posters' OFL condensed face (Barlow Condensed), found through the one font loader
    for name, face in (("BarlowCondensed-Bold", CONDENSED["bold"]), ("BarlowCondensed", CONDENSED["regular"])):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(face_path(face))))
    base = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=base["Title"], fontName="BarlowCondensed-Bold", fontSize=34, leading=38)
    h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName="BarlowCondensed-Bold", fontSize=16, spaceBefore=12)
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="BarlowCondensed", fontSize=11, leading=15)

    def img(pil: Any, width: float) -> Any:
        buf = io.BytesIO()
        pil.convert("RGB").save(buf, "PNG")
        buf.seek(0)
        w, h = pil.size
        return Image(ImageReader(buf), width=width, height=width * h / w)

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    short, long_ = (synopses_.short, synopses_.long) if synopses_ is not None else synopses(script)
    logline = str((script.metadata or {}).get("logline") or short)
    story: list[Any] = []
    if key_art is not None:
        story += [img(key_art, 6.5 * inch), Spacer(1, 12)]
    story += [Paragraph(esc(script.title.upper()), h1), Spacer(1, 6)]
    if credits.tagline:
        story.append(Paragraph(f"<i>{esc(credits.tagline)}</i>", body))
    story += [Paragraph("Logline", h2), Paragraph(esc(logline), body),
              Paragraph("Short synopsis", h2), Paragraph(esc(short), body), PageBreak(),
              Paragraph("Long synopsis", h2)]
    story += [Paragraph(esc(p), body) for p in long_.split("\n\n")]
    story.append(Paragraph("Cast", h2))
    for name, desc, portrait in cast:
        cells = [[img(portrait, 1.2 * inch) if portrait is not None else "",
                  Paragraph(f"<b>{esc(name)}</b><br/>{esc(desc or '')}", body)]]
        t = Table(cells, colWidths=[1.4 * inch, 5.1 * inch])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(t)
    crew = [("Directed by", credits.director), ("Written by", ", ".join(credits.writers)),
            ("Produced by", ", ".join(credits.producers)), ("Director of photography", credits.cinematographer),
            ("Edited by", credits.editor), ("Music by", credits.music),
            ("Production designer", credits.production_designer), ("Casting by", credits.casting)]
    rows = [[k, v] for k, v in crew if v]
    story.append(Paragraph("Key crew", h2))
    if rows:
        t = Table(rows, colWidths=[2.2 * inch, 4.3 * inch])
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "BarlowCondensed"),
                               ("TEXTCOLOR", (0, 0), (0, -1), colors.grey)]))
        story.append(t)
    else:
        story.append(Paragraph("(credits not yet entered: <i>marketing.set_credits</i>)", body))
    if stills:
        story += [PageBreak(), Paragraph("Stills", h2)]
        cells = [[img(s, 3.1 * inch) for s in stills[k:k + 2]] for k in range(0, len(stills), 2)]
        story.append(Table(cells))
    story += [Paragraph("Technical specifications", h2),
              Table([[k, v] for k, v in specs.items()], colWidths=[2.2 * inch, 4.3 * inch],
                    style=[("FONTNAME", (0, 0), (-1, -1), "BarlowCondensed")]),
              Paragraph("Contact", h2), Paragraph(esc(credits.contact or "—"), body)]
    out = Path(out)
    with atomic_path(out) as tmp:
        SimpleDocTemplate(str(tmp), pagesize=LETTER, title=f"{script.title} – Press kit",
                          leftMargin=inch, rightMargin=inch, topMargin=0.8 * inch, bottomMargin=0.8 * inch
                          ).build(story)
    return out
