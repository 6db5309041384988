"""Plain-text and Markdown renderings of paths, brokers and opportunities."""

from __future__ import annotations

from collections.abc import Sequence

from .brokers import Broker
from .opportunities import Opportunity
from .paths import PROFILE_PREFIX, Hop, Path

__all__ = ["brokers_text", "opportunities_text", "paths_markdown", "paths_text"]


def _evidence(hop: Hop) -> str:
    if hop.evidence_source_label is None:
        if hop.source.startswith(PROFILE_PREFIX):
            return "evidence: the firm profile that was given"
        return "evidence: none recorded"
    quote = f' — "{hop.quote}"' if hop.quote else " (cited without a quote)"
    return f"source: {hop.evidence_source_label}{quote}"


def _hops(path: Path) -> str:
    return "1 hop" if len(path.hops) == 1 else f"{len(path.hops)} hops"


def _route(path: Path) -> str:
    return " → ".join([path.hops[0].source_label] + [h.target_label for h in path.hops])


def paths_text(paths: Sequence[Path]) -> str:
    """Each path as numbered hops, each with its relation in words, date and evidence."""
    lines = []
    for number, path in enumerate(paths, start=1):
        lines.append(f"Path {number} (cost {path.cost:g}, {_hops(path)}): {_route(path)}")
        for step, hop in enumerate(path.hops, start=1):
            date = f" ({hop.date})" if hop.date else ""
            lines.append(f"  {step}. {hop.relation}{date}")
            lines.append(f"     {_evidence(hop)}")
        lines.append("")
    return "\n".join(lines)


def paths_markdown(paths: Sequence[Path]) -> str:
    """The paths as Markdown: a heading per path, a numbered list of hops, quotes as quotes."""
    lines = []
    for number, path in enumerate(paths, start=1):
        lines += [f"### Path {number}: {_route(path)}", "", f"Cost {path.cost:g}, {_hops(path)}.", ""]
        for step, hop in enumerate(path.hops, start=1):
            date = f" ({hop.date})" if hop.date else ""
            lines.append(f"{step}. **{hop.relation}**{date}  ")
            if hop.evidence_source_label is None:
                lines.append(f"   *{_evidence(hop)}*")
            else:
                lines.append(f"   *{hop.evidence_source_label}*" + (f": “{hop.quote}”" if hop.quote else ""))
        lines.append("")
    return "\n".join(lines)


def brokers_text(brokers: Sequence[Broker]) -> str:
    """The brokers ranked, each with its kind, score and an example path."""
    lines = []
    for rank, broker in enumerate(brokers, start=1):
        paths = "path" if broker.score == 1 else "paths"
        lines.append(f"{rank}. {broker.label} ({broker.kind}): on {broker.score:g} cheapest firm-to-decision-maker {paths}")
        if broker.example:
            lines.append(f"   e.g. {' → '.join(broker.example)}")
    return "\n".join(lines) + "\n"


def opportunities_text(found: Sequence[Opportunity]) -> str:
    """The opportunities ranked, each with its kind, cost and the path that ties it to the sector."""
    lines = []
    for rank, item in enumerate(found, start=1):
        lines.append(f"{rank}. {item.label} ({item.kind}), cost {item.cost:g}")
        for hop in item.path.hops:
            lines.append(f"   - {hop.relation}" + (f" ({hop.date})" if hop.date else ""))
            lines.append(f"     {_evidence(hop)}")
    return "\n".join(lines) + "\n"
