"""Example queries for the HTML query page and docs/sparql.md; each is run in tests/sparql."""

from __future__ import annotations

_PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX csvw: <http://www.w3.org/ns/csvw#>
PREFIX healthdcatap: <http://healthdataportal.eu/ns/health#>
PREFIX ehds: <https://w3id.org/ehds-node/ns#>
"""

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Datasets by theme", _PREFIXES + """
SELECT ?theme (COUNT(DISTINCT ?dataset) AS ?datasets)
WHERE { ?dataset a dcat:Dataset ; dcat:theme ?theme . }
GROUP BY ?theme
ORDER BY DESC(?datasets)"""),
    ("Datasets by health category", _PREFIXES + """
SELECT ?category (COUNT(DISTINCT ?dataset) AS ?datasets)
WHERE { ?dataset a dcat:Dataset ; healthdcatap:healthCategory ?category . }
GROUP BY ?category
ORDER BY DESC(?datasets)"""),
    ("Datasets by publisher", _PREFIXES + """
SELECT ?publisher (SAMPLE(?name) AS ?publisherName) (COUNT(DISTINCT ?dataset) AS ?datasets)
WHERE {
  ?dataset a dcat:Dataset ; dct:publisher ?publisher .
  OPTIONAL { ?publisher foaf:name ?name }
}
GROUP BY ?publisher
ORDER BY DESC(?datasets)"""),
    ("Datasets with more than 1 million individuals", _PREFIXES + """
SELECT ?dataset ?title ?individuals
WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title ;
           healthdcatap:numberOfUniqueIndividuals ?individuals .
  FILTER (?individuals > 1000000 && langMatches(lang(?title), "en"))
}
ORDER BY DESC(?individuals)"""),
    ("Variables of each table", _PREFIXES + """
SELECT ?dataset ?table ?variable ?label
WHERE {
  ?dataset healthdcatap:hasVariables/csvw:table ?table .
  ?table csvw:column ?column .
  ?column csvw:name ?variable .
  OPTIONAL { ?column csvw:title ?label FILTER (langMatches(lang(?label), "en")) }
}
ORDER BY ?dataset ?table ?variable
LIMIT 200"""),
    ("Keyword search (index lookup)", _PREFIXES + """
# ehds:token holds the lower-case, accent-free words of titles, descriptions and keywords:
# an index lookup, much faster than FILTER(CONTAINS(...)) on large catalogues.
SELECT DISTINCT ?dataset ?title
WHERE {
  ?record ehds:token "deces" ; ehds:dataset ?dataset .
  ?dataset dct:title ?title .
}
LIMIT 100"""),
    ("Catalogue records, without the node's index terms", _PREFIXES + """
# ehds: terms are this node's own index (search tokens, sort key, the record's published form as
# one large literal): the FILTER leaves them out of generic ?property ?value queries.
SELECT ?record ?dataset ?property ?value
WHERE {
  ?record a dcat:CatalogRecord ; foaf:primaryTopic ?dataset ; ?property ?value .
  FILTER (!STRSTARTS(STR(?property), "https://w3id.org/ehds-node/ns#"))
}
ORDER BY ?record ?property
LIMIT 200"""),
    ("Latest modified datasets", _PREFIXES + """
# dct:modified as the publisher states it (not when this node loaded the record), one row per
# dataset: the latest date when a record gives several, and one title (English when there is one).
SELECT ?dataset (SAMPLE(COALESCE(?english, ?other)) AS ?title) ?modified
WHERE {
  { SELECT ?dataset (MAX(?date) AS ?modified)
    WHERE { ?dataset a dcat:Dataset ; dct:modified ?date }
    GROUP BY ?dataset ORDER BY DESC(?modified) LIMIT 100 }
  OPTIONAL { ?dataset dct:title ?english FILTER (langMatches(lang(?english), "en")) }
  OPTIONAL { ?dataset dct:title ?other }
}
GROUP BY ?dataset ?modified
ORDER BY DESC(?modified)"""),
)
