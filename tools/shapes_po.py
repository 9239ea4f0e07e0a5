"""The French catalogue of the shapes' messages (node/web/translations/fr/LC_MESSAGES/shapes.po).

    python tools/shapes_po.py check            # messages without French, placeholders that differ; exit 1 if any
    python tools/shapes_po.py sync [--accept]  # add every sh:message of shapes/*.ttl (a French draft, marked
                                               # fuzzy unless --accept), drop entries no shape has any more
    pybabel compile -D shapes -d node/web/translations -l fr

The msgids are all the sh:message texts of all our shapes, read from the Turtle files, and the profiles'
descriptions (node/profiles.py) — never a partial
extract, so `sync` cannot drop a translation a shape still uses. (Do not run `pybabel update` on this domain.)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from rdflib import Graph
from rdflib.namespace import SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shapes_glossary import (MESSAGES, PROPERTIES, RANGES, SUBJECTS, VOCABULARIES, bare, capital,  # noqa: E402
                             later_sentences, of)

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "node/web/translations/fr/LC_MESSAGES/shapes.po"
_CURIE_OR_IRI = re.compile(r"<[^>\s]*>|\b[a-zA-Z][\w-]*:[\w-]+|\{[^}]*\}|%[sd]")


def shape_messages(folder: Path = ROOT / "shapes") -> set[str]:
    """Every text of the domain: the sh:message of each shape, and each profile's description."""
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path)
    sys.path.insert(0, str(ROOT))
    from node.profiles import PROFILES

    return {str(m) for m in graph.objects(None, SH.message)} | {p.description for p in PROFILES.values()}


def placeholders(text: str) -> list[str]:
    """The parts a translation must keep as they are: prefixed names, IRIs, {fields} and %s."""
    return sorted(_CURIE_OR_IRI.findall(text))


_SENTENCE_END = re.compile(r"(?<!e\.g)\. (?=[A-Z])")
_MUST = {
    "text (a literal), not a link.": "{verb} être un texte (un littéral), pas un lien.",
    "a resource (an IRI or a blank node), not text.": "{verb} être une ressource (un IRI ou un nœud anonyme), pas un texte.",
    "a link (an IRI).": "{verb} être un lien (un IRI).",
    'a valid date: an xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth literal, e.g. "2024-05-31"^^xsd:date.':
        '{verb} être une date valide : un littéral xsd:date, xsd:dateTime, xsd:gYear ou xsd:gYearMonth, '
        'par exemple "2024-05-31"^^xsd:date.',
    "an agent with a name (foaf:name) and exactly one contact point (cv:contactPoint, a cv:ContactPoint with "
    "cv:email or cv:contactPage).": "{verb} être un agent avec un nom (foaf:name) et exactement un point de contact "
                                    "(cv:contactPoint, un cv:ContactPoint avec cv:email ou cv:contactPage).",
    "a dcat:Catalog, dcat:Dataset, dcat:DataService or dcat:DatasetSeries.":
        "{verb} être un dcat:Catalog, un dcat:Dataset, un dcat:DataService ou une dcat:DatasetSeries.",
}


def draft(message: str) -> str | None:
    """A French draft of a message written in one of the shapes' patterns, or None."""
    if message in MESSAGES:
        return MESSAGES[message]
    first, *others = _SENTENCE_END.split(message, maxsplit=1)
    rest = others[0] if others else ""
    french = _first_sentence(first + "." if rest else message)
    if french is None:
        return None
    if not rest:
        return french
    hints = later_sentences(rest)
    return None if hints is None else f"{french} {hints}"


def _first_sentence(text: str) -> str | None:
    if m := re.fullmatch(r"The (.+?) has no (.+?) \(([^)]+)\); it is (mandatory|recommended)\.", text):
        subject, prop, curie, level = m.groups()
        if subject in SUBJECTS and prop in PROPERTIES:
            nom, _, plural = SUBJECTS[subject]
            verb = "n'ont" if plural else "n'a"
            level = "c'est obligatoire" if level == "mandatory" else "c'est recommandé"
            return f"{capital(nom)} {verb} pas {of(bare(PROPERTIES[prop][0]))} ({_curie(curie)}) ; {level}."
    if m := re.fullmatch(r"The (.+?) has no (.+?) \(([^)]+)\)\.", text):
        subject, prop, curie = m.groups()
        if subject in SUBJECTS and prop in PROPERTIES:
            nom, _, plural = SUBJECTS[subject]
            return f"{capital(nom)} {'n’ont' if plural else 'n’a'} pas {of(bare(PROPERTIES[prop][0]))} ({curie}).".replace("’", "'")
    if m := re.fullmatch(r"The (.+?) has more than one (.+?) \(([^)]+)\); keep a single value\.", text):
        subject, prop, curie = m.groups()
        if subject in SUBJECTS and prop in PROPERTIES:
            nom, _, plural = SUBJECTS[subject]
            return (f"{capital(nom)} {'ont' if plural else 'a'} plus d'une valeur pour {PROPERTIES[prop][0]} ({curie}) ; "
                    f"n'en gardez qu'une.")
    if (m := re.fullmatch(r"The value is not a concept of the (.+)\.", text)) and m.group(1) in VOCABULARIES:
        return f"La valeur n'est pas un concept du {VOCABULARIES[m.group(1)]}."
    if m := re.fullmatch(r"The (.+?)(?:'s|') (.+?) \(([^)]+)\) (must be|is not in the|are not in the|is not one of the) (.+)", text):
        subject, prop, curie, verb, tail = m.groups()
        curie = _curie(curie)
        if subject not in SUBJECTS or prop not in PROPERTIES:
            return None
        name, plural = PROPERTIES[prop]
        head = f"{capital(name)} {SUBJECTS[subject][1]} ({curie})"
        if verb == "must be":
            must = "doivent" if plural else "doit"
            if tail in _MUST:
                return f"{head} {_MUST[tail].format(verb=must)}"
            if r := re.fullmatch(r"a valid ([\w:]+) literal, e\.g\. (.+)\.", tail):
                return f"{head} {must} être un littéral {r.group(1)} valide, par exemple {r.group(2)}."
            if (r := re.fullmatch(r"an? (.+) \(([\w:]+)\)\.", tail)) and r.group(1) in RANGES:
                return f"{head} {must} être {RANGES[r.group(1)]} ({r.group(2)})."
            return None
        if verb == "is not one of the" and tail == "EHDS Article 51 categories.":
            return f"{head} ne fait pas partie des catégories de l'article 51 de l'EHDS."
        vocabulary = tail.removesuffix(".")
        if vocabulary in VOCABULARIES:
            return f"{head} {'ne font' if plural else 'ne fait'} pas partie du {VOCABULARIES[vocabulary]}."
    return None


def _curie(text: str) -> str:
    """What the parentheses name: a property, or (once) 'dcat:inSeries of member datasets'."""
    return text.replace(" of member datasets", " des jeux de données membres")


def _load():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr", domain="shapes")


def _save(catalog) -> None:
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False)


def problems(catalog, messages: set[str]) -> list[str]:
    found = []
    for message in sorted(messages):
        entry = catalog.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            found.append(f"no French: {message}")
        elif placeholders(message) != placeholders(entry.string):
            found.append(f"placeholders differ: {message}\n    {placeholders(message)}\n    {placeholders(entry.string)}")
    return found


def sync(accept: bool) -> None:
    catalog, messages = _load(), shape_messages()
    for entry in list(catalog):
        if entry.id and entry.id not in messages:
            print(f"dropped (no shape has it): {entry.id}")
            catalog.delete(entry.id)
    undrafted = 0
    for message in sorted(messages - {e.id for e in catalog if e.id}):
        french = draft(message)
        undrafted += french is None
        catalog.add(message, french or "", flags=() if (accept and french) else ("fuzzy",))
    _save(catalog)
    print(f"{len(messages)} messages; {undrafted} without a draft")


def main(argv: list[str]) -> int:
    if argv[:1] == ["sync"]:
        sync(accept="--accept" in argv)
        return 0
    if argv[:1] == ["check"]:
        found = problems(_load(), shape_messages())
        print("\n".join(found) or "every shape message has French with the same placeholders")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
