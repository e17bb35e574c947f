"""Declarative mappings: one table row becomes several linked nodes, on both stores,
from CSV, Excel and JSON Lines; bad cells and bad mappings are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.loader
from graph.model import load_model
from graph.progress import Progress
from graph.store import GraphStore
from graph.workspace import Workspace
from ingest.loader import LoadCancelled, load_mapped
from ingest.mapping import MappingError, apply_mapping, load_mapping
from tests.conftest import SHARED_DATASETS

EXAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "examples"


def test_customs_sheet_yields_linked_seizures(store: GraphStore) -> None:
    [report] = load_mapped(store, EXAMPLES / "customs_seizures.yaml", [EXAMPLES / "customs_seizures.csv"])
    assert (report.read, report.loaded, report.rejected) == (3, 3, 0)
    rows = store.query(
        "MATCH (z:Seizure)-[:SEIZED]->(s:Shipment)-[:CONSIGNED_TO]->(c:Company)-[:REGISTERED_AT]->(a:Address) "
        "MATCH (s)-[k:CONTAINS]->(:Product)-[:INFRINGES]->(b:Brand) "
        "RETURN z.name AS ref, z.date AS date, z.value AS value, s.id AS shipment, s.hs_code AS hs, "
        "c.name AS consignee, a.country AS country, k.quantity AS items, b.name AS brand ORDER BY ref"
    ).to_dict("records")
    assert rows[0] == {
        "ref": "BE-2025-0077",
        "date": __import__("datetime").date(2025, 3, 17),
        "value": 250000.0,
        "shipment": "SHP-CMAU 7781002",
        "hs": "8518.30",
        "consignee": "Blue Ocean Trading 0042 Limited",
        "country": "VG",
        "items": 5000,
        "brand": "Vantablack Audio",
    }
    assert rows[1]["value"] == 86400.0 and rows[1]["hs"] == "4202.21"
    sources = store.query("MATCH (a:Address {id: 'ADR-ste-804-wan-chai'}) RETURN a.sources AS s").iloc[0]["s"]
    assert sources == ["customs_seizures.csv:3"]  # one address spelt two ways: one row per file, the last


def test_storefront_scrape_cleans_identifiers(store: GraphStore) -> None:
    [report] = load_mapped(store, EXAMPLES / "storefront_scrape.yaml", [EXAMPLES / "storefront_scrape.jsonl"])
    assert report.rejected == 0
    shared = store.query(
        "MATCH (s:SalesChannel)-[:HAS_PHONE]->(p:Phone) RETURN p.name AS phone, count(s) AS stores"
    ).to_dict("records")
    assert shared == [{"phone": "+8613812345678", "stores": 2}]  # two spellings, one number
    emails = store.query("MATCH (e:Email) RETURN e.name AS e").to_dict("records")
    assert emails == [{"e": "sales@luxe-bags.example"}]
    hostile = store.query("MATCH (s:SalesChannel {id: 'SC-shopee-90311'}) RETURN s.name AS n").iloc[0]["n"]
    assert hostile == "<img src=x onerror=alert(1)>"  # stored as text; escaping is the renderer's job


def test_excel_sheets_load(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "seizures"
    sheet.append(["seizure_ref", "detained_on", "items"])
    sheet.append(["X-1", __import__("datetime").datetime(2025, 1, 2), 12])
    sheet.append(["X-2", "not a date", 3])
    book.save(tmp_path / "s.xlsx")
    (tmp_path / "m.yaml").write_text(
        "source: {sheet: seizures}\nnodes:\n  - {as: s, label: Seizure, key: 'SZ-{seizure_ref}', "
        "properties: {date: {column: detained_on, type: date}, quantity: {column: items, type: int}}}\n"
    )
    [report] = load_mapped(store, tmp_path / "m.yaml", [tmp_path / "s.xlsx"])
    assert (report.read, report.loaded, report.rejected) == (2, 1, 1)
    assert report.rejects[0].row == 3 and "column 'detained_on': 'not a date' is not a date" in report.rejects[0].reason
    assert store.query("MATCH (s:Seizure) RETURN s.quantity AS q").to_dict("records") == [{"q": 12}]


def test_strict_mapped_load_keeps_the_store_unchanged(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(
        "seizure_ref,detained_on,port,agency,container,loaded_at,shipper,consignee,"
        "consignee_address,consignee_country,hs_code,goods,brand,items,value_eur\n"
        "A,01/01/2025,P,G,C1,L,S,C,AD,HK,1,g,B,lots,1\n"
        "B,01/01/2025,P,G,C2,L,S,C,AD,HK,1,g,B,2,1\n"
    )
    [report] = load_mapped(store, EXAMPLES / "customs_seizures.yaml", [tmp_path / "t.csv"], strict=True)
    assert (report.read, report.loaded, report.rejected) == (2, 0, 2)
    assert "column 'items': 'lots' is not a int" in report.rejects[0].reason
    assert store.counts().nodes == 0


def test_a_mapped_load_reports_its_steps_and_a_cancel_while_reading_writes_nothing_of_that_table(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest.loader, "_MAPPED_REPORT_EVERY", 1)
    later = tmp_path / "later.csv"
    later.write_text((EXAMPLES / "customs_seizures.csv").read_text().replace("-2025-", "-2099-"))
    seen: list[str] = []

    class StopInLater(Progress):
        def show(self, what: str, done: float | None, total: float | None) -> None:
            seen.append(what)
            if what == "reading later.csv" and (done or 0) >= 2:
                self.cancel()

    with pytest.raises(LoadCancelled) as stopped:
        load_mapped(
            store,
            EXAMPLES / "customs_seizures.yaml",
            [EXAMPLES / "customs_seizures.csv", later],
            progress=StopInLater(),
        )
    first, second = stopped.value.reports
    assert "reading customs_seizures.csv" in seen and "writing customs_seizures.csv" in seen
    assert first.finished and first.loaded == 3 and not first.problem
    assert second.stopped and "none of it is in the graph" in second.summary()
    refs = store.query("MATCH (z:Seizure) RETURN z.name AS ref ORDER BY ref")["ref"].tolist()
    assert len(refs) == 3 and not any("-2099-" in ref for ref in refs)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nodes:\n  - {as: x, label: Crime, key: '{id}'}\n", "unknown label 'Crime'"),
        ("nodes:\n  - {as: x, label: Person, key: '{id|shout}'}\n", "unknown cleaner 'shout'"),
        (
            "nodes:\n  - {as: x, label: Person, key: '{id}', properties: {born: {column: b, type: colour}}}\n",
            "unknown property type 'colour'",
        ),
        (
            "nodes:\n  - {as: x, label: Person, key: '{id}'}\nrelationships:\n  - {type: SUPPLIES, from: x, to: x}\n",
            "SUPPLIES may not join Person to Person",
        ),
        ("nodes: []\n", "makes no nodes"),
        ("nodes:\n  - {as: x, label: Person, key: '{id}', properties: {sources: src}}\n", "kept by the store"),
    ],
)
def test_bad_mappings_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(text)
    with pytest.raises(MappingError, match=message):
        load_mapping(tmp_path / "m.yaml", load_model())


def test_declared_labels_and_missing_columns(embedded_store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "declare: {labels: {Warehouse: {display: name}}, relationships: [STORED_AT]}\n"
        "nodes:\n  - {as: w, label: Warehouse, key: 'WH-{code}', properties: {name: name}}\n"
    )
    (tmp_path / "ok.csv").write_text("code,name\n1,Depot\n")
    (tmp_path / "bad.csv").write_text("name\nDepot\n")
    ok, bad = load_mapped(embedded_store, tmp_path / "m.yaml", [tmp_path / "ok.csv", tmp_path / "bad.csv"])
    assert ok.loaded == 1 and bad.problem and "missing required column 'code'" in bad.problem


WAREHOUSES = (
    "declare: {labels: {Warehouse: {display: name, events: {opened: start, raided: point}}}}\n"
    "nodes:\n  - {as: w, label: Warehouse, key: 'WH-{code}', properties: {name: name,\n"
    "      opened: {column: opened, type: date, format: '%d/%m/%Y'}, raided: {column: raided, type: datetime}}}\n"
)


def test_a_mapping_dates_the_labels_it_declares(embedded_store: GraphStore, tmp_path: Path, cli) -> None:
    (tmp_path / "m.yaml").write_text(WAREHOUSES)
    (tmp_path / "w.csv").write_text("code,name,opened,raided\n1,Depot,02/03/2021,2024-05-06T07:30:00\n2,Shed,,\n")
    embedded_store.close()
    env = {"GRAPH_DB": str(embedded_store.path), "KG_READER": "off"}
    loaded = cli(env, "ingest", str(tmp_path / "w.csv"), "--mapping", str(tmp_path / "m.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    done = cli(env, "graph", "timeline", "--center", "WH-1", "--format", "csv")  # a new command: the workspace knows
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "2021-03-02,WH-1,Warehouse,Depot,opened,start,w.csv:2",
        "2024-05-06T07:30:00,WH-1,Warehouse,Depot,raided,point,w.csv:2",
    ]


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("{name: start}", "label Warehouse: event 'name' is not a declared date or datetime property"),
        ("{closed: end}", "label Warehouse: event 'closed' is not a declared date or datetime property"),
        ("{opened: start, raided: start}", "label Warehouse: a span has one start, but 'opened' and 'raided'"),
        ("{opened: soon}", "label Warehouse: event 'opened' has role 'soon'"),
    ],
)
def test_bad_event_declarations_in_a_mapping_are_named(tmp_path: Path, events: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(WAREHOUSES.replace("{opened: start, raided: point}", events))
    with pytest.raises(MappingError, match="m.yaml: declare: " + message):
        load_mapping(tmp_path / "m.yaml", load_model())


PEOPLE = (
    "declare: {labels: {Customer: {display: name}}}\n"
    "nodes:\n  - as: person\n    label: Customer\n    key: 'P-{first|slug}|{last|slug}'\n"
    "    properties:\n      name: '{first} {middle} {last}'\n      tag: '{{{code}}}-{last|upper}'\n"
)


def _mapped(tmp_path: Path, text: str, rows: list[dict[str, str]]) -> list[tuple[str, dict]]:
    (tmp_path / "m.yaml").write_text(text)
    mapping = load_mapping(tmp_path / "m.yaml", load_model())
    return [(node.key, node.properties) for row in rows for node in apply_mapping(mapping, row, "t.csv:2")[0]]


def test_a_property_is_built_from_several_columns_and_empty_cells_leave_no_gap(tmp_path: Path) -> None:
    rows = [
        {"first": "Ada", "middle": "", "last": "Lovelace", "code": "7"},
        {"first": " Jean ", "middle": "Luc", "last": "Picard", "code": ""},
        {"first": "", "middle": "", "last": "", "code": ""},
    ]
    made = _mapped(tmp_path, PEOPLE, rows)
    assert made == [
        ("P-ada|lovelace", {"id": "P-ada|lovelace", "name": "Ada Lovelace", "tag": "{7}-LOVELACE"}),
        ("P-jean|picard", {"id": "P-jean|picard", "name": "Jean Luc Picard", "tag": "{}-PICARD"}),
    ]  # a key missing one of its cells makes no node: the third row yields none


def test_a_template_whose_cells_are_all_empty_gives_no_value(tmp_path: Path) -> None:
    text = PEOPLE.replace("'P-{first|slug}|{last|slug}'", "'P-{code}'")
    made = _mapped(tmp_path, text, [{"first": "", "middle": " ", "last": "", "code": "9"}])
    assert made == [("P-9", {"id": "P-9", "tag": "{9}-"})]


def test_a_column_a_template_reads_that_the_file_lacks_is_named_before_any_row_is_read(
    embedded_store: GraphStore, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(PEOPLE)
    (tmp_path / "p.csv").write_text("first,last,code\nAda,Lovelace,7\n")
    [report] = load_mapped(embedded_store, tmp_path / "m.yaml", [tmp_path / "p.csv"])
    assert (
        report.problem
        == f"{tmp_path / 'p.csv'}: missing required column 'middle' (the mapping m.yaml reads it for person.name)"
    )
    assert report.read == 0 and embedded_store.counts().nodes == 0


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("'{first'", r"m.yaml: nodes\[0\].properties.name: '\{first': a lone '\{' at character 1; write \{\{"),
        ("'first} x {last}'", r"nodes\[0\].properties.name: .*a lone '\}' at character 6"),
        ("'{first|shout}'", r"nodes\[0\].properties.name: .*unknown cleaner 'shout'"),
        ("'{} {last}'", r"nodes\[0\].properties.name: .*names no column"),
        ("'{{literal}}'", r"nodes\[0\].properties.name: .*needs at least one \{column\}"),
    ],
)
def test_a_bad_template_is_named_with_its_file_and_property(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(PEOPLE.replace("'{first} {middle} {last}'", template))
    with pytest.raises(MappingError, match=message):
        load_mapping(tmp_path / "m.yaml", load_model())


USERS = SHARED_DATASETS / "entity-resolution" / "Users.csv"


@pytest.mark.skipif(not USERS.is_file(), reason=f"the entity-resolution dataset is not at {USERS}")
def test_the_readmes_mapping_loads_the_entity_resolution_users_with_full_names_and_us_phones(
    embedded_store: GraphStore,
) -> None:
    [report] = load_mapped(embedded_store, EXAMPLES / "entity_resolution_users.yaml", [USERS])
    assert (report.read, report.loaded, report.rejected) == (500, 500, 0)
    first = embedded_store.query(
        "MATCH (u:User {id: 'U-1'})-[:HAS_PHONE]->(p:Phone) MATCH (u)-[:HAS_EMAIL]->(e:Email) "
        "RETURN u.name AS name, p.name AS phone, p.country AS country, e.name AS email, u.sources AS s"
    )
    assert first.to_dict("records") == [
        {
            "name": "Dorette Burbidge",
            "phone": "+18344248856",  # a US number, not +86 834...
            "country": "US",
            "email": "dburbidge0@japanpost.jp",
            "s": ["entity-resolution users: Users.csv:2"],
        }
    ]
    shared = embedded_store.query("MATCH (ip:IpAddress)<-[:CONNECTED_FROM]-(u:User) RETURN count(DISTINCT ip) AS n")
    assert shared.iloc[0]["n"] == 407  # the dataset's README: 500 users share 407 addresses


DEFAULTS = """
defaults: {country: US, phone_region: US, source: customs 2024}
nodes:
  - {as: buyer, label: Company, key: 'CO-{buyer|slug}', properties: {name: buyer, country: country}}
  - as: agent
    label: Company
    key: 'CO-{agent|slug}'
    defaults: {country: United Kingdom, source: broker list}
    properties: {name: agent}
  - {as: phone, label: Phone, key: 'PHN-{phone|phone}', properties: {name: {column: phone, clean: phone}}}
  - as: agent_phone
    label: Phone
    key: 'PHN-{agent_phone|phone}'
    defaults: {country: GB, phone_region: GB, source: broker list}
    properties: {name: {column: agent_phone, clean: phone}}
  - {as: product, label: Product, key: 'PRD-{goods|slug}', properties: {name: goods}}
relationships:
  - {type: HAS_PHONE, from: buyer, to: phone}
  - {type: HAS_PHONE, from: agent, to: agent_phone, defaults: {source: broker list}}
"""


def test_a_files_defaults_fill_the_country_read_its_phones_and_name_its_source(
    embedded_store: GraphStore, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(DEFAULTS)
    (tmp_path / "t.csv").write_text(
        "buyer,country,phone,agent,agent_phone,goods\n"
        "Acme,,834-424-8856,Dover Agents,020 7946 0958,watches\n"
        "Maple,CA,+44 20 7946 0000,,,\n"
    )
    [report] = load_mapped(embedded_store, tmp_path / "m.yaml", [tmp_path / "t.csv"])
    assert report.rejected == 0, report.rejects
    nodes = embedded_store.query(
        "MATCH (n) RETURN n.id AS id, n.country AS country, n.name AS name, n.sources AS sources ORDER BY id"
    ).to_dict("records")
    assert nodes == [
        {"id": "CO-acme", "country": "US", "name": "Acme", "sources": ["customs 2024: t.csv:2"]},
        {"id": "CO-dover-agents", "country": "GB", "name": "Dover Agents", "sources": ["broker list: t.csv:2"]},
        {"id": "CO-maple", "country": "CA", "name": "Maple", "sources": ["customs 2024: t.csv:3"]},
        {"id": "PHN-+18344248856", "country": "US", "name": "+18344248856", "sources": ["customs 2024: t.csv:2"]},
        {"id": "PHN-+442079460000", "country": "US", "name": "+442079460000", "sources": ["customs 2024: t.csv:3"]},
        {"id": "PHN-+442079460958", "country": "GB", "name": "+442079460958", "sources": ["broker list: t.csv:2"]},
        {"id": "PRD-watches", "country": None, "name": "watches", "sources": ["customs 2024: t.csv:2"]},
    ]  # a Product has no country; a phone's country is the file's, not its number's
    links = embedded_store.query("MATCH (a)-[r:HAS_PHONE]->(p) RETURN a.id AS a, r.sources AS s ORDER BY a")
    assert links.to_dict("records") == [
        {"a": "CO-acme", "s": ["customs 2024: t.csv:2"]},
        {"a": "CO-dover-agents", "s": ["broker list: t.csv:2"]},
        {"a": "CO-maple", "s": ["customs 2024: t.csv:3"]},
    ]


def test_the_command_lines_phone_region_reads_phones_where_the_mapping_names_none(
    embedded_store: GraphStore, tmp_path: Path, cli
) -> None:
    (tmp_path / "m.yaml").write_text("nodes:\n  - {as: p, label: Phone, key: 'PHN-{phone|phone}'}\n")
    (tmp_path / "t.csv").write_text("phone\n834-424-8856\n")
    embedded_store.close()
    env = {"GRAPH_DB": str(embedded_store.path), "KG_READER": "off"}
    args = ["ingest", str(tmp_path / "t.csv"), "--mapping", str(tmp_path / "m.yaml")]
    refused = cli(env, *args, "--phone-region", "Narnia")
    assert refused.returncode == 2 and "--phone-region: 'Narnia' is not a phone region" in refused.stderr
    assert cli(env, *args, "--phone-region", "us").returncode == 0
    ids = cli(env, "graph", "cypher", "MATCH (p:Phone) RETURN p.id AS id", "--format", "csv")
    assert ids.stdout.splitlines() == ["id", "PHN-+18344248856"]


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ("{colour: red}", r"m.yaml: defaults: unknown default 'colour'; use country, phone_region, source"),
        ("{phone_region: Narnia}", r"m.yaml: defaults.phone_region: 'Narnia' is not a phone region"),
        ("{country: 1}", r"m.yaml: defaults.country: give it as text"),
        ("{country: Narnia}", r"m.yaml: defaults.country: 'Narnia' is not a country or territory"),
    ],
)
def test_bad_defaults_are_named(tmp_path: Path, defaults: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(f"defaults: {defaults}\n" + DEFAULTS.split("\n", 2)[2])
    with pytest.raises(MappingError, match=message):
        load_mapping(tmp_path / "m.yaml", load_model())


def test_a_relationship_block_takes_no_default_country(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(DEFAULTS.replace("defaults: {source: broker list}", "defaults: {country: FR}"))
    with pytest.raises(MappingError, match=r"relationships\[1\].defaults: unknown default 'country'; use phone_region"):
        load_mapping(tmp_path / "m.yaml", load_model())


ENTITIES = """
declare:
  labels:
    Entity: {display: name, resolvable: {name: name, compare: {country: exact, city: fuzzy}}}
    Device: {role: identifier, evidence: 0.9}
  relationships: {HAS_EMAIL: {from: [Entity]}, USES: {from: Entity, to: Device}}
nodes:
  - {as: e, label: Entity, key: 'E-{id}', properties: {name: name, country: country, city: city}}
  - {as: mail, label: Email, key: 'EML-{email|email}', properties: {name: {column: email, clean: email}}}
  - {as: device, label: Device, key: 'DEV-{device}', properties: {name: device}}
relationships:
  - {type: HAS_EMAIL, from: e, to: mail}
  - {type: USES, from: e, to: device}
"""
ENTITY_ROWS = (
    "id,name,country,city,email,device\n1,Acme Ltd,GB,London,a@acme.example,D-77\n2,ACME Limited,GB,Londn,,D-77\n"
)


def test_a_mapping_lets_the_labels_it_declares_use_a_model_relationship_type(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(ENTITIES)
    (tmp_path / "t.csv").write_text(ENTITY_ROWS)
    [report] = load_mapped(store, tmp_path / "m.yaml", [tmp_path / "t.csv"])
    assert report.rejected == 0, report.rejects
    rows = store.query("MATCH (e:Entity)-[:HAS_EMAIL]->(m:Email) RETURN e.id AS e, m.name AS m").to_dict("records")
    assert rows == [{"e": "E-1", "m": "a@acme.example"}]
    assert store.model.relationship("HAS_EMAIL").allows("Person", "Email")  # the model's own ends stay


def test_a_model_relationship_type_refused_to_a_declared_label_says_how_to_allow_it(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(ENTITIES.replace("HAS_EMAIL: {from: [Entity]}, ", ""))
    with pytest.raises(MappingError) as refused:
        load_mapping(tmp_path / "m.yaml", load_model())
    assert str(refused.value).startswith(
        "m.yaml: relationships[0]: HAS_EMAIL may not join Entity to Email (it joins from ["
    )
    assert str(refused.value).endswith(
        "; to allow it, write under declare: relationships: {HAS_EMAIL: {from: [Entity]}}"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{from: [Entity]}", "{from: [Brand]}"), "HAS_EMAIL: only labels a dataset declares .* Brand is in the model"),
        (("{from: [Entity]}", "{from: [Nobody]}"), r"relationship HAS_EMAIL.from: unknown label 'Nobody'"),
        (("{from: [Entity]}", "{form: [Entity]}"), "relationship HAS_EMAIL: unknown setting 'form'; use from and to"),
        (("city: fuzzy", "town: fuzzy"), "label Entity: compare town: no property town"),
        (("city: fuzzy", "city: phonetic"), "label Entity: compare city: 'phonetic' is not one of exact, fuzzy"),
        (("resolvable: {name: name,", "resolvable: {name: title,"), "label Entity: resolvable name 'title' is not"),
        (("role: identifier", "role: pivot"), "label Device: role 'pivot' is not one of"),
        (("evidence: 0.9", "evidence: lots"), "label Device: evidence 'lots' is not a positive number"),
        (("{role: identifier,", "{rol: identifier,"), "label Device: unknown setting 'rol'; use key, display"),
    ],
)
def test_bad_declarations_are_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in ENTITIES
    (tmp_path / "m.yaml").write_text(ENTITIES.replace(*change))
    with pytest.raises(MappingError, match="m.yaml: declare: " + message):
        load_mapping(tmp_path / "m.yaml", load_model())


def test_declared_labels_are_resolvable_and_identifiers_for_later_commands(
    embedded_store: GraphStore, workspace: Workspace, tmp_path: Path, cli
) -> None:
    (tmp_path / "m.yaml").write_text(ENTITIES)
    (tmp_path / "t.csv").write_text(ENTITY_ROWS)
    embedded_store.close()
    env = {"GRAPH_DB": str(embedded_store.path), "KG_WORKSPACE": str(workspace.path), "KG_READER": "off"}
    assert cli(env, "ingest", str(tmp_path / "t.csv"), "--mapping", str(tmp_path / "m.yaml")).returncode == 0
    links = cli(env, "graph", "links", "--format", "json")  # a new command: the workspace knows Device
    assert links.returncode == 0, links.stderr
    [pair] = json.loads(links.stdout)
    assert {pair["a"], pair["b"]} == {"E-1", "E-2"} and "D-77" in pair["reasons"]
    model = load_model()
    workspace.teach(model)
    assert model.resolvable_labels() == sorted(["Entity", *load_model().resolvable_labels()])
    assert dict(model.label("Entity").resolvable.compare) == {"country": "exact", "city": "fuzzy"}
    assert (model.label("Device").role, model.label("Device").evidence) == ("identifier", 0.9)
