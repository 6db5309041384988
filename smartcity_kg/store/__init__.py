"""The store stage: RDF in and out, the embedded pyoxigraph store, named queries and remote endpoints.

``rdfio`` reads and writes RDF files; ``dataset`` opens a build's dataset in pyoxigraph (in memory
or on disk); ``queries`` and ``results`` run the named SPARQL questions of ``queries/`` and
format their answers; ``entities`` resolves entities by IRI, id or label; ``push`` and ``pull``
move named graphs to and from a remote SPARQL 1.1 store; ``lexer`` reads SPARQL text as the grammar
does, for the server's guard and for binding parameters at a remote endpoint (``remote``). This is the lowest layer: it may import
only the package's foundations (``exceptions``, ``namespaces``, ``terms``, ``resources``,
``_yaml``), never ``builder``, ``network``, ``link``, ``serve`` or ``cli``.
"""
