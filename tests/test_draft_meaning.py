"""What an outcome means: which verb decides it, who owes it, under which spelling, and by when.

Each rule is checked on several phrasings written for these tests, in the genres a regional
process publishes (co-chairs' statements, ministerial declarations, bulleted outcomes), so a
rule holds for the grammar and not for one statement."""

from __future__ import annotations

from datetime import date

import pytest

from aghtrack.draft import Context, Proposal, draft_statement
from aghtrack.draft.classify import read_sentence, sentences
from aghtrack.draft.due import find_due
from aghtrack.draft.parties import Parties
from aghtrack.model import Kind, Meeting

MEETING = Meeting(
    key="11",
    title="Eleventh Senior Officials' Meeting",
    date=date(2017, 3, 1),
    series="SOM",
    chairs=("Australia", "Indonesia"),
)
CTX = Context(MEETING, ("Australia", "Indonesia"))


def draft(text: str, ctx: Context = CTX) -> list[Proposal]:
    return draft_statement(text.encode(), "statement.txt", ctx)


def only(text: str, ctx: Context = CTX) -> Proposal:
    (proposal,) = draft(text, ctx)
    return proposal


# --- 1. offers and undertakings are work ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "owner"),
    [
        ("Thailand offered to host a workshop on labour exploitation in 2018.", "Thailand"),
        ("Fiji kindly offered to host the next meeting.", "Fiji"),
        ("Indonesia volunteered to lead the working group on returns.", "Indonesia"),
        ("New Zealand generously offered to fund two training courses.", "New Zealand"),
        ("Malaysia undertook to circulate a concept note.", "Malaysia"),
        ("Japan pledged to contribute to the regional fund.", "Japan"),
        ("Sri Lanka will be responsible for the secretariat of the network.", "Sri Lanka"),
    ],
)
def test_a_party_offering_or_undertaking_work_owes_it(sentence: str, owner: str) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and not reading.informational
    assert reading.kind in (Kind.WILL, Kind.COMMITTED)
    assert reading.owners == (owner,)


@pytest.mark.parametrize(
    "sentence",
    [
        "Members appreciated the offer of the Philippines to host a workshop in 2018.",
        "We appreciate the Philippines' kind offer to host a workshop in 2018.",
        "Members expressed appreciation for the offer of the Philippines to host a workshop.",
    ],
)
def test_appreciating_an_offer_makes_the_offering_party_the_owner(sentence: str) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None
    assert (reading.kind, reading.owners) == (Kind.WILL, ("Philippines",))


def test_an_offer_after_a_noted_report_is_neither_lost_nor_informational() -> None:
    p = only(
        "1. Members noted the report of the Working Group. "
        "Thailand offered to host a workshop on labour exploitation in 2018.\n"
    )
    assert "Thailand offered to host" in p.text and "noted the report" in p.text
    assert (p.kind, p.owners, p.due and p.due.text) == (Kind.WILL, ("Thailand",), "2018")


def test_a_sentence_that_records_no_outcome_stays_in_the_proposal_text() -> None:
    p = only("1. Indonesia presented its national action plan. It will report on it in 2018.\n")
    assert p.text == "Indonesia presented its national action plan. It will report on it in 2018."
    q = only("• Members adopted the work plan. The RSO presented the budget.\n")
    assert q.text.endswith("The RSO presented the budget.")


# --- 2. a view followed by a decision is the decision --------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "owners"),
    [
        (
            "Members welcomed the RSO's report and agreed that the RSO will publish it by the end of 2017.",
            Kind.AGREED,
            ("RSO",),
        ),
        ("Members noted the study and requested IOM to update it.", Kind.REQUESTED, ("IOM",)),
        (
            "Ministers acknowledged the progress made, and tasked the Working Group on Returns to report.",
            Kind.TASKED,
            ("Working Group on Returns",),
        ),
        (
            "Notes the report and requests the Secretariat to circulate it.",
            Kind.REQUESTED,
            ("Secretariat",),
        ),
        ("Thailand noted the proposal and will host a workshop.", Kind.WILL, ("Thailand",)),
    ],
)
def test_an_informational_verb_followed_by_and_an_operative_verb_is_the_operative(
    sentence: str, kind: Kind, owners: tuple[str, ...]
) -> None:
    p = only(f"• {sentence}\n")
    assert (p.kind, p.owners) == (kind, owners)
    assert p.text == sentence  # one proposal, the sentence word for word


def test_two_decisions_joined_by_and_are_two_proposals() -> None:
    first, second = draft(
        "10. We decided that the Forum will be launched in 2017 and directed the Co-Chairs "
        "to prepare its terms of reference within six months.\n"
    )
    assert first.kind is Kind.DECIDED and first.due is not None and first.due.text == "2017"
    assert second.kind is Kind.TASKED and second.owners == ("Australia", "Indonesia")
    assert second.due is not None and second.due.text == "2017-09"


@pytest.mark.parametrize(
    "sentence",
    [
        "Members welcomed the Government and Business Forum.",
        "Members welcomed the support and cooperation of Japan.",
        "Members welcomed the plan developed and adopted in 2016.",
        "Members noted that Australia and New Zealand attended.",
    ],
)
def test_and_inside_names_and_noun_phrases_does_not_split_a_sentence(sentence: str) -> None:
    assert sentences(sentence) == [sentence]
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.informational


@pytest.mark.parametrize(
    ("sentence", "owners"),
    [
        ("Members noted that IOM and UNHCR will jointly convene a roundtable.", ("IOM", "UNHCR")),
        ("The meeting welcomed that Fiji will host the next workshop.", ("Fiji",)),
    ],
)
def test_noting_a_partys_undertaking_records_the_undertaking(
    sentence: str, owners: tuple[str, ...]
) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and (reading.kind, reading.owners) == (Kind.WILL, owners)


# --- 3. preambles and views ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Recalling the Regional Cooperation Framework agreed in 2011, we reaffirmed our commitment to it.",
        "Noting the plan agreed by senior officials, Ministers recognised its value.",
        "Recognising that members agreed to share data, we acknowledged the progress made.",
        "Bearing in mind the decisions adopted in 2016, Members reaffirmed the principles.",
        "Mindful of the work plan endorsed last year, the Conference welcomed the report.",
        "Acknowledging the arrangements agreed in Bali,",
    ],
)
def test_a_preamble_participle_makes_background_of_what_it_governs(sentence: str) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.informational


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "Recognising the scale of the challenge, Ministers agreed to establish a taskforce.",
            Kind.AGREED,
        ),
        ("Welcoming the report of the RSO, we decided to extend its mandate.", Kind.DECIDED),
        ("Noting the offer of Fiji to host the next workshop,", Kind.WILL),
    ],
)
def test_the_main_clause_after_a_preamble_still_decides(sentence: str, kind: Kind) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.kind is kind


@pytest.mark.parametrize(
    "sentence",
    [
        "Members agreed that irregular migration remains a shared regional challenge.",
        "Ministers agreed that the Bali Process has made significant progress.",
        "Members agreed that trafficking in persons continues to affect the region.",
        "Members agreed that these challenges are shared by source, transit and destination countries.",
    ],
)
def test_agreeing_that_a_fact_holds_is_a_view(sentence: str) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.kind is Kind.RECOGNISED


@pytest.mark.parametrize(
    "sentence",
    [
        "Members agreed that the RSO will publish the guide.",
        "Members agreed that the RSO should publish the guide.",
        "Members agreed that the RSO is to publish the guide.",
        "Members agreed that the RSO prepare a paper.",
        "Members agreed that the guide be published by the RSO.",
    ],
)
def test_agreeing_that_someone_does_something_stays_a_decision(sentence: str) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.kind is Kind.AGREED


# --- 4. owners and supporting parties ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "owners", "support"),
    [
        (
            "The ROK will finance a pilot, to be implemented by IOM, in 2018.",
            ("Republic of Korea",),
            ("IOM",),
        ),
        (
            "Sri Lanka, supported by UNHCR, will hold consultations in 2018.",
            ("Sri Lanka",),
            ("UNHCR",),
        ),
        (
            "Bangladesh and Myanmar, with the support of IOM, will hold a dialogue.",
            ("Bangladesh", "Myanmar"),
            ("IOM",),
        ),
        ("The RSO, in cooperation with UNODC, will deliver three workshops.", ("RSO",), ("UNODC",)),
        (
            "Australia, through its Department of Home Affairs, will fund two workshops.",
            ("Australia",),
            (),
        ),
    ],
)
def test_a_supporting_party_never_replaces_the_subject(
    sentence: str, owners: tuple[str, ...], support: tuple[str, ...]
) -> None:
    p = only(f"• {sentence}\n")
    assert (p.owners, p.support) == (owners, support)


def test_a_passive_agent_is_still_the_owner_when_the_meeting_decides() -> None:
    reading = read_sentence("Members agreed that the study will be conducted by IOM.", Parties())
    assert reading is not None and reading.owners == ("IOM",)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Co-Chairs encouraged members to nominate focal points by 30 September 2017.",
        "The Chair urged all members to ratify the Protocol.",
        "The Co-Chairs invited all members to share their experience.",
    ],
)
def test_those_encouraged_owe_the_work_not_who_encouraged_them(sentence: str) -> None:
    assert only(f"• {sentence}\n").owners == ("Members",)


def test_the_co_chairs_stay_named_when_the_record_has_no_chairs() -> None:
    bare = Context(Meeting(key="12", title="Workshop", date=date(2017, 3, 1)))
    assert only("• The Co-Chairs will circulate the draft in 2018.\n", bare).owners == (
        "Co-Chairs",
    )


# --- 5. one party, one spelling -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Vietnam will", "Viet Nam"),
        ("The US will", "United States"),
        ("The U.S. will", "United States"),
        ("The United States of America will", "United States"),
        ("The ROK will", "Republic of Korea"),
        ("The Republic of Korea (ROK) will", "Republic of Korea"),
        ("The Lao People's Democratic Republic will", "Lao PDR"),
        ("The Lao People’s Democratic Republic will", "Lao PDR"),
        ("Laos will", "Lao PDR"),
        ("East Timor will", "Timor-Leste"),
        ("Turkey will", "Türkiye"),
        ("The Office of the United Nations High Commissioner for Refugees will", "UNHCR"),
        ("The International Organization for Migration will", "IOM"),
        ("The United Nations Office on Drugs and Crime will", "UNODC"),
    ],
)
def test_common_variants_of_a_name_are_one_party(text: str, name: str) -> None:
    assert Parties().names(text) == [name]


def test_the_records_spelling_of_a_party_wins_over_the_usual_one() -> None:
    assert Parties(["Vietnam", "USA"]).names("Viet Nam and the United States will") == [
        "Vietnam",
        "USA",
    ]


def test_the_regional_support_office_is_the_rso_where_the_record_says_rso() -> None:
    assert Parties(["RSO"]).names("The Regional Support Office will") == ["RSO"]
    assert Parties().names("The Regional Support Office will") == ["Regional Support Office"]


# --- 6. due periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("report by end of June 2017", "2017-06"),
        ("report within a year", "2018-03"),
        ("report over the next 12 months", "2018-03"),
        ("report in the next six months", "2017-09"),
        ("report in the coming year", "2018-03"),
        ("report in 2017-18", "2018"),
        ("report during 2017/2018", "2018"),
    ],
)
def test_more_due_phrases_map_to_periods(phrase: str, period: str) -> None:
    found = find_due(phrase, MEETING, None)
    assert found is not None and found.period is not None and found.period.text == period


@pytest.mark.parametrize(
    "phrase",
    [
        "report at the next meeting",
        "report before the next AHG SOM",
        "present its findings at the next roundtable",
        "submit it for endorsement at the Seventh Ministerial Conference",
    ],
)
def test_a_later_meeting_the_record_cannot_date_is_kept_in_words_not_a_date(phrase: str) -> None:
    found = find_due(phrase, MEETING, None)
    assert found is not None and found.period is None
    p = only(f"• Malaysia will {phrase}.\n")
    assert p.due is None and "no date yet" in p.why and found.words in p.why


def test_a_date_wins_over_a_meeting_the_record_cannot_date() -> None:
    found = find_due("report at the next meeting and no later than June 2018", MEETING, None)
    assert found is not None and found.period is not None and found.period.text == "2018-06"


# --- UN-style bodies, calls and recommendations, lists of supporting parties ------------------


@pytest.mark.parametrize(
    ("lead", "item", "kind", "owners"),
    [
        ("The Executive Committee,", "Requests the High Commissioner to report in 2019;",
         Kind.REQUESTED, ("High Commissioner",)),
        ("The General Assembly,", "Urges States to accede to the Convention;", Kind.URGED, ("States",)),
        ("The Conference of the Parties,", "Decides to review the matter in 2019.", Kind.DECIDED,
         ("Conference of the Parties",)),
        ("The Executive Committee,", "Notes with concern the number of refugees;", Kind.NOTED, None),
        ("The Working Group on Trafficking,", "Welcomes the report of the RSO;", Kind.WELCOMED, None),
    ],
)  # fmt: skip
def test_a_un_style_body_naming_itself_before_its_lettered_paragraphs(
    lead: str, item: str, kind: Kind, owners: tuple[str, ...] | None
) -> None:
    """The verbs keep their capital after the body's name and its comma; each lettered
    paragraph is an outcome of its own (a whole conclusion was 'no outcomes found')."""
    proposals = draft(f"{lead}\n(a) {item}\n(b) Invites States to share data.\n")
    assert [p.source for p in proposals] == ["paragraph 1(a)", "paragraph 1(b)"]
    assert proposals[0].kind is kind
    if owners is not None:
        assert proposals[0].owners == owners
    assert (proposals[1].kind, proposals[1].owners) == (Kind.INVITED, ("States",))


def test_a_name_after_a_comma_is_still_no_verb() -> None:
    """Only a verb in the third person follows a body's name: "..., Regional Support Office"
    is a name."""
    reading = read_sentence(
        "Members thanked IOM, Regional Support Office and UNHCR for their work.", Parties()
    )
    assert reading is None


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The Ministers called for greater commitment to the Work Plan.", Kind.CALLED_UPON),
        ("Leaders called for urgent action on the bulk petroleum initiative.", Kind.CALLED_UPON),
        ("Member States should nominate liaison officers by the next meeting.", Kind.RECOMMENDED),
        ("The Work Plan should be followed up by senior officials.", Kind.RECOMMENDED),
    ],
)
def test_calls_for_action_and_what_should_be_done_are_work(sentence: str, kind: Kind) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.kind is kind and not reading.informational


def test_what_should_only_be_noted_is_no_work() -> None:
    reading = read_sentence("The framework should be noted as a guide.", Parties())
    assert reading is None or reading.informational


@pytest.mark.parametrize(
    "phrase",
    [
        "in collaboration with the People's Republic of China, Japan and the Republic of Korea",
        "with the support of China, Japan, and the Republic of Korea",
        "in partnership with China, Japan and Republic of Korea",
    ],
)
def test_a_list_of_supporting_parties_is_read_past_its_commas(phrase: str) -> None:
    proposal = only(f"Ministers agreed to strengthen cooperation on returns {phrase}.")
    assert set(proposal.support) == {"China", "Japan", "Republic of Korea"}


@pytest.mark.parametrize(
    ("sentence", "owners"),
    [
        ("Members requested IOM, UNHCR and UNODC to prepare a joint paper.", ("IOM", "UNHCR", "UNODC")),
        ("Ministers encouraged Australia, New Zealand and Fiji to share data.",
         ("Australia", "New Zealand", "Fiji")),
        ("The meeting calls on Governments, UNHCR and the international community to respond.",
         ("Governments", "UNHCR")),
        ("Members urged States, in particular those of origin, to cooperate.", ("States",)),
    ],
)  # fmt: skip
def test_the_list_of_those_asked_goes_on_past_its_commas(
    sentence: str, owners: tuple[str, ...]
) -> None:
    reading = read_sentence(sentence, Parties())
    assert reading is not None and reading.owners == owners


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("hold a workshop by 2017-Q3", "2017-Q3"),
        ("report by 2018-h1", "2018-H1"),
        ("circulate the draft by 2017-06-30", "2017-06-30"),
        ("finish before 2017-06", "2017-06"),
        ("in 2017-18", "2018"),  # a span, not month 18
    ],
)
def test_the_record_s_own_due_forms_are_read_as_typed(phrase: str, period: str) -> None:
    found = find_due(phrase, MEETING, None)
    assert found is not None and found.period is not None and found.period.text == period


@pytest.mark.parametrize("phrase", ["by 2017-Q7", "by 2017-02-30", "by 2016-Q4"])
def test_an_impossible_or_past_due_form_gives_no_due(phrase: str) -> None:
    found = find_due(phrase, MEETING, None)
    assert found is None or found.period is None


@pytest.mark.parametrize(
    ("sentence", "kind", "owners"),
    [
        ("Member States and the Commission have agreed to develop resettlement.", Kind.AGREED,
         ("Member States", "Commission")),
        ("The Council has decided to increase support to the Fund.", Kind.DECIDED, ("Council",)),
        ("Ministers have tasked the RSO to prepare a paper.", Kind.TASKED, ("RSO",)),
    ],
)  # fmt: skip
def test_the_present_perfect_records_an_outcome_as_the_past_does(
    sentence: str, kind: Kind, owners: tuple[str, ...]
) -> None:
    """EU conclusions and UN declarations write "have agreed": a whole statement in that
    tense was "no outcomes found"."""
    reading = read_sentence(sentence, Parties())
    assert reading is not None and (reading.kind, reading.owners) == (kind, owners)


def test_a_relative_clause_in_the_perfect_is_no_outcome_of_its_own() -> None:
    reading = read_sentence("Members noted the plan, which has endorsed targets.", Parties())
    assert reading is not None and reading.kind is Kind.NOTED


@pytest.mark.parametrize(
    "clause",
    ["COMMITTED to intensify our efforts against trafficking;", "RESOLVED to act together;",
     "RECALLING the Bali Declaration;"],
)  # fmt: skip
def test_a_preamble_in_capitals_is_background(clause: str) -> None:
    """ASEAN declarations open "WE, the Heads of State ... COMMITTED to ...; RESOLVED to
    ...;" before "DO HEREBY DECLARE": no work is owed by the preamble."""
    reading = read_sentence(clause, Parties())
    assert reading is None or reading.informational


def test_an_attendee_recorded_with_its_article_is_still_found() -> None:
    """Attendees "Viet Nam" and "the U.S.": the U.S. was dropped from "Viet Nam and the U.S.
    agreed ..." (the name swallowed the sentence's article)."""
    ctx = Context(MEETING, ("Viet Nam", "the U.S."))
    proposal = only("Viet Nam and the U.S. agreed to run a study by 2019.", ctx)
    assert proposal.owners == ("Viet Nam", "U.S.")
