"""Irregular English verb forms and their base: "met" is a form of "meet", as "meeting" is.

The Porter stemmer strips regular endings ("declined" -> "declin", "meeting" -> "meet") but cannot know that "met",
"held", "taken" or "written" are forms of "meet", "hold", "take" and "write". A question asks "When did the
meeting take place?" of a text that says "Kono met with Ivanov": without the base form the two share no word.
The table holds the past tense and past participle of common irregular verbs. Forms that are as often another word
are left out, so that no noun or adjective is read as a verb: "left" (the side), "found" (to found), "saw" (the
tool), "bound" (a limit), "felt" (the cloth), "rose", "ground", "wound", "lay", "lead" (the metal: "led" stays in,
it is only a verb), "spent" (used up), "lit", "bit" (a bit), "shot" (a screenshot),
"given" ("the given URL").
"""

from __future__ import annotations

# base: its irregular forms (past tense, past participle)
_FORMS: dict[str, tuple[str, ...]] = {
    "arise": ("arose", "arisen"), "awake": ("awoke", "awoken"), "bear": ("bore", "borne"),
    "beat": ("beaten",), "become": ("became",), "begin": ("began", "begun"), "bend": ("bent",),
    "bite": ("bitten",), "bleed": ("bled",), "blow": ("blew", "blown"), "break": ("broke", "broken"),
    "breed": ("bred",), "bring": ("brought",), "build": ("built",), "burn": ("burnt",), "buy": ("bought",),
    "catch": ("caught",), "choose": ("chose", "chosen"), "cling": ("clung",), "come": ("came",),
    "creep": ("crept",), "deal": ("dealt",), "dig": ("dug",), "draw": ("drew", "drawn"),
    "drink": ("drank", "drunk"), "drive": ("drove", "driven"), "eat": ("ate", "eaten"),
    "fall": ("fell", "fallen"), "feed": ("fed",), "fight": ("fought",), "flee": ("fled",),
    "fly": ("flew", "flown"), "forbid": ("forbade", "forbidden"), "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"), "freeze": ("froze", "frozen"), "get": ("got", "gotten"),
    "give": ("gave",), "go": ("went", "gone"), "grow": ("grew", "grown"), "hang": ("hung",),
    "hear": ("heard",), "hide": ("hid", "hidden"), "hold": ("held",), "keep": ("kept",), "kneel": ("knelt",),
    "know": ("knew", "known"), "lead": ("led",), "lend": ("lent",), "lose": ("lost",), "make": ("made",),
    "mean": ("meant",), "meet": ("met",), "mistake": ("mistook", "mistaken"), "overcome": ("overcame",),
    "override": ("overrode", "overridden"), "overtake": ("overtook", "overtaken"), "pay": ("paid",),
    "rewrite": ("rewrote", "rewritten"), "ride": ("rode", "ridden"), "ring": ("rang", "rung"),
    "rise": ("risen",), "run": ("ran",), "say": ("said",), "see": ("seen",), "seek": ("sought",),
    "sell": ("sold",), "send": ("sent",), "shake": ("shook", "shaken"), "shine": ("shone",),
    "show": ("shown",), "shrink": ("shrank", "shrunk"), "sing": ("sang", "sung"),
    "sink": ("sank", "sunk"), "sit": ("sat",), "sleep": ("slept",), "slide": ("slid",),
    "speak": ("spoke", "spoken"), "speed": ("sped",), "spin": ("spun",), "spring": ("sprang", "sprung"),
    "stand": ("stood",), "steal": ("stole", "stolen"), "stick": ("stuck",), "sting": ("stung",),
    "stride": ("strode", "stridden"), "strike": ("struck", "stricken"), "strive": ("strove", "striven"),
    "swear": ("swore", "sworn"), "sweep": ("swept",), "swim": ("swam", "swum"), "swing": ("swung",),
    "take": ("took", "taken"), "teach": ("taught",), "tear": ("tore", "torn"), "tell": ("told",),
    "think": ("thought",), "throw": ("threw", "thrown"), "tread": ("trod", "trodden"),
    "undergo": ("underwent", "undergone"), "understand": ("understood",), "undertake": ("undertook", "undertaken"),
    "undo": ("undid", "undone"), "wake": ("woke", "woken"), "wear": ("wore", "worn"), "weep": ("wept",),
    "win": ("won",), "withdraw": ("withdrew", "withdrawn"), "withhold": ("withheld",), "write": ("wrote", "written"),
}

BASE_FORM: dict[str, str] = {form: base for base, forms in _FORMS.items() for form in forms}


# Nouns made of a verb whose stem the Porter stemmer does not share with it: "submission" (submiss) of "submit",
# "description" (descript) of "describe", "conclusion" (conclus) of "conclude". Only families where every member is
# the verb's noun ("revision" is no "revide", "precision" no "precide").
_NOUN_OF_VERB = (("missions", "mit"), ("mission", "mit"), ("scriptions", "scribe"), ("scription", "scribe"),
                 ("clusions", "clude"), ("clusion", "clude"))
_NOUNS = {"decision": "decide", "decisions": "decide"}


def base_form(word: str) -> str:
    """The base of an irregular verb form ("met" -> "meet") or of a verb's noun the stemmer cannot join to it
    ("submission" -> "submit"); any other lowercase word as it is."""
    base = BASE_FORM.get(word) or _NOUNS.get(word)
    if base:
        return base
    for ending, verb in _NOUN_OF_VERB:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)] + verb
    return word
