"""The HTTP stage: a read-only SPARQL 1.1 Protocol endpoint, named queries, entity pages and views.

``server`` builds the Starlette app (a factory, no global state); ``protocol`` reads a
SPARQL Protocol request (query and dataset); ``endpoint`` shares bounded worker processes
fairly among clients, ``pool`` starts them and hands them out in turn, ``lanes`` picks the light queries' lane, and ``worker`` is what
each runs (no network, a memory limit, the build's store opened read-only); ``clients``
cuts off clients that send too slowly; ``guard`` refuses what a query must not do before it is
parsed, reading it with :mod:`smartcity_kg.store.lexer` as the grammar does; ``negotiate`` picks formats by ``Accept``; ``pages`` renders
entity and path pages; ``docs`` documents the ontology from its triples, and ``documents`` serves it,
its version and modules, each named graph and the dumps at the paths of their IRIs; ``headers`` gives every response its hardening headers and
each page its Content-Security-Policy. It may import the foundations, :mod:`smartcity_kg.store` and
:mod:`smartcity_kg.network`; never ``builder``, ``link`` or ``cli``.
"""
