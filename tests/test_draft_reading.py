"""Reading a statement and cutting it into outcome units, as published documents lay them out.

Each statement is written for these tests in the genre's own shapes (co-chairs' statements with
bullets under a lead-in, numbered declarations printed to PDF, Word action tables), so what is
checked is the layout rule, not one real document."""

from __future__ import annotations

import io

import pytest

from aghtrack.draft.read import Block, html_blocks, read_blocks, text_blocks
from aghtrack.draft.units import Unit, outcome_units


def units_of(text: str) -> list[tuple[str, str]]:
    return [(u.source, u.text) for u in outcome_units(text_blocks(text))]


def _docx_bytes(build: object) -> bytes:
    from docx import Document

    document = Document()
    assert callable(build)
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- sub-bullets under a lead-in ---------------------------------------------------------------

RSO_WILL = [
    ("bullet 1", "Members welcomed the report."),
    ("bullet 2(a)", "Members agreed that the RSO will develop a guide by mid-2018"),
    ("bullet 2(b)", "Members agreed that the RSO will convene a workshop in late 2017."),
    ("bullet 3", "Sri Lanka will host a workshop in 2017."),
]


@pytest.mark.parametrize("marker", ["–", "—", "-", "o", "◦", "▪", "·", "\uf0a7"])
@pytest.mark.parametrize("indent", ["  ", "", "\t"])
def test_dash_and_o_sub_bullets_are_sub_items_read_with_their_lead_in(
    marker: str, indent: str
) -> None:
    text = (
        "• Members welcomed the report.\n"
        "• Members agreed that the RSO will:\n"
        f"{indent}{marker} develop a guide by mid-2018;\n"
        f"{indent}{marker} convene a workshop in late 2017.\n"
        "• Sri Lanka will host a workshop in 2017.\n"
    )
    assert units_of(text) == RSO_WILL


def test_sub_bullets_with_the_top_marker_are_sub_items_when_they_continue_the_lead_in() -> None:
    """A PDF of Word's automatic bullets prints one symbol at every level and loses the
    indent: the lower-case item completing "...will:" is what shows it is a sub-item."""
    text = (
        "\uf0b7 Members welcomed the report.\n"
        "\uf0b7 Members agreed that the RSO will:\n"
        "\uf0b7 develop a guide by mid-2018;\n"
        "\uf0b7 convene a workshop in late 2017.\n"
        "\uf0b7 Sri Lanka will host a workshop in 2017.\n"
    )
    assert units_of(text) == RSO_WILL


def test_indented_sub_bullets_of_a_numbered_paragraph_take_its_number() -> None:
    text = (
        "1. Ministers agreed to:\n"
        "   - develop a guide by mid-2018;\n"
        "   - convene a workshop in late 2017.\n"
        "2. Ministers noted the following:\n"
        "   - the report of the Working Group;\n"
        "   - the outcomes of the Period of Action.\n"
        "3. Fiji will host the next meeting.\n"
    )
    assert units_of(text) == [
        ("paragraph 1(a)", "Ministers agreed to develop a guide by mid-2018"),
        ("paragraph 1(b)", "Ministers agreed to convene a workshop in late 2017."),
        ("paragraph 2(a)", "Ministers noted the report of the Working Group"),
        ("paragraph 2(b)", "Ministers noted the outcomes of the Period of Action."),
        ("paragraph 3", "Fiji will host the next meeting."),
    ]


def test_sub_bullets_under_a_lettered_lead_in_are_its_roman_sub_items() -> None:
    text = (
        "1. Requests the Secretariat:\n"
        "(a) to convene, by 2018:\n"
        "    – a workshop on returns;\n"
        "    – a meeting of experts;\n"
        "(b) to report to the next session.\n"
    )
    assert [source for source, _ in units_of(text)] == [
        "paragraph 1(a)(i)",
        "paragraph 1(a)(ii)",
        "paragraph 1(b)",
    ]


def test_bullets_under_a_plain_lead_in_paragraph_stay_outcomes_of_their_own() -> None:
    """ "The meeting agreed as follows:" over capitalised bullets heads the list of outcomes;
    each bullet is an outcome, counted as a bullet, not glued to the heading's words."""
    text = (
        "The meeting agreed as follows:\n"
        "  • Members welcomed the report.\n"
        "  • Sri Lanka will host a workshop in 2017.\n"
    )
    assert units_of(text) == [
        ("paragraph 1", "The meeting agreed as follows:"),
        ("bullet 1", "Members welcomed the report."),
        ("bullet 2", "Sri Lanka will host a workshop in 2017."),
    ]


def test_indented_bullets_after_a_numbered_paragraph_that_is_no_lead_in_stand_alone() -> None:
    text = "1. Ministers noted the report.\n  • Members welcomed it.\n  • Fiji will host.\n"
    assert [source for source, _ in units_of(text)] == ["paragraph 1", "bullet 1", "bullet 2"]


def test_a_dash_bullet_list_of_its_own_is_not_nested() -> None:
    text = "- Members welcomed the report.\n- Members agreed to meet:\n- Fiji will host it.\n"
    assert [source for source, _ in units_of(text)] == ["bullet 1", "bullet 2", "bullet 3"]


def test_markdown_nested_lists_are_sub_items() -> None:
    text = (
        "## Outcomes\n\n"
        "- Members agreed that the RSO will:\n"
        "    - develop a guide by mid-2018;\n"
        "    - convene a workshop in late 2017.\n"
        "- Sri Lanka will host a workshop in 2017.\n"
    )
    assert [source for source, _ in units_of(text)] == [
        "bullet 1(a)",
        "bullet 1(b)",
        "bullet 2",
    ]


def test_word_level_two_bullets_are_sub_items() -> None:
    def build(document: object) -> None:
        add = document.add_paragraph  # type: ignore[attr-defined]
        add("Members welcomed the report.", style="List Bullet")
        add("Members agreed that the RSO will:", style="List Bullet")
        add("develop a guide by mid-2018;", style="List Bullet 2")
        add("Convene a workshop in late 2017.", style="List Bullet 2")
        add("Sri Lanka will host a workshop in 2017.", style="List Bullet")

    units = outcome_units(read_blocks(_docx_bytes(build), "s.docx"))
    assert [u.source for u in units] == ["bullet 1", "bullet 2(a)", "bullet 2(b)", "bullet 3"]
    assert units[2].text == "Members agreed that the RSO will Convene a workshop in late 2017."


def test_word_bullets_typed_as_characters_nest_by_their_indent() -> None:
    def build(document: object) -> None:
        add = document.add_paragraph  # type: ignore[attr-defined]
        add("• Members agreed that the RSO will:")
        add("  o develop a guide by mid-2018;")
        add("  o convene a workshop in late 2017.")
        add("• Sri Lanka will host a workshop in 2017.")

    units = outcome_units(read_blocks(_docx_bytes(build), "s.docx"))
    assert [u.source for u in units] == ["bullet 1(a)", "bullet 1(b)", "bullet 2"]


def test_html_lists_inside_list_items_are_sub_items() -> None:
    html = (
        "<ul><li>Members agreed that the RSO will:<ul>"
        "<li>develop a guide by mid-2018;</li><li>convene a workshop in late 2017.</li>"
        "</ul></li><li>Sri Lanka will host a workshop in 2017.</li></ul>"
    )
    units = outcome_units(html_blocks(html))
    assert [u.source for u in units] == ["bullet 1(a)", "bullet 1(b)", "bullet 2"]


def test_blocks_without_a_level_read_as_before() -> None:
    blocks = [Block("bullet", "Members agreed to:"), Block("bullet", "Fiji will host it.")]
    assert outcome_units(blocks) == [
        Unit("bullet 1", "Members agreed to:"),
        Unit("bullet 2", "Fiji will host it."),
    ]


def test_a_title_before_numbered_paragraphs_does_not_take_their_numbers() -> None:
    text = (
        "Co-Chairs' Statement\n\nBangkok, 2019\n\n1. Members agreed to meet.\n2. Fiji will host.\n"
    )
    assert [source for source, _ in units_of(text)] == [
        "before paragraph 1",
        "before paragraph 1",
        "paragraph 1",
        "paragraph 2",
    ]


# --- PDF and hard-wrapped text -------------------------------------------------------------------


def wrapped(text: str) -> list[str]:
    return [b.text for b in text_blocks(text, wrapped=True)]


@pytest.mark.parametrize(
    ("broken", "mended"),
    [
        ("in consulta-\ntion with IOM.", "in consultation with IOM."),
        ("met with the Co-\nChairs today.", "met with the Co-Chairs today."),
        (
            "an update on the follow-\nup at the next meeting.",
            "an update on the follow-up at the next meeting.",
        ),
        ("the principle of non-\nrefoulement.", "the principle of non-refoulement."),
        ("a whole-of-\ngovernment approach.", "a whole-of-government approach."),
        ("its mandate for 2017-\n2019.", "its mandate for 2017-2019."),
        ("a guide by mid-\n2018.", "a guide by mid-2018."),
        ("an evidence-\nbased policy.", "an evidence-based policy."),
        ("will co-\nhost a forum.", "will co-host a forum."),
        ("a soft\u00ad\nhyphen.", "a softhyphen."),
        ("the region -\nincluding Fiji.", "the region - including Fiji."),
    ],
)
def test_words_broken_across_lines_are_mended(broken: str, mended: str) -> None:
    assert wrapped(f"1. Members agreed {broken}\n") == [f"Members agreed {mended}"]


def test_a_broken_word_is_mended_as_the_statement_spells_it_elsewhere() -> None:
    text = (
        "1. Members agreed to a cross-border guide and a work-\n"
        "plan for the co-\n"
        "alition, as in the workplan of the coalition and the cross-\n"
        "border plan.\n"
    )
    assert wrapped(text) == [
        "Members agreed to a cross-border guide and a workplan for the coalition, as in the "
        "workplan of the coalition and the cross-border plan."
    ]


def test_no_hyphen_is_left_before_a_space_inside_a_word() -> None:
    text = (
        "1. Members agreed to hold regional consulta-\n"
        "tions, to strengthen informa-\n"
        "tion sharing and to report on imple-\n"
        "mentation in 2018.\n"
    )
    (paragraph,) = wrapped(text)
    assert "- " not in paragraph
    assert "consultations, to strengthen information sharing" in paragraph


def test_a_number_glued_to_its_paragraph_is_its_number() -> None:
    """LibreOffice prints list numbers of two digits into a PDF with no space: "10.We"."""
    text = (
        "9. Ministers noted the report.\n"
        "10.We decided that the Forum will be launched in 2017.\n"
        "11.We thanked Indonesia.\n"
    )
    assert units_of(text) == [
        ("paragraph 9", "Ministers noted the report."),
        ("paragraph 10", "We decided that the Forum will be launched in 2017."),
        ("paragraph 11", "We thanked Indonesia."),
    ]


def test_a_version_number_or_a_decimal_is_not_a_paragraph_number() -> None:
    assert [b.style for b in text_blocks("2.5 million people moved.\n3.x is a label.\n")] == [
        "para",
        "para",
    ]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n", "\u2028"])
def test_every_kind_of_line_ending_splits_lines(newline: str) -> None:
    text = newline.join(
        [
            "Outcomes",
            "• Members agreed that the RSO will:",
            "  – develop a guide by mid-2018;",
            "• Sri Lanka will host a workshop in 2017.",
            "",
        ]
    )
    assert [u.source for u in outcome_units(read_blocks(text.encode(), "s.txt"))] == [
        "paragraph 1",
        "bullet 1(a)",
        "bullet 2",
    ]


# --- Word tables ---------------------------------------------------------------------------------


def _table_docx(
    rows: list[list[str]], *, before: str = "Participants agreed the actions below."
) -> bytes:
    def build(document: object) -> None:
        document.add_paragraph(before)  # type: ignore[attr-defined]
        table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        document.add_paragraph("Fiji will host the next meeting in 2019.")  # type: ignore[attr-defined]

    return _docx_bytes(build)


def docx_units(raw: bytes) -> list[tuple[str, str]]:
    return [(u.source, u.text) for u in outcome_units(read_blocks(raw, "s.docx"))]


def test_an_action_table_gives_one_unit_a_row_said_as_a_sentence() -> None:
    raw = _table_docx(
        [
            ["No.", "Action", "Lead", "Support", "Timeframe"],
            ["1", "Compile a directory of focal points", "RSO", "IOM", "By 31 March 2018"],
            [
                "2",
                "Develop procedures for disembarkation",
                "Indonesia; Malaysia",
                "UNHCR",
                "Q2 2018",
            ],
            ["3", "Share good practices", "All members", "", "Ongoing"],
        ]
    )
    assert docx_units(raw) == [
        ("paragraph 1", "Participants agreed the actions below."),
        (
            "action 1",
            "RSO will compile a directory of focal points, with support from IOM, by 31 March 2018.",
        ),
        (
            "action 2",
            "Indonesia and Malaysia will develop procedures for disembarkation, with support "
            "from UNHCR, by 2018-Q2.",
        ),
        ("action 3", "All members will share good practices."),
        ("paragraph 2", "Fiji will host the next meeting in 2019."),
    ]


def test_action_table_headers_are_told_by_their_words_and_rows_are_counted() -> None:
    raw = _table_docx(
        [
            ["Agreed follow-up actions", "Agreed follow-up actions", "Agreed follow-up actions"],
            ["Deadline", "Activity", "Action by"],
            ["Border management", "Border management", "Border management"],
            ["Early 2019", "A regional workshop on returns", "Fiji / Samoa"],
            ["TBC", "Translate the guide into Bahasa", "Indonesia"],
            ["before the next meeting", "Fiji will circulate a summary", "Fiji"],
        ]
    )
    assert docx_units(raw)[1:4] == [
        ("action 1", "Fiji and Samoa will deliver a regional workshop on returns, by early 2019."),
        ("action 2", "Indonesia will translate the guide into Bahasa."),
        ("action 3", "Fiji will circulate a summary, before the next meeting."),
    ]


def test_an_action_cell_that_names_a_thing_is_delivered_not_made_a_verb() -> None:
    """ "Regional workshop on returns" is a thing to deliver ("RSO will regional workshop"
    reads as nonsense); "Finalise the guide" and "Map the routes" are orders."""
    raw = _table_docx(
        [
            ["Action", "Lead"],
            ["Regional workshop on returns", "RSO"],
            ["Finalise the guide", "IOM"],
            ["Map smuggling routes", "UNODC"],
        ]
    )
    texts = [text for source, text in docx_units(raw) if source.startswith("action")]
    assert texts == [
        "RSO will deliver regional workshop on returns.",
        "IOM will finalise the guide.",
        "UNODC will map smuggling routes.",
    ]


def test_an_action_table_without_a_lead_column_is_owned_by_the_members() -> None:
    raw = _table_docx([["Outcome", "Due"], ["Hold a workshop on returns", "2018"]])
    assert ("action 1", "Members will hold a workshop on returns, by 2018.") in docx_units(raw)


def test_a_table_that_is_not_an_action_table_is_read_a_row_at_a_time() -> None:
    """A header of labels is not an outcome, and a row laid out in columns is one paragraph,
    so "1." and its text stay together."""
    raw = _table_docx(
        [
            ["Paragraph", "Text"],
            ["1.", "Ministers agreed to meet in 2018."],
            ["2.", "Ministers noted the report."],
        ],
        before="Outcomes",
    )
    assert docx_units(raw) == [
        ("before paragraph 1", "Outcomes"),
        ("paragraph 1", "Ministers agreed to meet in 2018."),
        ("paragraph 2", "Ministers noted the report."),
        ("after paragraph 2", "Fiji will host the next meeting in 2019."),
    ]


def test_action_table_rows_are_drafted_with_their_lead_support_and_due() -> None:
    from datetime import date

    from aghtrack.draft import Context, draft_statement
    from aghtrack.model import Meeting

    meeting = Meeting(key="11", title="Eleventh", date=date(2017, 6, 14))
    raw = _table_docx(
        [
            ["Action", "Lead", "Support", "Due"],
            ["Compile a directory of focal points", "Thailand", "IOM", "31 March 2018"],
        ],
        before="Agreed actions",
    )
    proposals = draft_statement(raw, "s.docx", Context(meeting, ("Thailand", "Fiji", "IOM")))
    (row,) = [p for p in proposals if p.source == "action 1"]
    assert (row.owners, row.support, row.due and row.due.text) == (
        ("Thailand",),
        ("IOM",),
        "2018-03-31",
    )
    assert all("Support" not in p.text.split()[:1] for p in proposals)


# --- PDF page furniture and footnotes ------------------------------------------------------------

PAGE_ONE = """\
Co-Chairs' Statement
Twelfth Meeting, Bangkok, 21 February 2019
1. Members agreed that the RSO will develop a framework on victims of trafficking1, in
consultation with the Working Group, by 2019.
Twelfth AHG SOM, Bangkok
Page 1 of 2"""

PAGE_TWO = """\
Co-Chairs' Statement
2. The Philippines will lead a study on online platforms2 in 2019.
_______________
1 As defined in the Protocol to Prevent, Suppress and Punish Trafficking in
Persons, Especially Women and Children.
2 Including social media.
Twelfth AHG SOM, Bangkok
Page 2 of 2"""


def test_pdf_page_headers_footers_numbers_and_footnotes_are_not_read_as_text() -> None:
    from aghtrack.draft.read import pdf_text

    units = outcome_units(text_blocks(pdf_text([PAGE_ONE, PAGE_TWO]), wrapped=True))
    assert [(u.source, u.text) for u in units] == [
        ("before paragraph 1", "Co-Chairs' Statement"),
        ("before paragraph 1", "Twelfth Meeting, Bangkok, 21 February 2019"),
        (
            "paragraph 1",
            "Members agreed that the RSO will develop a framework on victims of trafficking, in "
            "consultation with the Working Group, by 2019.",
        ),
        ("paragraph 2", "The Philippines will lead a study on online platforms in 2019."),
    ]


def test_without_the_footnote_rule_numbers_after_words_are_left_alone() -> None:
    """ "G20" or "Annex 1" cannot be told from a footnote marker without the notes it calls."""
    from aghtrack.draft.read import pdf_text

    page = "1. Members noted the G20 statement and Annex 1.\n2 Members agreed to meet."
    assert "G20 statement and Annex 1." in pdf_text([page])


def test_a_sentence_ending_at_the_foot_of_two_pages_is_kept() -> None:
    from aghtrack.draft.read import pdf_text

    pages = ["1. Members agreed to hold a workshop\nin 2017.", "2. Fiji will host it\nin 2017."]
    assert pdf_text(pages).count("in 2017.") == 2


def test_line_breaks_in_an_html_page_s_source_are_spaces() -> None:
    """A page converted from PDF breaks every printed line in its source, with blank lines
    between some: a browser shows one paragraph, and so must the reader (a paragraph cut in
    two lost its second half's commitment). Only <br> breaks a line; <pre> keeps its own."""
    page = (
        "<p>(j) Recognizes the burden of countries of asylum,<br />\n\n"
        "and calls on Governments and UNHCR<br />\n"
        "to continue to respond;</p>\n<p>(k) Encourages States to promote regional "
        "initiatives;</p><pre>1. Keep\nthese lines</pre>"
    )
    blocks = html_blocks(page)
    assert [(b.label, b.text) for b in blocks[:2]] == [
        ("j", "Recognizes the burden of countries of asylum, and calls on Governments and "
              "UNHCR to continue to respond;"),
        ("k", "Encourages States to promote regional initiatives;"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "title", ["No. 65 (XLII) GENERAL (1991)", "1997 (Executive Committee, 48th session)"]
)
def test_a_reference_line_over_lettered_paragraphs_is_not_their_lead_in(title: str) -> None:
    units = units_of(
        f"{title}\n\n(a) Notes with concern the number of refugees;\n\n"
        "(b) Requests the High Commissioner to report in 2019.\n"
    )
    texts = [text for _, text in units]
    assert "Notes with concern the number of refugees" in texts
    assert "Requests the High Commissioner to report in 2019." in texts
    # A lead-in still leads in.
    led = units_of("The Executive Committee,\n\n(a) Requests the High Commissioner to report.\n")
    assert led[-1][1] == "The Executive Committee, Requests the High Commissioner to report."


def test_a_paragraph_cut_by_a_page_break_goes_on_in_lower_case() -> None:
    """A PDF's page break leaves the rest of paragraph 17 as a paragraph of its own, in lower
    case: it is read with 17, not listed as one that gave no proposal."""
    units = units_of(
        "17. Requests Governments to train officers who handle cases of trafficked\n\n"
        "women and girls, taking into account their needs;\n\n"
        "18. Invites States to act.\n\nmore text after a finished paragraph stays apart.\n"
    )
    assert units[0] == (
        "paragraph 17",
        "Requests Governments to train officers who handle cases of trafficked women and "
        "girls, taking into account their needs;",
    )
    assert units[1] == ("paragraph 18", "Invites States to act.")
    assert units[2][1] == "more text after a finished paragraph stays apart."


@pytest.mark.parametrize(
    ("cell", "said"),
    [("end of 2017", "by 2017."), ("first half of 2018", "by 2018-H1."), ("H2 2017", "by 2017-H2."),
     ("December 2017", "by 2017-12.")],
)  # fmt: skip
def test_a_timeframe_cell_in_the_record_s_own_forms_keeps_its_date(cell: str, said: str) -> None:
    raw = _table_docx([["Action", "Lead", "Timeframe"], ["Map the routes", "IOM", cell]])
    assert ("action 1", f"IOM will map the routes, {said}") in docx_units(raw)
