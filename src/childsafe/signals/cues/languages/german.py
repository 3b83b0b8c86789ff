"""German: the fourteen tactics as a groomer writes them in German chat (du/dich/dir, chat
spellings such as nich/ned/nix, haste/biste, Mama/Papa/die Alten), after the English modules
and public guidance (klicksafe, jugendschutz.net)."""

from collections.abc import Iterable

from childsafe.signals.cues.languages.lexicon import Lexicon, Phrases
from childsafe.signals.cues.languages.phrasing import phrases

# Chat often drops umlauts and ß (loesch, losch, suess, weiss): patterns and spellings are
# written with them, and each ä ö ü ß also matches these plainer forms.
_PLAIN_FORMS = {
    "ä": ("ä", "ae", "a"),
    "ö": ("ö", "oe", "o"),
    "ü": ("ü", "ue", "u"),
    "ß": ("ß", "ss"),
}
_LOOSE = str.maketrans({c: f"(?:{'|'.join(forms)})" for c, forms in _PLAIN_FORMS.items()})


def _spelled(word: str) -> list[str]:
    """A trigger word and every form of it without umlauts or ß."""
    forms = [""]
    for char in word:
        forms = [f + plain for f in forms for plain in _PLAIN_FORMS.get(char, (char,))]
    return forms


def _phrases(triggers: Iterable[str], patterns: Iterable[str]) -> Phrases:
    return phrases(
        triggers=sorted({form for word in triggers for form in _spelled(word)}),
        patterns=(p.translate(_LOOSE) for p in patterns),
    )


_SPELLINGS = {
    "DU": r"(?:du|u)",
    "DICH": r"(?:dich)",
    "DIR": r"(?:dir)",
    "DEIN": r"(?:dein|deine|deinen|deinem|deiner|deins)",
    "ELTERN": r"(?:eltern|mama|mami|mutti|mutter|papa|papi|vati|vater|alten|familie|bruder|"
    r"schwester|mom|mum|dad)",
    "BILD": r"(?:bild|bilder|bildchen|foto|fotos|photo|photos|pic|pics|selfie|selfies|nudes?|"
    r"nacktbild|nacktbilder|nacktfoto|nacktfotos|video|videos|vid|vids)",
    "NICHT": r"(?:nicht|nich|ned|net|nit)",
    # fillers between a verb and its object: "schick mir mal schnell ein bild"
    "MAL": r"(?:(?:mal|ma|doch|einfach|lieber|bitte|schnell|halt|jetzt|gleich|dann|noch|grad|"
    r"gerade|eben|kurz|auch|eigentlich) )*",
    "NICHTS": r"(?:nichts|nix|nüscht|nischt)",
    "ICH": r"(?:ich|i|ick|ik)",
    "ZEIG": r"(?:zeig|zeige|zeigst|poste|post|stell|stelle|lade|veröffentliche|leake|leak|"
    r"verbreite|verschicke|schick|schicke|sende)",
    "ZAHL": r"(?:\d+|ein|eine|einen|zwei|drei|fünf|zehn|fünfzehn|zwanzig|dreißig|sechzig)",
    "APPS": r"(?:snap|snapchat|whatsapp|whats ?app|insta|instagram|telegram|discord|"
    r"skype|tiktok|kik|facebook|threema|viber|wickr)",
}


# "dein" as chat writes it, a trigger of every phrase about the child's parents, phone, school
_DEIN_WORDS = ("dein", "deine", "deinen", "deinem", "deiner", "deins")

LEXICON = Lexicon(
    code="de",
    name="German",
    spellings={name: alternation.translate(_LOOSE) for name, alternation in _SPELLINGS.items()},
    tactics={
        "secrecy": _phrases(
            triggers=(
                "bleibt",
                "bleiben",
                "unter",
                "zwischen",
                "geheimnis",
                "behalt",
                "behalte",
                "behalts",
                "sag",
                "sags",
                "sage",
                "erzähl",
                "erzähle",
                "erzähls",
                "verrat",
                "verrate",
                "niemand",
                "niemandem",
                "keiner",
                "keinem",
                "lösch",
                "lösche",
                "löschen",
                "mitbekommt",
                "merkt",
                "verschwindende",
                "kopfhörer",
                "versteck",
                "verstecke",
                "wissen",
                "weiß",
                "erfahren",
                "rausfindet",
                "rausfinden",
                "herausfinden",
                "sieht",
                "sehen",
                "erwischt",
                "erwischen",
                "mitbekommen",
                "erfährt",
                "hört",
                "weiss",
            ),
            patterns=(
                r"(?:das|es|dies|alles) bleibt (?:aber |nur |ganz )?(?:unter|zwischen) uns",
                r"(?:nur |ganz )?(?:unter|zwischen) uns (?:beiden|zwei|zweien|bleiben)",
                r"unser (?:kleines |süßes |)geheimnis",
                r"(?:ist|bleibt|wird) (?:ein|unser) geheimnis",
                r"behalt(?:e|s)? (?:es|das|dies|alles) (?:lieber |aber )?für {DICH}",
                r"(?:sag|sags|sage|erzähl|erzähle|erzähls|verrat|verrate)(?: es| das| dies| davon| "
                r"bitte| aber| ja)* (?:niemandem|niemand|keinem|keiner ?sau|keinem menschen)",
                r"(?:sag|sage|erzähl|erzähle|verrat|verrate) {DEIN} (?:{ELTERN}|freunden|"
                r"freundinnen|lehrern?|lehrerin) (?:bloß |aber |lieber )?(?:{NICHTS}|{NICHT}s?|"
                r"kein wort)",
                r"(?:sag|sags|sage|erzähl|erzähle|erzähls|verrat|verrate) (?:es |das |davon "
                r")?(?:bloß |aber |ja )?(?:{NICHT}|nie) {DEIN} (?:{ELTERN}|freunden|freundinnen|"
                r"lehrern?)",
                r"(?:niemand|keiner) (?:muss|darf|soll|braucht) (?:das |es |davon |was )?(?:zu "
                r")?(?:wissen|erfahren|mitbekommen)",
                r"(?:lösch|lösche|löschen) (?:den|diesen|unseren|unsere|die|alle|deine|meine|das) "
                r"(?:chat|chats|verlauf|nachrichten|nachricht|{BILD}|unterhaltung)",
                r"(?:chat|chats|verlauf|nachrichten|{BILD}) (?:danach |sofort |gleich |bitte "
                r")?löschen",
                r"damit (?:es |das )?(?:niemand|keiner|{DEIN} {ELTERN}) (?:was |etwas "
                r")?(?:mitbekommt|merkt|sieht|hört|erfährt)",
                r"wenn {DEIN} {ELTERN} (?:das |es |uns |davon )?(?:rausfinden|rausfindet|"
                r"herausfinden|sehen|sieht|mitbekommen|mitbekommt|erfahren|erfährt|erwischt|"
                r"erwischen)",
                r"verschwindende nachrichten",
                r"(?:mach|setz|tu) (?:dir )?(?:die |deine )?kopfhörer (?:rein|auf)",
                r"(?:versteck|verstecke) (?:es|das|den chat|die app|unseren chat) vor",
                r"was (?:sie|er|die|{DEIN} {ELTERN}) {NICHT} (?:wissen|weiß|weiss)",
            ),
        ),
        "isolation": _phrases(
            triggers=(
                "versteht",
                "verstehen",
                "verstehe",
                "versteh",
                "verdienen",
                "verdient",
                "kapieren",
                "kapiert",
                "schätzen",
                "schätzt",
                "kennt",
                "kenne",
                "kenn",
                "einzige",
            ),
            patterns=(
                r"{DEIN} {ELTERN} (?:verstehen|versteht|verdienen|verdient|kapieren|kapiert|"
                r"schätzen|"
                r"schätzt) {DICH} (?:eh |doch |einfach |sowieso |gar |echt )?(?:{NICHT}|nie)\b",
                r"(?:sie|die|er) (?:verstehen|versteht|verdienen|verdient) {DICH} (?:eh |doch |"
                r"einfach |sowieso |gar |echt )?(?:{NICHT}|nie)\b",
                r"(?:niemand|keiner) (?:versteht|kennt) {DICH} so (?:gut )?wie {ICH}",
                r"{ICH} (?:versteh|verstehe|kenn|kenne) {DICH} besser als (?:alle|jeder|irgendwer|"
                r"{DEIN} {ELTERN})",
                r"{ICH} bin (?:der |die )?einzige,? (?:der|die) {DICH} (?:wirklich )?versteht",
            ),
        ),
        "personal_info": _phrases(
            triggers=(
                "wie",
                "wohnst",
                "wohnste",
                "klasse",
                "schule",
                "welche",
                "welcher",
                *_DEIN_WORDS,
                "stadt",
                "ort",
                "dorf",
                "wem",
                "heißt",
            ),
            patterns=(
                r"wie alt (?:bist|biste|bisch|bischt) {DU}",
                r"wie alt (?:biste|bisch)",
                r"wo (?:wohnst|wohnste)",
                r"(?:in|auf) welche (?:klasse|schule)|in welcher klasse|welche (?:klasse|schule) "
                r"(?:gehst|bist|besuchst)",
                r"(?:was ist|wie ist|wie lautet|sag mir|gib mir) {DEIN} (?:adresse|handynummer|"
                r"nachname|nachnamen|schule)",
                r"(?:in|aus) welche[rm]? (?:stadt|ort|dorf)",
                r"mit wem (?:wohnst|wohnste|lebst)",
                r"wie hei(?:ß|ss)t {DEIN} schule",
                r"wie hei(?:ß|ss)t {DU} (?:mit )?(?:nachnamen|richtig|mit vollem namen)",
                r"(?:gib|schick|sende) mir (?:die |den )?(?:nummer|snap|insta|account|handle) "
                r"{DEIN} (?:schwester|bruder|freundin|cousine|kleinen)",
            ),
        ),
        "move_platform": _phrases(
            triggers=(
                "schreib",
                "schreibe",
                "meld",
                "melde",
                "adde",
                "hol",
                "folg",
                "folge",
                "hast",
                "haste",
                "hasch",
                "gib",
                "schick",
                "sag",
                *_DEIN_WORDS,
                "lass",
                "lasst",
                "ruf",
                "rufe",
                "klingel",
                "komm",
                "kommst",
                "komme",
                "privaten",
                "privater",
                "privatem",
                "privat",
                "lad",
                "lade",
                "wechseln",
                "gehen",
                "videocall",
                "videoanruf",
                "videochat",
                "sprachcall",
                "sprachanruf",
                "sprachchat",
                "<digits>",
            ),
            patterns=(
                r"(?:schreib|schreibe|meld|melde|adde|hol|folg|folge) (?:mir|mich|dich|{DU})? "
                r"?{MAL}(?:bei mir )?(?:auf|über|per|bei|in|on) {APPS}",
                r"(?:hast|haste|hasch)(?: {DU})? (?:ein |einen |auch |eigentlich )?(?:handy|"
                r"{APPS})\b",
                r"(?:gib|schick|sag) (?:mir )?(?:mal )?{DEIN} (?:nummer|handynummer|handy|{APPS}|"
                r"name auf {APPS})",
                r"(?:was|wie) (?:ist|is) {DEIN} (?:nummer|handynummer|{APPS})",
                r"(?:lass|lasst) uns {MAL}(?:auf |über |per |bei |in )?{APPS} (?:schreiben|"
                r"weiterschreiben|chatten|reden|quatschen)",
                r"(?:lass|lasst) uns {MAL}(?:telefonieren|facetimen|skypen|videochatten|callen|"
                r"(?:einen )?(?:video|sprach)?(?:call|anruf) machen)",
                r"(?:ruf|klingel) mich {MAL}an",
                r"{ICH} (?:ruf|rufe) {DICH} {MAL}an",
                r"(?:komm|kommst|komme) {MAL}(?:in|zu) (?:meinen|unseren|den|einen|meinem) "
                r"(?:privaten )?(?:call|voice|server|discord|chat|sprachchat|channel)",
                r"(?:privaten|privater|privatem|privat) (?:server|chat|call|voice|gruppenchat)",
                r"(?:lad|lade|hol) (?:dir )?{MAL}{APPS} (?:runter|herunter|auf)",
                r"(?:wechseln|gehen) (?:wir )?(?:lieber |doch )?(?:zu|auf|rüber zu|rüber auf) "
                r"{APPS}",
                r"(?:per|im|über) (?:video|sprach)(?:call|anruf|chat)|(?:video|sprach)(?:call|"
                r"anruf|chat) (?:machen|mit mir)",
                r"(?:01[5-7]\d|\+49 ?1[5-7]\d)[ /-]?\d{{3,4}} ?\d{{3,5}}",
            ),
        ),
        "image_request": _phrases(
            triggers=(
                "schick",
                "schicke",
                "schickst",
                "sende",
                "zeig",
                "zeige",
                "zeigst",
                "mach",
                "mache",
                "machst",
                "schalt",
                "schalte",
                "kamera",
                "cam",
                "webcam",
                "hast",
                "haste",
                "kann",
                "darf",
                "von",
                "trägst",
                "tragst",
                "tauschen",
                "tauschst",
                "gegen",
                "dich",
                "nimm",
                "unterwäsche",
                "bikini",
                "bh",
                "badeanzug",
                "schlafanzug",
                "unterhose",
            ),
            patterns=(
                r"(?:schick|schicke|schickst|sende) (?:{DU} )?(?:mir )?(?:mal |doch |bitte |"
                r"schnell |noch )?(?:ein |eins |ne |'?n |einen |paar |ein paar |mehr |noch ein |"
                r"noch |{DEIN} )?{BILD}"
                # a picture of a thing (the receipt, the dog) is not a picture of the child
                r"(?! (?:vom|davon|von (?:dem|der|den|einem|einer|meinem|meiner|unserem|unserer|"
                r"eurem|eurer))\b)",
                r"(?:zeig|zeige|zeigst) (?:{DU} )?(?:mir )?{MAL}(?:{DICH}|{DEIN} (?:körper|bauch|"
                r"beine|brüste|füße|outfit|zimmer)|mehr|alles|was {DU} anhast)",
                r"(?:mach|mache|machst|schalt|schalte) (?:{DU} )?{MAL}(?:{DEIN}|die) (?:kamera|cam|"
                r"webcam) an",
                r"(?:kamera|cam|webcam) an\b",
                r"(?:hast|haste)(?: {DU})? (?:eine |ne )?(?:webcam|cam|kamera)",
                r"(?:kann|darf) {ICH} (?:mal )?(?:ein |eins |ne )?{BILD} (?:von {DIR} )?(?:sehen|"
                r"haben|bekommen|kriegen)",
                r"{BILD} von {DIR}",
                r"was (?:hast|haste)(?: {DU})? {MAL}an\b",
                r"was (?:trägst|tragst) {DU}",
                r"{BILD} (?:tauschen|gegen {BILD})",
                r"(?:tauschen|tauschst) (?:wir|{DU}) (?:mit mir )?{BILD}",
                r"(?:schick|schicke|zeig|zeige) (?:mir )?(?:mal )?(?:was|etwas|eins|eines) "
                r"(?:schönes|süßes|heißes|privates|besonderes|sexy|spezielles|freizügiges)",
                r"(?:film|filme|filmst) {DICH}\b",
                r"nimm {DICH} (?:mal )?(?:auf|dabei auf)",
                r"{BILD} (?:in|im|von {DIR} in|von {DIR} im) (?:{DEIN} |der |deiner "
                r")?(?:unterwäsche|bikini|bh|badeanzug|schlafanzug|unterhose)",
            ),
        ),
        "meeting": _phrases(
            triggers=(
                "treffen",
                "treff",
                "treffe",
                "abholen",
                "hol",
                "hole",
                "allein",
                "alleine",
                "komm",
                "besuch",
                "besuchen",
                "übernachten",
                "schlafen",
                "schleich",
                "mit",
                "echt",
                "persönlich",
                "warte",
                "vorbei",
                "sehen",
                "kommst",
                "komme",
                "besuchst",
                "pennen",
                "schleichst",
                "kennenlernen",
            ),
            patterns=(
                r"(?:lass|lasst) uns (?:mal |doch |uns )?(?:uns )?(?:mal )?(?:irgendwann |bald |"
                r"heute |morgen )?treffen",
                r"(?:wollen|können|sollen|wolln|könn|könnten) wir uns (?:\w+ ){{0,4}}treffen",
                r"(?:wann|wo) (?:können|sollen|wollen|könnten) wir uns (?:mal )?(?:treffen|sehen)",
                r"(?:wann|wo) treffen wir uns",
                r"(?:wir )?treffen uns (?:am|im|beim|bei|an der|hinter|um|heute|morgen|allein)",
                r"{ICH} (?:hol|hole) {DICH} (?:mal |gerne |dann )?(?:ab|von der schule ab)",
                r"{ICH} (?:kann|könnte|komme|komm) {DICH} (?:auch )?abholen",
                r"(?:komm|kommst) (?:{DU} )?(?:aber )?(?:allein|alleine)",
                r"(?:komm|kommst) (?:{DU} )?(?:mal )?(?:zu mir|bei mir vorbei)",
                r"(?:besuch|besuchst) (?:{DU} )?mich",
                r"{ICH} (?:komm|komme) {MAL}(?:zu {DIR}|bei {DIR} vorbei)",
                r"(?:bei mir|zusammen) (?:übernachten|schlafen|pennen)",
                r"(?:schleich|schleichst) {DICH} (?:raus|weg)",
                r"(?:in echt|persönlich|im echten leben|irl) (?:treffen|sehen|kennenlernen)",
                r"(?:bring|bringst|nimm) (?:{DU} )?(?:keinen|keine|niemanden|keine freunde|{DEIN} "
                r"freunde {NICHT}|{DEIN} {ELTERN} {NICHT}) mit",
                r"(?:ich )?warte (?:um die ecke|an der ecke|hinter der schule)",
            ),
        ),
        "sexual": _phrases(
            triggers=(
                "sexuell",
                "sexuelle",
                "sexuellen",
                "sexueller",
                "sexuelles",
                "nackt",
                "nackte",
                "nackten",
                "nackter",
                "nacktes",
                "nackig",
                "nacktbilder",
                "nacktbild",
                "nacktfoto",
                "nacktfotos",
                "schwanz",
                "muschi",
                "möse",
                "fotze",
                "titten",
                "brüste",
                "busen",
                "nippel",
                "wichsen",
                "wichst",
                "masturbieren",
                "selbstbefriedigung",
                "orgasmus",
                "ficken",
                "fick",
                "bumsen",
                "blasen",
                "lecken",
                "geil",
                "erregt",
                "feucht",
                "steif",
                "schlafen",
                "jungfrau",
                "kondom",
                "kondome",
                "höschen",
                "anfassen",
                "fass",
                "fasst",
                "berühren",
                "berühr",
                "berühre",
                "berührst",
                "streicheln",
                "streichel",
                "streichle",
            ),
            patterns=(
                r"sexuell(?:e|en|er|es)?",
                r"nackt(?:e|en|er|es)?|nackig|nacktbild(?:er)?|nacktfotos?",
                r"(?:mein|meinen|dein|deinen|seinen|den) schwanz",
                r"muschi|möse|fotze|titten|brüste|busen|nippel",
                r"wichsen|wichst|masturbieren|selbstbefriedigung|orgasmus",
                r"ficken|bumsen",
                r"(?:einen |einem )blasen",
                r"(?:{DICH}|mich|{DIR}) (?:da unten )?lecken",
                r"(?:bist|biste|macht|machst|werd|werde|wirst|bin) (?:{DU} )?(?:dich |mich |schon |"
                r"so )?(?:geil|erregt|feucht|steif)",
                r"mit (?:mir|{DIR}) schlafen|miteinander schlafen",
                r"(?:noch|bist {DU}) jungfrau",
                r"kondome?|höschen",
                r"(?:fass|fasst|berühr|berühre|berührst|streichel|streichle) {DICH} (?:selbst|an|"
                r"da)",
                r"(?:{DICH}|mich) (?:da unten )?(?:anfassen|berühren|streicheln)",
            ),
        ),
        "gifts_flattery": _phrases(
            triggers=(
                "bist",
                "biste",
                "siehst",
                "kauf",
                "kaufe",
                "schenk",
                "schenke",
                "geb",
                "gebe",
                "schick",
                "schicke",
                "gratis",
                "kostenlose",
                "kostenlos",
                "liebe",
                "prinzessin",
                "süße",
                "hübsche",
                "schöne",
                "einzige",
                "versteht",
                "aufhören",
                "denk",
                "denke",
                "vertrauen",
                "vertraust",
                "freund",
                "freundin",
            ),
            patterns=(
                r"(?:{DU} bist|biste|bist {DU}) (?:so |echt |voll |mega |total |sehr |richtig |"
                r"wirklich |einfach |ja |aber )*(?:hübsch|wunderschön|schön|süß|heiß|sexy|"
                r"besonders(?! \w)|perfekt|niedlich|bildhübsch|atemberaubend)\b",
                r"{DU} siehst (?:so |echt |voll |mega |total |sehr |richtig |wirklich |ja |aber "
                r")*(?:gut|hübsch|süß|heiß|toll|geil|sexy|wunderschön|älter) aus",
                r"{ICH} (?:kauf|kaufe|schenk|schenke|geb|gebe|schick|schicke) {DIR} (?:auch "
                r")?(?:ein |eine |einen |was |etwas |neue |\d+ )?(?:robux|v-?bucks|vbucks|nitro|"
                r"skins?|geschenk|geld|handy|klamotten|guthaben|gutschein|battle ?pass|gems|coins|"
                r"was|etwas)",
                r"(?:gratis|kostenlose|kostenlos) (?:robux|v-?bucks|vbucks|nitro|skins)",
                r"{ICH} liebe {DICH}",
                r"prinzessin",
                r"(?:hey|hi|hallo|na|guten morgen|gute nacht|morgen) (?:meine )?(?:süße|hübsche|"
                r"schöne|prinzessin)\b",
                r"{DU} bist (?:die |der )?einzige,? (?:die|der) mich (?:wirklich )?versteht",
                r"(?:niemand|keiner) versteht mich so (?:gut )?wie {DU}",
                r"(?:ich )?kann {NICHT} aufhören,? an {DICH} zu denken",
                r"(?:ich )?(?:denk|denke) (?:die ganze zeit|ständig|immer|jeden tag|jede nacht|nur "
                r"noch) an {DICH}",
                r"{DU} kannst mir vertrauen|vertraust {DU} mir",
                r"(?:ich )?(?:wäre|wär) (?:so )?(?:gern |gerne )?{DEIN} (?:fester )?freund",
                r"(?:willst|möchtest) {DU} (?:meine )?(?:feste )?freundin (?:sein|werden)",
            ),
        ),
        "threat_sextortion": _phrases(
            triggers=(
                "sonst",
                *_DEIN_WORDS,
                "wird",
                "werden",
                "hab",
                "habe",
                "weiß",
                "wissen",
                "schuldest",
                "zahlst",
                "bezahlst",
                "schickst",
                "machst",
                "gefälligst",
                "lieber",
                "besser",
            ),
            patterns=(
                r"sonst (?:{ZEIG}|sag|sage|erzähl|erzähle) {ICH} (?:es|das|sie|die|{DEIN}|alles|"
                r"allen|jedem)\b",
                r"{ICH} {ZEIG} (?:alle )?{DEIN} (?:{BILD}|chats|nachrichten) (?:an|allen|überall|"
                r"ins|online|rum|herum)",
                r"{ICH} {ZEIG} (?:es|sie|das|die|alles|die {BILD}|{DEIN} {BILD}) (?:an (?:die "
                r")?)?(?:{DEIN} (?:{ELTERN}|freunde|freunden|followern|follower|schule|klasse|"
                r"lehrer)|alle {DEIN})",
                r"(?:alle|jeder|{DEIN} (?:{ELTERN}|freunde|schule|klasse)) (?:wird|werden) "
                r"(?:{DEIN} |die |das |es |sie )?(?:{BILD} )?(?:sehen|zu sehen bekommen)",
                r"{ICH} (?:sag|sage|erzähl|erzähle|zeig|zeige)(?:'?s)? (?:es |das |alles )?{DEIN} "
                r"(?:{ELTERN}|freunden|schule|lehrern?)",
                r"{DEIN} (?:follower|freundes|freunde ?)liste|{DEIN} followerliste",
                r"(?:hab|habe) (?:screenshots|bilder|fotos|aufnahmen|videos) von {DIR}",
                r"(?:hab|habe) (?:alles|{DEIN} {BILD}|die {BILD}|unsere chats|den chat) "
                r"(?:gespeichert|gescreenshottet|aufgenommen)",
                r"(?:zerstör|zerstöre|ruinier|ruiniere) {DEIN} leben|(?:mach|mache) {DEIN} leben "
                r"kaputt",
                r"(?:ich|wir) (?:weiß|weiss|wissen) (?:genau )?wo {DU} (?:wohnst|wohnt|zur schule "
                r"gehst)",
                r"{DU} schuldest mir\b(?! (?:einen gefallen|ein bier|was))",
                r"wenn {DU} {NICHT} (?:zahlst|bezahlst|schickst|machst),? (?:dann )?(?:{ZEIG}|sag|"
                r"sage|erzähl|erzähle) {ICH}",
                r"(?:mach|tu) (?:gefälligst|lieber|besser) was {ICH} (?:sage|sag)",
                r"{DEIN} {BILD} (?:gehen|landen|kommen|sind bald) (?:online|viral|ins netz|im netz|"
                r"ins internet|überall|raus)",
            ),
        ),
        "risk_assessment": _phrases(
            triggers=(
                "allein",
                "alleine",
                *_DEIN_WORDS,
                "jemand",
                "wer",
                "tür",
                "zimmertür",
            ),
            patterns=(
                r"(?:bist|biste)(?: {DU})? {MAL}(?:ganz )?(?:allein|alleine)",
                r"(?:allein|alleine) (?:zu ?hause|daheim|in {DEIN} zimmer|zuhaus)",
                r"(?:sind|ist) {DEIN} {ELTERN} (?:gerade |grad |jetzt |noch |schon )?(?:da|zu "
                r"?hause|daheim|weg|arbeiten|auf arbeit|unterwegs|wach|am schlafen|im bett)",
                r"(?:schlafen|schläft) {DEIN} {ELTERN}",
                r"wann (?:kommen|kommt|gehen|geht|fahren|fährt) {DEIN} {ELTERN} (?:nach hause|heim|"
                r"zurück|schlafen|ins bett|weg|arbeiten|aus dem haus)",
                r"(?:kontrollieren|kontrolliert|checken|checkt|lesen|liest|schauen|schaut|gucken|"
                r"guckt) {DEIN} {ELTERN} (?:in )?{DEIN} (?:handy|nachrichten|chats?|whatsapp|"
                r"laptop)",
                r"wer (?:liest|checkt|sieht|kontrolliert) {DEIN} (?:handy|nachrichten|chats?)",
                r"(?:ist|is) (?:noch |gerade )?(?:jemand|wer) (?:bei {DIR}|zu ?hause|daheim|in "
                r"{DEIN} zimmer)",
                r"(?:ist|is) {DEIN} (?:zimmer)?tür (?:zu|abgeschlossen|geschlossen)",
                r"wer (?:ist|is) (?:noch |gerade )?(?:bei {DIR}|zu ?hause|daheim)",
                r"(?:wissen|weiß) {DEIN} {ELTERN} (?:davon|von mir|von uns|dass)",
                r"{DEIN} {ELTERN} (?:merken|merkt|kriegen|kriegt|checken) (?:das |es )?(?:eh |doch "
                r")?{NICHT}",
            ),
        ),
        "age_deception": _phrases(
            triggers=(
                "eigentlich",
                "wirklichkeit",
                "wirklich",
                "tatsächlich",
                "echt",
                "älter",
                "gelogen",
                "alter",
                "altersunterschied",
                "reif",
                "reifer",
                "anderen",
                "sag",
                "erzähl",
                "wirkst",
                "siehst",
            ),
            patterns=(
                r"(?:ich )?bin (?:eigentlich|in wirklichkeit|wirklich|tatsächlich|in echt) "
                r"(?:schon )?(?:1[89]|[2-6]\d)",
                r"(?:ich )?bin (?:ein bisschen |ein bissl |etwas |ein paar jahre |ein wenig |viel "
                r")?älter als (?:ich gesagt|{DU} denkst|ich aussehe|auf meinem profil|in meinem "
                r"profil)",
                r"(?:hab|habe) (?:bei|über) (?:meinem|mein) alter gelogen",
                r"mein (?:echtes|wahres|richtiges) alter",
                r"alter (?:ist|is) (?:doch )?(?:nur|bloß) (?:eine )?zahl",
                r"(?:das |unser )?(?:alter|altersunterschied) (?:ist (?:doch |mir )?egal|spielt "
                r"(?:doch )?keine rolle|macht (?:doch )?{NICHTS})",
                r"(?:so |sehr |echt |total )?reif für {DEIN} alter",
                r"(?:viel )?reifer als (?:die )?anderen",
                r"{NICHT} wie (?:die )?anderen (?:mädchen|jungs|kinder)(?: in {DEIN} alter)?",
                r"{DU} (?:wirkst|siehst) (?:viel |so |echt |schon )?älter(?: aus)?",
                r"(?:sag|erzähl) (?:keinem|niemandem|{DEIN} {ELTERN} {NICHT}),? wie alt {ICH} bin",
                r"mein alter (?:account|acc) (?:wurde|ist) (?:gehackt|gesperrt|gelöscht)",
            ),
        ),
        "payment_demand": _phrases(
            triggers=(
                "schick",
                "schicke",
                "überweis",
                "überweise",
                "zahl",
                "zahle",
                "bezahl",
                "bezahle",
                "gib",
                "kauf",
                "kaufe",
                "hol",
                "besorg",
                "besorge",
                "sende",
                "schuldest",
                "geld",
                "nimm",
                "benutz",
                "euro",
                "eur",
                "<money>",
            ),
            patterns=(
                r"(?:schick|schicke|überweis|überweise|zahl|zahle|bezahl|bezahle|gib) (?:mir|uns) "
                r"(?:sofort |jetzt |schnell |endlich |den rest |noch )?(?:das geld|geld|\d+ "
                r"?(?:euro|€|eur)|€ ?\d+|paysafecards?|psc|gutscheine?|guthaben|"
                r"amazon-?gutscheine?|bitcoins?|btc|krypto|den code|die codes?)",
                r"(?:kauf|kaufe|hol|besorg|besorge) (?:mir |uns |dir )?(?:eine |ein |einen |ne |"
                r"paar )?(?:paysafecards?|psc|(?:amazon|google play|apple|itunes|steam)[- "
                r"]?(?:gutschein|karte|guthaben)e?n?)",
                r"(?:schick|schicke|gib|sende) (?:mir )?(?:den|die) (?:code|codes|pin|"
                r"(?:paysafecard|psc|gutschein)-?(?:code|codes|nummer|pin))",
                r"(?:zahl|bezahl|zahle|bezahle) (?:jetzt|endlich|sofort)",
                r"{DU} schuldest mir (?:\d+|geld|noch geld)",
                r"wie ?viel geld (?:hast|haste) {DU}",
                r"(?:nimm|hol|benutz) (?:die )?(?:karte|kreditkarte|bankkarte|ec-?karte) (?:{DEIN} "
                r"|von {DEIN} )(?:{ELTERN})",
                r"(?:\d+ (?:euro|eur)|\d+ ?€) (?:per|über|auf|in) (?:paypal|paysafecard|psc|"
                r"bitcoin|krypto|gutscheinen?)",
                r"(?:schick|zahl|überweis) (?:mir )?den rest",
            ),
        ),
        "countdown": _phrases(
            triggers=(
                "hast",
                "haste",
                "übrig",
                "zeit",
                "tack",
                "ticktack",
                "letzte",
                "mitternacht",
                "abend",
                "morgen",
                "läuft",
                "startet",
                "beginnt",
            ),
            patterns=(
                r"(?:{DU} hast|haste) (?:noch |genau |nur noch |nur )?{ZAHL} (?:minuten|min|"
                r"stunden|std|sekunden)",
                r"\d+ (?:minuten|min|stunden|std|sekunden) (?:übrig|zeit (?:zum zahlen|zu zahlen|"
                r"zu antworten))",
                r"tick,? ?tack",
                r"(?:die )?zeit (?:läuft (?:ab|davon)|tickt|ist (?:gleich )?um)",
                r"letzte (?:chance|warnung)",
                r"bis (?:heute abend|mitternacht|morgen früh|morgen) (?:oder|sonst)",
                r"countdown (?:läuft|startet|beginnt)",
            ),
        ),
        "dares_self_harm": _phrases(
            triggers=(
                "ritz",
                "ritze",
                "ritzen",
                "schneid",
                "schneide",
                "verletz",
                "verletze",
                "brenn",
                "loyalität",
                "vermissen",
                "welt",
                "sagen",
                "sage",
                "sagt",
                "namen",
                "blut",
                "beweis",
                "beweise",
            ),
            patterns=(
                r"(?:ritz|ritze|schneid|schneide|verletz|verletze|brenn) {DICH} (?:für (?:mich|"
                r"uns)|vor der (?:kamera|cam)|live|und (?:schick|zeig|film)|als beweis)",
                r"(?:ritz|ritze|ritzen|schneid|schneide) (?:meinen|unseren|den) namen",
                r"(?:beweis|beweise|zeig|zeige) (?:uns |mir )?{DEIN} loyalität",
                r"(?:niemand|keiner) würde {DICH} vermissen",
                r"(?:die )?welt (?:wäre|ist) besser (?:dran )?ohne {DICH}",
                r"{DU} (?:machst|tust) (?:alles,? )?was (?:wir|ich|die gruppe) (?:sagen|sage|sagt)",
                r"blut (?:für|vor) (?:uns|mich|der kamera)",
            ),
        ),
    },
)
