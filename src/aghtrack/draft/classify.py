"""What one outcome sentence commits whom to: its kind, owners, supporting parties and due.

Outcome statements are formulaic, whatever their genre: a co-chairs' statement writes
"Members agreed to ...", "The RSO was tasked to ...", "Australia and Indonesia will ...";
a UN-style decision writes operative paragraphs that open with the verb ("Requests the
Executive Secretary to ...", "Invites Parties to ..."); a declaration writes "We commit to ...".
The verb decides the kind and where the owner is found: before it for those who act ("agreed",
"will", "endorsed"), after it for those asked to act ("requested X to", "urged X to"), in the
"that" clause for what was agreed or recommended ("... be reviewed by the Steering Group").
Rules here are about that grammar, never about one statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import INFORMATIONAL, Kind, Meeting
from .due import Due, find_due
from .parties import MEMBERS, Parties

#: How much a verb commits: strong verbs each make a proposal of their own; soft ones
#: ("encouraged", "advised") and informational ones join the proposal of their paragraph.
STRONG, SOFT, INFO = "strong", "soft", "info"
#: Where the owner is: the subject ("Members agreed"), the object ("requested the RSO to").
SUBJECT, OBJECT = "subject", "object"


@dataclass(frozen=True)
class _Verb:
    pattern: str
    kind: Kind
    strength: str
    role: str = SUBJECT


_VERBS: tuple[_Verb, ...] = (
    _Verb(r"agree(?:s|d)?(?!\s+by\b)", Kind.AGREED, STRONG),
    _Verb(r"decide(?:s|d)?", Kind.DECIDED, STRONG),
    _Verb(r"endorse(?:s|d)?(?!\s+by\b)", Kind.ENDORSED, STRONG),
    _Verb(r"adopt(?:s|ed)?(?!\s+by\b)", Kind.ADOPTED, STRONG),
    _Verb(r"approve(?:s|d)?(?!\s+by\b)", Kind.APPROVED, STRONG),
    _Verb(r"(?:will|shall)(?!\s+be\s+(?:held|hosted|convened)\b)", Kind.WILL, STRONG),
    _Verb(r"undert(?:ook|akes?)\s+to", Kind.WILL, STRONG),
    # A party that offers to host, fund or lead something has taken the work on.
    _Verb(r"(?:kindly\s+|generously\s+)?(?:offer(?:s|ed)|volunteer(?:s|ed))\s+to", Kind.WILL, STRONG),
    _Verb(r"commit(?:s|ted)?(?:\s+(?:themselves|itself|ourselves))?\s+to", Kind.COMMITTED, STRONG),
    _Verb(r"(?:pledge(?:s|d)?|resolve(?:s|d)?\s+to)", Kind.COMMITTED, STRONG),
    _Verb(r"request(?:s|ed)?", Kind.REQUESTED, STRONG, OBJECT),
    _Verb(r"ask(?:s|ed)", Kind.REQUESTED, STRONG, OBJECT),
    _Verb(r"(?:task(?:s|ed)?|instruct(?:s|ed)?|directed|mandate(?:s|d)?)", Kind.TASKED, STRONG, OBJECT),
    _Verb(r"invite(?:s|d)?", Kind.INVITED, STRONG, OBJECT),
    _Verb(r"urge(?:s|d)?", Kind.URGED, STRONG, OBJECT),
    _Verb(r"call(?:s|ed)?\s+(?:up)?on", Kind.CALLED_UPON, STRONG, OBJECT),
    # "called for greater commitment": a call on no one named, owed by those who made it.
    _Verb(r"call(?:s|ed)?\s+for", Kind.CALLED_UPON, SOFT),
    # "Member States should nominate ...": a recommendation to its subject.
    _Verb(r"should(?!\s+(?:be\s+)?(?:noted|recalled|recognised|recognized)\b)", Kind.RECOMMENDED, SOFT),
    _Verb(r"recommend(?:s|ed)?", Kind.RECOMMENDED, STRONG),
    _Verb(r"encourage(?:s|d)?", Kind.ENCOURAGED, SOFT, OBJECT),
    _Verb(r"(?:advise(?:s|d)?|suggest(?:s|ed)?)", Kind.RECOMMENDED, SOFT),
    _Verb(r"(?:expresse(?:s|d)|reiterate(?:s|d)|voiced)\s+(?:\w+\s+){0,2}?support", Kind.SUPPORTED, SOFT),
    _Verb(r"support(?:s|ed)?(?!\s+by\b)", Kind.SUPPORTED, SOFT),
    _Verb(r"welcome(?:s|d)?", Kind.WELCOMED, INFO),
    _Verb(r"(?:took|takes?|taking)\s+(?:\w+\s+)?note", Kind.NOTED, INFO),
    _Verb(r"note(?:s|d)?(?!\s+by\b)", Kind.NOTED, INFO),
    _Verb(r"(?:expresse(?:s|d)|raised)\s+(?:\w+\s+){0,2}?concern", Kind.NOTED, INFO),
    _Verb(r"look(?:s|ed)?\s+forward\s+to", Kind.NOTED, INFO),
    _Verb(r"acknowledge(?:s|d)?", Kind.ACKNOWLEDGED, INFO),
    _Verb(r"(?:commend(?:s|ed)?|praise(?:s|d)|congratulate(?:s|d)?|appreciate(?:s|d)?)", Kind.COMMENDED, INFO),
    _Verb(r"(?:expresse(?:s|d)|conveyed)\s+(?:\w+\s+){0,2}?(?:appreciation|gratitude)", Kind.COMMENDED, INFO),
    _Verb(r"recall(?:s|ed)?", Kind.RECALLED, INFO),
    _Verb(r"(?:reaffirm(?:s|ed)?|reiterate(?:s|d)?)", Kind.REAFFIRMED, INFO),
    _Verb(r"recogni[sz]e(?:s|d)?", Kind.RECOGNISED, INFO),
    _Verb(
        r"(?:has|have|had)\s+(?:now\s+)?been\s+(?:formali[sz]ed|established|signed|launched|"
        r"completed|concluded|finali[sz]ed|set\s+up|created|ratified)",
        Kind.NOTED,
        INFO,
    ),
)  # fmt: skip
_VERB = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<v{i}>{v.pattern})" for i, v in enumerate(_VERBS))
    + r")(?![\w-])",
    re.IGNORECASE,
)
#: A verb after these is an adjective or a participle, not what the meeting did.
_NOT_A_VERB_AFTER = re.compile(
    r"(?:\b(?:the|a|an|as|its|their|our|this|these|those|previously|already|been|being|"
    r"newly|recently|widely|internationally|mutually|jointly|commonly|was|were|is|are|be|"
    r"having|had|(?:which|that|who)\s+(?:has|have))\s+|[-(])$",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:also\s+|further\s+|again\s+|strongly\s+)?$",
    re.IGNORECASE,
)
#: Sentences about the meeting itself rather than what it decided.
_NOT_AN_OUTCOME = re.compile(
    r"\b(?:in attendance|attended|was attended|were attended|participated in the meeting|"
    r"were present|the purpose of the meeting|the objectives? of the meeting|the meeting aimed|"
    r"(?:was|were) (?:held|convened|hosted|co-hosted|chaired|co-chaired|opened|closed)|"
    r"hosted the|co-hosted the|chaired the|co-chaired the|opened the meeting|closed the meeting|"
    r"presented|gave (?:a |an )?(?:presentation|briefing|update|overview)|"
    r"provided (?:a |an )?(?:presentation|briefing|update|overview)|briefed|"
    r"delivered (?:\w+\s+){0,2}(?:remarks|statement|address|speech)|made (?:a |an )?(?:statement|presentation)|"
    r"thanked|took place)\b",
    re.IGNORECASE,
)
#: What a "that" clause says when it records a view rather than work.
_VIEW = re.compile(
    r"^(?:.{0,160}?)\b(?:is|are|was|were|remains?|remained|continues? to be|would be)\s+"
    r"(?:\w+\s+)?(?:important|essential|vital|critical|crucial|key|necessary|valuable|useful|"
    r"a priority|a key|an important|an essential|central|fundamental|paramount|welcome)\b",
    re.IGNORECASE,
)
_IMPORTANCE = re.compile(r"^\s*(?:on|upon)\s+the\s+(?:importance|need|value)\b", re.I)
_SUPPORT = re.compile(
    r"\b(?:supported|assisted|funded|facilitated)\s+by|\bwith\s+(?:the\s+)?(?:support|assistance|"
    r"help)\s+(?:of|from)|\b(?:coordinating|cooperating|collaborating|partnering|consulting|"
    r"liaising)\s+with|\bin\s+(?:close\s+)?(?:coordination|cooperation|collaboration|"
    r"partnership|consultation)\s+with|\b(?:working|work)\s+(?:closely\s+)?with|"
    r"\btogether\s+with|\bjointly\s+with|\bto\s+be\s+(?:\w+ly\s+)?(?:implemented|delivered|"
    r"conducted|carried\s+out|run|organi[sz]ed|managed|executed|administered)\s+by",
    re.IGNORECASE,
)
#: A supporting party named inside the subject ("Sri Lanka, supported by UNHCR, will",
#: "Australia, through its Department of Home Affairs, will"): not an owner.
_SUPPORT_PHRASE = re.compile(rf"(?:{_SUPPORT.pattern}|\bthrough\b)[^,]*", re.IGNORECASE)
_LED_BY = re.compile(r"\b(?:led|chaired|coordinated|convened|hosted)\s+by\s+", re.I)
_PASSIVE_AGENT = re.compile(
    r"\bbe\s+(?:\w+ly\s+)?(?:\w+ed|\w+en|held|led|run|done|made)(?:\s+\w+ly)?\s+by\s+", re.I
)
_OFFER = re.compile(
    r"(?:(?P<owner1>[A-Z][\w’' -]{1,60}?)[’']s?\s+(?:kind\s+|generous\s+)?offer|"
    r"offer\s+(?:made\s+)?(?:by|of|from)\s+(?P<owner2>[^,;.]{2,60}?))\s+to\s+",
)
_WORK_OF = re.compile(r"\b(?:the\s+)?work\s+of\s+(?:the\s+)?", re.I)
_PRONOUN = re.compile(r"^(?:they|it|he|she|both|the latter|these|those)$", re.I)
_LEADING_ADVERBS = re.compile(
    r"^(?:(?:also|further|furthermore|moreover|additionally|in addition|again|once again|"
    r"strongly|then|therefore|finally|lastly|accordingly|hereby|formally|unanimously|"
    r"[Ii]n this (?:regard|context)|[Tt]o this end|[Ff]or this purpose|[Ff]inally),?\s+)+",
    re.I,
)
_CHUNK_END = re.compile(
    r"[;:.(]|,\s*(?!and\b)|\s(?:to|as|in order|which|who|that|for|on|at|by|through|within|"
    r"during|under|including|with|from|so|while|whereby|where|when|if|before|after)\s",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_ABBREVIATED = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|No|Nos|St|Art|Arts|para|paras|e\.g|i\.e|etc|vs|cf|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|incl|H\.E|U\.S|U\.N|Rev|Add|Corr|Vol)|"
    r"\b[A-Z])\.$"
)


@dataclass(frozen=True)
class Reading:
    """One sentence as read: what it records and on whom, and the words that decided it."""

    text: str
    kind: Kind
    strength: str
    owners: tuple[str, ...]
    owner_words: str
    verb_words: str
    subject: tuple[str, ...]

    @property
    def informational(self) -> bool:
        return self.kind in INFORMATIONAL


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not broken after "Mr.", "e.g." or an initial; a sentence
    that goes on with a second verb of the meeting ("welcomed the report and agreed that
    ...") is read as two, since each verb records an outcome of its own (see ``_coordinated``)."""
    found: list[str] = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        head = text[start : m.start()].rstrip("\"'”’)")
        if _ABBREVIATED.search(head):
            continue
        found.append(text[start : m.start()].strip())
        start = m.end()
    found.append(text[start:].strip())
    return [clause for s in found if s for clause in _coordinated(s)]


#: "and" (", and", "and also") where a second verb of the meeting may follow.
_AND = re.compile(r",?\s+(?P<and>and)\s+(?:(?:also|further|then|subsequently)\s+)?(?=[a-z])")
#: After these a past participle dates or places a thing ("the plan developed and adopted in
#: 2016") rather than records what the meeting did.
_PARTICIPLE_AFTER = re.compile(
    r"\s+(?:in|at|during|since|last|earlier|previously|on\s+\d)\b|\s*[,.;]", re.I
)


def _coordinated(sentence: str) -> list[str]:
    """ "Members welcomed the report and agreed that the RSO will publish it" records a view
    and a decision: the first verb must not decide the whole sentence. Split at "and" when a
    verb of the meeting follows it at once, in the tense of the first verb (a past-tense
    sentence goes on in the past: "and support of Japan" is a noun, "and supported" a verb);
    names are never split ("the Government and Business Forum": no verb follows "and"). The
    "and" stays with the second clause so the proposal text is the sentence, word for word."""
    first = _main_verb(sentence)
    if first is None:
        return [sentence]
    present = not first[1][0].split()[-1].lower().endswith(("ed", "ll"))
    starts = [0]
    for m in _AND.finditer(sentence, first[1].end()):
        verb = _VERB.match(sentence, m.end())
        if verb is None or _PARTICIPLE_AFTER.match(sentence, verb.end()):
            continue
        word = verb[0].split()[0].lower()
        if word in _NOUN_TOO and not present:
            continue
        starts.append(m.start("and"))
    ends = [*starts[1:], len(sentence)]
    return [sentence[a:b].strip() for a, b in zip(starts, ends, strict=True)]


#: Preamble participles: what follows is background, whatever verbs it contains, until the
#: main clause ("Recalling the Framework agreed in 2011, we reaffirmed ...").
_PREAMBLE = re.compile(
    r"^[\W_]*(?:(?:further|also|deeply|strongly)\s+)?(?P<word>recalling|noting|recogni[sz]ing|"
    r"acknowledging|reaffirming|welcoming|bearing\s+in\s+mind|mindful|considering|"
    r"emphasi[sz]ing|stressing|underlining|conscious|aware|concerned|having\s+considered|"
    r"convinced|determined|affirming)\b",
    re.I,
)
#: A declaration's preamble in capitals, ASEAN's style ("RECALLING ...", "COMMITTED to
#: intensify our efforts ...", "RESOLVED to ..."): background before "DO HEREBY DECLARE".
_CAPITAL_PREAMBLE = re.compile(r"^[\W_]*(?P<word>[A-Z]{3,}(?:ED|ING))\b(?=\s+[a-z])")
_PREAMBLE_KIND = {
    "recalling": Kind.RECALLED,
    "recognising": Kind.RECOGNISED,
    "recognizing": Kind.RECOGNISED,
    "acknowledging": Kind.ACKNOWLEDGED,
    "reaffirming": Kind.REAFFIRMED,
    "affirming": Kind.REAFFIRMED,
    "welcoming": Kind.WELCOMED,
}
#: A "that" clause that states a fact or a view, not work: a present or past verb and no
#: modal or "is to" ("agreed that irregular migration remains a shared challenge").
_FACT = re.compile(
    r"^(?![^;:]*\b(?:will|would|shall|should|must|may|might|can|could|be)\b)"
    r"(?![^;:]*\b(?:is|are|was|were|has|have|need|needs)\s+to\b)"
    r"[^;:]{0,200}?\b(?:is|are|was|were|remains?|remained|continues?|continued|has|have|had|"
    r"represents?|constitutes?|poses?)\b",
    re.I,
)
#: An informational verb whose "that" clause reports a party's own undertaking ("noted that
#: IOM and UNHCR will jointly convene ..."): the undertaking is the outcome.
_REPORTED_WILL = re.compile(
    r"^(?P<who>[^,;:]{1,100}?)\s+(?:will|shall)(?!\s+be\s+(?:held|hosted|convened)\b)\b"
)


def read_sentence(text: str, parties: Parties, *, previous: tuple[str, ...] = ()) -> Reading | None:
    """What a sentence records, or None when it records no outcome (attendance, hosting,
    purpose, presentations, dates and headings have no outcome verb, or say so)."""
    preamble = _PREAMBLE.match(text) or _CAPITAL_PREAMBLE.match(text)
    if preamble is not None:
        return _read_preamble(text, preamble, parties, previous)
    found = _main_verb(text)
    if found is None:
        return None
    verb, m = found
    skip = _NOT_AN_OUTCOME.search(text)
    if skip is not None and skip.start() <= m.start():
        return None
    kind, strength = verb.kind, verb.strength
    before, after = text[: m.start()], text[m.end() :]
    verb_words = " ".join(m[0].split())
    that = re.match(r"\s*,?\s*that\s+", after)
    if kind is Kind.AGREED and (
        _IMPORTANCE.match(after)
        or (that and (_VIEW.match(after[that.end() :]) or _FACT.match(after[that.end() :])))
    ):
        kind, strength, verb_words = Kind.RECOGNISED, INFO, f"{verb_words} (a view)"
    subject = _subject(before, parties, previous)
    passive = bool(_PASSIVE_BEFORE.search(before))
    owners, owner_words = _owners(verb, kind, subject, before, after, that, passive, parties)
    offer = _OFFER.search(after)
    if offer is not None and kind in _OFFER_KINDS:
        offering = parties.phrase(offer["owner1"] or offer["owner2"] or "")
        if offering:
            kind, strength = Kind.WILL, STRONG
            owners, owner_words = (offering,), f"offer by {offering}"
            verb_words = f"{verb_words} ... offer ... to"
    reported = _REPORTED_WILL.match(after[that.end() :]) if that else None
    if reported is not None and kind in _OFFER_KINDS and kind is not Kind.AGREED:
        names = tuple(parties.names(reported["who"]))
        if names and names != (MEMBERS,):
            kind, strength, owners = Kind.WILL, STRONG, names
            owner_words = f"that {', '.join(names)} will"
            verb_words = f"{verb_words} that ... will"
    return Reading(text, kind, strength, owners, owner_words, verb_words, subject)


#: Verbs that record a view of another party's offer or undertaking, which is the outcome.
_OFFER_KINDS = frozenset(
    {Kind.WELCOMED, Kind.NOTED, Kind.ACKNOWLEDGED, Kind.AGREED, Kind.COMMENDED}
)


def _read_preamble(
    text: str, preamble: re.Match[str], parties: Parties, previous: tuple[str, ...]
) -> Reading | None:
    """A sentence opening with a preamble participle is read by its main clause, the first
    one after a comma that starts with a subject and a verb of the meeting ("..., we
    reaffirmed", "..., Ministers agreed to"); without one it is background only."""
    for comma in re.finditer(r",\s*", text):
        rest = text[comma.end() :]
        found = _main_verb(rest)
        if found is None:
            break
        head = rest[: found[1].start()]
        if "," in head or len(head.split()) > 8 or not re.match(r"(?:we\b|[A-Z])", head, re.I):
            continue
        if not head.strip():
            continue
        inner = read_sentence(rest, parties, previous=previous)
        if inner is None:
            return None
        return Reading(
            text, inner.kind, inner.strength, inner.owners, inner.owner_words,
            inner.verb_words, inner.subject,
        )  # fmt: skip
    word = " ".join(preamble["word"].lower().split())
    offer = _OFFER.search(text)
    offering = parties.phrase(offer["owner1"] or offer["owner2"] or "") if offer else ""
    if offering:  # "Welcoming the offer of Fiji to host ...": Fiji's undertaking
        words = f"{word} ... offer ... to"
        return Reading(
            text, Kind.WILL, STRONG, (offering,), f"offer by {offering}", words, (MEMBERS,)
        )
    if _main_verb(text) is None:
        return None  # background with no verb of the meeting: as any such sentence
    kind = _PREAMBLE_KIND.get(word, Kind.NOTED)
    return Reading(text, kind, INFO, (MEMBERS,), "", f"{word} (preamble)", (MEMBERS,))


def _main_verb(text: str) -> tuple[_Verb, re.Match[str]] | None:
    """The first verb of the sentence that is the meeting acting: not "the agreed plan",
    "supported by", nor a bare "notes" or "support" in the middle of a sentence."""
    for m in _VERB.finditer(text):
        verb = next(_VERBS[int(k[1:])] for k, v in m.groupdict().items() if v is not None)
        before = text[: m.start()]
        word = m[0].lower() if " " not in m[0] else ""
        if _NOT_A_VERB_AFTER.search(before) and not _PASSIVE_BEFORE.search(before):
            continue
        if (
            m[0][:1].isupper()
            and before.strip()
            and not _LEADING_ADVERBS.fullmatch(before)
            and not (_ORGAN_LEAD.fullmatch(before) and m[0].split()[0].endswith("s"))
        ):
            continue  # "the Regional Support Office": a name, not the verb
        if word in _NOUN_TOO and not _verb_position(before):
            continue  # "technical support", "policy notes", "a request": nouns
        return verb, m
    return None


#: A UN-style body naming itself before its operative paragraphs ("The Executive Committee,"
#: then "(c) Requests the High Commissioner ..."): its verbs keep their capital, in the third
#: person ("Requests", "Urges"), after this lead-in and its comma.
_ORGAN_LEAD = re.compile(
    r"\s*(?:The\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:of|for|on|and)\s+(?:the\s+)?)?[A-Z][\w'’-]*){0,7}"
    r"\s*,\s*"
)


#: Verb forms that are nouns as often: a verb only where a verb can stand.
_NOUN_TOO = frozenset(
    {
        "support", "supports", "note", "notes", "request", "requests", "task", "tasks",
        "mandate", "mandates", "call", "calls", "pledge", "pledges", "welcome", "welcomes",
        "recall", "recalls", "ask", "asks", "commit", "approve", "adopt", "decide", "agree",
        "urge", "invite", "endorse", "recommend", "encourage", "acknowledge", "recognise",
        "recognize", "reaffirm", "commend", "advise", "suggest", "undertake", "resolve",
    }
)  # fmt: skip


def _verb_position(before: str) -> bool:
    """Where a present-tense verb can stand: the start of an operative paragraph ("Requests
    the Secretariat"), after "we", "and", "also", or after a capitalised subject ("The
    Conference notes"), never after an article or adjective ("the support", "policy notes")."""
    head = _LEADING_ADVERBS.sub("", before.strip())
    if not head or not re.search(r"\w", head):
        return True
    if re.search(r"(?:\b(?:we|and|also|further|hereby|both|jointly)|,)\s*$", head, re.I):
        return True
    last = head.split()[-1].strip("’'")
    return last[:1].isupper() or last.lower() in ("they", "it", "members", "participants")


def _subject(before: str, parties: Parties, previous: tuple[str, ...]) -> tuple[str, ...]:
    head = _LEADING_ADVERBS.sub("", before.strip()).strip(" ,")
    head = re.sub(
        r"\s+(?:is|are|was|were|be|been|has|have|had|also|further|would|should|"
        r"jointly|collectively|unanimously)\s*$",
        "",
        head,
        flags=re.I,
    ).strip(" ,")
    head = _SUPPORT_PHRASE.sub(" ", head).strip(" ,")
    if not head:
        return (MEMBERS,)
    if _PRONOUN.match(head) or head.lower() in ("and", "but"):
        return previous or (MEMBERS,)
    if re.match(r"^we\b", head, re.I):
        return (MEMBERS,)
    names = tuple(parties.names(head))
    if names:
        return names
    return (MEMBERS,)


def _owners(
    verb: _Verb,
    kind: Kind,
    subject: tuple[str, ...],
    before: str,
    after: str,
    that: re.Match[str] | None,
    passive: bool,
    parties: Parties,
) -> tuple[tuple[str, ...], str]:
    """The parties that must act, lead first, and the words that named them."""
    led = _LED_BY.search(after)
    agent = _PASSIVE_AGENT.search(after)
    acting = verb.role == SUBJECT and not passive and subject != (MEMBERS,)
    for found, what in ((agent, "by"), (led, "led by")):
        if found is not None and acting and re.search(r"\bto\s*$", after[: found.start()]):
            continue  # "The ROK will finance a pilot, to be implemented by IOM": support
        if found is not None and kind not in INFORMATIONAL:
            names = _chunk_parties(after[found.end() :], parties)
            if names:
                return names, f"{what} {', '.join(names)}"
    if verb.role == OBJECT and passive:
        head = _LEADING_ADVERBS.sub("", before.strip())
        head = re.sub(r"\s+(?:is|are|was|were|be|been|being)(?:\s+\w+)?\s*$", "", head, flags=re.I)
        names = tuple(parties.names(head)) or ((parties.phrase(head),) if head.strip() else ())
        if names and names[0]:
            return names, f"{', '.join(names)} {verb_words_of(before)}"
    if verb.role == OBJECT and not passive:
        target = re.match(r"\s*(?:that\s+)?(.*?)(?:\s+to\s+|\s+with\s+|\s*[:,;]|$)", after)
        if target is not None and target[1].strip():
            chunk = target[1]
            # "calls on Governments, UNHCR and the international community to ...": the list
            # of those asked goes on past a comma while a party follows it.
            rest = re.match(r"((?:,\s*(?:and\s+)?[^,;:]+?)+?)\s+to\s", after[target.end(1) :])
            if rest is not None and all(
                parties.names(piece) for piece in re.split(r",\s*(?:and\s+)?", rest[1])[1:2]
            ):
                chunk += rest[1]
            names = tuple(parties.names(chunk))
            if not names and parties.canonical(chunk) == MEMBERS:
                names = (MEMBERS,)  # "encouraged members to", "urged member states to"
            if not names and verb.kind is not Kind.ENCOURAGED:
                names = (parties.phrase(chunk),)
            if names and names[0] and len(chunk.split()) <= 14:
                return names, f"asked: {', '.join(names)}"
    if that is not None and kind in (Kind.AGREED, Kind.DECIDED, Kind.RECOMMENDED, Kind.REQUESTED):
        clause = after[that.end() :]
        modal = re.search(
            r"\b(?:will|would|should|shall|must|to|can|could|may|is|are|be)\b", clause
        )
        if modal is not None:
            names = tuple(parties.names(clause[: modal.start()]))
            if names and names != (MEMBERS,):
                return names, f"that {', '.join(names)} {modal[0]}"
    if verb.kind is Kind.SUPPORTED:
        work = _WORK_OF.search(after)
        if work is not None:
            names = _chunk_parties(after[work.end() :], parties)
            if names:
                return names, f"the work of {names[0]}"
    return subject, "subject: " + ", ".join(subject)


def verb_words_of(before: str) -> str:
    m = re.search(r"\b(?:is|are|was|were|be|been)\s*$", before, re.I)
    return m[0].strip() if m else ""


def _chunk_parties(text: str, parties: Parties) -> tuple[str, ...]:
    """The parties at the start of ``text``: "the RSO and IOM" in "the RSO and IOM to ...".
    A name may run past where the phrase seems to end ("Working Group on ... in Persons"),
    so it counts if it starts before then."""
    found = parties.find(text[:300])
    starts = {start for start, _ in found}
    end = _CHUNK_END.search(text)
    limit = end.start() if end else len(text)
    # A list goes on past a comma when a party follows it ("China, Japan and Korea").
    while (more := _LIST_COMMA.match(text, limit)) is not None and more.end() in starts:
        end = _CHUNK_END.search(text, more.end() + 1)
        limit = end.start() if end else len(text)
    return tuple(name for start, name in found if start < limit)


_LIST_COMMA = re.compile(r",\s*(?:and\s+)?(?:the\s+)?")


def support_of(text: str, parties: Parties, owners: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """Parties named as helping ("supported by the RSO and IOM", "coordinating with the RSO")."""
    names: list[str] = []
    words = ""
    for m in _SUPPORT.finditer(text):
        for name in _chunk_parties(text[m.end() :], parties):
            if name not in owners and name not in names and name != MEMBERS:
                names.append(name)
                words = words or " ".join(m[0].split())
    return tuple(names), words


def due_of(text: str, unit_text: str, meeting: Meeting, next_meeting: Meeting | None) -> Due | None:
    return find_due(text, meeting, next_meeting) or find_due(unit_text, meeting, next_meeting)
