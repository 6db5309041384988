"""The HTTP stage: a read-only SPARQL 1.1 Protocol endpoint, named queries, entity pages and views.

``server`` builds the Starlette app (a factory, no global state); ``endpoint`` evaluates
queries in bounded worker processes; ``guard`` refuses what a query must not do before it is
parsed; ``negotiate`` picks formats by ``Accept``; ``pages`` renders entity, ontology and path
pages. It may import the foundations, :mod:`smartcity_kg.store` and
:mod:`smartcity_kg.network`; never ``builder``, ``link`` or ``cli``.
"""
