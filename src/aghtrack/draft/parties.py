"""Who a statement names: states, organisations, bodies of the meeting, and the membership.

Names the record already knows (the meeting's chairs, attendees and observers, the owners in
the store) come first and keep the record's spelling, so a draft says "RSO" where the store
does. Then what the statement itself defines ("Jakarta Centre for Law Enforcement Cooperation
(JCLEC)" makes both spellings JCLEC), abbreviations (IOM, UNHCR), states, and capitalised names
of bodies ("the Working Group on Trafficking in Persons", "the Executive Secretary").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..aliases import ALIASES

#: The membership acting as a whole is recorded as this owner.
MEMBERS = "Members"

#: States, as statements name them (variants included), so "Fiji and Samoa will" finds both.
_COUNTRY_LIST = """
Afghanistan, Albania, Algeria, Angola, Argentina, Armenia, Australia, Austria, Azerbaijan,
Bahrain, Bangladesh, Belarus, Belgium, Bhutan, Bolivia, Bosnia and Herzegovina, Botswana,
Brazil, Brunei Darussalam, Brunei, Bulgaria, Burkina Faso, Burundi, Cambodia, Cameroon,
Canada, Chad, Chile, China, Colombia, Costa Rica, Croatia, Cuba, Cyprus, Czechia, Democratic
People's Republic of Korea, Democratic Republic of the Congo, Denmark, Djibouti, Ecuador,
Egypt, El Salvador, Eritrea, Estonia, Ethiopia, Fiji, Finland, France, Gabon, Georgia,
Germany, Ghana, Greece, Guatemala, Guinea, Haiti, Honduras, Hong Kong, Hungary, Iceland,
India, Indonesia, Iran, Iraq, Ireland, Israel, Italy, Jamaica, Japan, Jordan, Kazakhstan,
Kenya, Kiribati, Kuwait, Kyrgyzstan, Lao PDR, Laos, Latvia, Lebanon, Liberia, Libya,
Lithuania, Luxembourg, Macau, Madagascar, Malawi, Malaysia, Maldives, Mali, Malta, Marshall
Islands, Mauritania, Mauritius, Mexico, Micronesia, Moldova, Mongolia, Montenegro, Morocco,
Mozambique, Myanmar, Namibia, Nauru, Nepal, Netherlands, New Zealand, Nicaragua, Niger,
Nigeria, North Macedonia, Norway, Oman, Pakistan, Palau, Palestine, Panama, Papua New
Guinea, Paraguay, Peru, Philippines, Poland, Portugal, Qatar, Republic of Korea, Romania,
Russian Federation, Russia, Rwanda, Samoa, Saudi Arabia, Senegal, Serbia, Sierra Leone,
Singapore, Slovakia, Slovenia, Solomon Islands, Somalia, South Africa, South Korea, South
Sudan, Spain, Sri Lanka, Sudan, Sweden, Switzerland, Syria, Tajikistan, Tanzania, Thailand,
Timor-Leste, Togo, Tonga, Tunisia, Turkey, Türkiye, Turkmenistan, Tuvalu, Uganda, Ukraine,
United Arab Emirates, United Kingdom, United States of America, United States, Uruguay,
Uzbekistan, Vanuatu, Venezuela, Viet Nam, Vietnam, Yemen, Zambia, Zimbabwe, European Union
"""
_COUNTRIES = tuple(" ".join(name.split()) for name in _COUNTRY_LIST.split(","))

#: One party, several spellings (``aliases.ALIASES``): the first is the spelling a draft uses
#: unless the record already spells the party another of these ways (then the record's wins,
#: so "Vietnam" in a statement files under the store's "Viet Nam").
_ALIASES = ALIASES
#: Spellings joined only when the record or the statement already uses one of them: "Regional
#: Support Office" is generic (many processes have one), so it becomes "RSO" only where the
#: record says RSO (or the statement defines it, as ``_definitions`` reads).
_RECORDED_ALIASES: tuple[tuple[str, ...], ...] = (
    ("RSO", "Regional Support Office", "Regional Support Office of the Bali Process"),
)

#: Words that end (or head) the name of a body that can be given work.
_BODY = (
    r"Group|Groups|Office|Centre|Center|Committee|Secretariat|Secretary|Secretary-General|"
    r"Director|Director-General|Council|Commission|Force|Body|Bodies|Bureau|Chair|Chairs|"
    r"Co-Chairs|Co-chairs|Chairperson|Organization|Organisation|Agency|Programme|Program|Fund|"
    r"Bank|Network|Forum|Unit|Panel|Board|Mission|Team|Conference|Assembly|Parties|Party|"
    r"States|Governments|Government|Ministers|Officials|Partners|Institute|Division|"
    r"Department|Ministry|Authority|Police|Service|Coordinator|Rapporteur|Representative|"
    r"Envoy|Members|Participants|Delegates|Presidency|Facility|Alliance|Platform|Consortium"
)
_WORD = r"[A-Z][\w’'&.-]*(?<!\.)"
_CONNECTOR = r"(?:of|on|for|and|in|the|to|against|involved|de|du|la|des|&)"
_CHAIN = re.compile(rf"{_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_WORD})*")
_BODY_WORD = re.compile(rf"\b(?:{_BODY})\b")
_TITLED_BODY = re.compile(
    rf"^(?:The\s+|the\s+)?(?:{_WORD}\s+){{0,3}}?(?:{_BODY})\s+(?:on|of|for|against|to)\b"
)
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9&]{1,9}s?$")
#: A short form in brackets ("(JCLEC)"); the words before it say what it stands for.
_SHORT_FORM = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
_WORD_ONLY = re.compile(_WORD)
_CONNECTOR_ONLY = re.compile(_CONNECTOR)
#: The most words before a short form read as its long form.
_LONG_FORM_WORDS = 30
_POSSESSIVE = re.compile(r"[’']s?$")

#: Said of the membership acting together; a statement's "we" or "the meeting" is them too.
_COLLECTIVE = re.compile(
    r"^(?:all\s+|the\s+|interested\s+|participating\s+)*(?:members?|member countries|"
    r"members and observers|participants|ministers|senior officials|delegates|"
    r"delegations|the meeting|meeting|we|the conference|conference|the group|ad hoc group|"
    r"the ahg|ahg|ahg som|the ahg som)$",
    re.IGNORECASE,
)
#: Capitalised words that are not parties even at the head of a sentence.
_NOT_PARTIES = frozenset(
    {
        "AHG",
        "SOM",
        "UN",
        "II",
        "III",
        "IV",
        "VI",
        "VII",
        "VIII",
        "IX",
        "XI",
        "XII",
        "PDF",
        "The",
        "This",
        "These",
        "They",
        "It",
        "Its",
        "In",
        "On",
        "At",
        "By",
        "As",
        "With",
        "Members",
        "Participants",
        "Ministers",
        "Delegates",
        "Meeting",
        "Conference",
        "We",
    }
)
_STOP_WORDS = frozenset(
    {
        "the",
        "and",
        "its",
        "their",
        "of",
        "on",
        "in",
        "for",
        "with",
        "to",
        "a",
        "an",
        "all",
        "other",
        "relevant",
        "interested",
        "participating",
        "concerned",
    }
)


class Parties:
    """Recognises parties in text and gives each its canonical name."""

    def __init__(self, known: Iterable[str] = (), statement: str = "") -> None:
        self._canonical: dict[str, str] = {}
        # "the U.S." as an attendee is the party "U.S.": read with its article, the name
        # swallowed the article of the sentence and the party was lost.
        known = tuple(dict.fromkeys(_strip_article(name) for name in known))
        known_keys = {name.casefold() for name in known}
        for name in _COUNTRIES:
            self._canonical[name.casefold()] = name
        for name in known:
            self._canonical[name.casefold()] = name
        for spellings in (*_ALIASES, *_RECORDED_ALIASES):
            recorded = [
                self._canonical[n.casefold()] for n in spellings if n.casefold() in known_keys
            ]
            if not recorded and spellings in _RECORDED_ALIASES:
                continue
            spelling = recorded[0] if recorded else spellings[0]
            for name in spellings:
                self._canonical[name.casefold()] = spelling
        self.abbreviations: dict[str, str] = {}
        for long_form, short in _definitions(statement):
            long = _shortest_long_form(long_form, short)
            if long:
                canonical = self._canonical.get(short.casefold(), short)
                self._canonical[long.casefold()] = canonical
                words = long.split()
                while len(words) > 2 and _matches_initials(" ".join(words[:-1]), short):
                    words.pop()  # "Regional Support Office [of the Bali Process]"
                    self._canonical.setdefault(" ".join(words).casefold(), canonical)
                self._canonical.setdefault(short.casefold(), canonical)
                self.abbreviations[long] = canonical
        names = sorted(self._canonical, key=len, reverse=True)
        self._known = re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(n).replace("'", "['’]") for n in names)
            + r")(?:[’']s)?(?![\w-])",
            re.IGNORECASE,
        )

    def canonical(self, name: str) -> str:
        name = _strip_article(_POSSESSIVE.sub("", name.strip(" ,;:.")))
        if _COLLECTIVE.match(name):
            return MEMBERS
        return self._canonical.get(name.casefold(), name)

    def find(self, text: str) -> list[tuple[int, str]]:
        """Parties named in ``text``, with where each starts, in reading order, once each."""
        found: list[tuple[int, int, str]] = []
        for m in self._known.finditer(text):
            if not m[1][:1].isupper():
                continue  # "chad", "turkey": words, not the states
            key = m[1].casefold().replace("’", "'")
            found.append((m.start(), m.end(), self._canonical[key]))
        spans = [(s, e) for s, e, _ in found]
        for m in _CHAIN.finditer(text):
            for offset, piece in _split_chain(m[0]):
                start, end = m.start() + offset, m.start() + offset + len(piece)
                if any(s < end and start < e for s, e in spans):
                    continue
                name = self.canonical(piece)
                if self._is_party(name):
                    found.append((start, end, name))
        found.sort()
        seen: set[str] = set()
        ordered: list[tuple[int, str]] = []
        for start, _, name in found:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                ordered.append((start, name))
        return ordered

    def names(self, text: str) -> list[str]:
        return [name for _, name in self.find(text)]

    def is_known(self, name: str) -> bool:
        return name.casefold() in self._canonical

    def _is_party(self, name: str) -> bool:
        if name == MEMBERS or self.is_known(name):
            return True
        if name in _NOT_PARTIES or (name.split()[0] in _NOT_PARTIES and len(name.split()) == 1):
            return False
        if _ABBREVIATION.match(name) and name not in _NOT_PARTIES:
            return True
        return bool(_BODY_WORD.search(name)) and name not in _NOT_PARTIES

    def phrase(self, text: str) -> str:
        """The party a noun phrase names, or the phrase itself ("source and transit
        countries") when it names no party we know, trimmed to its head."""
        names = self.names(text)
        if names:
            return names[0]
        words = [w for w in text.strip(" ,;:.").split() if w]
        while words and words[0].lower() in _STOP_WORDS:
            words.pop(0)
        return self.canonical(" ".join(words[:8])) if words else ""


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", name.strip())


def _definitions(statement: str) -> Iterator[tuple[str, str]]:
    """Each short form the statement defines ("... Cooperation (JCLEC)") with the run of
    capitalised words (and connectors between them) just before it. Read word by word back
    from the bracket, not by one pattern over the statement: a pattern of repeated words
    backtracks without end on a long run of capitals (PDF text without spaces, a code)."""
    for m in _SHORT_FORM.finditer(statement):
        before = statement[max(0, m.start() - 40 * _LONG_FORM_WORDS) : m.start()]
        run: list[str] = []
        words = before.split()[-_LONG_FORM_WORDS:]
        for word in reversed(words):
            if _WORD_ONLY.fullmatch(word) or (run and _CONNECTOR_ONLY.fullmatch(word)):
                run.append(word)
            else:
                break
        while run and not _WORD_ONLY.fullmatch(run[-1]):
            run.pop()  # a long form starts with a word, not a connector
        if run:
            yield " ".join(reversed(run)), m[1]


def _shortest_long_form(long: str, short: str) -> str:
    """ "The RSO and the Jakarta Centre for Law Enforcement Cooperation (JCLEC)" defines
    JCLEC as the words from "Jakarta" on: the last start whose initials still spell it."""
    words = long.split()
    for i in range(len(words) - 1, -1, -1):
        if words[i][:1].upper() != short[:1].upper():
            continue
        candidate = " ".join(words[i:])
        if _matches_initials(candidate, short):
            return candidate
    return ""


def _matches_initials(long: str, short: str) -> bool:
    """ "Regional Support Office (RSO)": the abbreviation's letters are initials of the name
    in order (words may be skipped: "of the Bali Process")."""
    initials = [w[0].upper() for w in re.split(r"[\s-]+", long) if w and w[0].isupper()]
    letters = [c for c in short.upper() if c.isalpha()]
    i = 0
    for initial in initials:
        if i < len(letters) and initial == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= 2


def _split_chain(chain: str) -> list[tuple[int, str]]:
    """ "Australia and Indonesia" names two parties; "Working Group on Disruption of Criminal
    Networks ... Smuggling and Trafficking in Persons" names one."""
    if _TITLED_BODY.match(chain):
        return [(0, chain)]
    pieces: list[tuple[int, str]] = []
    position = 0
    for m in re.finditer(r",\s*(?:and\s+)?|\s+and\s+(?:the\s+)?", chain):
        pieces.append((position, chain[position : m.start()]))
        position = m.end()
    pieces.append((position, chain[position:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]
