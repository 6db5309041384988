"""Plain-text and Markdown renderings of paths, brokers and opportunities."""

from __future__ import annotations

from collections.abc import Sequence

from .brokers import Broker
from .claims import Dated, HolderClaim
from .opportunities import Opportunity
from .paths import PROFILE_PREFIX, Hop, Path

__all__ = ["age_text", "brokers_text", "holder_lines", "hop_date", "opportunities_text", "paths_markdown", "paths_text"]


def age_text(months: int) -> str:
    """An age in words: ``"12 years 6 months old"``, ``"1 month old"``, ``"less than a month old"``.

    Examples
    --------
    >>> age_text(150)
    '12 years 6 months old'
    """
    if months < 1:
        return "less than a month old"
    years, rest = divmod(months, 12)
    parts = ([f"{years} year" + ("s" if years > 1 else "")] if years else []) + \
        ([f"{rest} month" + ("s" if rest > 1 else "")] if rest else [])
    return " ".join(parts) + " old"


def _dates(dated: tuple[Dated, ...]) -> str:
    """Dates with their sources: ``2021-12-03 or 2022-01-01 (A)``, ``2014 (A) or 2015 (B)``."""
    by_source: dict[str, list[str]] = {}
    for d in dated:
        by_source.setdefault(d.source_label, []).append(d.date)
    return " or ".join(f"{' or '.join(dates)} ({source})" for source, dates in by_source.items())


def _holder(claim: HolderClaim) -> str:
    if claim.status == "current":
        if claim.since:
            disputed = ": the sources differ" if len({d.date for d in claim.since}) > 1 else ""
            text = f"{claim.holder_label}, since {_dates(claim.since)}{disputed}"
        elif claim.attested:
            newest = max(claim.attested, key=lambda d: d.date)
            count = f", the newest of {len(claim.attested)} attestations" if len(claim.attested) > 1 else ""
            text = f"{claim.holder_label}, attested {_dates((newest,))}{count}"
        else:
            text = claim.holder_label
        text += _election(claim) + _rivals(claim)
        return text + (f"; until {_dates(claim.until)}{_announced(claim)}" if claim.until else "; not known to have ended")
    if claim.status == "former":
        if not claim.until:
            return f"former holder: {claim.holder_label}, succeeded by {' or '.join(claim.successors)}"
        return f"former holder: {claim.holder_label}, the tenure ended {_dates(claim.until)}{_announced(claim)}"
    if not claim.attested:
        return f"last known: {claim.holder_label}{_election(claim)}; not known to hold it since"
    last = max(claim.attested, key=lambda d: d.date)
    return f"last attested: {claim.holder_label}, {_dates((last,))}; not known to hold it since"


def _election(claim: HolderClaim) -> str:
    """``, elected 2025-11-18 (A) for the term 2026–2029 (A)``, as far as the sources give them."""
    text = f", elected {_dates(claim.elected)}" if claim.elected else ""
    if claim.term_start:
        sources = " or ".join(dict.fromkeys(d.source_label for d in (*claim.term_start, *claim.term_end)))
        starts = sorted({d.date for d in claim.term_start})
        ends = sorted({d.date for d in claim.term_end})
        terms = " or ".join(f"{a}–{b}" for a, b in zip(starts, ends)) if len(starts) == len(ends) \
            else f"{starts[0]}–{ends[-1] if ends else ''}"
        text += f"{'' if claim.elected else ','} for the term {terms} ({sources})"
    return text


def _announced(claim: HolderClaim) -> str:
    return f", announced {_dates(claim.announced)}" if claim.announced else ""


def _rivals(claim: HolderClaim) -> str:
    """The disagreement of the sources, where they give another holder for the same time."""
    return f"; disputed: other sources give {' or '.join(claim.disputed_by)}" if claim.disputed_by else ""


def holder_lines(path: Path) -> list[str]:
    """Who holds the post a path ends at, as of the path's date, in words: one line per holder."""
    if path.as_of is None or path.holders is None:
        return []
    current = [h for h in path.holders if h.status == "current"]
    head = f"{path.hops[-1].target_label}, as of {path.as_of}: "
    lines = [head + ("; ".join(_holder(h) for h in current) if current else "no holder known")]
    return lines + [_holder(h) for h in path.holders if h.status != "current"]


def hop_date(hop: Hop) -> str:
    """A hop's newest evidence date and its age, in brackets (empty if it has neither)."""
    parts = ([hop.date] if hop.date else []) + ([age_text(hop.age_months)] if hop.age_months is not None else [])
    return f" ({', '.join(parts)})" if parts else ""


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
            lines.append(f"  {step}. {hop.relation}{hop_date(hop)}")
            lines.append(f"     {_evidence(hop)}")
        holders = holder_lines(path)
        lines += [f"  → {holders[0]}"] + [f"     {line}" for line in holders[1:]] if holders else []
        lines.append("")
    return "\n".join(lines)


def paths_markdown(paths: Sequence[Path]) -> str:
    """The paths as Markdown: a heading per path, a numbered list of hops, quotes as quotes."""
    lines = []
    for number, path in enumerate(paths, start=1):
        lines += [f"### Path {number}: {_route(path)}", "", f"Cost {path.cost:g}, {_hops(path)}.", ""]
        for step, hop in enumerate(path.hops, start=1):
            lines.append(f"{step}. **{hop.relation}**{hop_date(hop)}  ")
            if hop.evidence_source_label is None:
                lines.append(f"   *{_evidence(hop)}*")
            else:
                lines.append(f"   *{hop.evidence_source_label}*" + (f": “{hop.quote}”" if hop.quote else ""))
        holders = holder_lines(path)
        lines += ["", *(f"- {line}" for line in holders)] if holders else []
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
