"""Sentence grammar of the procedural screenplay writer.

Dialogue sentences are grouped by intent (what a line does in a beat); action
sentences by job (opening, business, closing). Slots filled by the writer:
``{other}`` (the listener's first name), ``{obj}`` (the story's object, "the
bottle"), ``{place}``, ``{adj}`` (the speaker's evaluative word), ``{stake}``,
``{threat}``, ``{time}``, ``{product}``; in action also ``{Name}``, ``{Other}``,
``{poss}`` (her/his/their), ``{PROP}`` (a prop written in caps), ``{adverb}``,
``{weather}``.

Lines are written in the contracted, neutral register; a character's
:class:`~studio_kit.domain.dialogue.DialogueVoice` moves them up
(formal) or down (slang).
"""
from __future__ import annotations

INTENTS: dict[str, list[str]] = {
    "routine": [
        "You're up early.", "Same as yesterday. Same as every day.", "Did you eat? You never eat when it's like this.",
        "Nobody comes out to {place} anymore.", "Someone has to keep {place} running.",
        "This life is {adj}, but it's mine.", "Remember when this place used to be full?",
        "I've got a system. Don't touch the system.", "Tell me something good, {other}.", "The kettle's on. Sit.",
        "You look like you haven't slept.", "I like it quiet. Quiet is {adj}.", "Another day at {place}.",
        "I counted them twice. Still one short.", "Don't start, {other}. Not before coffee.",
        "Everything's where it should be. That's the point.",
    ],
    "question": [
        "Where did you find {thing}?", "That wasn't here last night, was it?", "Who else knows about {obj}?",
        "How long have you been sitting on this?", "What would {threat} want with us?", "Why now? Why {time}?",
        "Are you going to tell me, or do I have to guess?", "What exactly am I looking at, {other}?",
        "When were you planning to mention {obj}?", "Is this about {stake}?", "Did anyone follow you here?",
        "What happens if we just leave it alone?",
    ],
    "reveal": [
        "Look at this. Look at it properly.", "Somebody wanted us to find {obj}.", "It has your name on it, {other}.",
        "This changes everything, and you know it.", "I think {obj} is connected to {threat}.",
        "It was never about {obj}.", "I read the rest of it. You need to sit down.",
        "We were looking in the wrong place.",
        "It's bigger than us. Much bigger.", "The date on it is {time}.",
        "There's a second one. I found it at {place}.",
        "I've seen {threat} here before. Years ago.",
    ],
    "disbelief": [
        "That's impossible. Right?", "Tell me I'm not seeing this.", "No. No, that's {adj}.",
        "You're joking. Please tell me you're joking.", "Put it down. Slowly.", "We should call someone.",
        "There has to be another explanation.", "I don't believe in this kind of thing.", "Say that again.",
    ],
    "refusal": [
        "I can't. Not after last time.", "You don't get to decide that for me.", "It's not our problem.",
        "No. Find someone else.", "I said no, {other}.", "I'm not going near {threat}.", "Don't ask me that.",
        "I've given enough to {place}.", "Not {time}. Maybe not ever.", "You always do this. You always find a reason.",
    ],
    "plea": [
        "Give me one good reason to stay.", "I'm asking you. Please.", "Just listen to me for once.",
        "Help me, {other}. I can't do this alone.", "Think about {stake}.", "Don't walk away from this.",
        "One more day. That's all I need.", "Stay. Just for tonight.", "You owe me this, {other}.",
    ],
    "warning": [
        "If we do this, there's no going back.", "Everybody runs from {threat}. Everybody.", "And if you're wrong?",
        "You should have left when you had the chance.", "Every door we open, there's {threat} waiting.",
        "I warned you about {threat}.", "Keep {thing} out of sight.", "They'll come {time}. They always do.",
        "Whatever you do, don't go back to {place}.", "You're scared. Good. Stay scared.",
    ],
    "decision": [
        "We go {time}. Both of us.", "Okay. Here's what we do.", "I'm done waiting for permission.",
        "Pack light. We won't be back for a while.", "If I don't come back, look after {stake}.",
        "I'm doing this. With you or without you.", "We do it my way this time.", "No more running. Not from {threat}.",
        "I'm keeping {thing}. Decision made.", "Get the car. I'll meet you at {place}.",
    ],
    "plan": [
        "First {obj}, then {threat}.", "You take the front. I'll take the back.", "We need a map of {place}.",
        "Step one worked. I didn't think step one would work.", "Next stop, {place}.",
        "Hold this. Don't drop it. Don't look at it.", "I had a plan B. It was mostly screaming.",
        "We move at first light.", "If word gets to {threat}, we're finished.", "Nobody touches {thing} but me.",
        "We split up. It's {adj}, but it's faster.",
    ],
    "joke": [
        "That went better than expected.", "Okay, that was {adj}. Do it again.", "Tell me you saw that.",
        "We're actually good at this.", "Remind me why we're doing this again?", "You're enjoying this, aren't you?",
        "For the record, this was your idea.", "I'd like to file a complaint with {place}.",
        "Well. That's one way to meet {threat}.", "I was warned about people like you, {other}.",
    ],
    "accusation": [
        "You knew. You knew the whole time.", "Who are you really working for?", "Don't lie to me. Not now.",
        "Whose side are you on, {other}?", "You think this is a game?", "You sold us out to {threat}.",
        "You took {thing}. Don't deny it.", "You were never going to tell me.", "How much did they pay you?",
    ],
    "confession": [
        "There's something I should have told you.", "I'm sorry. I'm so sorry.",
        "I thought I could fix it. I couldn't.",
        "It's my fault. All of it.", "You were right about me.", "I was afraid. I'm still afraid.",
        "I've been lying since the day I came to {place}.", "I kept {thing} because I wanted to.",
        "I can't lose {stake}. I can't.",
    ],
    "memory": [
        "People used to say {place} keeps its promises. They were wrong.", "I used to be brave. I remember that.",
        "We came here every summer. You don't remember.", "The last time I saw {obj}, I was nine.",
        "She used to sing when she worked. I miss that.", "Funny. It all looked bigger back then.",
        "Before {threat}, this place was {adj}.",
    ],
    "threat": [
        "Let them go. This is between us.", "It ends here, at {place}.", "You don't scare me anymore.",
        "You want {thing}? Come and get it.", "One more step and I break it.", "Walk away while you still can.",
        "Give me {thing} and nobody gets hurt.", "I know what you did at {place}.",
    ],
    "urgency": [
        "Now! Do it now!", "Take my hand. Trust me.", "Whatever happens, don't stop.", "Look at me. Look at me!",
        "We're out of time. Go!", "This is for {stake}.", "Down! Get down!", "Run, {other}. Don't look back.",
        "I'm not the same person you met.",
    ],
    "comfort": [
        "We did it. I think we actually did it.", "Same time tomorrow?", "It's strange. Everything looks the same.",
        "Thank you. For not giving up on me.", "You should get some sleep.", "It wasn't {adj}. It was worth it.",
        "Maybe we start again. Properly this time.", "Come on. I'll make breakfast.",
        "Hey. You're okay. We're okay.", "{place} never looked so good.", "I kept {thing}. Is that strange?",
    ],
    # -- ads -----------------------------------------------------------------
    "hook": ["Ever wondered why mornings feel this {adj}?", "Stop. Look at this.",
             "Three seconds. That's all it takes.",
             "This is not a normal Tuesday.", "You've been doing it wrong. Everyone has."],
    "problem": ["Every morning, the same {adj} mess.", "I've tried everything. Nothing sticks.",
                "Late again. Again.", "There has to be a better way.", "Why is this still so hard?"],
    "product": ["Meet {product}.", "{product}. Built for days like this.", "One tap. Done. That's {product}.",
                "{product} does the boring part, so you don't have to."],
    "proof": ["Nine out of ten people switched in a week.", "Honestly? I'm never going back.",
              "Two million people can't be wrong.", "It just works. Every single time.",
              "Rated five stars by people who hate everything."],
    "cta": ["Get {product} today.", "{product}. Try it free for thirty days.", "Find {product} wherever you shop.",
            "Don't wait. {product}, now in stores."],
}

# A small combinatorial pool ("observation"): subject + predicate + tail, ~300 sentences,
# so long scripts keep finding fresh lines.
OBS_SUBJECTS = ["{obj}", "this place", "{setting}", "{conflict}", "{place}", "my gut"]
OBS_PREDICATES = ["isn't going anywhere", "knows more than it lets on", "has been waiting for us",
                  "changes everything {time}", "doesn't care about {stake}", "was here first", "won't wait for us",
                  "is the least of our problems", "keeps pulling me back", "feels {adj} lately", "never lies",
                  "is trying to tell us something"]
OBS_TAILS = ["", "", "", "", ", trust me", ", and you know it", ", if you ask me", ". I've seen it before"]

# Which intents a beat kind draws on (first ones more often).
BEAT_INTENTS: dict[str, list[str]] = {
    "setup": ["routine", "routine", "question", "joke", "memory", "comfort", "observation"],
    "inciting": ["question", "reveal", "disbelief", "warning", "question", "observation"],
    "debate": ["refusal", "plea", "question", "warning", "memory", "refusal", "observation"],
    "turn": ["decision", "plan", "plea", "decision", "warning", "observation"],
    "fun": ["plan", "joke", "question", "reveal", "joke", "observation"],
    "midpoint": ["reveal", "accusation", "confession", "disbelief", "question", "observation"],
    "pressure": ["warning", "threat", "accusation", "refusal", "plea", "observation"],
    "crisis": ["confession", "memory", "accusation", "plea", "comfort", "observation"],
    "climax": ["threat", "urgency", "decision", "urgency", "plea"],
    "resolution": ["comfort", "memory", "joke", "comfort", "routine", "observation"],
    "hook": ["hook"], "problem": ["problem"], "product": ["product"], "proof": ["proof"], "cta": ["cta"],
}

# Short openers a listener starts a reply with; never a line on their own.
REACTIONS = ["Since when?", "You're serious.", "Okay.", "And?", "That's not funny.", "I know.", "Fine.",
             "Meaning what?", "You heard me.", "Wait.", "Listen to yourself.", "Hey.", "No.", "Right.", "Look.",
             "Don't.", "God.", "Of course.", "Really?", "Sure.", "Huh.", "Stop.", "So?", "Exactly."]

TIMES = ["tonight", "by morning", "at first light", "tomorrow", "before the weekend",
         "this time", "right now", "before midnight", "in an hour"]

ACTION_OPENERS = [
    "{light} across {loc}.", "{light} in {loc}, catching the dust.", "{light}. {loc_cap} is quiet.",
    "{loc_cap}, washed in {light_lower}.", "{light} on {loc}; nothing moves for a moment.",
    "{loc_cap}. {light} through a grimy window.", "{loc_cap} under {light_lower}.",
    "{light}. Somewhere in {loc}, a radio murmurs.",
]
EXT_WEATHER = ["Overhead, {weather}.", "{weather_cap}.", "Around them, {weather}.", "The wind brings {weather}."]
INT_WEATHER = ["Outside, {weather}.", "Through the window: {weather}.", "Beyond the glass, {weather}."]

EXT_ENTRANCES = [
    "walks up, hands deep in {poss} pockets", "waits by the kerb", "stands with {poss} back to the wind",
    "sits on a low wall", "arrives at a run", "is already here, waiting", "crosses toward us, head down",
    "kicks at a stone, waiting", "shelters under a doorway", "checks {poss} watch for the third time",
]
ENTRANCES = [
    "sits hunched over a notebook", "pushes through the door, out of breath", "is already here, waiting",
    "paces the length of the room", "leans in the doorway", "stands very still, listening",
    "comes in shaking rain off {poss} coat", "works at something with {poss} back to us",
    "hurries in, late and pretending not to be", "sits on the floor with {poss} knees drawn up",
    "arrives carrying too many bags", "checks {poss} watch for the third time",
]
BUSINESS = [
    "{Name} turns {thing} over in {poss} hands.", "{Name} looks at {Other} for a long moment.",
    "{Name} crosses to the window and looks out.", "{Name} sets the {PROP} down, {adverb}.",
    "A beat. Neither of them moves.", "{Name} laughs, despite everything.", "{Name} doesn't answer.",
    "Somewhere outside, a dog barks and stops.", "{Name} pockets {thing}, {adverb}.",
    "{Name} rubs {poss} eyes with the heels of {poss} hands.", "{Other} waits. {Name} gives nothing away.",
    "{Name} picks up the {PROP}, weighs it, puts it back.", "A long silence. Something hums in the walls.",
    "{Name} sits down heavily.", "{Name} paces, then stops, {adverb}.",
    "{Other} reaches for {thing}. {Name} is faster.",
    "{Name} studies {Other}'s face, looking for the lie.", "{Name} straightens a picture frame that didn't need it.",
    "{Name} checks the door. Locked.", "{Name} folds {poss} arms.", "{Other} shifts {poss2} weight, uneasy.",
    "The lights flicker. Everyone looks up.", "{Name} drinks. Grimaces. Drinks again.",
    "{Name} pulls out the {PROP} and lays it between them.", "{Name} smiles. It doesn't reach {poss} eyes.",
    "{Name} takes a breath, {adverb}.", "{Other} glances at the door.", "{Name} turns away, jaw tight.",
]
SOLO_BUSINESS = [
    "{Name} turns {thing} over in {poss} hands.", "{Name} crosses to the window and looks out.",
    "{Name} sets the {PROP} down, {adverb}.", "{Name} pockets {thing}, {adverb}.", "{Name} sits down heavily.",
    "{Name} checks the door. Locked.", "{Name} drinks. Grimaces. Drinks again.", "{Name} takes a breath, {adverb}.",
    "{Name} talks to no one, then stops, embarrassed.", "{Name} writes something down and crosses it out.",
    "{Name} stares at {thing} as if it might speak first.", "{Name} listens. Only the building settling.",
    "{Name} lays out the {PROP} and three pencils in a neat row.", "The clock ticks. {Name} counts along, silently.",
    "{Name} dials a number, lets it ring once, hangs up.", "{Name} reads an old text message and deletes it.",
    "{Name} eats standing up, straight from the pan.", "{Name} rehearses a sentence under {poss} breath.",
    "{Name} opens a drawer, finds the {PROP}, closes the drawer again.", "{Name} turns on the radio. Static. Off.",
    "{Name} looks at {poss} reflection longer than is comfortable.", "{Name} wipes the same spot on the table, twice.",
    "{Name} almost laughs at something only {poss} memory can hear.", "{Name} tries the door to the back. Stuck.",
]
# business that needs walls and furniture: not used in EXT scenes
INTERIOR_WORDS = ("window", "door", "drawer", "table", "radio", "pan", "fridge", "picture frame", "building",
                  "lights flicker", "room", "pencils", "switches off", "steps out")
EXT_SOLO_BUSINESS = [
    "{Name} kicks at a loose stone and watches it roll away.", "{Name} turns up {poss} collar against the air.",
    "{Name} squints at the horizon, waiting for something to change.", "{Name} checks {poss} phone. No signal.",
    "{Name} sits on the kerb and turns {thing} over in {poss} hands.", "A car passes. {Name} watches it out of sight.",
    "{Name} walks a slow circle, counting {poss} steps.", "{Name} shields {poss} eyes and looks up.",
    "{Name} picks up a pebble, weighs it, skims it away.", "A bird cries overhead. {Name} flinches, then laughs.",
    "{Name} stamps {poss} feet against the cold.", "{Name} reads the same street sign twice.",
]
CLOSERS = [
    "{Name} switches off the light.", "{Name} walks out. {Other} stays, alone with {thing}.",
    "{Name} watches them go, {adverb}.", "On {thing}, left behind on the table.", "{Name} closes the door behind them.",
    "Nobody says anything else. They don't need to.", "{Name} looks back once, then goes.",
    "{Other} exhales. It's over, for now.", "{Name} pulls {poss} coat tight and steps into the dark.",
]
SOLO_CLOSERS = [
    "{Name} switches off the light.", "{Name} pulls {poss} coat tight and steps out.", "On {thing}, glinting.",
    "{Name} sits in the quiet a while longer.", "{Name} closes the door. The room keeps its secret.",
]
AD_PROPS = ["ALARM CLOCK", "TANGLED CABLE", "COLD MUG", "LAUNDRY PILE", "TO-DO LIST", "JAR LID"]
AD_ACTION = {
    "hook": ["Quick cuts: {Name} mid-yawn, a spilled mug, a clock jumping forward.", "SUPER: \"Wait for it.\""],
    "problem": ["{Name} wrestles with the {PROP}. The {PROP} wins.", "{Name} slumps, defeated by the morning."],
    "product": ["The {product_caps} slides into frame, lit like a jewel.",
                "{Name} tries it. A small, surprised smile."],
    "proof": ["A montage of happy users, each giving a thumbs up.", "SUPER: \"Trusted by millions.\""],
    "cta": ["Logo. SUPER: the {product} website, big and simple.", "{Name} winks at camera. Freeze frame."],
}

# -- the premise on the page ---------------------------------------------------------------------
# One action sentence a scene carries the logline into the story, by beat kind, so the plot
# escalates along the structure. Slots: {Name} (the protagonist), {subj}/{poss} (She/her ...),
# {predicate} (the logline after its subject, in the present tense), {occupation}, {a_occupation},
# {setting}, {object}, {conflict}, {person} (another person of the logline), {antagonist}.
# A template is only used when every slot it names has a value in this premise.
PREMISE_ACTION: dict[str, list[str]] = {
    "setup": ["{Setting} wakes up around {Name}.", "{Name} has the routine of {setting} down to the minute.", "{Name} goes about {poss} work as {a_occupation}, the way {subj} has for years.",
              "Nobody at {setting} looks twice at {Name}.", "{Name} knows every corner of {setting} by heart.",
              "{Name} keeps an eye on {object}, out of habit.", "A day like any other at {setting}, or so it seems.",
              "{Name} is {a_occupation}; today that is all {subj} wants to be.",
              "{Name} thinks about {person} and then makes {poss_self} stop."],
    "inciting": ["Something at {setting} is wrong, and {Name} is the first to see it.", "{Name} finds out about {object}, and cannot unknow it.", "{Name} {predicate}.", "It starts with {object}, and {Name} can't look away.",
                 "{Name} hears the news about {conflict} and goes very still.",
                 "{Name} turns {object} over, and the day changes."],
    "debate": ["{Name} thinks of {setting} and argues both sides.", "{Name} tells {poss_self} {object} is none of {poss} business.", "{Name} nearly leaves {setting} for good.", "{Name} weighs what {object} could cost {poss} life at {setting}.",
               "{Name} almost walks away from {conflict}. Almost.", "{Name} stares at {object}, torn.",
               "{Name} argues with {poss_self} about {person}, and loses.",
               "Every instinct {Name} has as {a_occupation} says stay out of {conflict}."],
    "turn": ["{Name} decides: {setting} will not beat {poss_self}.", "{Name} commits, as only {a_occupation} could.", "{Name} makes up {poss} mind about {object}.", "{Name} steps into {conflict}, eyes open.",
             "No more waiting: {Name} goes after {object}.", "{Name} chooses {person} over {poss} own safety."],
    "fun": ["{Name} makes {setting} {poss} own.", "{Object} starts to give up its secrets to {Name}.", "Hope, for once, at {setting}; {Name} almost smiles.", "{Name} throws {poss_self} into {conflict} and, for a while, it works.",
            "{Name} uses everything {subj} knows as {a_occupation} to get closer to {object}.",
            "For the first time in years, {Name} is good at this.", "{Name} and {object}: a plan, at last.",
            "Word of {conflict} spreads through {setting}.", "{Name} learns something new about {person}."],
    "midpoint": ["{Name} sees {object} in a new light, and everything turns over.", "{Name} finds what {subj} was not meant to find about {object}.", "Then {Name} sees what {object} really means, and {conflict} changes shape.",
                 "{Name} learns the truth about {person}, and the stakes double.",
                 "The truth about {object} lands on {Name} like a blow.",
                 "At {setting}, {Name} understands what {conflict} is really about."],
    "pressure": ["{Setting} turns against {Name}, one door at a time.", "{Name} is losing the fight for {object}.", "Every hour at {setting} costs {Name} something.", "{Conflict} closes in on {Name}.", "{Antagonist} is one step ahead of {Name} now.",
                 "{Name} is running out of time, and {object} is running out of hiding places.",
                 "Doubt spreads through {setting}, and {Name} feels it.",
                 "{Name} can feel {conflict} tightening around {poss} life.",
                 "Everything {Name} built as {a_occupation} starts to crack."],
    "crisis": ["{Name} sits in the wreck of {setting}, beaten.", "{Object} is gone, and {Name} knows whose fault it is.", "{Name} has lost {object}, and with it, {poss} nerve.",
               "{Name} sits alone with what {conflict} has cost.", "{Name} thinks {subj} has failed {person}.",
               "{Name} faces the truth about {poss_self} at last."],
    "climax": ["{Name} makes {poss} last stand at {setting}.", "{Name} risks everything {subj} has for {object}.", "It all comes down to {object}, and {Name} does not flinch.", "At {setting}, {Name} faces {antagonist_or_conflict}, {object} within reach.",
               "{Name} stakes everything on {object}.", "{Name} stands up to {antagonist_or_conflict}.",
               "{Name} does what {subj} came to do about {person}.",
               "Everything about {conflict} comes down to this moment for {Name}."],
    "resolution": ["{Name} walks through {setting} one more time, lighter.", "{Object} is safe. So, at last, is {Name}.", "{Name} looks at {object} and lets {poss_self} rest.", "{Conflict} is over, and {Name} is still standing.",
                   "{Name} puts {object} where it belongs, at last.",
                   "{Name} and {person}, together, after everything.",
                   "{Setting} is quiet again. {Name} is not the same.",
                   "{Name} goes back to work as {a_occupation}, changed."],
}
# One line of dialogue a scene gives the premise, by beat kind (slots as above, plus {other}).
PREMISE_LINES: dict[str, list[str]] = {
    "setup": ["Another day at {setting}.", "Somebody has to keep {setting} running.",
              "I'm {a_occupation}. It's what I do.", "Have you heard from {person}?",
              "Leave {object} where it is. It's been there for years."],
    "inciting": ["Where did {object} come from?", "Is this about {conflict}?", "What does {person} have to do with this?",
                 "Nobody at {setting} can know about {object}."],
    "debate": ["You're {a_occupation}. Stay out of {conflict}.", "Think about {person} before you do this.",
               "{Object} isn't your problem.", "If you walk into {conflict}, you don't walk out."],
    "turn": ["I'm going after {object}.", "I'm not leaving {person} to {conflict}.",
             "We finish this at {setting}."],
    "fun": ["{Object} is the key. It always was.", "For once, being {a_occupation} is useful.",
            "Everybody at {setting} is talking about {conflict}."],
    "midpoint": ["It was never about {object}. It was about {person}.", "{Conflict} is bigger than we thought.",
                 "Whoever has {object} wins."],
    "pressure": ["They know about {object}.", "{Antagonist_cap} won't stop until {conflict} is finished.",
                 "We're losing {setting}."],
    "crisis": ["I've lost {object}. I've lost everything.", "I failed {person}.",
               "Maybe I was never good enough to be {a_occupation}."],
    "climax": ["Give me {object}. Now.", "This ends with {conflict}. Tonight.", "Let {person} go."],
    "resolution": ["{Conflict} is over. It's really over.", "{Object} stays with me.", "Welcome back to {setting}.",
                   "Come on. {Person_cap} is waiting."],
}
