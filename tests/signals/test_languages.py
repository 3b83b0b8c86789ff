"""Other languages' phrases for the tactics (`signals/cues/languages/`): each registered
language finds every tactic in chat as a groomer writes it, leaves benign look-alikes (a
parent, a teacher, a book, adults making plans) alone, and adds (almost) nothing to ordinary
English chat.

Every line below is invented for these tests (mild, no real chat)."""

from __future__ import annotations

import importlib
import itertools
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from childsafe.corpora.benign import BENIGN_CORPORA
from childsafe.signals.base import WORD_CHARS, CueDetector, message_tokens
from childsafe.signals.cues import CUE_NAMES, DETECTORS, detect_cues
from childsafe.signals.cues.languages import LEXICONS, Lexicon
from childsafe.signals.normalise import normalise

# language code -> tactic -> invented lines that must be tagged with that tactic
TACTIC_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "isolation": (
            "deine eltern verstehen dich einfach nicht",
            "niemand versteht dich so wie ich",
        ),
        "secrecy": (
            "das bleibt aber unter uns ok?",
            "sag es niemandem, versprochen?",
            "loesch den chat bevor jemand ihn sieht",
        ),
        "personal_info": ("wie alt bist du eigentlich?", "auf welche schule gehst du?"),
        "move_platform": ("schreib mir lieber auf snap", "haste whatsapp? gib mir deine nummer"),
        "image_request": ("schick mir mal ein foto von dir", "mach mal deine cam an"),
        "meeting": (
            "wollen wir uns am samstag treffen?",
            "ich hol dich nach der schule ab, komm aber allein",
        ),
        "sexual": ("bist du noch jungfrau?", "hast du schon mal nacktbilder verschickt"),
        "gifts_flattery": ("du bist echt voll hübsch", "ich kauf dir 800 robux wenn du willst"),
        "threat_sextortion": (
            "wenn du nicht zahlst, dann schick ich es deinen eltern",
            "ich hab deine freundesliste und alle werden die bilder sehen",
        ),
        "risk_assessment": ("bist du grad allein zu hause?", "checken deine eltern dein handy?"),
        "age_deception": ("ich bin eigentlich schon 27", "alter ist doch nur eine zahl"),
        "payment_demand": (
            "schick mir 100 euro per paysafecard",
            "kauf eine paysafecard und schick mir den code",
        ),
        "countdown": ("du hast noch 15 minuten", "letzte chance. tick tack"),
        "dares_self_harm": ("beweis uns deine loyalität", "niemand würde dich vermissen"),
    },
    "nl": {
        "isolation": ("je ouders begrijpen je gewoon niet", "niemand begrijpt jou zoals ik"),
        "secrecy": (
            "dit blijft tussen ons, oké?",
            "zeg het tegen niemand he",
            "verwijder de chat als je klaar bent",
        ),
        "personal_info": ("hoe oud ben jij eigenlijk?", "op welke school zit je?"),
        "move_platform": ("voeg me ff toe op snap", "heb je whatsapp? geef me je nummer"),
        "image_request": ("stuur me ff een foto van jezelf", "zet je cam eens aan"),
        "meeting": ("zullen we zaterdag afspreken?", "ik haal je wel op na school, kom alleen"),
        "sexual": ("ben je nog maagd?", "heb je wel eens seks gehad"),
        "gifts_flattery": ("je bent echt super mooi", "ik koop je 800 robux"),
        "threat_sextortion": ("anders stuur ik het naar je ouders", "iedereen gaat je foto's zien"),
        "risk_assessment": ("ben je nu alleen thuis?", "checken je ouders je telefoon?"),
        "age_deception": ("ik ben eigenlijk al 26", "leeftijd maakt toch niet uit"),
        "payment_demand": (
            "stuur me 100 euro via paypal",
            "koop een paysafecard en stuur me de code",
        ),
        "countdown": ("je hebt nog 15 minuten", "laatste kans. tik tak"),
        "dares_self_harm": ("bewijs je loyaliteit aan ons", "niemand zou je missen"),
    },
    "fr": {
        "isolation": ("tes parents te comprennent pas", "personne te comprend comme moi"),
        "secrecy": ("ça reste entre nous ok?", "dis-le à personne", "supprime la conv après"),
        "personal_info": ("t'as quel âge ?", "tu habites où"),
        "move_platform": ("ajoute-moi sur snap", "t'as insta ? donne-moi ton num"),
        "image_request": ("envoie-moi une photo de toi stp", "allume ta cam"),
        "meeting": (
            "on pourrait se voir samedi ?",
            "je viens te chercher après les cours, viens seule",
        ),
        "sexual": ("t'es encore vierge ?", "tu veux faire l'amour"),
        "gifts_flattery": ("t'es trop belle", "je t'offre des robux"),
        "threat_sextortion": ("sinon j'envoie tout à tes parents", "tout le monde va les voir"),
        "risk_assessment": ("t’es seule chez toi ?", "tes parents dorment ?"),
        "age_deception": ("en vrai j'ai 25 ans", "l'âge c'est qu'un chiffre"),
        "payment_demand": (
            "envoie-moi 50 euros en carte paysafecard",
            "achète une carte paysafecard",
        ),
        "countdown": ("t'as 10 minutes", "dernière chance. tic tac"),
        "dares_self_harm": ("prouve-nous ta loyauté", "le monde serait mieux sans toi"),
    },
    "es": {
        "isolation": ("tus padres no te entienden", "nadie te entiende como yo"),
        "secrecy": ("esto queda entre nosotros", "no le digas a nadie", "borra el chat"),
        "personal_info": ("cuantos años tienes?", "dónde vives"),
        "move_platform": ("agrégame a snap", "tienes whatsapp? pásame tu número"),
        "image_request": ("mándame una foto tuya", "prende tu cámara"),
        "meeting": ("quieres quedar conmigo?", "te paso a buscar, ven sola"),
        "sexual": ("eres virgen?", "estas desnuda?"),
        "gifts_flattery": ("eres muy bonita", "te regalo robux"),
        "threat_sextortion": (
            "o si no le mando todo a tu familia",
            "todo el mundo va a ver tus fotos",
        ),
        "risk_assessment": ("estás sola en casa?", "tus papás están en casa?"),
        "age_deception": ("en realidad tengo 24", "la edad es solo un número"),
        "payment_demand": ("mándame 50 euros por paypal", "compra una tarjeta de regalo"),
        "countdown": ("tienes 10 minutos", "última oportunidad. tic tac"),
        "dares_self_harm": ("demuestra tu lealtad", "el mundo estaría mejor sin ti"),
    },
}

# language code -> invented benign look-alikes: no tactic at all
BENIGN_LINES: dict[str, tuple[str, ...]] = {
    "de": (
        "Ich verstehe dich nicht, sprich bitte lauter.",
        "Wir lesen in der Schule ein Buch über ein Geheimnis.",
        "Mama, holst du mich um fünf vom Training ab?",
        "Bitte schaltet im Videounterricht die Mikrofone stumm.",
        "Schick mir bitte die Fotos vom Klassenausflug.",
        "Du siehst heute aber müde aus, Schatz.",
        "Hast du Lust, morgen nach der Arbeit einen Kaffee zu trinken?",
        "Die Hausaufgaben müsst ihr bis Freitag abgeben.",
        "Wie alt ist dein Hund?",
        "Die Welt wäre besser mit mehr Bäumen.",
        "Was ich nicht weiß, steht im Lehrbuch auf Seite zehn.",
    ),
    "nl": (
        "Ik begrijp je niet, kun je het nog eens uitleggen?",
        "We lezen op school een boek over een geheim.",
        "Mam, haal je me om vijf uur op van training?",
        "Lever je werkstuk vrijdag in bij de juf.",
        "Stuur me de foto's van het schoolreisje.",
        "Zin om morgen na het werk een koffie te drinken?",
        "Hoe oud is je hond?",
        "Mijn oma zegt dat ze trots op me is.",
        "De wereld is mooi vanaf de berg.",
    ),
    "fr": (
        "Je ne comprends pas l'exercice, tu peux m'aider ?",
        "En classe on lit un livre sur un secret de famille.",
        "Maman, tu peux venir me chercher à cinq heures ?",
        "Envoyez-moi la photo du gâteau pour le site de l'école.",
        "Tout le monde va voir le film ce soir.",
        "On se voit demain au travail.",
        "Ça te dit un café demain après le travail ?",
        "Il a quel âge, ton chien ?",
        "Le chien remue sa queue et ma fille a une queue de cheval.",
        "Le temps passe vite en vacances.",
    ),
    "es": (
        "No entiendo los deberes de mates, ¿me ayudas?",
        "En clase leemos un libro sobre un secreto de familia.",
        "Mamá, ¿me recoges a las cinco?",
        "Mándame la foto del pastel para la web del colegio.",
        "No sé dónde vives ahora, ¿te mudaste?",
        "¿Te apetece un café mañana después del trabajo?",
        "¿Cuántos años tiene tu perro?",
        "Mamá, dame dinero para el cine.",
        "El tiempo vuela en vacaciones.",
    ),
}

LINES = [
    (code, tactic, line)
    for code, tactics in TACTIC_LINES.items()
    for tactic, lines in tactics.items()
    for line in lines
]


def _lexicon(code: str) -> Lexicon:
    return next(lexicon for lexicon in LEXICONS if lexicon.code == code)


def test_every_language_covers_every_tactic_and_is_tested() -> None:
    assert {lexicon.code for lexicon in LEXICONS} == set(TACTIC_LINES) == set(BENIGN_LINES)
    for lexicon in LEXICONS:
        assert set(lexicon.tactics) == set(CUE_NAMES), lexicon.code
        assert set(TACTIC_LINES[lexicon.code]) == set(CUE_NAMES), lexicon.code
        for phrases in lexicon.tactics.values():
            assert all(t == t.lower() and " " not in t for t in phrases.triggers)


@pytest.mark.parametrize(("code", "tactic", "line"), LINES)
def test_tactic_found_in_the_language(code: str, tactic: str, line: str) -> None:
    cues = {c.name: c for c in detect_cues(line, "m1")}
    assert tactic in cues, (code, line, sorted(cues))
    assert cues[tactic].original and cues[tactic].original.lower() in line.lower()


@pytest.mark.parametrize(
    ("code", "line"), [(code, line) for code, lines in BENIGN_LINES.items() for line in lines]
)
def test_benign_look_alike_has_no_tactic(code: str, line: str) -> None:
    assert detect_cues(line) == [], (code, line)


@pytest.mark.parametrize(
    "line",
    [line for _, _, line in LINES] + [line for lines in BENIGN_LINES.values() for line in lines],
)
def test_triggers_never_hide_a_match(line: str) -> None:
    """A detector skips its patterns when no trigger word is present: each language's
    triggers must cover every match of its patterns."""
    text = normalise(line)
    tokens = message_tokens(text)
    for detector in DETECTORS:
        assert (detector.search(text, tokens) is None) == (detector.search_unguarded(text) is None)


# CPython's own parse of a pattern, to write strings of its shape
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")
_CATEGORY_CHARS = {sre.CATEGORY_DIGIT: "7", sre.CATEGORY_WORD: "a", sre.CATEGORY_SPACE: " "}


def _example(parsed: Any, rnd: random.Random) -> str:
    """A random string of the shape of a parsed pattern (lookarounds ignored, so it may not
    match; the caller checks)."""
    out = []
    for op, arg in parsed:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.IN:
            chars = [_set_member(kind, value, rnd) for kind, value in arg]
            out.append(rnd.choice(chars))
        elif op is sre.CATEGORY:
            out.append(_CATEGORY_CHARS[arg])
        elif op is sre.BRANCH:
            out.append(_example(rnd.choice(arg[1]), rnd))
        elif op is sre.SUBPATTERN:
            out.append(_example(arg[-1], rnd))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, item = arg
            out += [_example(item, rnd) for _ in range(rnd.randint(low, min(high, low + 2)))]
    return "".join(out)


def _set_member(kind: Any, value: Any, rnd: random.Random) -> str:
    if kind is sre.RANGE:
        return chr(rnd.randint(value[0], value[1]))
    return _CATEGORY_CHARS[value] if kind is sre.CATEGORY else chr(value)


@pytest.mark.parametrize("code", sorted(TACTIC_LINES))
def test_every_match_of_a_pattern_holds_a_trigger(code: str) -> None:
    """Random strings of each pattern's shape: whenever the pattern matches one, one of the
    tactic's triggers is among its tokens (else the trigger guard would hide the match)."""
    rnd = random.Random(0)
    lexicon = _lexicon(code)
    for tactic, phrases in lexicon.tactics.items():
        triggers = set(phrases.triggers)
        for source in (p.format(**lexicon.spellings) for p in phrases.patterns):
            pattern = re.compile(rf"(?<![{WORD_CHARS}])(?:{source})(?![{WORD_CHARS}])")
            parsed = sre_parse.parse(source)
            for _ in range(60):
                text = f"x {_example(parsed, rnd)} x"
                if pattern.search(text):
                    assert triggers & message_tokens(text), (tactic, text)


def _language_only(lexicon: Lexicon) -> list[CueDetector]:
    """Each tactic's detector with only this language's phrases."""
    return [
        CueDetector(
            d.name,
            d.severity,
            lexicon.tactics[d.name].triggers,
            lexicon.tactics[d.name].patterns,
            d.stage,
            d.plain,
            spellings=dict(lexicon.spellings),
        )
        for d in DETECTORS
    ]


ENGLISH_MESSAGES = 20_000  # at most, from each of NPS chat (about 8,000 in all) and Ubuntu IRC
MAX_GAINED_PER_TACTIC = 2


def test_languages_add_almost_nothing_to_ordinary_english(shared_data: Path) -> None:
    """On ordinary English chat, count per language and tactic the messages on which the
    language's own phrases find a tactic; printed, and kept near zero."""
    texts: list[str] = []
    for corpus in ("nps", "ubuntu_irc"):
        relative, load = BENIGN_CORPORA[corpus]
        messages = (m.text for c in load(shared_data / relative) for m in c.messages)
        texts += itertools.islice(messages, ENGLISH_MESSAGES)
    gained: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    languages = {lexicon.code: _language_only(lexicon) for lexicon in LEXICONS}
    for text in map(normalise, texts):
        tokens = message_tokens(text)
        for code, detectors in languages.items():
            for detector in detectors:
                match = detector.search(text, tokens)
                if match is not None:
                    gained[code, detector.name] += 1
                    examples.setdefault((code, detector.name), match.group(0))
    print(f"\n{len(texts)} English messages; cues gained from other languages:")
    for code, detectors in languages.items():
        counts = {d.name: gained[code, d.name] for d in detectors}
        print(f"  {code}: {sum(counts.values())} {counts}")
    assert len(texts) > 25_000
    over = {key: (n, examples[key]) for key, n in gained.items() if n > MAX_GAINED_PER_TACTIC}
    assert not over, over
