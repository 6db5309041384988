"""Content negotiation: the media type to answer with, from an Accept header."""

from __future__ import annotations

__all__ = ["GRAPH_TYPES", "choose"]

#: Media type → pyoxigraph RDF format name, for CONSTRUCT and DESCRIBE results and entity pages.
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}


def _parse(accept: str) -> list[tuple[str, float]]:
    out = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    quality = float(field[2:])
                except ValueError:
                    quality = 0.0
        out.append((fields[0].lower(), quality))
    return out


def choose(accept: str | None, offered: list[str]) -> str | None:
    """The best of ``offered`` for the header ``accept`` (the first offered if it is empty or absent).

    Examples
    --------
    >>> choose("text/csv;q=0.5, application/sparql-results+json", ["application/sparql-results+xml", "text/csv", "application/sparql-results+json"])
    'application/sparql-results+json'
    >>> choose("image/png", ["text/turtle"]) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = _parse(accept)
    best, best_quality = None, 0.0
    for media in offered:
        # The most specific range that matches decides the quality (RFC 9110, 12.5.1).
        matching = [(2 if wanted == media else 1 if wanted.endswith("/*") and wanted != "*/*" else 0, quality)
                    for wanted, quality in ranges
                    if wanted in (media, "*/*") or (wanted.endswith("/*") and media.startswith(wanted[:-1]))]
        if not matching:
            continue
        quality = max(matching)[1]
        if quality > best_quality:
            best, best_quality = media, quality
    return best
