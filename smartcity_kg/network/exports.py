"""Exports of the projected network for analysts' tools: GraphML, GEXF and CSV."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from ..namespaces import DEFAULT_BASE, PREFIXES
from ..outputs import XML_SIGNATURE, check_folder, claim_folder, write_csv, write_file
from .projection import Network, Tie

__all__ = ["FORMATS", "GEXF_NAMESPACE", "export_network", "node_id"]

FORMATS = ("graphml", "gexf", "csv")
#: The GEXF version written: 1.2draft, whose schema the tests validate against.
GEXF_NAMESPACE = "http://www.gexf.net/1.2draft"
_GEXF_SCHEMA = "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Namespaces shortened to a prefix in node ids (the longest that matches is used).
_ID_PREFIXES = {"id": DEFAULT_BASE + "id/", **PREFIXES}
_KEPT = re.compile(r"[A-Za-z0-9.\-]")
#: The attributes of a node and of an edge (one edge per tie), with their GraphML/GEXF types.
_NODE_ATTRIBUTES = (("label", "string"), ("iri", "string"), ("type", "string"), ("types", "string"))
_EDGE_ATTRIBUTES = (("relation", "string"), ("label", "string"), ("cost", "double"), ("fact", "string"),
                    ("date", "string"), ("evidence", "int"), ("source", "string"), ("source_label", "string"),
                    ("quote", "string"))


def node_id(iri: str) -> str:
    """A node's id in GraphML and GEXF: an XML ``NMTOKEN`` that names one IRI only.

    A known namespace becomes its prefix and a colon; every other character outside
    ``A–Z a–z 0–9 . -`` becomes ``_`` and the hexadecimal of its UTF-8 bytes, so the id
    can be read back into the IRI (which the export also keeps in the ``iri`` attribute).

    Examples
    --------
    >>> node_id("https://w3id.org/smartcity-kg/id/cisco")
    'id:cisco'
    >>> node_id("https://w3id.org/smartcity-kg/country/DK")
    'country:DK'
    >>> node_id("https://example.org/a b/é")
    'https_3A_2F_2Fexample.org_2Fa_20b_2F_C3_A9'
    """
    prefix, local = "", iri
    matches = [(len(ns), name) for name, ns in _ID_PREFIXES.items() if iri.startswith(ns) and len(iri) > len(ns)]
    if matches:
        size, name = max(matches)
        prefix, local = name + ":", iri[size:]
    escaped = "".join(c if _KEPT.match(c) else "".join(f"_{b:02X}" for b in c.encode("utf-8")) for c in local)
    return prefix + escaped


def _all_ties(network: Network) -> Iterator[Tie]:
    """Every tie once, each in its own direction (from ``a`` to ``b``), in a stable order."""
    for u, v in sorted(tuple(sorted(edge)) for edge in network.graph.edges):
        yield from network.ties(u, v)


def _node_values(network: Network, node: str) -> dict[str, str]:
    from .views import node_style

    return {"label": network.labels.get(node, node), "iri": node, "type": node_style(network, node)[1],
            "types": " ".join(sorted(network.types.get(node, ())))}


def _edge_values(network: Network, tie: Tie) -> dict[str, str]:
    evidence = tie.evidence[0] if tie.evidence else None
    return {"relation": tie.relation, "label": tie.phrase(network.labels), "cost": repr(float(tie.cost)),
            "fact": tie.fact or "", "date": tie.date or "", "evidence": str(len(tie.evidence)),
            "source": evidence.source if evidence else "", "source_label": evidence.source_label if evidence else "",
            "quote": (evidence.quote or "") if evidence else ""}


def _ids(network: Network) -> dict[str, str]:
    ids = {node: node_id(node) for node in network.graph.nodes}
    if len(set(ids.values())) != len(ids):  # cannot happen: node_id can be read back
        raise ValueError("two nodes were given the same id")
    return ids


def _graphml(network: Network) -> ET.Element:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns, "xmlns:xsi": _XSI, "xsi:schemaLocation":
                                  f"{ns} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"})
    for kind, attributes in (("node", _NODE_ATTRIBUTES), ("edge", _EDGE_ATTRIBUTES)):
        for name, kind_of in attributes:
            ET.SubElement(root, "key", {"id": f"{kind}-{name}", "for": kind, "attr.name": name, "attr.type": kind_of})
    graph = ET.SubElement(root, "graph", {"id": "network", "edgedefault": "directed"})
    ids = _ids(network)
    for node in sorted(network.graph.nodes, key=ids.__getitem__):
        element = ET.SubElement(graph, "node", {"id": ids[node]})
        for name, value in _node_values(network, node).items():
            ET.SubElement(element, "data", {"key": f"node-{name}"}).text = value
    for number, tie in enumerate(_all_ties(network), start=1):
        element = ET.SubElement(graph, "edge", {"id": f"tie-{number}", "source": ids[tie.a], "target": ids[tie.b]})
        for name, value in _edge_values(network, tie).items():
            if value:
                ET.SubElement(element, "data", {"key": f"edge-{name}"}).text = value
    return root


def _gexf(network: Network) -> ET.Element:
    root = ET.Element("gexf", {"xmlns": GEXF_NAMESPACE, "xmlns:xsi": _XSI, "xsi:schemaLocation": _GEXF_SCHEMA,
                               "version": "1.2"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "smartcity-kg"
    ET.SubElement(meta, "description").text = "The projected network of smartcity-kg: one directed edge per tie."
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    for kind, attributes in (("node", _NODE_ATTRIBUTES[1:]), ("edge", _EDGE_ATTRIBUTES)):
        declared = ET.SubElement(graph, "attributes", {"class": kind, "mode": "static"})
        for name, kind_of in attributes:
            if (kind, name) not in (("edge", "label"), ("edge", "cost")):  # GEXF's own label and weight
                ET.SubElement(declared, "attribute", {"id": f"{kind}-{name}", "title": name,
                                                      "type": {"int": "integer"}.get(kind_of, kind_of)})
    ids = _ids(network)
    nodes = ET.SubElement(graph, "nodes", {"count": str(len(ids))})
    for node in sorted(network.graph.nodes, key=ids.__getitem__):
        values = _node_values(network, node)
        element = ET.SubElement(nodes, "node", {"id": ids[node], "label": values.pop("label")})
        _attvalues(element, "node", values)
    ties = list(_all_ties(network))
    edges = ET.SubElement(graph, "edges", {"count": str(len(ties))})
    for number, tie in enumerate(ties, start=1):
        values = _edge_values(network, tie)
        element = ET.SubElement(edges, "edge", {"id": f"tie-{number}", "source": ids[tie.a], "target": ids[tie.b],
                                                "label": values.pop("label"), "weight": values.pop("cost")})
        _attvalues(element, "edge", values)
    return root


def _attvalues(element: ET.Element, kind: str, values: dict[str, str]) -> None:
    present = {name: value for name, value in values.items() if value}
    if present:
        holder = ET.SubElement(element, "attvalues")
        for name, value in present.items():
            ET.SubElement(holder, "attvalue", {"for": f"{kind}-{name}", "value": value})


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return "\n".join(["<?xml version='1.0' encoding='utf-8'?>", XML_SIGNATURE, body]) + "\n"


def export_network(network: Network, out: Path, fmt: str) -> list[Path]:
    """Write the network to ``out`` in ``fmt`` and return the files written.

    ``graphml`` (GraphML 1.0) and ``gexf`` (GEXF 1.2) write one directed graph with one edge
    per tie, from the tie's first entity to its second (two ties between the same entities
    are two parallel edges): its relation, words, cost, fact, date, number of pieces of
    evidence and the first one's source and quote. Node ids are ``NMTOKEN`` s made by
    :func:`node_id`, each node keeping its IRI in the ``iri`` attribute; the comment
    :data:`~smartcity_kg.outputs.XML_SIGNATURE` follows the XML declaration. ``csv`` writes
    ``nodes.csv`` and ``edges.csv`` (one row per tie) into the folder ``out``, which gets
    the folder marker. Files are written to a temporary name and renamed into place.

    Raises
    ------
    OutputError
        If ``out`` is a file or folder that smartcity-kg did not write, or its folder is missing.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("graphml", "gexf"):
        text = _xml(_graphml(network) if fmt == "graphml" else _gexf(network))
        return [write_file(out, text, signature=XML_SIGNATURE)]
    check_folder(out)
    claim_folder(out, ["nodes.csv", "edges.csv"])
    nodes = [_node_values(network, node) for node in sorted(network.graph.nodes)]
    return [
        write_csv(out / "nodes.csv", ["id", "label", "type", "types"],
                  [[n["iri"], n["label"], n["type"], n["types"]] for n in nodes]),
        write_csv(out / "edges.csv", ["source", "target", "relation", "label", "cost", "fact", "date",
                                      "evidence_source", "evidence_source_label", "quote"],
                  [[t.a, t.b, t.relation, t.phrase(network.labels), t.cost, t.fact or "", t.date or "",
                    e.source if e else "", e.source_label if e else "", (e.quote or "") if e else ""]
                   for t in _all_ties(network) for e in [t.evidence[0] if t.evidence else None]]),
    ]
