"""Positions for the map: exact, city and country precision read offline, nodes with no
place listed, the demo's places and shipment routes all resolved."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.store import GraphStore
from graph.views.explore import ViewSpec, build_view
from graph.views.geo import countries, locate, place_of
from ingest.demo import generate
from ingest.loader import load_paths
from tests.graph.views.conftest import RLO
from tests.ui.conftest import PWN


def _demo_graph(rings: int = 12) -> nx.MultiDiGraph:
    demo = generate(rings, seed=7)
    graph = nx.MultiDiGraph()
    for node in demo.nodes:
        graph.add_node(node.key, labels=list(node.labels), properties=dict(node.properties))
    for link in demo.relationships:
        graph.add_edge(link.start, link.end, type=link.type, properties=dict(link.properties))
    return graph


def test_coordinates_are_exact_even_as_text_and_out_of_range_ones_are_not() -> None:
    exact = place_of({"latitude": "51.9225", "longitude": 4.47917})
    assert exact is not None and exact.precision == "exact" and exact.country == "NL"
    assert (exact.lat, exact.lon) == (51.9225, 4.47917)
    for bad in ({"latitude": "nan", "longitude": 4.4}, {"latitude": 95, "longitude": 4.4}, {"latitude": 1}):
        assert place_of(bad) is None


def test_a_city_is_found_in_its_country_and_an_ambiguous_name_says_so() -> None:
    guangzhou = place_of({"city": "Guangzhou", "country": "CN"})
    assert guangzhou is not None and guangzhou.precision == "city" and guangzhou.country == "CN"
    assert guangzhou.lat == pytest.approx(23.1, abs=0.2) and guangzhou.lon == pytest.approx(113.3, abs=0.2)
    in_chinese = place_of({"city": "广州"})
    assert in_chinese is not None and (in_chinese.lat, in_chinese.lon) == (guangzhou.lat, guangzhou.lon)
    wilmington = place_of({"city": "Wilmington", "country": "US"})
    assert wilmington is not None and "the largest of 4 so named" in wilmington.place


def test_a_port_carries_its_country_as_a_locode_or_after_a_comma() -> None:
    spain = [place_of({"port": text}) for text in ("Valencia (ESVLC)", "Valencia, ES", "Valencia, Spain")]
    assert {(p.precision, p.country) for p in spain if p} == {("city", "ES")} and all(spain)
    bare = place_of({"port_of_entry": "NLRTM"})
    assert bare is not None and (bare.precision, bare.country) == ("country", "NL") and "NLRTM" in bare.place
    china = place_of({"port": "CHINA"})  # a country's name, not Switzerland's UN/LOCODE CH-INA
    assert china is not None and china.country == "CN"


def test_a_country_code_or_name_places_a_node_in_its_country() -> None:
    for properties in ({"jurisdiction": "VG"}, {"country": "FRA"}, {"country": "Norway"}):
        position = place_of(properties)
        assert position is not None and position.precision == "country"
    france = place_of({"country": "FRA"})
    assert france is not None and france.country == "FR" and 42 < france.lat < 51 and -5 < france.lon < 8
    assert place_of({"city": "Qwxyzville", "country": "Nowhere"}) is None


def test_nodes_without_a_place_are_listed_not_dropped() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("P-1", labels=["Person"], properties={"name": "Ann", "nationality": "GB"})
    graph.add_node("A-1", labels=["Address"], properties={"city": "Hamburg", "country": "DE"})
    located = locate(graph)
    assert located.unplaced == ["P-1"] and list(located.positions) == ["A-1"]


def test_a_hostile_place_name_is_only_text() -> None:
    hostile = f"<img src=x onerror=alert(1)>{PWN}{RLO}"
    assert place_of({"city": hostile}) is None
    in_china = place_of({"city": hostile, "country": "CN"})
    assert in_china is not None and (in_china.precision, in_china.country, in_china.place) == ("country", "CN", "China")
    pasted = place_of({"port": "Rotterdam" + " " * 100_000 + "(NLRTM)", "country": "NL"})  # read at once, not parsed
    assert pasted is not None and (pasted.precision, pasted.country) == ("country", "NL")


def test_every_place_of_the_demo_resolves_and_every_shipment_has_its_route() -> None:
    graph = _demo_graph()
    located = locate(graph)
    labels = {key: data["labels"][0] for key, data in graph.nodes(data=True)}
    with_places = {"Address", "Supplier", "Shipment", "Seizure"}
    for key, label in labels.items():
        if label in with_places:
            assert located.positions[key].precision == "city", (key, graph.nodes[key]["properties"])
        elif label in {"Company", "ShellCompany", "Phone"}:
            assert located.positions[key].precision == "country", key
    assert {labels[key] for key in located.unplaced}.isdisjoint(with_places)
    shipments = sorted(key for key, label in labels.items() if label == "Shipment")
    assert [route.shipment for route in located.routes] == shipments
    for route in located.routes:
        assert [stop.role for stop in route.stops] == ["port of loading", "port of entry", "destination"]
        assert route.stops[0].node == route.shipment and route.stops[2].node.startswith("FWD-")
    seizures = [key for key, label in labels.items() if label == "Seizure"]
    assert sum(located.seizures.values()) == len(seizures)
    assert set(located.seizures) <= {"NL", "GB", "DE", "BE", "FR", "ES", "US"}


def test_country_outlines_install_with_the_tool() -> None:
    outlined = countries()
    assert {"CN", "NL", "FR", "NO", "HU", "HK", "US"} <= set(outlined)
    assert all(len(ring) >= 3 for country in outlined.values() for ring in country.rings)
    assert sum(len(ring) for country in outlined.values() for ring in country.rings) < 60_000


def test_a_shipment_without_its_port_of_loading_starts_at_its_shippers_place() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("SUP-1", labels=["Supplier"], properties={"city": "Yiwu", "country": "CN"})
    graph.add_node("SHP-1", labels=["Shipment"], properties={"port_of_entry": "Antwerp (BEANR)"})
    graph.add_node("CO-1", labels=["Company"], properties={"jurisdiction": "BE"})
    graph.add_node("ADR-1", labels=["Address"], properties={"city": "Ghent", "country": "BE"})
    graph.add_edge("SUP-1", "SHP-1", type="SHIPPED")
    graph.add_edge("SHP-1", "CO-1", type="CONSIGNED_TO")
    graph.add_edge("CO-1", "ADR-1", type="REGISTERED_AT")
    (route,) = locate(graph).routes
    assert [(stop.role, stop.node, stop.position.place) for stop in route.stops] == [
        ("origin", "SUP-1", "Yiwu, CN"),
        ("port of entry", "SHP-1", "Antwerp, BE"),
        ("destination", "ADR-1", "Gent, BE"),
    ]


def test_coordinates_loaded_from_neo4j_admin_files_place_nodes_exactly(store: GraphStore, tmp_path: Path) -> None:
    typed, untyped = tmp_path / "nodes.Address.csv", tmp_path / "nodes.Seizure.csv"
    typed.write_text("id:ID,:LABEL,name,latitude:float,longitude:float\nADR-1,Address,Quay 1,51.9225,4.47917\n")
    untyped.write_text("id:ID,:LABEL,name,latitude,longitude,port\nSZ-1,Seizure,Seized,51.26,4.40,Hamburg (DEHAM)\n")
    load_paths(store, [typed, untyped])
    graph = build_view(store, ViewSpec(centres=("ADR-1", "SZ-1"))).graph
    assert isinstance(graph.nodes["ADR-1"]["properties"]["latitude"], float)
    located = locate(graph)
    assert (located.positions["ADR-1"].lat, located.positions["ADR-1"].precision) == (51.9225, "exact")
    seized = located.positions["SZ-1"]  # text that reads as coordinates wins over its port's name
    assert (seized.lat, seized.lon, seized.precision, seized.country) == (51.26, 4.4, "exact", "BE")
    assert located.seizures == {"BE": 1}
