"""The cleaners that make spellings of one identifier meet: real-looking values from
several countries and scripts, and the values each refuses with the value named."""

from __future__ import annotations

import pytest

from ingest.normalize import (
    CLEANERS,
    CleaningError,
    address,
    country,
    domain,
    email,
    iban,
    legal_form,
    name_key,
    payment_account,
    phone,
    readable_phone,
    slug,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Crème Trading Co., Ltd.", "CREME TRADING LIMITED", "Creme Trading Company Limited"],
        ["深圳市龙华皮具有限公司", "深圳市龙华皮具公司"],  # Chinese: transliterated, legal form gone
        ["ООО «Ромашка»", "Ромашка ООО", "OOO Romashka"],  # Russian, either order, either script
        ["Türk Telekomünikasyon A.Ş.", "TURK TELEKOMUNIKASYON AS"],  # Turkish
        ["Nordvik Outdoor GmbH", "Nordvik Outdoor"],  # German
        ["Petróleo Brasileiro S.A.", "PETROLEO BRASILEIRO SA", "Petroleo Brasileiro S/A"],  # Brazilian
        ["ABN Amro Bank N.V.", "ABN AMRO Bank NV", "ABN Amro Bank N. V."],
        ["Alfa-Bank", "Alfa Bank", "АО «Альфа-Банк»"],
        ["Fiat S.p.A.", "FIAT SPA"],
        ["J. P. Morgan Chase & Co.", "J.P. Morgan Chase", "JP Morgan Chase Corp."],  # initials kept comparable
        ["Ελληνικά Πετρέλαια Α.Ε.", "Ellinika Petrelaia AE"],  # Greek
        ["ソニー株式会社", "株式会社ソニー"],  # Japanese, legal form before or after
    ],
)
def test_spellings_of_one_company_in_any_script_meet(spellings: list[str]) -> None:
    assert len({name_key(name) for name in spellings}) == 1, [name_key(name) for name in spellings]


def test_a_name_key_reads_as_words_people_can_check() -> None:
    assert name_key("Crème Trading Co., Ltd.") == "creme trading"
    assert name_key("深圳市龙华皮具有限公司") == "shen zhen shi long hua pi ju"
    assert name_key("ООО «Ромашка»") == "romashka"
    assert name_key("Yılmaz Tekstil Sanayi ve Ticaret Limited Şirketi") == "yilmaz tekstil sanayi ve ticaret"
    assert name_key("Bank of America Corporation") == "bank of america"
    assert name_key("John SMITH") == "john smith"


def test_what_tells_companies_apart_is_kept() -> None:
    assert name_key("Apex Trading 001a Limited") != name_key("Apex Trading 001b Limited")
    assert name_key("A & B Trading") == "a b trading" != name_key("Trading")  # initials joined only where dotted
    assert name_key("Co") == "co" and name_key("Company Limited") == "company limited"  # nothing but a legal form


def test_the_legal_form_is_kept_apart_for_comparison() -> None:
    assert legal_form("Nordvik Outdoor GmbH") == legal_form("Crème Trading Co., Ltd.") == legal_form("ООО Ромашка")
    assert legal_form("深圳市龙华皮具有限公司") == legal_form("Nordvik Outdoor GmbH") == "llc"
    assert legal_form("Siemens AG") == legal_form("Petróleo Brasileiro S.A.") == legal_form("株式会社ソニー") == "jsc"
    assert legal_form("Alfa Bank") is None


def test_a_us_number_without_its_country_code_is_never_given_a_country() -> None:
    assert phone("834-424-8856") == "8344248856"  # once "+868344248856": China was assumed
    assert phone("(834) 424 8856") == phone("834.424.8856") == "8344248856"  # equal spellings still meet
    assert phone("834-424-8856", region="US") == phone("+1 834 424 8856") == "+18344248856"


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("+1 202-555-0143", None, "+12025550143"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", None, "+442079460958"),
        ("138 1234 5678", "CN", "+8613812345678"),
        ("+86 138-1234-5678", None, "+8613812345678"),
        ("030 123456", "de", "+4930123456"),
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("+55 11 91234-5678", "US", "+5511912345678"),  # its own country code wins over the region
    ],
)
def test_phones_become_e164_with_their_country_code_or_a_region(written: str, region: str | None, e164: str) -> None:
    assert phone(written, region=region) == e164


@pytest.mark.parametrize(("written", "region"), [("12", None), ("12", "US"), ("+1 834", None), ("call me", None)])
def test_a_phone_that_is_no_number_is_refused_with_its_value(written: str, region: str | None) -> None:
    with pytest.raises(CleaningError, match=written.replace("+", r"\+")):
        phone(written, region=region)


def test_a_phone_reads_as_people_write_it() -> None:
    assert readable_phone(phone("834-424-8856", region="US")) == "+1 834-424-8856"
    assert readable_phone(phone("834-424-8856")) == "8344248856"


def test_emails_lose_decoration_and_case_and_keep_their_mailbox() -> None:
    assert email(" mailto:Sales@Example.COM ") == email("<sales@example.com>") == "sales@example.com"
    assert email("Sales Desk <J.Doe+shop@Mail.Example.co.uk>") == "j.doe+shop@mail.example.co.uk"
    assert email("Verkauf@Bücher.DE") == "verkauf@xn--bcher-kva.de"  # IDN domain in punycode
    assert email("用户@例子.中国") == "用户@xn--fsqu00a.xn--fiqs8s"
    for bad in ("sales at example.com", "a@b", "@example.com"):
        with pytest.raises(CleaningError, match="is not an e-mail address"):
            email(bad)


def test_domains_are_registrable_domains_by_the_shipped_suffix_list() -> None:
    assert domain("https://WWW.shop.example.co.uk:8080/sale?x=1") == "example.co.uk"
    assert domain("shop.taobao.com") == domain("taobao.com") == "taobao.com"
    assert domain("loja.exemplo.com.br") == "exemplo.com.br"
    assert domain("cheap-bags.myshopify.com") != domain("other-bags.myshopify.com")  # each shop its own
    assert domain("https://www.bücher.de/") == domain("xn--bcher-kva.de") == "xn--bcher-kva.de"
    assert domain("аpple.com") == "xn--pple-43d.com" != domain("apple.com")  # a Cyrillic "а" shows
    assert domain("https://WWW.cheap-bags.example/shop") == "cheap-bags.example"  # under no public suffix
    with pytest.raises(CleaningError, match="'localhost' is not a web domain"):
        domain("localhost")


def test_addresses_lose_spelling_but_keep_their_numbers_in_order() -> None:
    assert address("Suite 501, 12 Harbour Road, Wan Chai") == address("STE 501 12 harbour rd. wan chai")
    assert address("5th Floor, Bldg #3") == "5 fl bldg 3" != address("3rd Floor, Bldg #5")
    assert address("1600 Pennsylvania Avenue NW, Washington, DC 20500") == address(
        "1600 Pennsylvania Ave. N.W., Washington DC 20500"
    )
    assert address("Rua Augusta, 1234, São Paulo, Brasil") == address("RUA AUGUSTA 1234, SAO PAULO, BRAZIL")
    assert address("Bahnhofstraße 10, 86150 Augsburg") == address("BAHNHOFSTRASSE 10, 86150 AUGSBURG")
    with pytest.raises(CleaningError, match="is not an address"):
        address("!!!")


@pytest.mark.parametrize(
    ("written", "compact"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
    ],
)
def test_ibans_are_compact_and_checked(written: str, compact: str) -> None:
    assert iban(written) == payment_account(written) == compact


def test_an_iban_with_a_bad_checksum_is_refused() -> None:
    for bad in ("DE89 3704 0044 0532 0130 01", "GB82 WEST 1234 5698 7654 33"):
        with pytest.raises(CleaningError, match="is not an IBAN"):
            payment_account(bad)


def test_other_payment_accounts_stay_as_written() -> None:
    assert payment_account("PayPal  ****1234") == "PayPal ****1234"
    assert payment_account("**** **** **** 4242") == "**** **** **** 4242"


def test_mappings_can_name_every_cleaner() -> None:
    assert {"name", "phone", "email", "domain", "address", "iban", "payment_account", "slug"} <= set(CLEANERS)
    assert slug("Café Ltd") == "cafe-ltd"  # ids made by earlier loads stay the same


def test_countries_become_their_iso_code_from_a_code_or_a_name_in_any_language() -> None:
    assert [country(name) for name in ("Deutschland", "UK", "Россия", "BVI", "cn", "Brasil")] == [
        "DE",
        "GB",
        "RU",
        "VG",
        "CN",
        "BR",
    ]
    with pytest.raises(CleaningError, match="'Atlantis' is not a country"):
        country("Atlantis")
