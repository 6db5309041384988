"""The open-data stage: links to Wikidata, GeoNames and ISO 3166, and exports in standard vocabularies.

``linking`` proposes and accepts links for review, ``wikidata`` asks Wikidata's API (cached on
disk), ``publish`` writes schema.org JSON-LD, VoID/DCAT and per-class CSV tables. It may import
the foundations and :mod:`smartcity_kg.store`; never ``builder``, ``network``, ``serve`` or ``cli``.
"""
