"""Exports of the projected network for analysts' tools: GraphML, GEXF and CSV."""

from __future__ import annotations

from pathlib import Path

from ..outputs import XML_SIGNATURE, check_folder, claim_folder, write_csv, write_file
from .projection import Network

__all__ = ["FORMATS", "export_network"]

FORMATS = ("graphml", "gexf", "csv")


def _flat(network: Network):  # type: ignore[no-untyped-def]
    """A copy of the network whose attributes are plain text and numbers, as GraphML and GEXF ask."""
    import networkx as nx

    from .views import node_style

    flat = nx.Graph()
    for node in sorted(network.graph.nodes):
        flat.add_node(node, label=network.labels.get(node, node), type=node_style(network, node)[1],
                      types=" ".join(sorted(network.types.get(node, ()))))
    for u, v in sorted(network.graph.edges):
        ties = network.ties(u, v)
        best = ties[0]
        evidence = best.evidence[0] if best.evidence else None
        flat.add_edge(u, v, weight=best.cost, relation=best.relation, label=best.phrase(network.labels),
                      fact=best.fact or "", date=best.date or "", ties=len(ties),
                      source=evidence.source if evidence else "", source_label=evidence.source_label if evidence else "",
                      quote=(evidence.quote or "") if evidence else "")
    return flat


def export_network(network: Network, out: Path, fmt: str) -> list[Path]:
    """Write the network to ``out`` in ``fmt`` and return the files written.

    ``graphml`` and ``gexf`` write one file (one edge per pair of entities, carrying its
    cheapest tie: relation, words, date, source and quote), with the comment
    :data:`~smartcity_kg.outputs.XML_SIGNATURE` after the XML declaration; ``csv`` writes
    ``nodes.csv`` and ``edges.csv`` (one row per tie) into the folder ``out``, which gets
    the folder marker. Files are written to a temporary name and renamed into place.

    Raises
    ------
    OutputError
        If ``out`` is a file or folder that smartcity-kg did not write, or its folder is missing.
    """
    import networkx as nx

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("graphml", "gexf"):
        lines = (nx.generate_graphml if fmt == "graphml" else nx.generate_gexf)(_flat(network))
        text = "\n".join(["<?xml version='1.0' encoding='utf-8'?>", XML_SIGNATURE, *lines]) + "\n"
        return [write_file(out, text, signature=XML_SIGNATURE)]
    check_folder(out)
    claim_folder(out, ["nodes.csv", "edges.csv"])
    flat = _flat(network)
    return [
        write_csv(out / "nodes.csv", ["id", "label", "type", "types"],
                    [[n, d["label"], d["type"], d["types"]] for n, d in flat.nodes(data=True)]),
        write_csv(out / "edges.csv", ["source", "target", "relation", "label", "cost", "fact", "date",
                                        "evidence_source", "evidence_source_label", "quote"],
                    [[t.a, t.b, t.relation, t.phrase(network.labels), t.cost, t.fact or "", t.date or "",
                      e.source if e else "", e.source_label if e else "", (e.quote or "") if e else ""]
                     for u, v in sorted(network.graph.edges) for t in network.ties(u, v)
                     for e in [t.evidence[0] if t.evidence else None]]),
    ]

