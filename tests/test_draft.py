"""Drafting commitments from outcome statements: reading, splitting and classifying.

Every statement here is written for these tests, one per genre (bulleted outcomes, numbered
co-chairs' statements, UN-style decisions with sub-paragraphs, ministerial declarations), so
the rules are checked on the genre rather than on one real record."""

from __future__ import annotations

from datetime import date

import pytest

from aghtrack.draft import Context, Proposal, draft_from_blocks, draft_statement
from aghtrack.draft.classify import read_sentence, sentences
from aghtrack.draft.due import find_due
from aghtrack.draft.parties import Parties
from aghtrack.draft.read import Block, html_blocks, read_blocks, text_blocks
from aghtrack.draft.units import outcome_units
from aghtrack.errors import NoOutcomes, UnreadableStatement
from aghtrack.model import INFORMATIONAL, Commitment, Kind, Meeting

MEETING = Meeting(
    key="4",
    title="Fourth Regional Ministerial Forum",
    date=date(2017, 3, 12),
    series="Forum",
    chairs=("Thailand", "Japan"),
    attendees=("Thailand", "Japan", "Regional Office"),
)
NEXT = Meeting(key="5", title="Fifth Forum", date=date(2018, 4, 20), series="Forum")
CTX = Context(MEETING, ("Thailand", "Japan", "Regional Office"), NEXT)

CO_CHAIRS = """\
Co-Chairs' Statement
Fourth Regional Ministerial Forum, Bangkok, 12 March 2017

1. The Forum was held in Bangkok on 12 March 2017 and co-chaired by Thailand and Japan.
2. Ministers welcomed the progress of the Task Force on Border Management.
3. Ministers endorsed the Regional Strategy on Labour Migration. Participants recommended that it be reviewed annually by the Steering Group.
4. The Secretariat was tasked to prepare a guide on victim referral by the end of 2017.
5. Ministers requested the Regional Office to convene a workshop on returns in cooperation with UNHCR by mid-2018.
6. Japan and Thailand will co-host a technical meeting before the next meeting.
7. Ministers agreed that cooperation with civil society is important.
8. The Regional Office presented its annual report.
9. The Co-Chairs will circulate a summary of the discussions.
"""

UN_DECISION = """\
# Decision 4/2. Strengthening regional cooperation

The Conference of the Parties,

*Recalling* its decision 3/1 on technical assistance,

*Noting with appreciation* the report of the Executive Secretary,

1. Decides to establish an open-ended working group on data exchange;

2. Requests the Executive Secretary:

   (a) To prepare a study on return practices by December 2018;

   (b) To report on progress to the Conference at its fifth session;

3. Invites Parties to submit their views to the secretariat by 31 January 2019;

4. Urges Member States to ratify the Protocol;

5. Calls upon States to strengthen cooperation with the International Organization for Migration (IOM);

6. Reaffirms its commitment to the principle of non-refoulement.
"""

DECLARATION_HTML = """\
<!DOCTYPE html><html><head><title>Declaration</title><style>p {color: red}</style></head>
<body><h1>Jakarta Ministerial Declaration</h1>
<p>We, the Ministers responsible for migration, meeting in Jakarta on 5 April 2017,</p>
<p>Recognising the scale of irregular migration in the region,</p>
<p>Hereby:</p>
<ol>
<li>Commit to strengthening information sharing among members by 2018;</li>
<li>Call on the Regional Office to develop a toolkit on victim identification;</li>
<li>Welcome the offer of New Zealand to host a workshop on document fraud in 2017.</li>
</ol>
<script>var agreed = "Members agreed to do nothing";</script>
</body></html>
"""

BULLETS = """\
Outcomes of the Senior Officials' Meeting
Location: Colombo, Sri Lanka   Date: 2 June 2017

The meeting was attended by representatives of twelve members and IOM.

  • Members noted the progress report of the Regional Office.
  • Sri Lanka and Maldives will hold a joint border exercise in late 2017, supported by IOM and UNODC.
  • The Regional Office was asked to map training needs, coordinating with UNHCR.

Next steps

  • Members agreed to meet again in 2018.
"""


def draft(text: str, ctx: Context = CTX, name: str = "statement.txt") -> list[Proposal]:
    return draft_statement(text.encode(), name, ctx)


def by_source(proposals: list[Proposal]) -> dict[str, list[Proposal]]:
    found: dict[str, list[Proposal]] = {}
    for p in proposals:
        found.setdefault(p.source, []).append(p)
    return found


# --- numbered co-chairs' statement -----------------------------------------------------------


def test_co_chairs_statement_gives_one_proposal_per_outcome_and_skips_the_rest() -> None:
    found = by_source(draft(CO_CHAIRS))
    assert list(found) == [f"paragraph {n}" for n in (2, 3, 4, 5, 6, 7, 9)]


def test_a_paragraph_with_two_operative_sentences_gives_two_proposals() -> None:
    endorsed, recommended = by_source(draft(CO_CHAIRS))["paragraph 3"]
    assert (endorsed.kind, endorsed.owners) == (Kind.ENDORSED, ("Members",))
    assert recommended.kind is Kind.RECOMMENDED
    assert recommended.owners == ("Steering Group",)  # "be reviewed ... by the Steering Group"


def test_passive_tasking_names_the_tasked_party_and_the_year_end_is_the_due() -> None:
    (p,) = by_source(draft(CO_CHAIRS))["paragraph 4"]
    assert (p.kind, p.owners, p.due and p.due.text) == (Kind.TASKED, ("Secretariat",), "2017")


def test_request_names_its_object_as_owner_with_support_and_a_half_year() -> None:
    (p,) = by_source(draft(CO_CHAIRS))["paragraph 5"]
    assert p.kind is Kind.REQUESTED
    assert p.owners == ("Regional Office",)
    assert p.support == ("UNHCR",)
    assert p.due is not None and p.due.text == "2018-H1"


def test_before_the_next_meeting_is_the_next_meeting_of_the_series_when_known() -> None:
    (p,) = by_source(draft(CO_CHAIRS))["paragraph 6"]
    assert (p.kind, p.owners) == (Kind.WILL, ("Japan", "Thailand"))
    assert p.due is not None and p.due.text == "2018-04-20"
    (unknown,) = by_source(draft(CO_CHAIRS, Context(MEETING, (), None)))["paragraph 6"]
    assert unknown.due is None


def test_agreed_that_something_is_important_is_a_view_not_work() -> None:
    (p,) = by_source(draft(CO_CHAIRS))["paragraph 7"]
    assert p.informational and p.kind is Kind.RECOGNISED


def test_the_co_chairs_are_the_meetings_chairs_when_the_record_knows_them() -> None:
    (p,) = by_source(draft(CO_CHAIRS))["paragraph 9"]
    assert p.owners == ("Thailand", "Japan")


def test_every_proposal_says_why() -> None:
    for p in draft(CO_CHAIRS):
        assert p.why and p.kind.value in p.why


# --- UN-style decision --------------------------------------------------------------------


def test_un_decision_skips_the_preamble_and_splits_sub_paragraphs() -> None:
    found = by_source(draft(UN_DECISION, name="decision.md"))
    assert list(found) == [
        "paragraph 1",
        "paragraph 2(a)",
        "paragraph 2(b)",
        "paragraph 3",
        "paragraph 4",
        "paragraph 5",
        "paragraph 6",
    ]


def test_un_decision_verbs_and_owners() -> None:
    found = {s: ps[0] for s, ps in by_source(draft(UN_DECISION)).items()}
    assert (found["paragraph 1"].kind, found["paragraph 1"].owners) == (Kind.DECIDED, ("Members",))
    a = found["paragraph 2(a)"]
    assert a.kind is Kind.REQUESTED and a.owners == ("Executive Secretary",)
    assert a.text.startswith("Requests the Executive Secretary to prepare a study")
    assert a.due is not None and a.due.text == "2018-12"
    assert found["paragraph 3"].owners == ("Parties",)
    assert found["paragraph 3"].due is not None and found["paragraph 3"].due.text == "2019-01-31"
    assert (found["paragraph 4"].kind, found["paragraph 4"].owners) == (
        Kind.URGED,
        ("Member States",),
    )
    assert found["paragraph 5"].kind is Kind.CALLED_UPON
    assert found["paragraph 6"].informational and found["paragraph 6"].kind is Kind.REAFFIRMED


def test_inline_sub_items_become_one_proposal_each() -> None:
    text = "3. Requests the Secretariat: (a) to draft terms of reference; (b) to circulate them to members by 2018; and (c) to report back.\n"
    found = draft(text)
    assert [p.source for p in found] == ["paragraph 3(a)", "paragraph 3(b)", "paragraph 3(c)"]
    assert all(p.owners == ("Secretariat",) and p.kind is Kind.REQUESTED for p in found)
    assert found[1].due is not None and found[1].due.text == "2018"


# --- declaration in HTML ----------------------------------------------------------------------


def test_declaration_in_html_reads_first_person_commitments_and_offers() -> None:
    found = draft(DECLARATION_HTML, name="declaration.html")
    assert [p.source for p in found] == ["paragraph 1", "paragraph 2", "paragraph 3"]
    commit, call, offer = found
    assert (commit.kind, commit.owners, commit.due and commit.due.text) == (
        Kind.COMMITTED,
        ("Members",),
        "2018",
    )
    assert (call.kind, call.owners) == (Kind.CALLED_UPON, ("Regional Office",))
    assert (offer.kind, offer.owners) == (Kind.WILL, ("New Zealand",))  # an offer is work
    assert all("nothing" not in p.text for p in found)  # script text is not read


def test_html_list_start_and_nested_lists_keep_their_labels() -> None:
    html = (
        "<ol start='4'><li>Members agreed to hold a forum.</li>"
        "<li>Requests the Secretariat:<ol><li>to draft a plan;</li><li>to cost it.</li></ol></li></ol>"
    )
    units = outcome_units(html_blocks(html))
    assert [u.source for u in units] == ["paragraph 4", "paragraph 5(a)", "paragraph 5(b)"]


# --- bulleted outcomes ------------------------------------------------------------------------


def test_bullets_are_counted_through_the_statement_and_named() -> None:
    found = draft(BULLETS)
    assert [p.source for p in found] == ["bullet 1", "bullet 2", "bullet 3", "bullet 4"]
    noted, exercise, asked, meet = found
    assert noted.informational
    assert exercise.owners == ("Sri Lanka", "Maldives")
    assert exercise.support == ("IOM", "UNODC")
    assert exercise.due is not None and exercise.due.text == "late 2017"
    assert (asked.kind, asked.owners, asked.support) == (
        Kind.REQUESTED,
        ("Regional Office",),
        ("UNHCR",),
    )
    assert meet.due is not None and meet.due.text == "2018"


def test_soft_sentences_join_the_outcome_they_follow() -> None:
    text = "• Fiji will run a pilot. Neighbouring countries were encouraged to join it.\n"
    (p,) = draft(text)
    assert p.kind is Kind.WILL and p.owners == ("Fiji",)
    assert "encouraged" in p.text


def test_a_pronoun_subject_is_the_previous_sentences() -> None:
    text = "• Members commended the Office. They encouraged contributions to it.\n"
    (p,) = draft(text)
    assert (p.kind, p.owners) == (Kind.ENCOURAGED, ("Members",))


def test_passive_encouragement_names_the_encouraged() -> None:
    reading = read_sentence("Transit countries were encouraged to join.", Parties())
    assert reading is not None and reading.owners == ("Transit countries",)


@pytest.mark.parametrize(
    "sentence",
    [
        "In attendance were representatives from Fiji, Samoa and IOM.",
        "Canada attended the meeting as an observer.",
        "The meeting was hosted by Fiji in Suva.",
        "The purpose of the meeting was to review the agreed work plan.",
        "The Regional Office presented its work plan.",
        "Delegates were briefed by UNHCR on recent arrivals.",
        "Fiji delivered opening remarks.",
        "Location: Suva, Fiji  Date: 4 May 2017",
        "Members thanked Fiji for hosting the meeting.",
    ],
)
def test_what_is_not_an_outcome_is_skipped(sentence: str) -> None:
    assert read_sentence(sentence, Parties(["Fiji"])) is None


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Members acknowledged the work of the Office.", Kind.ACKNOWLEDGED),
        ("Members recalled the 2016 declaration.", Kind.RECALLED),
        ("Members reaffirmed their commitment to the framework.", Kind.REAFFIRMED),
        ("Members recognised the value of data sharing.", Kind.RECOGNISED),
        ("The partnership has been formalised.", Kind.NOTED),
        ("Members expressed appreciation for the Office's work.", Kind.COMMENDED),
        ("Members adopted the work plan.", Kind.ADOPTED),
        ("Members approved the budget.", Kind.APPROVED),
        ("The regional strategy was adopted.", Kind.ADOPTED),
        ("Ministers tasked the Ad Hoc Group to draft a plan.", Kind.TASKED),
        ("Members invited Fiji to share its experience.", Kind.INVITED),
        ("Members urged all members to sign.", Kind.URGED),
        ("Members called on donors to contribute.", Kind.CALLED_UPON),
    ],
)
def test_each_verb_gives_its_kind(sentence: str, kind: Kind) -> None:
    reading = read_sentence(sentence, Parties(["Fiji"]))
    assert reading is not None and reading.kind is kind
    assert reading.informational == (kind in INFORMATIONAL)


def test_an_adjective_or_noun_is_not_the_verb() -> None:
    reading = read_sentence(
        "With the support of Japan and under the agreed plan, members decided to act.", Parties()
    )
    assert reading is not None and reading.kind is Kind.DECIDED


def test_a_name_holding_a_verb_is_not_the_verb() -> None:
    reading = read_sentence("The Regional Support Office will publish a guide.", Parties())
    assert reading is not None and reading.kind is Kind.WILL
    assert reading.owners == ("Regional Support Office",)


def test_led_by_names_the_lead() -> None:
    reading = read_sentence(
        "Members agreed to a workshop led by the Working Group on Returns.", Parties()
    )
    assert reading is not None and reading.owners == ("Working Group on Returns",)


# --- parties ------------------------------------------------------------------------------


def test_defined_abbreviations_name_one_party_and_known_spellings_win() -> None:
    statement = "The Regional Support Office of the Bali Process (RSO) and the Jakarta Centre for Law Enforcement Cooperation (JCLEC) met."
    parties = Parties(["RSO"], statement)
    assert parties.names("the Jakarta Centre for Law Enforcement Cooperation and the RSO") == [
        "JCLEC",
        "RSO",
    ]
    assert parties.names("the Regional Support Office's plan") == ["RSO"]


def test_and_splits_states_but_not_a_bodys_title() -> None:
    parties = Parties()
    assert parties.names("Australia and Indonesia will") == ["Australia", "Indonesia"]
    assert parties.names("the Working Group on Smuggling and Trafficking in Persons will") == [
        "Working Group on Smuggling and Trafficking in Persons"
    ]


def test_lower_case_words_are_not_states() -> None:
    assert Parties().names("the turkey was served in chad-like bowls") == []


# --- due periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("hold it in late 2017", "late 2017"),
        ("report by mid-2018", "2018-H1"),
        ("finish in mid 2018", "mid 2018"),
        ("by the end of 2018", "2018"),
        ("by December 2018", "2018-12"),
        ("by the end of June 2018", "2018-06"),
        ("in 2019", "2019"),
        ("by 31 January 2019", "2019-01-31"),
        ("by March 5, 2019", "2019-03-05"),
        ("in the second half of 2018", "2018-H2"),
        ("in the third quarter of 2018", "2018-Q3"),
        ("within six months", "2017-09"),
        ("within 2 years", "2019-03"),
        ("by the end of the year", "2017"),
        ("before the next meeting", "2018-04-20"),
    ],
)
def test_due_phrases_map_to_periods(phrase: str, period: str) -> None:
    found = find_due(phrase, MEETING, NEXT)
    assert found is not None and found.period.text == period


@pytest.mark.parametrize(
    "phrase",
    ["since 2013", "in 2015", "the work plan for 2017-19", "the 2018 review", "annually"],
)
def test_years_that_set_no_deadline_give_no_due(phrase: str) -> None:
    assert find_due(phrase, MEETING, NEXT) is None


# --- reading ------------------------------------------------------------------------------


def test_sentences_are_not_split_after_abbreviations() -> None:
    text = "Mr. Tan of the U.S. delegation spoke, e.g. on returns. Members agreed to act."
    assert sentences(text) == [
        "Mr. Tan of the U.S. delegation spoke, e.g. on returns.",
        "Members agreed to act.",
    ]


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    text = (
        "1. Members agreed to establish a regional working group on data\n"
        "exchange, to be chaired by Fiji, and to meet at least twice a year\n"
        "from 2018 onwards.\n"
        "2. Members noted the report of the Office and thanked the Office for\n"
        "its contribution to the region over the past several years of work.\n"
    )
    assert [b.label for b in text_blocks(text)] == ["1", "2"]


def test_markdown_lists_numbered_one_throughout_are_counted() -> None:
    blocks = text_blocks(
        "1. Members agreed to A.\n1. Members agreed to B.\n1. Members agreed to C.\n"
    )
    assert [u.source for u in outcome_units(blocks)] == [f"paragraph {n}" for n in (1, 2, 3)]


def test_unnumbered_paragraphs_are_counted() -> None:
    blocks = [Block("heading", "Outcomes"), Block("para", "A."), Block("para", "B.")]
    assert [u.source for u in outcome_units(blocks)] == ["paragraph 1", "paragraph 2"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x01\x02binary\x00" * 50, "not text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Word"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
        (b"{\\rtf1 hello}", "RTF"),
    ],
)
def test_unknown_formats_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(UnreadableStatement, match=message):
        read_blocks(raw, "x.bin")


def test_a_statement_with_no_outcomes_is_refused() -> None:
    with pytest.raises(NoOutcomes):
        draft("The meeting was held in Suva.\nIn attendance were Fiji and Samoa.\n")


def test_the_same_statement_always_gives_the_same_proposals() -> None:
    assert draft(CO_CHAIRS) == draft(CO_CHAIRS)


def test_blocks_alone_can_be_drafted() -> None:
    (p,) = draft_from_blocks([Block("bullet", "Members agreed to meet.")], CTX)
    assert p.source == "bullet 1"


# --- the model -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(INFORMATIONAL))
def test_informational_kinds_owe_nothing(kind: Kind) -> None:
    c = Commitment(id="x", meeting="4", seq=1, text="t", kind=kind)
    assert not c.is_work and not c.is_open and not c.is_overdue(date(2100, 1, 1))


@pytest.mark.parametrize("kind", [Kind.REQUESTED, Kind.TASKED, Kind.CALLED_UPON, Kind.ADOPTED])
def test_new_work_kinds_are_work(kind: Kind) -> None:
    assert Commitment(id="x", meeting="4", seq=1, text="t", kind=kind).is_work
