"""Cleaning of the values that identify entities: each value type owns its rule.

Names lose case, punctuation, accents and legal suffixes ("Co., Ltd.", "Limited",
"GmbH", "有限公司") so spelling variants of one company meet; phones become E.164;
e-mails and web domains lose case and decoration; postal addresses lose case, accents,
punctuation and the spelling of common street words ("Road"/"Rd.", "Suite"/"Ste").
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers

__all__ = ["CLEANERS", "name_key", "phone", "email", "domain", "address", "slug", "CleaningError"]

LEGAL_SUFFIXES = (
    "co ltd",
    "company limited",
    "limited",
    "ltd",
    "llc",
    "l l c",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "gmbh",
    "ag",
    "sarl",
    "sas",
    "sa",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "pte ltd",
    "pty ltd",
    "plc",
    "kg",
    "co",
    "company",
    "fze",
    "fzco",
    "jsc",
    "ooo",
)
CJK_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司", "株式会社")
_SUFFIX = re.compile(
    r"(?:\s+(?:" + "|".join(re.escape(s) for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True)) + r"))+$"
)


class CleaningError(ValueError):
    """A value that cannot be cleaned into its type (a phone number with no digits...)."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_key(text: str) -> str:
    """A company or person name reduced to what tells entities apart.

    >>> name_key("Crème Trading Co., Ltd.") == name_key("CREME TRADING LIMITED")
    True
    """
    folded = _fold(text.strip())
    for suffix in CJK_SUFFIXES:
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)]
            break
    words = " ".join(re.sub(r"[^\w]+", " ", folded).split())
    return _SUFFIX.sub("", " " + words).strip() or words  # "Co" alone stays "co"


def phone(text: str, region: str = "CN") -> str:
    """A phone number in E.164 (``+8613812345678``); ``region`` reads numbers without ``+``."""
    try:
        number = phonenumbers.parse(text, None if text.strip().startswith("+") else region)
    except phonenumbers.NumberParseException as error:
        raise CleaningError(f"{text!r} is not a phone number ({error})") from None
    if not phonenumbers.is_possible_number(number):
        raise CleaningError(f"{text!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(text: str) -> str:
    """An e-mail address in lower case without decoration (``mailto:``, ``<...>``)."""
    value = text.strip().strip("<>").removeprefix("mailto:").strip().lower()
    if value.count("@") != 1 or "." not in value.split("@")[1]:
        raise CleaningError(f"{text!r} is not an e-mail address")
    return value


def domain(text: str) -> str:
    """A web domain from a URL or host name, lower case, without ``www.``."""
    value = text.strip().lower()
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    if "." not in host:
        raise CleaningError(f"{text!r} is not a web domain")
    return host


ADDRESS_WORDS = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "place": "pl",
    "square": "sq",
    "highway": "hwy",
    "building": "bldg",
    "bld": "bldg",
    "floor": "fl",
    "flr": "fl",
    "room": "rm",
    "suite": "ste",
    "unit": "unit",
    "flat": "unit",
    "apartment": "apt",
    "district": "dist",
    "industrial": "ind",
    "number": "no",
    "nr": "no",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}
_ADDRESS_MARKS = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b|#")  # "5th Floor" -> "5 fl", "#12" -> "12"


def address(text: str) -> str:
    """A postal address reduced to what tells places apart, so that
    "Suite 501, 12 Harbour Road, Wan Chai" meets "STE 501 12 harbour rd. wan chai".

    Word order is kept (it distinguishes "12 Rd 3" from "3 Rd 12"); only spelling goes.
    """
    folded = _ADDRESS_MARKS.sub(" ", _fold(text.strip()))
    words = re.sub(r"[^\w]+", " ", folded).split()
    if not words:
        raise CleaningError(f"{text!r} is not an address")
    return " ".join(ADDRESS_WORDS.get(word, word) for word in words)


def slug(text: str) -> str:
    """Text fit for an id: folded, words joined by ``-`` (``Café Ltd`` -> ``cafe-ltd``)."""
    return "-".join(re.sub(r"[^\w]+", " ", _fold(text)).split())


CLEANERS = {
    "name": name_key,
    "phone": phone,
    "email": email,
    "domain": domain,
    "address": address,
    "slug": slug,
    "lower": str.lower,
    "upper": str.upper,
    "strip": str.strip,
}
