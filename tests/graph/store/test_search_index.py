"""Entity search on the embedded store reads an index beside the graph, never a stale one."""

from pathlib import Path

from graph.records import NodeRecord
from graph.store.embedded_engine import EmbeddedStore


def _storefronts(store: EmbeddedStore, names: dict[str, str]) -> None:
    store.upsert_nodes(NodeRecord(("SalesChannel",), key, {"name": name}) for key, name in names.items())


def test_search_ranks_exact_then_prefix_then_shorter_names(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.kgl")
    _storefronts(store, {"SC-1": "Luxe Watches Outlet", "SC-2": "watches", "SC-3": "Watches Direct", "SC-4": "Bags"})
    assert list(store.search("watches").key) == ["SC-2", "SC-3", "SC-1"]
    assert list(store.search("WÄTCHES", limit=1).name) == ["watches"]
    assert (tmp_path / "graph.kgl.search").exists()


def test_short_and_hostile_needles_are_matched_as_text(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.kgl")
    _storefronts(store, {"SC-1": 'Shop "A" OR 1=1', "SC-2": "NEAR(x y) * deals", "SC-3": "ox"})
    assert list(store.search("ox").key) == ["SC-3"]
    assert list(store.search('"a" or 1').key) == ["SC-1"]
    assert list(store.search("near(x y) *").key) == ["SC-2"]
    assert store.search('"').empty is False


def test_a_renamed_entity_is_found_by_its_new_name_only(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.kgl")
    _storefronts(store, {"SC-1": "Old Name Store"})
    assert list(store.search("old name").key) == ["SC-1"]
    _storefronts(store, {"SC-1": "Fresh Name Store"})
    assert store.search("old name").empty
    assert list(store.search("fresh name").key) == ["SC-1"]


def test_an_index_that_does_not_match_the_graph_is_rebuilt(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "graph.kgl")
    _storefronts(writer, {"SC-1": "First Store"})
    assert list(writer.search("store").key) == ["SC-1"]
    # another process changed the graph without this tool's bookkeeping (no hook ran)
    index = tmp_path / "graph.kgl.search"
    stale = index.read_bytes()
    _storefronts(writer, {"SC-2": "Second Store"})
    index.write_bytes(stale)
    assert list(EmbeddedStore(tmp_path / "graph.kgl").search("store").key) == ["SC-1", "SC-2"]


def test_a_load_from_the_command_line_leaves_the_search_index_ready(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "nodes.SalesChannel.csv").write_text("id:ID,:LABEL,name\nSC-1,SalesChannel,Luxe Watches\n")
    env = {"GRAPH_DB": str(tmp_path / "graph.kgl"), "KG_WORKSPACE": str(tmp_path / "ws.sqlite")}
    assert cli(env, "ingest", str(folder)).returncode == 0
    assert (tmp_path / "graph.kgl.search").exists()
