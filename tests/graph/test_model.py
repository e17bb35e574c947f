"""The model is read from YAML and is the whitelist for every label and type."""

from __future__ import annotations

import re

import pytest

from graph.model import KEY, ModelError, load_model, quote

IP_CRIME_LABELS = {
    "Case",
    "Supplier",
    "ShellCompany",
    "Company",
    "SalesChannel",
    "Person",
    "Address",
    "Phone",
    "Email",
    "PaymentAccount",
    "Product",
    "Brand",
    "Shipment",
    "Seizure",
}
IP_CRIME_TYPES = {
    "SUPPLIES",
    "OWNS",
    "DIRECTS",
    "OPERATES",
    "SELLS",
    "INFRINGES",
    "REGISTERED_AT",
    "HAS_PHONE",
    "HAS_EMAIL",
    "PAID_VIA",
    "SHIPPED",
    "SEIZED",
    "INVOLVES",
}


def test_default_model_declares_the_ip_crime_vocabulary() -> None:
    model = load_model()
    assert IP_CRIME_LABELS <= set(model.labels)
    assert IP_CRIME_TYPES <= set(model.relationships)
    supplier = model.label("Supplier")
    assert (supplier.key, supplier.display, supplier.properties["name"]) == ("id", "name", "string")
    assert model.label("Supplier").properties["aliases"] == "string[]"


def test_relationships_declare_their_endpoints() -> None:
    model = load_model()
    model.check_endpoints("SUPPLIES", "Supplier", "ShellCompany")
    model.check_endpoints("INVOLVES", "Case", "PaymentAccount")  # a case may involve anything
    with pytest.raises(ModelError, match="SUPPLIES may not join Person to Brand"):
        model.check_endpoints("SUPPLIES", "Person", "Brand")


def test_unknown_names_are_refused_until_declared() -> None:
    model = load_model()
    with pytest.raises(ModelError, match="unknown label 'Crime'"):
        model.label("Crime")
    model.declare_label("Crime", display="type")
    model.declare_relationship("OCCURRED_AT", sources=["Crime"])
    assert model.label("Crime").declared and model.relationship("OCCURRED_AT").allows("Crime", "Location")
    assert not load_model().labels.get("Crime"), "declarations stay with the model instance"


@pytest.mark.parametrize("name", ["Bad Label", "x`) DETACH DELETE n //", "", "1abc", "a-b", None])
def test_identifiers_that_could_break_out_of_cypher_are_refused(name: object) -> None:
    model = load_model()
    with pytest.raises(ModelError):
        model.declare_label(name)  # type: ignore[arg-type]
    with pytest.raises(ModelError):
        quote(name)  # type: ignore[arg-type]


def test_reserved_properties_cannot_be_declared(tmp_path) -> None:
    model = load_model()
    with pytest.raises(ModelError, match="reserved"):
        model.declare_label("Thing", properties={KEY: "string"})
    bad = tmp_path / "model.yaml"
    bad.write_text("labels:\n  A: {properties: {x: colour}}\n")
    with pytest.raises(ModelError, match="unknown property type 'colour'"):
        load_model(bad)


def test_case_is_quoted_for_kglite() -> None:
    assert quote("Case") == "`Case`"


def test_display_name_for_known_and_foreign_labels() -> None:
    model = load_model()
    assert model.display_name(["Case"], {"name": "Operation Tide", "title": "x"}, "CASE-1") == "Operation Tide"
    assert model.display_name(["Case"], {"title": "x"}, "CASE-1") == "CASE-1"  # a known label keeps its property
    assert model.display_name(["Location"], {"address": "42 Roberts Avenue"}, "6101") == "42 Roberts Avenue"
    assert model.display_name(["Crime"], {"type": "Public order"}, "1325") == "1325"


def test_the_model_says_which_dates_are_events() -> None:
    model = load_model()
    assert model.label_events(["Case"]) == {"opened": "start", "closed": "end"}
    assert model.label_events(["Seizure"]) == {"date": "point"}
    assert model.label_events(["Company", "ShellCompany"]) == {"incorporated": "start", "dissolved": "end"}
    assert model.label_events(["SalesChannel"]) == {"created": "start", "taken_down": "end"}
    assert model.type_events("DIRECTS") == {"since": "start", "until": "end"}
    assert model.type_events("OWNS") == {"since": "start", "until": "end"}
    assert model.label_events(["Phone", "Crime"]) == {} and model.type_events("HAS_PHONE") == {}
    for owner, events in [*model.labels.items(), *model.relationships.items()]:
        for prop in events.events:
            assert events.properties[prop] in ("date", "datetime"), (owner, prop)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("{opened: start, name: point}", "label Case: event 'name' is not a declared date or datetime property"),
        ("{filed: start}", "label Case: event 'filed' is not a declared date or datetime property"),
        ("{opened: begin}", "label Case: event 'opened' has role 'begin'"),
        ("{opened: start, closed: start}", "label Case: a span has one start, but 'opened' and 'closed'"),
        ("[opened]", "label Case: events must map properties"),
    ],
)
def test_bad_event_declarations_are_named_at_load(tmp_path, events: str, message: str) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text(
        f"labels:\n  Case:\n    properties: {{name: string, opened: date, closed: datetime}}\n    events: {events}\n"
    )
    with pytest.raises(ModelError, match=re.escape(message)):
        load_model(bad)
    rel = tmp_path / "rel.yaml"
    rel.write_text("relationships:\n  OWNS:\n    properties: {since: date, share: float}\n    events: {share: start}\n")
    with pytest.raises(ModelError, match="relationship OWNS: event 'share' is not a declared date"):
        load_model(rel)


def test_a_declared_label_brings_its_events() -> None:
    model = load_model()
    model.declare_label("Warehouse", properties={"opened": "date"}, events={"opened": "start"})
    assert model.label_events(["Warehouse"]) == {"opened": "start"}
    with pytest.raises(ModelError, match="label Depot: event 'opened' is not a declared date"):
        model.declare_label("Depot", events={"opened": "start"})
    model.declare_label("Crime", display="type")  # as the graph or an earlier load taught it: undated
    model.declare_label("Crime", properties={"occurred": "datetime"}, events={"occurred": "point"})
    assert model.label_events(["Crime"]) == {"occurred": "point"} and model.label("Crime").display == "type"
    model.declare_label("Case", properties={"filed": "date"}, events={"filed": "point"})
    assert model.label_events(["Case"]) == {"opened": "start", "closed": "end"}  # model.yaml's stand
