"""A deterministic demo of counterfeit rings, for ``make run``, tests and benchmarks.

Each ring is a supply chain: factories supply shell companies run by a nominee
director, the shells supply storefronts and websites that share payment accounts,
phones and a registered address; the products infringe brands, shipments are seized
and cases name members. Rings touch each other only through the hubs investigators
meet in real data (marketplaces, popular brands, a few shared freight forwarders), so
the ring of every node is known: :func:`generate` returns it as ground truth.

Each ring also tells a story in time, kept as truth too (``truth/events.csv``): its
shells are incorporated (and their nominee appointed) before the factories supply them,
and supply begins before the first container ships; its domain is registered and its
storefronts listed before it; containers arrive and are seized; the case is opened months
after the first seizure and some are closed, after which half the rings dissolve their
shells; where a platform takedown follows, the storefronts it targets are taken down and
others of the ring, sharing its phone, e-mail and accounts, are listed after it
(relisting). The structure's draws are where they always were (the dates they drew now
count from the story's previous step) and the story's other dates come from a generator
of their own, so a seed makes the same rings as before the story was told.

    python -m ingest demo --out DIR [--scale 300] [--seed 7]     # then: python -m ingest DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from ingest.admin_csv import ARRAY_DELIMITER

__all__ = ["Demo", "generate", "load"]

SOURCE = "demo"
NODES_PER_RING = 34  # on average, with the shared hubs spread over many rings
MARKETPLACES = ["Amazon", "eBay", "AliExpress", "Shopee", "Instagram", "Facebook Marketplace", "Wish"]
BRANDS = [
    "Maison Exemple",
    "Nordvik Outdoor",
    "Aurelio Milano",
    "Kōgen Watches",
    "Vantablack Audio",
    "Fleur de Sel Cosmetics",
    "Ironclad Tools",
    "Pixelforge Games",
]
CITIES = [
    ("Guangzhou", "CN"),
    ("Yiwu", "CN"),
    ("Shenzhen", "CN"),
    ("Istanbul", "TR"),
    ("Dubai", "AE"),
    ("Hong Kong", "HK"),
    ("Bangkok", "TH"),
    ("Ciudad del Este", "PY"),
]
#: The port each factory city loads its containers at, with its UN/LOCODE.
LOADING_PORTS = {
    "Guangzhou": "Guangzhou (CNCAN)",
    "Yiwu": "Ningbo (CNNGB)",
    "Shenzhen": "Shenzhen (CNSZX)",
    "Istanbul": "Istanbul (TRIST)",
    "Dubai": "Dubai (AEDXB)",
    "Hong Kong": "Hong Kong (HKHKG)",
    "Bangkok": "Bangkok (THBKK)",
    "Ciudad del Este": "Asunción (PYASU)",
}
SHELL_HAVENS = [("Wan Chai", "HK"), ("Road Town", "VG"), ("Limassol", "CY"), ("Wilmington", "US"), ("Glasgow", "GB")]
PRODUCTS = ["handbags", "sneakers", "watches", "headphones", "perfume", "power tools", "phone cases", "sunglasses"]
FIRST = ["Wei", "Li", "Mehmet", "Ayşe", "Carlos", "María", "Nguyen", "Olena", "Ahmed", "Sofia", "Jun", "Priya"]
LAST = ["Zhang", "Chen", "Yılmaz", "Kaya", "Gómez", "Pérez", "Tran", "Kovalenko", "Haddad", "Rossi", "Wong", "Shah"]
MODELS = ["Classic", "Sport", "Pro", "Mini", "Limited Edition", "Signature", "Heritage", "Air"]
#: Ports with their UN/LOCODE, as customs write them: the code says the country (there is
#: more than one Valencia), so the map places each port in its city.
PORTS = [
    "Rotterdam (NLRTM)",
    "Felixstowe (GBFXT)",
    "Hamburg (DEHAM)",
    "Antwerp (BEANR)",
    "Le Havre (FRLEH)",
    "Valencia (ESVLC)",
    "Los Angeles (USLAX)",
    "Newark (USEWR)",
]


#: The columns of ``truth/events.csv``: :class:`Event`'s fields.
EVENT_COLUMNS = ("kind", "id", "type", "end", "property", "date", "step", "after")


@dataclass(frozen=True)
class Event:
    """One date of the story: on a node (``id``) or a relationship (``id`` -[``type``]->
    ``end``), the step it tells, and the node whose event it follows (``after``)."""

    kind: str
    id: str
    type: str
    end: str
    property: str
    date: dt.date
    step: str
    after: str = ""


@dataclass
class Demo:
    """The generated graph and the ring of every node that belongs to one."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    ring_of: dict[str, int] = field(default_factory=dict)
    variant_of: dict[str, str] = field(default_factory=dict)  # spelling variant -> the entity it repeats
    events: list[Event] = field(default_factory=list)  # the story's dates, as truth

    def node(self, labels: str, key: str, ring: int | None = None, **props: object) -> str:
        self.nodes.append(NodeRecord(tuple(labels.split(":")), key, {"id": key, **props}, source=SOURCE))
        if ring is not None:
            self.ring_of[key] = ring
        return key

    def link(self, rel_type: str, start: str, end: str, **props: object) -> RelationshipRecord:
        self.relationships.append(RelationshipRecord(rel_type, start, end, props, source=SOURCE))
        return self.relationships[-1]

    def dated(
        self, element: NodeRecord | RelationshipRecord, prop: str, when: dt.date, step: str, after: str = ""
    ) -> dt.date:
        """Set an event date on a node or relationship and keep it as truth."""
        element.properties[prop] = when
        if isinstance(element, NodeRecord):
            self.events.append(Event("node", element.key, "", "", prop, when, step, after))
        else:
            self.events.append(Event("relationship", element.start, element.type, element.end, prop, when, step, after))
        return when


def generate(rings: int = 12, seed: int = 7) -> Demo:
    """Build ``rings`` planted rings around shared hubs; same arguments, same graph."""
    rng = random.Random(seed)
    demo = Demo()
    for i, name in enumerate(MARKETPLACES):
        demo.node("Marketplace", f"MKT-{i:02d}", name=name, url=f"https://{name.lower().replace(' ', '')}.example")
    for i, name in enumerate(BRANDS):
        demo.node("Brand", f"BR-{i:02d}", name=name, owner=f"{name} SA", right="trademark")
    forwarders = [
        demo.node("Company", f"FWD-{i:02d}", name=f"{city} Global Freight Ltd", jurisdiction=cc)
        for i, (city, cc) in enumerate(CITIES[:4])
    ]
    start = dt.date(2022, 1, 1)
    story = random.Random(f"{seed}/story")
    for r in range(rings):
        _ring(demo, rng, story, r, forwarders, start)
    _noise(demo, rng, rings)
    return demo


def _noise(demo: Demo, rng: random.Random, rings: int) -> None:
    """A few links across rings, as real data has (a storefront paid through another
    ring's account), so that rings are communities, not components."""
    channels = [key for key in demo.ring_of if key.startswith("SC-")]
    accounts = [key for key in demo.ring_of if key.startswith("PAY-")]
    for _ in range(max(1, rings // 30) if rings > 1 else 0):
        channel = rng.choice(channels)
        account = rng.choice([a for a in accounts if demo.ring_of[a] != demo.ring_of[channel]])
        demo.link("PAID_VIA", channel, account)


def _variant(name: str, rng: random.Random) -> str:
    """How the same company is spelt elsewhere: case, punctuation, legal suffix, accents."""
    variants = [
        name.upper(),
        name.replace(" Limited", " Ltd."),
        name.replace(" Limited", " Co., Ltd").replace("è", "e").replace("é", "e"),
        name.replace(" Trading", " Trading Co.").lower(),
    ]
    return rng.choice(variants)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)


@dataclass
class _Shell:
    """A shell company and what its winding down ends: the record, its director's and
    owner's links."""

    record: NodeRecord
    control: list[RelationshipRecord]


def _ring(demo: Demo, rng: random.Random, story: random.Random, r: int, forwarders: list[str], start: dt.date) -> None:
    """One ring. ``rng`` draws its structure (in the order it always has: a seed makes the
    same rings); ``story`` draws the dates that the structure never drew."""
    tag = f"{r:03d}"
    city, cc = rng.choice(CITIES)
    product_kind = rng.choice(PRODUCTS)
    brands = rng.sample(range(len(BRANDS)), rng.randint(2, 3))
    factory_address = demo.node(
        "Address", f"ADR-{tag}-F", r, name=f"{rng.randint(1, 300)} Industrial Rd, {city}", city=city, country=cc
    )
    factories = []
    for f in range(rng.randint(1, 2)):
        key = demo.node(
            "Supplier",
            f"SUP-{tag}-{f}",
            r,
            name=f"{city} {rng.choice(['Lucky', 'Golden', 'Star', 'Hengda'])} {product_kind.title()} Factory {f + 1}",
            country=cc,
            city=city,
        )
        demo.link("REGISTERED_AT", key, factory_address)
        factories.append(key)
    shells, trading = _shells(demo, rng, tag, r, cc, factories, start)
    organiser = f"PER-{tag}-O"
    phone = demo.node("Phone", f"PHN-{tag}", r, name=f"+86 13{rng.randint(100000000, 999999999)}", country="CN")
    email = demo.node("Email", f"EML-{tag}", r, name=f"sales{tag}@{product_kind.replace(' ', '')}-deals.example")
    domain = demo.node("Domain", f"DOM-{tag}", r, name=f"cheap-{product_kind.replace(' ', '-')}-{tag}.example")
    website = demo.nodes[-1]
    accounts = [
        demo.node(
            "PaymentAccount", f"PAY-{tag}-{a}", r, name=f"{provider} ****{rng.randint(1000, 9999)}", provider=provider
        )
        for a, provider in enumerate(rng.sample(["PayPal", "Stripe", "Alipay", "Payoneer"], 2))
    ]
    products = []
    for b in brands:
        for model in rng.sample(MODELS, rng.randint(2, 4)):
            key = demo.node(
                "Product",
                f"PRD-{tag}-{len(products)}",
                r,
                name=f"Fake {BRANDS[b]} {model} {product_kind}",
                category=product_kind,
            )
            demo.link("INFRINGES", key, f"BR-{b:02d}", right="trademark")
            products.append(key)
    channels: list[NodeRecord] = []
    for c in range(rng.randint(4, 14)):
        kind = rng.choice(["storefront", "storefront", "website", "social"])
        market = rng.randrange(len(MARKETPLACES))
        key = demo.node(
            "SalesChannel",
            f"SC-{tag}-{c}",
            r,
            name=f"{rng.choice(['best', 'top', 'luxe', 'mega'])}-"
            f"{product_kind.replace(' ', '-')}-{rng.choice(['outlet', 'store', 'deals', 'official'])}-{tag}{c}",
            kind=kind,
            platform=MARKETPLACES[market],
        )
        channels.append(demo.nodes[-1])
        if kind != "website":
            demo.link("HOSTED_ON", key, f"MKT-{market:02d}")
        else:
            demo.link("HAS_DOMAIN", key, domain)
        demo.link("SUPPLIES", rng.choice(shells).record.key, key)
        demo.link("OPERATES", organiser, key)
        for account in rng.sample(accounts, rng.randint(1, len(accounts))):
            demo.link("PAID_VIA", key, account)
        demo.link("HAS_PHONE", key, phone)
        demo.link("HAS_EMAIL", key, email)
        for product in rng.sample(products, rng.randint(2 * len(products) // 3, len(products))):
            demo.link("SELLS", key, product, price=round(rng.uniform(9, 120), 2), currency="USD")
    seizures, first_shipped = _shipments(demo, rng, story, tag, r, city, factories, forwarders, products, trading)
    closed, targeted, taken_down = _cases(demo, rng, story, tag, r, seizures, channels, start)
    latest_shell = max(shell.record.properties["incorporated"] for shell in shells)
    demo.dated(website, "registered", latest_shell - _days(story.randint(0, 30)), "domain registered")
    _listings(demo, story, channels, targeted, taken_down, latest_shell, first_shipped)
    if closed and story.random() < 0.5:  # caught, the ring winds its shells down
        _wind_down(demo, story, shells, closed, f"CASE-{tag}")


def _shells(
    demo: Demo, rng: random.Random, tag: str, r: int, cc: str, factories: list[str], start: dt.date
) -> tuple[list[_Shell], dt.date]:
    """The ring's shells, each incorporated (its nominee director and owner in place that
    day) before its factories begin to supply it; and the day the last supply began."""
    haven, haven_cc = rng.choice(SHELL_HAVENS)
    shell_address = demo.node(
        "Address", f"ADR-{tag}-S", r, name=f"Suite {rng.randint(100, 999)}, {haven}", city=haven, country=haven_cc
    )
    nominee = demo.node("Person", f"PER-{tag}-N", r, name=_person(rng), nationality=haven_cc)
    organiser = demo.node("Person", f"PER-{tag}-O", r, name=_person(rng), nationality=cc)
    shells = []
    supplied = []
    for s in range(rng.randint(1, 3)):
        key = demo.node(
            "Company:ShellCompany",
            f"SHL-{tag}-{s}",
            r,
            name=f"{rng.choice(['Apex', 'Blue Ocean', 'Crème', 'Dragon Gate', 'Evergreen'])} Trading {tag}{s} Limited",
            jurisdiction=haven_cc,
        )
        shell = _Shell(demo.nodes[-1], [])
        incorporated = demo.dated(
            shell.record, "incorporated", start + _days(150 + rng.randint(0, 700) // 4), "shell incorporated"
        )
        demo.link("REGISTERED_AT", key, shell_address)
        shell.control.append(demo.link("DIRECTS", nominee, key, role="nominee director"))
        shell.control.append(demo.link("OWNS", organiser, key, share=1.0))
        for link, step in zip(shell.control, ("nominee appointed", "organiser owns it"), strict=True):
            demo.dated(link, "since", incorporated, step, key)
        if s == 0 and rng.random() < 0.3:  # the same shell again, spelt another way, in another register
            variant = demo.node(
                "Company:ShellCompany",
                f"{key}-V",
                r,
                name=_variant(str(shell.record.properties["name"]), rng),
                jurisdiction=haven_cc,
            )
            demo.link("REGISTERED_AT", variant, shell_address)
            demo.variant_of[variant] = key
        for factory in factories:
            link = demo.link("SUPPLIES", factory, key)
            supplied.append(
                demo.dated(link, "since", incorporated + _days(rng.randint(0, 300) // 3), "supply begins", key)
            )
        shells.append(shell)
    return shells, max(supplied)


def _shipments(
    demo: Demo,
    rng: random.Random,
    story: random.Random,
    tag: str,
    r: int,
    city: str,
    factories: list[str],
    forwarders: list[str],
    products: list[str],
    trading: dt.date,
) -> tuple[list[NodeRecord], dt.date]:
    """Containers loaded at the factories' port once supply has begun, arrived weeks later,
    some seized on arrival; returns the seizures and the first day a container shipped."""
    seizures = []
    shipped_days = []
    for n in range(rng.randint(1, 3)):
        name = f"Container {rng.choice(PORTS)[:3].upper()}{rng.randint(100000, 999999)}"
        shipped = trading + _days(20 + (rng.randint(300, 900) - 300) // 2)
        shipment = demo.node(
            "Shipment",
            f"SHP-{tag}-{n}",
            r,
            name=name,
            port_of_loading=LOADING_PORTS[city],
            port_of_entry=rng.choice(PORTS),
            declared_value=float(rng.randint(2000, 90000)),
            currency="USD",
        )
        record = demo.nodes[-1]
        shipped_days.append(demo.dated(record, "shipped", shipped, "shipment shipped"))
        arrived = demo.dated(record, "arrived", shipped + _days(story.randint(18, 40)), "shipment arrived", shipment)
        demo.link("SHIPPED", rng.choice(factories), shipment)
        demo.link("CONSIGNED_TO", shipment, rng.choice(forwarders))
        for product in rng.sample(products, rng.randint(1, len(products))):
            demo.link("CONTAINS", shipment, product, quantity=rng.randint(100, 5000))
        if n == 0 or rng.random() < 0.5:  # not every container is stopped
            seized = arrived + _days((rng.randint(900, 1100) - 900) // 10)
            seizure = demo.node(
                "Seizure",
                f"SZ-{tag}-{n}",
                r,
                name=f"Seizure {tag}-{n}",
                port=rng.choice(PORTS),
                agency="Customs",
                quantity=rng.randint(100, 5000),
                value=float(rng.randint(10000, 500000)),
                currency="EUR",
            )
            seizures.append(demo.nodes[-1])
            demo.dated(seizures[-1], "date", seized, "goods seized", shipment)
            demo.link("SEIZED", seizure, shipment)
    return seizures, min(shipped_days)


def _cases(
    demo: Demo,
    rng: random.Random,
    story: random.Random,
    tag: str,
    r: int,
    seizures: list[NodeRecord],
    channels: list[NodeRecord],
    start: dt.date,
) -> tuple[dt.date | None, set[str], dict[str, dt.date]]:
    """The ring's case, opened months after its first seizure and maybe closed; in some
    rings a platform takedown that takes storefronts down days after it opens. Returns
    the day the case closed (None while open), the storefronts either case targets, and
    the day each taken-down storefront went."""
    name = f"Operation {rng.choice(['Stitch', 'Mirror', 'Lantern', 'Tide', 'Falcon'])} {tag}"
    kind = rng.choice(["criminal", "civil", "customs"])
    status = rng.choice(["open", "closed"])
    opened = start + _days(rng.randint(900, 1200))
    case = demo.node("Case", f"CASE-{tag}", r, name=name, kind=kind, status=status)
    record = demo.nodes[-1]
    first = min(seizures, key=lambda seizure: seizure.properties["date"])
    demo.dated(record, "opened", opened, "case opened", first.key)
    closed = (
        demo.dated(record, "closed", opened + _days(story.randint(60, 400)), "case closed")
        if status == "closed"
        else None
    )
    for seizure in seizures:
        demo.link("INVOLVES", case, seizure.key, role="evidence")
    organiser = f"PER-{tag}-O"
    demo.link("INVOLVES", case, organiser, role="suspect")
    targeted = set()
    for channel in rng.sample(channels, min(2, len(channels))):
        demo.link("INVOLVES", case, channel.key, role="target")
        targeted.add(channel.key)
    taken_down: dict[str, dt.date] = {}
    if rng.random() < 0.35:  # a platform takedown later names the same people: repeat offenders
        name = f"Takedown {rng.choice(MARKETPLACES)} {tag}"
        opened = start + _days(rng.randint(1000, 1300))
        takedown = demo.node("Case", f"CASE-{tag}-T", r, name=name, kind="platform takedown", status="closed")
        record = demo.nodes[-1]
        demo.dated(record, "opened", opened, "takedown opened")
        demo.dated(record, "closed", opened + _days(story.randint(14, 60)), "takedown closed")
        demo.link("INVOLVES", takedown, organiser, role="account holder")
        for channel in rng.sample(channels, min(3, len(channels))):
            demo.link("INVOLVES", takedown, channel.key, role="target")
            targeted.add(channel.key)
            went = opened + _days(story.randint(1, 13))
            taken_down[channel.key] = demo.dated(channel, "taken_down", went, "storefront taken down", takedown)
    return closed, targeted, taken_down


def _listings(
    demo: Demo,
    story: random.Random,
    channels: list[NodeRecord],
    targeted: set[str],
    taken_down: dict[str, dt.date],
    latest_shell: dt.date,
    first_shipped: dt.date,
) -> None:
    """When each storefront was listed: once the shells exist (and the ring's domain) and
    before the first container ships, or, for as many as were taken down, relisted (a
    storefront no case targets, sharing the ring's phone, e-mail and accounts) days
    after a takedown."""
    spare = [channel.key for channel in channels if channel.key not in targeted]
    relisted = dict(zip(spare, taken_down, strict=False))
    for channel in channels:
        follows = relisted.get(channel.key)
        if follows:
            created = taken_down[follows] + _days(story.randint(2, 45))
            demo.dated(channel, "created", created, "storefront relisted", follows)
        else:
            window = max(1, (first_shipped - latest_shell).days)
            demo.dated(channel, "created", latest_shell + _days(story.randint(1, window)), "storefront listed")


def _wind_down(demo: Demo, story: random.Random, shells: list[_Shell], closed: dt.date, case: str) -> None:
    """After the case closed: each shell dissolved, its nominee resigned, its owner out."""
    for shell in shells:
        dissolved = demo.dated(
            shell.record, "dissolved", closed + _days(story.randint(30, 180)), "shell dissolved", case
        )
        for link, step in zip(shell.control, ("nominee resigns", "ownership ends"), strict=True):
            demo.dated(link, "until", dissolved, step, shell.record.key)


def _type_of(values: list[object]) -> str:
    """The neo4j-admin header type of a column's values."""
    sample = next((v for v in values if v is not None), "")
    if isinstance(sample, bool):
        return ":boolean"
    if isinstance(sample, int):
        return ":int"
    if isinstance(sample, float):
        return ":float"
    if isinstance(sample, dt.date):
        return ":date"
    if isinstance(sample, list):
        return ":string[]"
    return ""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _write_table(path: Path, fixed: list[str], fixed_values, records, properties: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        types = {p: _type_of([r.properties.get(p) for r in records]) for p in properties}
        writer.writerow(fixed + [f"{p}{types[p]}" for p in properties])
        for record in records:
            writer.writerow(fixed_values(record) + [_cell(record.properties.get(p)) for p in properties])


def write_admin_csv(demo: Demo, out: Path) -> list[Path]:
    """Write the demo as neo4j-admin import CSV (one file per label and per type), plus
    the truth: ``truth/rings.csv`` (node id, ring), ``truth/variants.csv`` (variant,
    entity) and ``truth/events.csv`` (each date of the story: on a node or relationship,
    its property and date, the story step and the node it follows), in story order."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    by_label: dict[str, list[NodeRecord]] = defaultdict(list)
    for record in demo.nodes:
        by_label[record.labels[0]].append(record)
    for label, records in sorted(by_label.items()):
        path = out / f"nodes.{label}.csv"
        properties = sorted({p for r in records for p in r.properties} - {"id"})
        _write_table(path, ["id:ID", ":LABEL"], lambda r: [r.key, ARRAY_DELIMITER.join(r.labels)], records, properties)
        written.append(path)
    by_type: dict[str, list[RelationshipRecord]] = defaultdict(list)
    for record in demo.relationships:
        by_type[record.type].append(record)
    for rel_type, records in sorted(by_type.items()):
        path = out / f"relationships.{rel_type}.csv"
        properties = sorted({p for r in records for p in r.properties})
        _write_table(path, [":START_ID", ":END_ID", ":TYPE"], lambda r: [r.start, r.end, r.type], records, properties)
        written.append(path)
    truth = out / "truth"
    truth.mkdir(exist_ok=True)
    with open(truth / "rings.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("id", "ring"), *sorted(demo.ring_of.items())])
    with open(truth / "variants.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("variant", "entity"), *sorted(demo.variant_of.items())])
    with open(truth / "events.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EVENT_COLUMNS)
        writer.writerows([_cell(getattr(event, column)) for column in EVENT_COLUMNS] for event in demo.events)
    return written


def load(store: GraphStore, demo: Demo, *, seen: dt.datetime | None = None) -> tuple[int, int]:
    """Upsert the demo (sighted at ``seen``, now by default); returns (nodes, relationships) written."""
    with store.writing():
        nodes = store.upsert_nodes(demo.nodes, seen=seen)
        rels = store.upsert_relationships(demo.relationships, seen=seen)
    if nodes.rejected or rels.rejected:
        raise RuntimeError(f"the demo does not fit the model: {(nodes.rejected + rels.rejected)[:3]}")
    return nodes.created + nodes.updated, rels.created + rels.updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest demo", description="Generate the demo counterfeit network as neo4j-admin CSV."
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSV files to")
    parser.add_argument("--scale", type=int, default=300, help="about how many nodes (default 300; 1000000 works)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rings = max(1, args.scale // NODES_PER_RING)
    demo = generate(rings, args.seed)
    files = write_admin_csv(demo, args.out)
    print(
        f"demo: {len(demo.nodes)} nodes and {len(demo.relationships)} relationships in {rings} rings, "
        f"{len(files)} files in {args.out} (ground truth in {args.out / 'truth'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
