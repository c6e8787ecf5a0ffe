"""Parties written two ways ("Vietnam" and "Viet Nam", "the U.S." and "United States"):
one party wherever the record counts or filters by party (pure).

The record keeps each name as it was typed or imported (the shipped record writes "Vietnam",
a UN document "Viet Nam"); ``party_key`` makes the spellings of one party one key, so
``list --owner "Viet Nam"`` finds what "Vietnam" leads and the report's "who owes what" lists
one lead, not two. ``draft`` uses the same table to file a statement's spelling under the
record's.
"""

from __future__ import annotations

#: One party, several spellings, the usual one first. Kept to names the Bali Process, ASEAN
#: and UN statements of the region write two ways.
ALIASES: tuple[tuple[str, ...], ...] = (
    ("United States", "United States of America", "USA", "US", "U.S.", "U.S.A."),
    ("United Kingdom", "UK", "U.K.", "United Kingdom of Great Britain and Northern Ireland"),
    ("Republic of Korea", "ROK", "South Korea", "Korea"),
    ("Democratic People's Republic of Korea", "DPRK", "North Korea"),
    ("Viet Nam", "Vietnam"),
    ("Lao PDR", "Lao People's Democratic Republic", "Laos"),
    ("Timor-Leste", "East Timor", "Timor Leste"),
    ("Türkiye", "Turkey", "Turkiye"),
    ("Brunei Darussalam", "Brunei"),
    ("Russian Federation", "Russia"),
    ("Iran", "Islamic Republic of Iran"),
    ("Micronesia", "Federated States of Micronesia"),
    ("Syria", "Syrian Arab Republic"),
    ("Czechia", "Czech Republic"),
    ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"),
    ("Papua New Guinea", "PNG"),
    ("United Arab Emirates", "UAE"),
    ("European Union", "EU"),
    ("Macau", "Macao", "Macau SAR", "Macao SAR"),
    ("Hong Kong", "Hong Kong SAR", "Hong Kong, China"),
    (
        "UNHCR",
        "United Nations High Commissioner for Refugees",
        "Office of the United Nations High Commissioner for Refugees",
        "UN Refugee Agency",
    ),
    ("IOM", "International Organization for Migration", "International Organisation for Migration"),
    ("UNODC", "United Nations Office on Drugs and Crime", "UN Office on Drugs and Crime"),
    ("ILO", "International Labour Organization", "International Labour Organisation"),
    ("UNDP", "United Nations Development Programme"),
    ("UNICEF", "United Nations Children's Fund"),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights"),
    ("ASEAN", "Association of Southeast Asian Nations", "Association of South-East Asian Nations"),
    ("INTERPOL", "Interpol", "International Criminal Police Organization"),
)

_KEYS = {spelling.casefold(): group[0].casefold() for group in ALIASES for spelling in group}


def party_key(name: str) -> str:
    """The same key for every spelling of one party (any case, with or without "the")."""
    folded = name.casefold().removeprefix("the ")
    return _KEYS.get(folded, folded)
