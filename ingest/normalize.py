"""Cleaning of the values that identify entities: each value type owns its rule, and the
rule comes from a library the field keeps up to date wherever one exists.

* Names (:func:`name_key`): OpenSanctions' ``rigour`` removes legal forms from its
  organisation-type data ("Co., Ltd.", "GmbH", "S.A.", "N.V.", "ООО", "有限公司", "A.Ş.",
  "S.p.A." and hundreds more) and transliterates other scripts (Cyrillic, Greek, Chinese
  in pinyin, ...); accents, case, punctuation and spacing go ("Alfa-Bank" = "Alfa Bank"),
  initials are joined ("J. P." = "J.P." = "jp"). :func:`legal_form` keeps what was removed.
* Phones (:func:`phone`): ``phonenumbers``. A number that carries its country code
  (``+44 ...``, ``0044 ...``) or comes with a default ``region`` becomes E.164. No country
  is ever assumed: a number written without a country code and read without a region
  stays its national digits (``834-424-8856`` -> ``8344248856``), so two equal spellings
  still meet and nothing is placed in a country it may not be in. Give the file's region
  (a mapping's defaults, ``screen --phone-region``) to have such numbers in E.164.
* E-mails (:func:`email`): the domain in IDNA (punycode) and lower case; the local part
  keeps its dots and ``+tags`` (only the mailbox's provider knows what they mean) and
  loses only its case, since no provider tells ``Sales@`` from ``sales@``.
* Domains (:func:`domain`): the registrable domain by the public suffix list shipped
  with ``tldextract`` (never fetched), private suffixes included, so
  ``shop.example.co.uk`` -> ``example.co.uk`` while each ``x.myshopify.com`` shop stays
  its own; internationalised names in punycode (a Cyrillic "а" posing as a Latin "a"
  shows as ``xn--...``).
* Addresses (:func:`address`): rigour's address fingerprint (street words, numbers and
  place names in one spelling: "Road"/"Rd.", "Straße"/"Strasse", "Brasil"/"Brazil").
* Countries (:func:`country`): rigour's territories, by code or name in many languages.
* IBANs (:func:`iban`): ``python-stdnum``: compact, upper case, checksum verified;
  :func:`payment_account` cleans an IBAN so and leaves other account numbers (a card's
  masked ``**** 4242``, a wallet id) as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import idna  # tldextract's own dependency: UTS #46 IDNA, as browsers map host names
import phonenumbers
import tldextract
from rigour.addresses import address_fingerprint
from rigour.names import extract_org_types, tokenize_name
from rigour.territories import lookup_territory
from rigour.text.normalize import Normalize, normalize
from rigour.text.translit import ascii_text
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

__all__ = [
    "CLEANERS",
    "CleaningError",
    "address",
    "country",
    "domain",
    "email",
    "iban",
    "legal_form",
    "name_key",
    "payment_account",
    "phone",
    "readable_phone",
    "slug",
]


class CleaningError(ValueError):
    """A value that cannot be cleaned into its type (a phone number with no digits...)."""


# -- names --------------------------------------------------------------------------------

#: Legal forms (and a final 公司, "company") written without a space around them, as
#: Chinese and Japanese are: rigour's word-bounded matcher sees them once spaces set them apart.
_UNSPACED_FORMS = re.compile("(股份有限公司|有限责任公司|有限公司|有限会社|合同会社|株式会社|公司$)")
#: Words rigour keeps as part of a name ("Bank of America Corporation") but that spelling
#: variants add or drop at the end ("Trading Company Limited" = "Trading Co., Ltd.").
_GENERIC_TAIL = frozenset({"co", "company", "corp", "corporation", "公司"})


def _legal_forms(text: str) -> list[tuple[str, str]]:
    """rigour's legal forms in casefolded text, ``(as written, kind)``: the generic kind
    (``llc``, ``jsc``) where its data has one, else the form itself (``ltd``, ``ae``)."""
    generic = extract_org_types(text, generic=True)
    found = {written for written, _ in generic}
    return generic + [(written, form) for written, form in extract_org_types(text) if written not in found]


def _without_legal_forms(text: str) -> str:
    for written, _ in _legal_forms(text):
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", " ", text)
    return text


def _prepared(text: str) -> str:
    """Casefolded, spaces squashed, unspaced legal forms set apart."""
    folded = normalize(text, Normalize.CASEFOLD | Normalize.SQUASH_SPACES) or ""
    return _UNSPACED_FORMS.sub(r" \1 ", folded)


@lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """A company or person name reduced to what tells entities apart: the same key for
    spellings of one name in any script, case, punctuation or legal form.

    >>> name_key("Crème Trading Co., Ltd.") == name_key("CREME TRADING LIMITED")
    True
    >>> name_key("ООО «Ромашка»")
    'romashka'

    A name that is nothing but a legal form ("Co") stays as it is.
    """
    words = _words(_without_legal_forms(_prepared(text)))
    while words and words[-1] in _GENERIC_TAIL:
        words.pop()
    latin = _without_legal_forms(_latin(words))
    return " ".join(tokenize_name(latin)) or _latin(_words(_prepared(text)))


def _words(text: str) -> list[str]:
    """The words of a name, runs of single letters joined ("j p morgan" -> "jp morgan", as
    "J.P." reads) but not across an ampersand ("A & B" stays two)."""
    words: list[str] = []
    for part in text.split("&"):
        run = False
        for word in tokenize_name(part):
            single = len(word) == 1 and word.isalpha()
            if single and run:
                words[-1] += word
            else:
                words.append(word)
            run = single
    return words


def _latin(words: list[str]) -> str:
    """Words in Latin letters, casefolded: rigour's transliteration of any script. Most
    names need none, or only their accents dropped, and are spared it: it costs a
    millisecond a name, a hundred times the rest of the key."""
    text = _fold(" ".join(words))
    return text if text.isascii() else ascii_text(text).casefold()


def legal_form(text: str) -> str | None:
    """The kind of legal form a name carries, as rigour's data names it (``llc`` for
    "GmbH", "Co., Ltd.", "ООО" or "有限公司"; ``jsc`` for "AG", "S.A.", "株式会社"), or None.

    Two names that agree but for their legal form may still be two companies; the
    resolution engine can weigh it.
    """
    prepared = _prepared(text)
    forms = _legal_forms(prepared) or _legal_forms(_latin(_words(prepared)))
    return forms[-1][1] if forms else None


# -- phones -------------------------------------------------------------------------------

_PHONE_CHARACTERS = re.compile(r"[\d\s()./+\-]+")
#: The shortest and longest national numbers written without a country code that still
#: say something: shorter is an extension or a typo, longer than E.164's 15 digits no number.
_NATIONAL_DIGITS = (6, 15)


def phone(text: str, region: str | None = None) -> str:
    """A phone number in E.164 (``+18344248856``) when it carries its country code or
    ``region`` (ISO 3166 alpha-2, the caller's default) says how to read it; otherwise its
    national digits (``8344248856``): no country is ever assumed.

    >>> phone("834-424-8856"), phone("834-424-8856", region="US")
    ('8344248856', '+18344248856')
    """
    value = text.strip()
    if not _PHONE_CHARACTERS.fullmatch(value) or not any(ch.isdigit() for ch in value):
        raise CleaningError(f"{text!r} is not a phone number (only digits, spaces and + ( ) - . / belong in one)")
    if value.startswith("00"):
        value = "+" + value[2:]  # the international call prefix most countries dial
    if not value.startswith("+") and not region:
        digits = re.sub(r"\D", "", value)
        if not _NATIONAL_DIGITS[0] <= len(digits) <= _NATIONAL_DIGITS[1]:
            raise CleaningError(f"{text!r} is not a possible phone number ({len(digits)} digits)")
        return digits
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region.upper())
    except phonenumbers.NumberParseException as error:
        raise CleaningError(f"{text!r} is not a phone number ({error})") from None
    if not phonenumbers.is_possible_number(number):
        raise CleaningError(f"{text!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable_phone(cleaned: str) -> str:
    """A cleaned number as people write it (``+1 834-424-8856``); national digits as they are."""
    if not cleaned.startswith("+"):
        return cleaned
    number = phonenumbers.parse(cleaned, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# -- e-mails and domains ------------------------------------------------------------------

#: tldextract on the public suffix list it ships: never a network fetch, no cache on disk.
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


_LABEL = r"(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"  # one label of an ASCII host name, not punycode
_ASCII_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*", re.IGNORECASE)


def _host(text: str, original: str) -> str:
    """A host name in IDNA (punycode), lower case, without a trailing dot."""
    host = text.strip().rstrip(".")
    if _ASCII_HOST.fullmatch(host):  # most hosts: what IDNA would give, at a tenth of its cost
        return host.lower()
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise CleaningError(f"{original!r} is not a web domain ({error})") from None


def email(text: str) -> str:
    """An e-mail address without decoration (``mailto:``, ``<...>``, spaces), its domain in
    IDNA and the whole in lower case (the local part keeps its dots and ``+tags``).

    >>> email(" mailto:Sales@Bücher.DE ")
    'sales@xn--bcher-kva.de'
    """
    value = "".join(text.split())
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1]  # "Sales Desk <sales@x.com>"
    value = value.strip("<>")
    if value[:7].lower() == "mailto:":
        value = value[7:]
    local, at, host = value.rpartition("@")
    if not at or not local or "@" in local or "." not in host:
        raise CleaningError(f"{text!r} is not an e-mail address")
    return f"{local.lower()}@{_host(host, text)}"


def domain(text: str) -> str:
    """The registrable web domain of a URL or host name, by the shipped public suffix list.

    >>> domain("https://WWW.shop.example.co.uk/sale"), domain("bücher.de")
    ('example.co.uk', 'xn--bcher-kva.de')

    A host under no public suffix (``.example``, ``.test``, an intranet) keeps its last two
    labels; an IP address stays as it is.
    """
    value = text.strip()
    try:
        hostname = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    except ValueError as error:
        raise CleaningError(f"{text!r} is not a web domain ({error})") from None
    if "." not in hostname:
        raise CleaningError(f"{text!r} is not a web domain")
    host = _host(hostname, text)
    parts = _SUFFIXES.extract_str(host)
    if parts.suffix and parts.domain:
        return parts.top_domain_under_public_suffix
    if parts.ipv4 or parts.ipv6:
        return host
    return ".".join(host.split(".")[-2:])


# -- addresses, payment identifiers, ids --------------------------------------------------


def address(text: str) -> str:
    """A postal address reduced to what tells places apart (rigour's fingerprint), so that
    "Suite 501, 12 Harbour Road, Wan Chai" meets "STE 501 12 harbour rd. wan chai".

    Word order is kept (it distinguishes "5th Floor, Bldg 3" from "3rd Floor, Bldg 5");
    only spelling goes.
    """
    key = address_fingerprint(text)
    if not key:
        raise CleaningError(f"{text!r} is not an address")
    return " ".join(_words(key))


def country(text: str) -> str:
    """A country or territory as its ISO 3166 code in upper case, from its code or its name
    in any language rigour knows ("Deutschland", "UK", "Россия", "BVI" -> "DE", "GB", "RU", "VG")."""
    territory = lookup_territory(text.strip())
    if territory is None:
        raise CleaningError(f"{text!r} is not a country or territory")
    return territory.code.upper()


def iban(text: str) -> str:
    """An IBAN, compact and in upper case, its checksum verified (``DE89370400440532013000``)."""
    try:
        return stdnum_iban.validate(text)
    except ValidationError as error:
        raise CleaningError(f"{text!r} is not an IBAN ({error})") from None


_LOOKS_LIKE_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def payment_account(text: str) -> str:
    """A payment account: an IBAN cleaned and verified by :func:`iban`; any other number
    (a card's masked ``**** 4242``, a wallet or merchant id) as written, spaces squashed."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if _LOOKS_LIKE_IBAN.fullmatch(compact):
        return iban(text)
    value = " ".join(text.split())
    if not value:
        raise CleaningError(f"{text!r} is not a payment account")
    return value


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slug(text: str) -> str:
    """Text fit for an id: folded, words joined by ``-`` (``Café Ltd`` -> ``cafe-ltd``).

    Kept as it always was (no transliteration): ids made by earlier loads must stay the same.
    """
    return "-".join(re.sub(r"[^\w]+", " ", _fold(text)).split())


CLEANERS = {
    "name": name_key,
    "phone": phone,
    "email": email,
    "domain": domain,
    "address": address,
    "country": country,
    "iban": iban,
    "payment_account": payment_account,
    "slug": slug,
    "lower": str.lower,
    "upper": str.upper,
    "strip": str.strip,
}
