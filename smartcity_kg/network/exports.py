"""Exports of the projected network for analysts' tools: GraphML, GEXF and CSV."""

from __future__ import annotations

import csv
import os
from pathlib import Path

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
    cheapest tie: relation, words, date, source and quote); ``csv`` writes ``nodes.csv`` and
    ``edges.csv`` (one row per tie) into the folder ``out``. Files are written to a temporary
    name and renamed into place.
    """
    import networkx as nx

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("graphml", "gexf"):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        writer(_flat(network), tmp)
        tmp.replace(out)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    flat = _flat(network)
    for name, header, rows in (
        ("nodes.csv", ["id", "label", "type", "types"],
         [[n, d["label"], d["type"], d["types"]] for n, d in flat.nodes(data=True)]),
        ("edges.csv", ["source", "target", "relation", "label", "cost", "fact", "date", "evidence_source",
                       "evidence_source_label", "quote"],
         [[t.a, t.b, t.relation, t.phrase(network.labels), t.cost, t.fact or "", t.date or "",
           e.source if e else "", e.source_label if e else "", (e.quote or "") if e else ""]
          for u, v in sorted(network.graph.edges) for t in network.ties(u, v)
          for e in [t.evidence[0] if t.evidence else None]]),
    ):
        path = out / name
        tmp = path.with_name(f".{name}.tmp-{os.getpid()}")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer_csv = csv.writer(handle)
            writer_csv.writerow(header)
            writer_csv.writerows(rows)
        tmp.replace(path)
        written.append(path)
    return written
