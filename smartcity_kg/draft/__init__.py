"""The drafting stage: from a guide's text to a draft fact sheet, and finding the ids a sheet refers to.

``smartcity-kg draft TEXT --source ID`` splits the text into sentences, finds the mentions of
the build's entities, countries, places and sectors, money, percentages, years and dates, and
writes candidate items, each quoting a verbatim span of the text and saying in a comment what
was found and how sure it is (:mod:`.sheet`); a trade-data block becomes a ``TradeTable``
(:mod:`.tradeblock`). ``smartcity-kg ids QUERY`` finds existing ids by label or synonym
(:mod:`.names`); :mod:`.recall` measures a draft against a hand-curated sheet. Drafting reads a build through :mod:`smartcity_kg.store`; it
never runs the build, and the builder never imports it.
"""

from __future__ import annotations

__all__: list[str] = []
