"""How much of a hand-curated fact sheet a draft finds: recall and precision of entities, years and amounts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._yaml import Mapping, Node, Scalar, Sequence, read_yaml
from .names import NameIndex
from .sheet import Draft

__all__ = ["Score", "curated_facts", "score"]

#: Keys whose values are not references, whatever the ontology says (text, evidence, metadata).
_NOT_REFERENCES = {"id", "about", "type", "label", "altLabel", "quote", "unquoted", "confidence", "note"}
_YEARS = ("year", "startDate", "endDate", "launchDate", "date", "adoptionDate", "founded", "attestedOn", "baseYear")


@dataclass(frozen=True)
class Score:
    """Recall and precision of one kind of finding (entities, years or amounts)."""

    kind: str
    expected: frozenset[str]
    found: frozenset[str]

    @property
    def hits(self) -> frozenset[str]:
        """What the curated sheet has and the draft found."""
        return self.expected & self.found

    @property
    def recall(self) -> float:
        """The share of the curated sheet's values that the draft found (1.0 when it has none)."""
        return len(self.hits) / len(self.expected) if self.expected else 1.0

    @property
    def precision(self) -> float:
        """The share of the draft's values that the curated sheet has (1.0 when the draft found none)."""
        return len(self.hits) / len(self.found) if self.found else 1.0


def _values(node: Node) -> list[str]:
    if isinstance(node, Scalar):
        return [node.value]
    if isinstance(node, Sequence):
        return [i.value for i in node.items if isinstance(i, Scalar)]
    return []


def curated_facts(sheet: Path, index: NameIndex) -> dict[str, set[str]]:
    """The entities, years and amounts of a curated fact sheet.

    Entities are the values of its keys that name an entity of the build (ids, sectors'
    notations, countries' codes), and the subjects of its ``about`` items; years are the
    years of its dates; amounts the values of ``amount``.
    """
    root = read_yaml(sheet)
    items = root.values.get("items") if isinstance(root, Mapping) else None
    ids = {e.id for e in index.entities.values()}
    out: dict[str, set[str]] = {"entities": set(), "years": set(), "amounts": set()}
    for item in items.items if isinstance(items, Sequence) else []:
        if not isinstance(item, Mapping):
            continue
        for key, node in item.values.items():
            values = _values(node)
            if key == "about":
                out["entities"].update(v for v in values if v in ids)
            elif key == "amount":
                out["amounts"].update(values)
            elif key in _YEARS:
                out["years"].update(v[:4] for v in values)
            elif key not in _NOT_REFERENCES:
                out["entities"].update(v for v in values if v in ids)
    return out


def score(draft: Draft, curated: dict[str, set[str]]) -> list[Score]:
    """Recall and precision of ``draft`` against the ``curated`` entities, years and amounts."""
    found = {"entities": draft.refs, "years": draft.years, "amounts": draft.amounts}
    return [Score(kind, frozenset(curated[kind]), frozenset(found[kind])) for kind in ("entities", "years", "amounts")]
