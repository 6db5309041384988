"""The build stage: source records and fact sheets, with the ontology, become a validated, reasoned dataset.

``sources`` and ``facts`` read and compile the YAML inputs (``items`` compiles each item,
``values`` checks dates, amounts and identifiers, ``editions`` the edition a source record names;
``sheetcache`` keeps what each sheet compiled to, for the next build); ``ontology`` loads the hub and its modules; ``validate`` runs SHACL and
``checks`` the ``*-violation.rq`` queries; ``rules`` infers the defined classes from the
ontology's axioms without Java, ``reason`` runs HermiT where Java is present; ``forked`` starts
the child processes in which the checks and the rules run while validation does; ``pipeline``
ties the stages together (:func:`build`), writing through :mod:`smartcity_kg.outputs`. It
may import the foundations and :mod:`smartcity_kg.store`; never ``network``, ``link``,
``serve`` or ``cli``.
"""
