"""Story vocabulary shared by the structure planner and the procedural writer.

Genre and tone word lists, location pools, character names, and a small
logline reader that pulls out the protagonist, places and objects without an
NLP model (the writer must run offline and in well under a second).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio_kit.engines.writing.english import is_plural

# -- names ------------------------------------------------------------------------
# (first name, pronoun possessive) so action lines can say "her hands" correctly.
FIRST_NAMES: list[tuple[str, str]] = [
    ("MARA", "her"), ("JONAH", "his"), ("ELENA", "her"), ("THEO", "his"), ("NADIA", "her"), ("SAMUEL", "his"),
    ("IRIS", "her"), ("FELIX", "his"), ("ROSA", "her"), ("DESMOND", "his"), ("LENA", "her"), ("OSCAR", "his"),
    ("HANNAH", "her"), ("VICTOR", "his"), ("JUNE", "her"), ("MARCUS", "his"), ("PRIYA", "her"), ("TOMAS", "his"),
    ("GRETA", "her"), ("ELI", "his"), ("CORA", "her"), ("RAFAEL", "his"), ("BEA", "her"), ("KOFI", "his"),
    ("AMARA", "her"), ("DMITRI", "his"), ("YUKI", "her"), ("WALTER", "his"), ("ZOE", "her"), ("ARJUN", "his"),
    ("SOL", "their"), ("RIVER", "their"), ("ALEX", "their"), ("QUINN", "their"), ("NOOR", "her"), ("CALEB", "his"),
    ("TESS", "her"), ("HUGO", "his"), ("MIRIAM", "her"), ("LEON", "his"), ("AUDREY", "her"), ("ISAAC", "his"),
]
SURNAMES = ["VOSS", "OKAFOR", "BRENNAN", "LINDQVIST", "MORALES", "HALE", "ABERNATHY", "KOVAC", "SATO", "DUVAL",
            "PRICE", "WREN", "CASTILLO", "MERCER", "NAKAMURA", "FINCH", "DELACROIX", "OSEI", "QUINTERO", "BLACKWOOD"]

# Role -> short casting description used at a character's first appearance.
ROLE_DESCRIPTIONS: dict[str, list[str]] = {
    "protagonist": ["tired but stubborn", "quick-eyed and guarded", "all nerve and no plan", "kind, and hiding it"],
    "antagonist": ["immaculate, unhurried", "smiling a little too long", "cold as January", "charming on purpose"],
    "mentor": ["weathered, amused by everything", "slow-moving and sharp", "a legend gone to seed"],
    "ally": ["restless, loyal to a fault", "a walking mess of good intentions", "sharp-tongued and soft-hearted"],
    "love": ["warm, wary of warmth", "funny when nervous", "steady as a rock"],
    "comic": ["talks first, thinks later", "permanently underdressed", "an optimist against all evidence"],
    "supporting": ["watchful", "practical to the bone", "friendly in a tired way", "older than they look"],
}
AGES = ["20s", "30s", "40s", "50s", "60s", "late 20s", "early 30s", "mid 40s", "70s"]

# -- genres -----------------------------------------------------------------------
# places: (INT/EXT, LOCATION) pools; words: evaluative words for dialogue; stakes and
# threats feed lines; atmosphere feeds action; props are things worth an insert.
GENRES: dict[str, dict[str, list]] = {
    "drama": {
        "places": [("INT", "KITCHEN"), ("INT", "HOSPITAL CORRIDOR"), ("EXT", "BUS STOP"), ("INT", "DINER"),
                   ("EXT", "BACKYARD"), ("INT", "CAR"), ("INT", "LIVING ROOM"), ("EXT", "CHURCH STEPS")],
        "words": ["hard", "unfair", "honest", "late", "broken", "enough"],
        "stakes": ["the house", "this family", "what's left of us", "the only chance we get", "the truth"],
        "threats": ["the bank", "the silence", "the diagnosis", "the landlord", "the deadline"],
        "atmosphere": ["A clock ticks louder than it should.", "Unwashed cups crowd the sink.",
                       "Someone else's music leaks through the wall.", "Everything here has been mended twice."],
        "props": ["LETTER", "PHOTOGRAPH", "SET OF KEYS", "PILL BOTTLE", "WEDDING RING"],
    },
    "thriller": {
        "places": [("INT", "PARKING GARAGE"), ("INT", "SAFE HOUSE"), ("EXT", "ROOFTOP"), ("INT", "SERVER ROOM"),
                   ("INT", "MOTEL ROOM"), ("EXT", "TRAIN YARD"), ("INT", "POLICE PRECINCT"), ("INT", "STAIRWELL")],
        "words": ["clean", "exposed", "compromised", "sloppy", "quiet", "risky"],
        "stakes": ["the file", "my name", "the witness", "everything we built", "the only proof"],
        "threats": ["whoever's watching", "the people upstairs", "the police", "the man in the grey coat", "a leak"],
        "atmosphere": ["A fluorescent tube stutters overhead.", "Somewhere, a phone rings and stops.",
                       "Headlights sweep across the wall and vanish.", "The air smells of wet concrete."],
        "props": ["BURNER PHONE", "USB DRIVE", "PISTOL", "MANILA ENVELOPE", "CAR KEY"],
    },
    "comedy": {
        "places": [("INT", "OFFICE BREAK ROOM"), ("INT", "WEDDING VENUE"), ("EXT", "SUPERMARKET CAR PARK"),
                   ("INT", "KARAOKE BAR"), ("INT", "TINY APARTMENT"), ("EXT", "PETTING ZOO"),
                   ("INT", "DENTIST WAITING ROOM")],
        "words": ["ridiculous", "brilliant", "humiliating", "fine", "classic", "amazing"],
        "stakes": ["my dignity", "the deposit", "the wedding", "my one good shirt", "the promotion"],
        "threats": ["my mother", "the goat", "HR", "the group chat", "Gary from accounts"],
        "atmosphere": ["A motivational poster has been defaced with a moustache.", "Balloons sag at half-mast.",
                       "A smoke alarm chirps for a new battery, forever.", "Something smells faintly of tuna."],
        "props": ["CAKE", "NAME BADGE", "KARAOKE MICROPHONE", "RUBBER CHICKEN", "ENGAGEMENT RING"],
    },
    "horror": {
        "places": [("INT", "CELLAR"), ("EXT", "WOODS"), ("INT", "NURSERY"), ("INT", "ATTIC"),
                   ("EXT", "ABANDONED CHAPEL"), ("INT", "FARMHOUSE HALLWAY"), ("EXT", "FROZEN LAKE")],
        "words": ["wrong", "cold", "rotten", "hungry", "quiet", "old"],
        "stakes": ["the children", "our souls", "the house", "the last candle", "whoever's left"],
        "threats": ["the thing in the walls", "whatever's knocking", "the woman in the photograph", "the dark", "it"],
        "atmosphere": ["The wallpaper breathes, or seems to.", "Something drips in the dark, patiently.",
                       "A child's drawing is pinned to the wall: a door, and a black shape inside it.",
                       "Frost creeps along the windowpane though it is summer."],
        "props": ["MUSIC BOX", "CANDLE", "OLD KEY", "DOLL", "HAND MIRROR"],
    },
    "sci-fi": {
        "places": [("INT", "SHIP BRIDGE"), ("INT", "CRYO BAY"), ("EXT", "RED DUNES"), ("INT", "ORBITAL LAB"),
                   ("INT", "AIRLOCK"), ("EXT", "COLONY DOME"), ("INT", "SERVER VAULT")],
        "words": ["unstable", "elegant", "impossible", "nominal", "alive", "unknown"],
        "stakes": ["the colony", "the last transmission", "oxygen", "the mission", "the signal"],
        "threats": ["the storm front", "the AI", "the company", "decompression", "the signal"],
        "atmosphere": ["Status lights pulse in slow amber.", "The hull creaks as it cools.",
                       "A hologram flickers, repeating the same frame.", "Frost ferns across the viewport."],
        "props": ["DATA CORE", "HELMET", "SIGNAL RECEIVER", "OXYGEN GAUGE", "KEYCARD"],
    },
    "romance": {
        "places": [("INT", "BOOKSHOP"), ("EXT", "PIER"), ("INT", "CAFE"), ("EXT", "TRAIN PLATFORM"),
                   ("INT", "ROOFTOP GARDEN"),
                   ("INT", "RECORD STORE"), ("EXT", "PARK BENCH")],
        "words": ["lovely", "terrifying", "perfect", "stupid", "sweet", "late"],
        "stakes": ["us", "the last train", "a second chance", "the letter I never sent", "tonight"],
        "threats": ["the last train", "her fiance", "the job offer", "the truth", "goodbye"],
        "atmosphere": ["Fairy lights sway in the breeze.", "Rain beads on the window like it's taking notes.",
                       "A song neither of them admits to liking plays softly.", "The smell of fresh bread drifts in."],
        "props": ["LETTER", "TRAIN TICKET", "PAPERBACK", "UMBRELLA", "POLAROID"],
    },
    "crime": {
        "places": [("INT", "PAWN SHOP"), ("INT", "INTERROGATION ROOM"), ("EXT", "DOCKS"), ("INT", "BACK ROOM OF A BAR"),
                   ("EXT", "ALLEY"), ("INT", "EVIDENCE LOCKER"), ("INT", "CASINO FLOOR")],
        "words": ["dirty", "clean", "stupid", "easy", "personal", "bent"],
        "stakes": ["the money", "the bag", "my brother", "the deal", "the case"],
        "threats": ["the Feds", "Marco's people", "a rat", "the ledger", "internal affairs"],
        "atmosphere": ["Cigarette smoke hangs like it pays rent.", "A neon sign buzzes, half its letters dead.",
                       "Water drips from a rusted pipe.", "A radio plays a ballgame nobody's listening to."],
        "props": ["DUFFEL BAG", "LEDGER", "REVOLVER", "POLAROID", "BURNER PHONE"],
    },
    "fantasy": {
        "places": [("INT", "GREAT HALL"), ("EXT", "STANDING STONES"), ("INT", "TAVERN"), ("EXT", "FOREST ROAD"),
                   ("INT", "TOWER LIBRARY"), ("EXT", "RUINED KEEP")],
        "words": ["cursed", "ancient", "foolish", "noble", "wild", "forbidden"],
        "stakes": ["the crown", "the old magic", "the village", "the last dragon", "the oath"],
        "threats": ["the Hollow King", "the frost", "the wolves", "the prophecy", "the council"],
        "atmosphere": ["Torchlight crawls over carved stone.", "Ravens argue in the rafters.",
                       "Old runes glow faintly, then sleep.", "Mist pools in the hollows like spilled milk."],
        "props": ["SWORD", "MAP", "AMULET", "SEALED SCROLL", "LANTERN"],
    },
}
GENRE_ALIASES = {"scifi": "sci-fi", "science fiction": "sci-fi", "sf": "sci-fi", "mystery": "crime", "noir": "crime",
                 "action": "thriller", "suspense": "thriller", "romcom": "romance", "family": "drama"}

# -- tones --------------------------------------------------------------------------
TONES: dict[str, dict[str, list[str]]] = {
    "grounded": {"parentheticals": ["quietly", "beat", "not looking up", "flat", "after a moment", "carefully"],
                 "adverbs": ["slowly", "carefully", "without a word", "quietly"],
                 "weather": ["a dull grey sky", "a thin drizzle", "wind worrying at the windows", "still, heavy air"]},
    "dark": {"parentheticals": ["cold", "barely a whisper", "beat", "through his teeth", "almost kind", "flat"],
             "adverbs": ["grimly", "slowly", "without blinking", "too calmly"],
             "weather": ["rain hammering the glass", "a bruised sky", "fog swallowing the streetlights",
                         "low black clouds"]},
    "comic": {"parentheticals": ["too loud", "beat", "mortified", "deadpan", "re: the goat", "brightly"],
              "adverbs": ["awkwardly", "proudly", "hopelessly", "with enormous dignity"],
              "weather": ["a sudden, personal rainstorm", "a gust that steals a hat", "a pigeon with opinions"]},
    "whimsical": {"parentheticals": ["delighted", "conspiratorial", "beat", "to the cat", "singsong"],
                  "adverbs": ["gently", "curiously", "with a small flourish", "on tiptoe"],
                  "weather": ["dandelion seeds drifting past", "a soft silver rain", "a sky the colour of tea"]},
    "tense": {"parentheticals": ["urgent", "low", "beat", "checking the door", "sharp", "without turning"],
              "adverbs": ["fast", "tightly", "without breathing", "sharply"],
              "weather": ["thunder rolling in", "sirens far off", "wind rattling the shutters"]},
    "warm": {"parentheticals": ["smiling", "softly", "beat", "teasing", "gently", "laughing"],
             "adverbs": ["gently", "warmly", "slowly", "with a crooked smile"],
             "weather": ["a soft breeze", "snow falling in no hurry", "a light, kind rain"]},
}
TONE_ALIASES = {"realistic": "grounded", "gritty": "dark", "bleak": "dark", "funny": "comic", "light": "comic",
                "playful": "whimsical", "suspenseful": "tense", "heartfelt": "warm", "hopeful": "warm"}

LIGHT_BY_TIME = {
    "DAY": ["Flat daylight", "Hard noon sun", "Pale daylight", "Sunlight through dirty glass"],
    "NIGHT": ["A single bulb", "Moonlight", "Sodium streetlight", "The blue glow of a screen"],
    "DAWN": ["First grey light", "Thin dawn light", "A pink smear of sunrise"],
    "DUSK": ["Amber dusk light", "The last of the sun", "Long evening shadows"],
    "CONTINUOUS": ["The same light", "Unchanged light"],
    "LATER": ["Later light", "A lower, later light"],
}

# Nouns a character cannot pick up: the writer talks about them but hands a prop instead.
ABSTRACT_NOUNS = set("""fight storm truth secret plan day night life chance war game race case crime murder love time
world past future family company job deal fortune power memory dream curse promise debt city town election
match season trial marriage wedding business career heist mission rebellion revolution prophecy""".split())

PLACE_NOUNS = set("""lighthouse diner kitchen apartment office station harbor harbour ship farm hospital school church
bar motel warehouse forest woods beach desert city village house garage lab laboratory prison courthouse bakery
restaurant hotel museum library theater theatre studio gym factory mine island castle spaceship bunker camp ranch
market shop store bank casino club cemetery park bridge tunnel subway train airport highway mountain river lake
valley town shelter asylum mansion cabin tower palace temple arena precinct newsroom hangar dock pier cafe
bookshop bookstore colony submarine orphanage vineyard monastery greenhouse observatory zoo circus carnival
salon laundromat pharmacy clinic kingdom planet moon base outpost resort spa ocean sea road street
motorway coast shore port barn courthouse courtroom newsroom apiary gym bakery theatre morgue
embassy garden""".split())

_DETERMINERS = {"a", "an", "the", "his", "her", "their", "its", "my", "our", "your", "one", "some", "two", "three",
                "four", "every"}
_STOP = set("""a an the and or but of in on at to for from with by into onto over under after before when while who
whom whose which that this these those than as is are was were be been must can could should would will shall
may might has have had do does did not no yet so if then until about against during without within along across
behind beyond up down out off through""".split())


@dataclass
class LoglineParts:
    """What the planner and the writer borrow from a logline."""

    protagonist: str = ""                              # "lighthouse keeper"
    places: list[str] = field(default_factory=list)    # ["lighthouse"]
    objects: list[str] = field(default_factory=list)   # ["message", "bottle", "storm"]


def read_logline(logline: str) -> LoglineParts:
    """Pull noun phrases after determiners; split them into places and objects.

    The first noun phrase is the protagonist ("A lighthouse keeper finds ..." ->
    "lighthouse keeper"). After "a"/"an" a word ending in a single "s" is read
    as the verb ("A cook finds ...") and ends the phrase.
    """
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", logline)
    phrases: list[list[str]] = []
    i = 0
    while i < len(words):
        w = words[i].lower()
        if w in _DETERMINERS and i + 1 < len(words):
            phrase: list[str] = []
            j = i + 1
            while j < len(words) and len(phrase) < 3:
                nxt = words[j].lower()
                if nxt in _STOP or nxt in _DETERMINERS:
                    break
                after = words[j + 1].lower() if j + 1 < len(words) else ""
                if phrase and is_plural(phrase[-1]) and not is_plural(nxt):
                    break  # "three nurses hide the": after a plural noun, a bare word is the verb
                if w in {"a", "an", "one"} and phrase and nxt.endswith("s") and not nxt.endswith("ss") \
                        and not (after.endswith("s") and not after.endswith("ss")):
                    break  # "a keeper finds a": the -s word is the verb ("a thermos keeps": the next one is)
                phrase.append(nxt)
                j += 1
            if phrase:
                phrases.append(phrase)
            i = j
        else:
            i += 1
    parts = LoglineParts()
    for k, phrase in enumerate(phrases):
        head = phrase[-1].strip("'")
        if k == 0:
            parts.protagonist = " ".join(phrase)
            parts.places += [p for p in phrase if p in PLACE_NOUNS]
            continue
        if head in PLACE_NOUNS:
            parts.places.append(head)
        elif any(p in PLACE_NOUNS for p in phrase):
            parts.places.append(next(p for p in phrase if p in PLACE_NOUNS))
        elif len(head) > 2 and head not in parts.objects:
            parts.objects.append(head)
    return parts


def genre_words(genre: str) -> dict[str, list]:
    """The vocabulary of a genre (aliases accepted; unknown genres read as drama)."""
    key = GENRE_ALIASES.get(genre.lower().strip(), genre.lower().strip())
    return GENRES.get(key, GENRES["drama"])


def tone_words(tone: str) -> dict[str, list[str]]:
    """The vocabulary of a tone (aliases accepted; unknown tones read as grounded)."""
    key = TONE_ALIASES.get(tone.lower().strip(), tone.lower().strip())
    return TONES.get(key, TONES["grounded"])
