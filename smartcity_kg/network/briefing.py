"""The briefing: one self-contained, printable page on how a firm can reach a market's decision makers.

It answers a question as of a date: the decision makers to approach, ranked by their cheapest
path, with their holders then; for each, the best paths with every hop's sentence, date,
verbatim quote and a link to its source; the brokers to meet; the market's investments and
initiatives in the firm's sectors; what the graph does not know (no holder known, old or
unquoted evidence); and the interactive paths view, embedded. Every value from the data is
escaped; only http(s) pages become links. A print stylesheet makes "save as PDF" clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..namespaces import SKOS
from ..outputs import HTML_SIGNATURE, write_file
from ..resources import shipped
from ..store.queries import load_query
from .markets import Market, decision_posts

if TYPE_CHECKING:
    from .paths import Path as RoutePath
    from .projection import Network
    from .tenure import AsOf

__all__ = ["OLD_EVIDENCE_MONTHS", "Briefing", "Question", "firm_sectors", "make_briefing", "source_pages"]

#: Evidence at least this old (in months) is named among what the graph does not know well.
OLD_EVIDENCE_MONTHS = 60
#: How many paths are searched, and how many are shown per decision maker.
_SEARCHED = 20
_PER_TARGET = 2


@dataclass(frozen=True)
class Question:
    """What a briefing answers: a start (a firm in the graph or a profile), its home country, the
    market, the sectors (IRIs; none: the firm's own sectors in the graph) and the date."""

    start: str
    home: Market
    market: Market
    sectors: tuple[str, ...]
    as_of: AsOf
    k: int = 5


@dataclass(frozen=True)
class Briefing:
    """A rendered briefing: its page, and what it found."""

    html: str = field(repr=False)
    title: str
    decision_makers: int
    paths: int
    quotes: tuple[str, ...] = ()
    #: The interactive paths view the page frames (``None`` where there is no path).
    view: str | None = field(default=None, repr=False)
    #: The paths the page shows, in its order.
    routes: tuple[RoutePath, ...] = field(default=(), repr=False)

    def save(self, path: Path) -> Path:
        """Write the page to ``path`` (through a temporary file) and return the path.

        Raises
        ------
        OutputError
            If ``path`` is a folder, its folder is missing, or it is a file that smartcity-kg did not write.
        """
        return write_file(path, self.html, signature=HTML_SIGNATURE)


def source_pages(graph: Any, *, directory: Path | None = None) -> dict[str, str]:
    """The web page of each source record that has one (``queries/briefing/source-pages.rq``),
    from a store or any graph whose ``query`` answers SPARQL SELECT."""
    query = load_query((directory or shipped("queries") / "briefing") / "source-pages.rq").text
    pages: dict[str, str] = {}
    for row in graph.query(query):
        pages.setdefault(str(row["source"].value), str(row["page"].value))
    return pages


def firm_sectors(network: Network, firm: str) -> tuple[str, ...]:
    """The sectors ``firm`` is tied to in the network (its own, where no sector was given), by IRI."""
    if firm not in network.graph:
        return ()
    return tuple(sorted(n for n in network.graph.neighbors(firm) if SKOS + "Concept" in network.types.get(n, ())))


def _gaps(network: Network, paths: list[RoutePath]) -> list[str]:
    """What the graph does not know about the answer, in words, each once."""
    from .render import age_text, holder_lines

    gaps: list[str] = []
    for path in paths:
        if path.holders is not None and not [h for h in path.holders if h.status == "current"]:
            gaps += holder_lines(path)[:1]
        for hop in path.hops:
            if hop.age_months is not None and hop.age_months >= OLD_EVIDENCE_MONTHS:
                gaps.append(f"Old evidence: \u201c{hop.relation}\u201d rests on evidence {age_text(hop.age_months)}.")
            if hop.evidence_source_label is not None and not hop.quote:
                gaps.append(f"Cited without a quote: \u201c{hop.relation}\u201d ({hop.evidence_source_label}).")
    return list(dict.fromkeys(gaps))


def make_briefing(network: Network, question: Question, *, pages: dict[str, str] | None = None) -> Briefing:
    """The briefing for ``question`` over ``network`` (already as of the date, with the firm's
    profile added where the firm is not in the graph).

    Raises
    ------
    EntityNotFoundError
        If the start is not a node of the network.
    """
    import jinja2

    from .brokers import find_brokers
    from .opportunities import find_opportunities
    from .paths import find_paths
    from .render import holder_lines
    from .tenure import with_holders
    from .views import hop_item, paths_view

    pages = pages or {}
    labels = network.labels
    targets = decision_posts(network, question.market)
    found = with_holders(find_paths(network, question.start, targets, market=question.market, k=_SEARCHED),
                         network, question.as_of)
    by_target: dict[str, list[RoutePath]] = {}
    for path in found:
        by_target.setdefault(path.target, []).append(path)
    ranked = list(by_target.items())[:question.k]
    shown = [p for _, paths in ranked for p in paths[:_PER_TARGET]]
    people = [{"label": labels.get(target, target), "cost": paths[0].cost, "holders": holder_lines(paths[0]),
               "paths": [{"route": " → ".join([p.hops[0].source_label] + [h.target_label for h in p.hops]),
                          "cost": p.cost, "hops": [hop_item(h, pages) for h in p.hops]} for p in paths[:_PER_TARGET]]}
              for target, paths in ranked]
    brokers = find_brokers(network, top=5, firms={question.start}, targets=targets, market=question.market,
                           home=question.home) if targets else []
    in_market = {n for n, markets in network.markets.items() if question.market.iri in markets}
    given = question.sectors or firm_sectors(network, question.start)
    sectors = [{"label": labels.get(s, s),
                "found": [{"label": o.label, "kind": o.kind, "cost": o.cost, "hops": [hop_item(h, pages) for h in o.path.hops]}
                          for o in find_opportunities(network, s, in_market, top=10)]}
               for s in given]
    firm = labels.get(question.start, question.start)
    sector_words = ", ".join(labels.get(s, s) for s in given)
    title = f"How {firm} can reach the decision makers in {question.market.label}"
    view = paths_view(network, shown, pages=pages,
                      title=f"Paths from {firm} to decision makers in {question.market.label}, as of {question.as_of.text}")
    environment = jinja2.Environment(loader=jinja2.PackageLoader("smartcity_kg", "templates"), autoescape=True)
    page = environment.get_template("brief.html").render(
        title=title, firm=firm, home=question.home.label, market=question.market.label, sectors=sector_words,
        as_of=question.as_of.text, people=people, brokers=brokers, sector_findings=sectors,
        gaps=_gaps(network, shown), old_years=OLD_EVIDENCE_MONTHS // 12, view=view.html if shown else None)
    quotes = tuple(dict.fromkeys(h.quote for p in shown for h in p.hops if h.quote))
    return Briefing(page, title, len(people), len(shown), quotes, view.html if shown else None, tuple(shown))
