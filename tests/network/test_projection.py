"""Tests of smartcity_kg.network.projection: the shipped graph projected into a weighted network of ties."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import InputError, shipped
from smartcity_kg.namespaces import OWL, RDF
from smartcity_kg.network.projection import Network, Projection, load_projections, project
from smartcity_kg.builder.ontology import load_ontology

ID = "https://w3id.org/smartcity-kg/id/"
AGREEMENT = ID + "cisco-three-municipalities-agreement-2014"
_SCHEMA_KINDS = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "Ontology"}

GOOD = """\
#+ summary: A good projection
#+ cost: 1.0
#+ says: "{a} is tied to {b}"
SELECT ?a ?b ?fact ?date ?source ?quote WHERE { ?a <urn:x:p> ?b }
"""


@pytest.fixture(scope="module")
def projections() -> dict[str, Projection]:
    return {p.name: p for p in load_projections()}


def test_every_projection_query_is_loaded(projections: dict[str, Projection]) -> None:
    files = sorted(p.stem for p in (shipped("queries") / "projections").glob("*.rq"))
    assert files, "no projection queries found"
    assert sorted(projections) == files
    assert all(p.cost > 0 and "{a}" in p.says and "{b}" in p.says for p in projections.values())


def test_no_node_is_a_literal_class_property_or_ontology(store: ox.Store, network: Network) -> None:
    onto = load_ontology(shipped("ontology"))
    schema = {t.subject.value for t in onto.triples
              if t.predicate.value == RDF + "type" and t.object.value in _SCHEMA_KINDS}
    assert "https://w3id.org/smartcity-kg/ontology" in schema
    assert "https://w3id.org/smartcity-kg/ontology#Organisation" in schema
    assert "https://w3id.org/smartcity-kg/ontology#partner" in schema
    nodes = set(network.graph.nodes)
    assert len(nodes) > 50
    assert not nodes & schema
    for node in nodes:  # an IRI that the graph says something about, never a literal's text
        assert next(store.quads_for_pattern(ox.NamedNode(node), None, None), None) is not None, node


def test_edge_weight_is_the_cost_of_the_cheapest_tie(network: Network) -> None:
    assert network.graph.number_of_edges() > 100
    for u, v, data in network.graph.edges(data=True):
        ties = data["ties"]
        assert ties, (u, v)
        assert data["weight"] == min(t.cost for t in ties) == ties[0].cost
        assert [t.cost for t in ties] == sorted(t.cost for t in ties)
        assert all({t.a, t.b} == {u, v} for t in ties)


def test_partnership_ties_keep_fact_date_and_evidence(network: Network) -> None:
    ties = [t for t in network.ties(ID + "cisco", ID + "copenhagen-municipality") if t.fact == AGREEMENT]
    assert [t.relation for t in ties] == ["partnership-partners"]
    tie = ties[0]
    assert tie.date == "2014-05-28"
    sources = {e.source.rsplit("/", 1)[-1]: e for e in tie.evidence}
    assert "gate21-cisco-partnership" in sources
    assert "underskrevet" in (sources["gate21-cisco-partnership"].quote or "")
    assert sources["gate21-cisco-partnership"].source_label.startswith("Tre kommuner")
    signed = [t for t in network.ties(ID + "cisco", ID + "frank-jensen") if t.relation == "partnership-signatories"]
    assert [(t.fact, t.date) for t in signed] == [(AGREEMENT, "2014-05-28")]
    assert any("Frank Jensen" in (e.quote or "") for e in signed[0].evidence)
    assert signed[0].phrase(network.labels).startswith("Frank Jensen signed ")


def test_sector_ties_cost_most_and_post_ties_least(projections: dict[str, Projection]) -> None:
    costs = [p.cost for p in projections.values()]
    assert projections["in-sector"].cost == max(costs)
    assert projections["post-holder"].cost == min(costs)
    assert projections["post-in-organisation"].cost == min(costs)
    assert projections["in-sector"].cost > projections["partnership-partners"].cost


def test_project_leaves_the_store_and_labels_unchanged(store: ox.Store) -> None:
    before = len(store)
    labels = {ID + "cisco": "Cisco Systems"}
    network = project(store, labels=labels)
    assert len(store) == before
    assert labels == {ID + "cisco": "Cisco Systems"}
    assert network.labels[ID + "cisco"] == "Cisco Systems"


def test_node_attributes(network: Network) -> None:
    data = network.graph.nodes[ID + "cisco"]
    assert data["label"] == "Cisco"
    assert "https://w3id.org/smartcity-kg/ontology#USFirm" in data["types"]
    assert network.members("https://w3id.org/smartcity-kg/ontology#USFirm") == {
        ID + firm for firm in ("amazon-web-services", "apple", "cisco", "epic", "facebook", "ge", "google", "ibm",
                               "microsoft", "uber")}


@pytest.mark.parametrize(("header", "message"), [
    ('#+ summary: s\n#+ says: "{a} x {b}"\n', "needs 'cost:' with a positive number"),
    ('#+ summary: s\n#+ cost: 0\n#+ says: "{a} x {b}"\n', "needs 'cost:' with a positive number"),
    ('#+ summary: s\n#+ cost: -1\n#+ says: "{a} x {b}"\n', "needs 'cost:' with a positive number"),
    ('#+ summary: s\n#+ cost: abc\n#+ says: "{a} x {b}"\n', "needs 'cost:' with a positive number"),
    ('#+ summary: s\n#+ cost: nan\n#+ says: "{a} x {b}"\n', "needs 'cost:' with a positive number"),
    ('#+ summary: s\n#+ cost: 1\n', "needs 'says:' with {a} and {b}"),
    ('#+ summary: s\n#+ cost: 1\n#+ says: "{a} is tied"\n', "needs 'says:' with {a} and {b}"),
    ('#+ summary: s\n#+ cost: 1\n#+ says: "it is tied to {b}"\n', "needs 'says:' with {a} and {b}"),
], ids=["no-cost", "cost-0", "cost-negative", "cost-abc", "cost-nan", "no-says", "says-without-b", "says-without-a"])
def test_load_projections_refuses_a_bad_header(tmp_path: Path, header: str, message: str) -> None:
    (tmp_path / "a-good.rq").write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "b-bad.rq"
    bad.write_text(header + "SELECT ?a ?b WHERE { ?a <urn:x:p> ?b }\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{bad}:1: the header ") + ".*" + re.escape(message)):
        load_projections(tmp_path)


def test_load_projections_refuses_an_unknown_placeholder(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text('#+ summary: s\n#+ cost: 1\n#+ says: "{a} meets {b} at {c}"\n'
                   "SELECT ?a ?b WHERE { ?a <urn:x:p> ?b }\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(str(bad))):
        load_projections(tmp_path)


def test_load_projections_reads_a_good_directory(tmp_path: Path) -> None:
    (tmp_path / "a-good.rq").write_text(GOOD, encoding="utf-8")
    [projection] = load_projections(tmp_path)
    assert (projection.name, projection.cost, projection.says) == ("a-good", 1.0, "{a} is tied to {b}")


def test_load_projections_refuses_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape(str(tmp_path)) + ".*no projection queries"):
        load_projections(tmp_path)


@pytest.mark.parametrize("hops", [2, 3])  # paths end at posts, two hops from Cisco at the nearest
def test_a_neighbourhood_holds_every_path_within_its_hops(store: ox.Store, network: Network, hops: int) -> None:
    from smartcity_kg.network.paths import find_paths

    cisco = ID + "cisco"
    around = project(store, labels=network.labels, around={cisco}, hops=hops)
    assert set(around.graph.nodes) < set(network.graph.nodes)
    assert all(network.graph.has_edge(u, v) for u, v in around.graph.edges)
    full = find_paths(network, cisco, k=20, max_hops=hops)
    assert full
    assert find_paths(around, cisco, k=20, max_hops=hops) == full
    # Nothing beyond the hops was pulled: every node is within reach of Cisco.
    import networkx as nx

    reach = nx.single_source_shortest_path_length(network.graph, cisco, cutoff=hops)
    assert set(around.graph.nodes) <= set(reach)


class _Remote:
    """A stand-in for RemoteGraph over a local store that counts the queries it answers."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.queries = store, []

    def query(self, text: str, **_: object) -> list[ox.Triple]:
        self.queries.append(text)
        return list(self.store.query(text))  # type: ignore[arg-type]


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_a_neighbourhood_pulled_with_construct_gives_the_same_paths(store: ox.Store, network: Network,
                                                                    hops: int) -> None:
    from smartcity_kg.network.paths import find_paths
    from smartcity_kg.store.pull import pull_neighbourhood

    cisco = ID + "cisco"
    remote = _Remote(store)
    local = pull_neighbourhood(remote, {cisco}, hops)
    assert remote.queries and all(q.lstrip().startswith("CONSTRUCT") for q in remote.queries)
    pulled = project(local, labels=network.labels, around={cisco}, hops=hops)
    assert find_paths(pulled, cisco, k=20, max_hops=hops) == find_paths(network, cisco, k=20, max_hops=hops)
    assert len(local) < 2 * len(store)  # not the whole dataset (its default graph is the merge)


def _selecting_sources(projection: Projection) -> Projection:
    """``projection`` joining its evidence's sources and quotes itself, selecting them in place of ?evidence."""
    query = projection.query.replace("SELECT ?a ?b ?fact ?date ?evidence WHERE {",
                                     "SELECT ?a ?b ?fact ?date ?source ?quote WHERE {\n"
                                     "  ?evidence <https://w3id.org/smartcity-kg/ontology#source> ?source .\n"
                                     "  OPTIONAL { ?evidence <https://w3id.org/smartcity-kg/ontology#selector>/"
                                     "<https://w3id.org/smartcity-kg/ontology#quote> ?quote }")
    assert query != projection.query
    return Projection(projection.name, projection.path, query, projection.cost, projection.says)


def test_a_projection_may_select_the_sources_and_quotes_itself(store: ox.Store, network: Network) -> None:
    """A query selecting ?source ?quote (joined in SPARQL) gives the same ties as one selecting ?evidence."""
    joined = project(store, [_selecting_sources(p) for p in load_projections()])
    assert list(joined.graph.edges(data="ties")) == list(network.graph.edges(data="ties"))
    assert any(tie.evidence and tie.evidence[0].quote for _, _, ties in joined.graph.edges(data="ties") for tie in ties)


def test_a_projection_selecting_other_columns_is_refused(store: ox.Store, tmp_path: Path) -> None:
    (tmp_path / "narrow.rq").write_text(GOOD.replace("?source ?quote", "").replace("<urn:x:p>", "a"), encoding="utf-8")
    with pytest.raises(InputError, match=r"narrow\.rq.*selects \?a \?b \?fact \?date \?evidence.*not 4"):
        project(store, load_projections(tmp_path))


def test_the_classes_of_an_embedded_store_are_those_the_query_finds(built: Path) -> None:
    from smartcity_kg.namespaces import SCK
    from smartcity_kg.network.rows import classes_of, network_query
    from smartcity_kg.store.dataset import open_store
    from smartcity_kg.store.rdfio import select

    store = open_store(built, in_memory=True)
    asked = {row["class"].value for row in select(store, network_query("classes"))}
    assert classes_of(store) == asked and SCK + "Post" in asked
