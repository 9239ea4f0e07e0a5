"""The EHDS minimum metadata elements as a checklist: each element with its HealthDCAT-AP property, and
the datasets of a report that lack it — the ehds-minimum profile's own report section, in every format.

The elements are read from the profile's shapes (shapes/ehds-minimum.ttl: one property shape each, its
sh:name "EHDS minimum element: <name>"), so the checklist and the checks cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from node.profiles import shape_text

PROFILE = "ehds-minimum"
_SH = "http://www.w3.org/ns/shacl#"
_NAME_PREFIX = "EHDS minimum element: "


@dataclass(frozen=True)
class Element:
    name: str  # "access rights"
    property: str  # the HealthDCAT-AP property IRI


@dataclass(frozen=True)
class ElementStatus:
    element: Element
    datasets: int  # datasets checked
    missing: tuple[str, ...]  # dataset IRIs without the element


@lru_cache(maxsize=1)
def elements() -> tuple[Element, ...]:
    """The elements in the order the shapes list them."""
    quads = list(ox.parse(shape_text("ehds-minimum.ttl").encode(), format=ox.RdfFormat.TURTLE))
    by_subject: dict = {}
    for q in quads:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)
    found = []
    for shape, values in by_subject.items():
        names = [n.value for n in values.get(_SH + "name", ()) if n.value.startswith(_NAME_PREFIX)]
        paths = values.get(_SH + "path", ())
        if names and paths:
            found.append((shape.value, Element(names[0][len(_NAME_PREFIX):], paths[0].value)))
    order = [o.value for q in quads if q.predicate.value == _SH + "property" for o in (q.object,)]
    return tuple(element for _, element in sorted(found, key=lambda item: order.index(item[0])))


def checklist(report) -> tuple[ElementStatus, ...]:
    """Each element with the datasets of `report` (an ehds-minimum report) that lack it."""
    missing: dict[str, set[str]] = {}
    for result in report.violations:
        if result.path and result.dataset and result.focus_node == result.dataset:
            missing.setdefault(result.path.strip("<>"), set()).add(result.dataset)
    total = len(report.datasets)
    return tuple(ElementStatus(e, total, tuple(sorted(missing.get(e.property, ())))) for e in elements())


def applies(report) -> bool:
    return report is not None and report.profile == PROFILE
