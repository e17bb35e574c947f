"""A deterministic demo of counterfeit rings, for ``make run``, tests and benchmarks.

Each ring is a supply chain: factories supply shell companies run by a nominee
director, the shells supply storefronts and websites that share payment accounts,
phones and a registered address; the products infringe brands, shipments are seized
and cases name members. Rings touch each other only through the hubs investigators
meet in real data (marketplaces, popular brands, a few shared freight forwarders), so
the ring of every node is known: :func:`generate` returns it as ground truth.

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
SHELL_HAVENS = [("Wan Chai", "HK"), ("Road Town", "VG"), ("Limassol", "CY"), ("Wilmington", "US"), ("Glasgow", "GB")]
PRODUCTS = ["handbags", "sneakers", "watches", "headphones", "perfume", "power tools", "phone cases", "sunglasses"]
FIRST = ["Wei", "Li", "Mehmet", "Ayşe", "Carlos", "María", "Nguyen", "Olena", "Ahmed", "Sofia", "Jun", "Priya"]
LAST = ["Zhang", "Chen", "Yılmaz", "Kaya", "Gómez", "Pérez", "Tran", "Kovalenko", "Haddad", "Rossi", "Wong", "Shah"]
MODELS = ["Classic", "Sport", "Pro", "Mini", "Limited Edition", "Signature", "Heritage", "Air"]
PORTS = ["Rotterdam", "Felixstowe", "Hamburg", "Antwerp", "Le Havre", "Valencia", "Los Angeles", "Newark"]


@dataclass
class Demo:
    """The generated graph and the ring of every node that belongs to one."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    ring_of: dict[str, int] = field(default_factory=dict)
    variant_of: dict[str, str] = field(default_factory=dict)  # spelling variant -> the entity it repeats

    def node(self, labels: str, key: str, ring: int | None = None, **props: object) -> str:
        self.nodes.append(NodeRecord(tuple(labels.split(":")), key, {"id": key, **props}, source=SOURCE))
        if ring is not None:
            self.ring_of[key] = ring
        return key

    def link(self, rel_type: str, start: str, end: str, **props: object) -> None:
        self.relationships.append(RelationshipRecord(rel_type, start, end, props, source=SOURCE))


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
    for r in range(rings):
        _ring(demo, rng, r, forwarders, start)
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


def _ring(demo: Demo, rng: random.Random, r: int, forwarders: list[str], start: dt.date) -> None:
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
    haven, haven_cc = rng.choice(SHELL_HAVENS)
    shell_address = demo.node(
        "Address", f"ADR-{tag}-S", r, name=f"Suite {rng.randint(100, 999)}, {haven}", city=haven, country=haven_cc
    )
    nominee = demo.node("Person", f"PER-{tag}-N", r, name=_person(rng), nationality=haven_cc)
    organiser = demo.node("Person", f"PER-{tag}-O", r, name=_person(rng), nationality=cc)
    shells = []
    for s in range(rng.randint(1, 3)):
        key = demo.node(
            "Company:ShellCompany",
            f"SHL-{tag}-{s}",
            r,
            name=f"{rng.choice(['Apex', 'Blue Ocean', 'Crème', 'Dragon Gate', 'Evergreen'])} Trading {tag}{s} Limited",
            jurisdiction=haven_cc,
            incorporated=start + dt.timedelta(days=rng.randint(0, 700)),
        )
        demo.link("REGISTERED_AT", key, shell_address)
        demo.link("DIRECTS", nominee, key, role="nominee director")
        demo.link("OWNS", organiser, key, share=1.0)
        if s == 0 and rng.random() < 0.3:  # the same shell again, spelt another way, in another register
            spec = demo.nodes[-1]
            variant = demo.node(
                "Company:ShellCompany",
                f"{key}-V",
                r,
                name=_variant(str(spec.properties["name"]), rng),
                jurisdiction=haven_cc,
            )
            demo.link("REGISTERED_AT", variant, shell_address)
            demo.variant_of[variant] = key
        for factory in factories:
            demo.link("SUPPLIES", factory, key, since=start + dt.timedelta(days=rng.randint(0, 300)))
        shells.append(key)
    phone = demo.node("Phone", f"PHN-{tag}", r, name=f"+86 13{rng.randint(100000000, 999999999)}", country="CN")
    email = demo.node("Email", f"EML-{tag}", r, name=f"sales{tag}@{product_kind.replace(' ', '')}-deals.example")
    domain = demo.node("Domain", f"DOM-{tag}", r, name=f"cheap-{product_kind.replace(' ', '-')}-{tag}.example")
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
    channels = []
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
        if kind != "website":
            demo.link("HOSTED_ON", key, f"MKT-{market:02d}")
        else:
            demo.link("HAS_DOMAIN", key, domain)
        demo.link("SUPPLIES", rng.choice(shells), key)
        demo.link("OPERATES", organiser, key)
        for account in rng.sample(accounts, rng.randint(1, len(accounts))):
            demo.link("PAID_VIA", key, account)
        demo.link("HAS_PHONE", key, phone)
        demo.link("HAS_EMAIL", key, email)
        for product in rng.sample(products, rng.randint(2 * len(products) // 3, len(products))):
            demo.link("SELLS", key, product, price=round(rng.uniform(9, 120), 2), currency="USD")
        channels.append(key)
    seizures = []
    for n in range(rng.randint(1, 3)):
        shipment = demo.node(
            "Shipment",
            f"SHP-{tag}-{n}",
            r,
            name=f"Container {rng.choice(PORTS)[:3].upper()}{rng.randint(100000, 999999)}",
            shipped=start + dt.timedelta(days=rng.randint(300, 900)),
            port_of_entry=rng.choice(PORTS),
            declared_value=float(rng.randint(2000, 90000)),
            currency="USD",
        )
        demo.link("SHIPPED", rng.choice(factories), shipment)
        demo.link("CONSIGNED_TO", shipment, rng.choice(forwarders))
        for product in rng.sample(products, rng.randint(1, len(products))):
            demo.link("CONTAINS", shipment, product, quantity=rng.randint(100, 5000))
        if n == 0 or rng.random() < 0.5:  # not every container is stopped
            seizure = demo.node(
                "Seizure",
                f"SZ-{tag}-{n}",
                r,
                name=f"Seizure {tag}-{n}",
                date=start + dt.timedelta(days=rng.randint(900, 1100)),
                port=rng.choice(PORTS),
                agency="Customs",
                quantity=rng.randint(100, 5000),
                value=float(rng.randint(10000, 500000)),
                currency="EUR",
            )
            demo.link("SEIZED", seizure, shipment)
            seizures.append(seizure)
    case = demo.node(
        "Case",
        f"CASE-{tag}",
        r,
        name=f"Operation {rng.choice(['Stitch', 'Mirror', 'Lantern', 'Tide', 'Falcon'])} {tag}",
        kind=rng.choice(["criminal", "civil", "customs"]),
        status=rng.choice(["open", "closed"]),
        opened=start + dt.timedelta(days=rng.randint(900, 1200)),
    )
    for seizure in seizures:
        demo.link("INVOLVES", case, seizure, role="evidence")
    demo.link("INVOLVES", case, organiser, role="suspect")
    for channel in rng.sample(channels, min(2, len(channels))):
        demo.link("INVOLVES", case, channel, role="target")
    if rng.random() < 0.35:  # a platform takedown later names the same people: repeat offenders
        takedown = demo.node(
            "Case",
            f"CASE-{tag}-T",
            r,
            name=f"Takedown {rng.choice(MARKETPLACES)} {tag}",
            kind="platform takedown",
            status="closed",
            opened=start + dt.timedelta(days=rng.randint(1000, 1300)),
        )
        demo.link("INVOLVES", takedown, organiser, role="account holder")
        for channel in rng.sample(channels, min(3, len(channels))):
            demo.link("INVOLVES", takedown, channel, role="target")


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
    ``truth.rings.csv`` (node id, ring) and ``truth.variants.csv`` (variant, entity)."""
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
