"""The network stage: the graph projected into a weighted network, explained paths, brokers, views, exports.

``projection`` turns the dataset into a network with the ``queries/projections/*.rq`` ties;
``paths``, ``brokers`` and ``opportunities`` answer the analyst's questions over it; ``render``
writes the answers as text and Markdown; ``views`` builds offline vis-network pages and
``exports`` GraphML, GEXF and CSV. It may import the foundations and :mod:`smartcity_kg.store`;
never ``builder``, ``link``, ``serve`` or ``cli``.
"""
