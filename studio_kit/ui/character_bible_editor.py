"""The bible editor of the Character Lab: every field of a :class:`CharacterBible` as a widget.

``BibleEditor.load(bible)`` fills the form; ``BibleEditor.changes(bible)`` returns
only the fields the user changed, in the shape ``service.update_character``
takes (appearance as a dict, wardrobe as ``{name: {description, colors}}``,
brand guidelines as a dict), so an untouched form never rewrites the bible.
"""
from __future__ import annotations

from typing import Any

import panel as pn
import param

from studio_kit.domain.character import (
    APPEARANCE_FIELDS,
    SPECIES_FORMS,
    CharacterBible,
    CharacterMode,
    CharacterStyle,
)

ROLES = ["lead", "supporting", "minor", "day player", "presenter", "mascot"]   # cast.py's sizes, then the modes
PRONOUNS = ["she/her", "he/him", "they/them"]
LOGO_POSITIONS = ["chest", "left-chest", "back", "hat"]
FORBIDDEN_CHOICES = ["palette", "wardrobe", *APPEARANCE_FIELDS, "expression:angry", "expression:sad",
                     "expression:surprised", "view:profile", "view:three-quarter"]
APPEARANCE_HINTS = {"face": "round, freckled, sharp cheekbones", "hair": "long wavy, bald, ponytail",
                    "hair_color": "auburn, grey, black", "build": "slim, stocky, tall and lanky",
                    "skin": "olive, dark brown, pale", "eyes": "green, brown, hooded",
                    "marks": "scar over left brow, glasses, beard"}
DEFAULT_SWATCH = "#8a8f98"


def species_options() -> list[str]:
    """"human" and every animal / thing previz can draw (its creature forms), for the species picker."""
    return ["human", *SPECIES_FORMS]


class ColourStrip(pn.viewable.Viewer):
    """A row of colour pickers with add / remove buttons (a palette, a costume's colours)."""

    max_colours = param.Integer(default=6, bounds=(1, 12), doc="Most colours the strip holds.")

    def __init__(self, colours: list[str] | tuple[str, ...] = (), label: str = "", **params):
        super().__init__(**params)
        self._row = pn.Row(margin=0)
        self._add = pn.widgets.Button(label="+", width=34, color="light", description="Add a colour")
        self._remove = pn.widgets.Button(label="−", width=34, color="light", description="Remove the last colour")
        self._add.on_click(lambda _e: self.set_colours(self.colours + [self.colours[-1] if self.colours else DEFAULT_SWATCH]))
        self._remove.on_click(lambda _e: self.set_colours(self.colours[:-1]))
        self._label = pn.pane.Markdown(label, margin=(8, 4, 0, 4)) if label else None
        self.set_colours(list(colours))

    @property
    def colours(self) -> list[str]:
        return [p.value for p in self._row.objects]

    def set_colours(self, colours: list[str]) -> None:
        colours = list(colours)[: self.max_colours]
        self._row.objects = [pn.widgets.ColorPicker(value=c, width=44, margin=(4, 3)) for c in colours]
        self._add.disabled = len(colours) >= self.max_colours
        self._remove.disabled = not colours

    def __panel__(self):
        parts = [self._label] if self._label else []
        return pn.Row(*parts, self._row, self._add, self._remove, margin=0)


class LookRow(pn.viewable.Viewer):
    """One wardrobe look: name, description, its colours, and a remove button."""

    def __init__(self, name: str = "", description: str = "", colours=(), on_remove=None, **params):
        super().__init__(**params)
        self.name_input = pn.widgets.TextInput(value=name, placeholder="look name", width=130)
        self.description = pn.widgets.TextInput(value=description, placeholder="costume description",
                                                sizing_mode="stretch_width")
        self.colours = ColourStrip(list(colours), max_colours=4)
        self.remove = pn.widgets.Button(label="✕", width=34, color="light", description="Remove this look")
        if on_remove:
            self.remove.on_click(lambda _e: on_remove(self))

    def value(self) -> tuple[str, dict[str, Any]]:
        name = (self.name_input.value or "").strip()
        return name, {"name": name, "description": (self.description.value or "").strip(),
                      "colors": self.colours.colours}

    def __panel__(self):
        return pn.Column(pn.Row(self.name_input, self.description, self.remove, margin=0), self.colours,
                         styles={"border-left": "3px solid #cfd8d6", "padding-left": "6px"}, margin=(2, 0, 6, 0))


class BibleEditor(pn.viewable.Viewer):
    """The form for one character's bible (who they are, how they look, what they wear, which mode)."""

    def __init__(self, **params):
        super().__init__(**params)
        w = pn.widgets
        self.name_input = w.TextInput(label="Name", sizing_mode="stretch_width")
        self.aliases = w.TextInput(label="Also cued as (aliases, comma separated)", placeholder="Bob, Mr. B")
        self.species = w.AutocompleteInput(label="Species", options=species_options(), restrict=False,
                                           min_characters=0, value="human", width=130,
                                           description="human, or the animal / thing the character is (dog, cloud…)")
        self.role = w.Select(label="Role", options=list(ROLES), width=130)
        self.age = w.IntInput(label="Age (years)", value=None, start=0, end=130, width=100)
        self.pronouns = w.AutocompleteInput(label="Pronouns", options=PRONOUNS, restrict=False, min_characters=0,
                                            width=120)
        self.description = w.TextAreaInput(label="Description", height=70, sizing_mode="stretch_width")
        self.traits = w.TextInput(label="Personality traits (comma separated)", placeholder="stubborn, warm, funny")
        self.backstory = w.TextAreaInput(label="Backstory", height=60, sizing_mode="stretch_width")
        self.appearance = {f: w.TextInput(label=f.replace("_", " ").capitalize(), placeholder=APPEARANCE_HINTS[f])
                           for f in APPEARANCE_FIELDS}
        self.palette = ColourStrip(label="")
        self.looks = pn.Column(margin=0, sizing_mode="stretch_width")
        self._look_rows: list[LookRow] = []
        self.add_look = w.Button(label="+ Add wardrobe look", color="light", width=170)
        self.add_look.on_click(lambda _e: self._append_look(LookRow(on_remove=self._drop_look)))
        self.default_look = w.Select(label="Default look", options=[""], width=170)
        self.style = w.Select(label="Style", options=[s.value for s in CharacterStyle], width=150)
        self.mode = w.RadioButtonGroup(label="Mode", options=[m.value for m in CharacterMode], color="primary",
                                       variant="outline")
        self.voice_profile = w.TextInput(label="Voice profile", placeholder="piper:joe or espeak:en-us+f3")
        self.brand_palette = ColourStrip(label="Locked brand palette", max_colours=8)
        self.logo_text = w.TextInput(label="Logo text", value="LOGO", width=140)
        self.logo_position = w.Select(label="Logo position", options=LOGO_POSITIONS, width=140)
        self.forbidden = w.MultiChoice(label="Forbidden changes", options=FORBIDDEN_CHOICES, sizing_mode="stretch_width")
        self.brand_box = pn.Column(self.brand_palette, pn.Row(self.logo_text, self.logo_position), self.forbidden,
                                   visible=False, margin=0, sizing_mode="stretch_width")
        self.mode.param.watch(lambda e: setattr(self.brand_box, "visible", e.new == "brand"), "value")

    # -------------------------------------------------------------- looks
    @property
    def look_rows(self) -> list[LookRow]:
        return list(self._look_rows)

    def _set_looks(self, rows: list[LookRow]) -> None:
        self._look_rows = rows    # the Column holds their rendered panels, so the rows are kept here
        self.looks.objects = list(rows)

    def _append_look(self, row: LookRow) -> None:
        self._set_looks(self._look_rows + [row])

    def _drop_look(self, row: LookRow) -> None:
        self._set_looks([r for r in self._look_rows if r is not row])

    # -------------------------------------------------------------- load / read
    def load(self, bible: CharacterBible) -> None:
        """Fill every widget from ``bible``."""
        self.name_input.value = bible.name
        self.aliases.value = ", ".join(bible.aliases)
        self.species.value = bible.species
        self.role.options = ROLES if bible.role in ROLES else ROLES + [bible.role]
        self.role.value = bible.role
        self.age.value = bible.age
        self.pronouns.value = bible.pronouns
        self.description.value = bible.description
        self.traits.value = ", ".join(bible.traits)
        self.backstory.value = bible.backstory
        for f, widget in self.appearance.items():
            widget.value = getattr(bible.appearance, f)
        self.palette.set_colours(list(bible.palette))
        self._set_looks([LookRow(look.name, look.description, look.colors, on_remove=self._drop_look)
                         for look in bible.wardrobe.values()])
        self.default_look.options = [""] + list(bible.wardrobe)
        self.default_look.value = bible.default_look or ""
        self.style.value = bible.style.value
        self.mode.value = bible.mode.value
        self.voice_profile.value = bible.voice_profile or ""
        brand = bible.brand
        self.brand_palette.set_colours(list(brand.locked_palette) if brand else list(bible.palette))
        self.logo_text.value = brand.logo.text if brand and brand.logo else bible.name.upper()[:10]
        self.logo_position.value = brand.logo.position if brand and brand.logo else "chest"
        self.forbidden.value = [f for f in (brand.forbidden if brand else ()) if f in FORBIDDEN_CHOICES]
        self.brand_box.visible = bible.mode == CharacterMode.BRAND

    def form_values(self) -> dict[str, Any]:
        """The bible fields as the form holds them now (update_character's shapes)."""
        wardrobe = {}
        for row in self._look_rows:
            name, look = row.value()
            if name:
                wardrobe[name] = look
        default = self.default_look.value or None
        if default not in wardrobe:  # a renamed or removed look cannot stay the default
            default = next(iter(wardrobe), None)
        values: dict[str, Any] = {
            "name": self.name_input.value.strip(), "role": self.role.value, "age": self.age.value,
            "aliases": [a.strip() for a in self.aliases.value.split(",") if a.strip()],
            "species": self.species.value.strip().lower() or "human",
            "pronouns": self.pronouns.value.strip() or "they/them", "description": self.description.value.strip(),
            "traits": [t.strip() for t in self.traits.value.split(",") if t.strip()],
            "backstory": self.backstory.value.strip(),
            "appearance": {f: w.value.strip() for f, w in self.appearance.items()},
            "palette": self.palette.colours, "wardrobe": wardrobe, "default_look": default,
            "style": self.style.value, "mode": self.mode.value,
            "voice_profile": self.voice_profile.value.strip() or None,
        }
        if self.mode.value == "brand":
            values["brand"] = {"locked_palette": self.brand_palette.colours, "forbidden": list(self.forbidden.value),
                               "logo": {"text": self.logo_text.value.strip() or "LOGO",
                                        "position": self.logo_position.value}}
        return values

    def set_read_only(self, read_only: bool) -> None:
        """Lock every field (a locked character's bible is changed only through a new version)."""
        for widget in _widgets(self):
            widget.disabled = read_only

    def changes(self, bible: CharacterBible) -> dict[str, Any]:
        """Only the fields whose form value differs from ``bible`` (nothing when the form is untouched)."""
        current = bible.model_dump(mode="json")
        out = {}
        for key, value in self.form_values().items():
            before = current.get(key)
            if key == "wardrobe":
                before = {k: {"name": v["name"], "description": v["description"], "colors": list(v["colors"])}
                          for k, v in (before or {}).items()}
            elif key == "brand" and before:
                before = {"locked_palette": list(before["locked_palette"]), "forbidden": list(before["forbidden"]),
                          "logo": {"text": (before.get("logo") or {}).get("text"),
                                   "position": (before.get("logo") or {}).get("position")}}
            if value != before:
                out[key] = value
        return out

    def __panel__(self):
        # one tab per part of the bible, built when first opened: the form is most of the lab's page, and only
        # the open part is turned into Bokeh models and sent to the browser (the others' widgets still hold
        # their values, so load() / changes() / form_values() see the whole bible)
        appearance = pn.GridBox(*self.appearance.values(), ncols=2, sizing_mode="stretch_width")
        return pn.Tabs(
            ("Who they are", pn.Column(pn.Row(self.name_input, self.species, margin=0), self.aliases,
                                       pn.Row(self.role, self.age, self.pronouns),
                                       self.description, self.traits, self.backstory, self.voice_profile,
                                       sizing_mode="stretch_width", margin=0)),
            ("Appearance", pn.Column(appearance, pn.pane.Markdown("**Colour palette**", margin=(4, 10, 0, 10)),
                                     self.palette, sizing_mode="stretch_width", margin=0)),
            ("Wardrobe", pn.Column(self.looks, pn.Row(self.add_look, self.default_look),
                                   sizing_mode="stretch_width", margin=0)),
            ("Style & mode", pn.Column(pn.Row(self.style, self.mode), self.brand_box,
                                       sizing_mode="stretch_width", margin=0)),
            sizing_mode="stretch_width", margin=0, dynamic=True)

def _widgets(obj: Any, seen: set[int] | None = None):
    """Every widget of an editor part: its own widgets, those of its colour strips and wardrobe rows."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    values = list(vars(obj).values())
    for value in values:
        items = value if isinstance(value, (list, tuple)) else list(value.values()) if isinstance(value, dict) else [value]
        for item in items:
            if isinstance(item, pn.widgets.Widget):
                yield item
            elif isinstance(item, (ColourStrip, LookRow)):
                yield from _widgets(item, seen)
            elif isinstance(item, pn.layout.ListLike):
                for child in item.objects:
                    if isinstance(child, pn.widgets.Widget):
                        yield child
