"""French for the shapes' messages: the words (DCAT-AP / HealthDCAT-AP French labels where they exist) and the
sentence patterns our sh:message texts are written in. Used by tools/shapes_po.py to draft a translation of a
new message; the .po file, reviewed by a person, stays the reference.
"""

from __future__ import annotations

import re

VOWEL = "aeiouyhâàéèêëîïôûAEIOUYHÉÈÊÎÔÛ"

# the class a message is about: (nominative, "of" form, plural)
SUBJECTS = {
    "agent": ("l'agent", "de l'agent", False),
    "agent contact point": ("le point de contact de l'agent", "du point de contact de l'agent", False),
    "catalogue": ("le catalogue", "du catalogue", False),
    "catalogue record": ("la fiche de catalogue", "de la fiche de catalogue", False),
    "checksum": ("la somme de contrôle", "de la somme de contrôle", False),
    "concept": ("le concept", "du concept", False),
    "concept scheme": ("le schéma de concepts", "du schéma de concepts", False),
    "contact point": ("le point de contact", "du point de contact", False),
    "data service": ("le service de données", "du service de données", False),
    "dataset": ("le jeu de données", "du jeu de données", False),
    "dataset series": ("la série de jeux de données", "de la série de jeux de données", False),
    "distribution": ("la distribution", "de la distribution", False),
    "identifier": ("l'identifiant", "de l'identifiant", False),
    "licence document": ("le document de licence", "du document de licence", False),
    "location": ("le lieu", "du lieu", False),
    "non-public dataset": ("le jeu de données non public", "du jeu de données non public", False),
    "opening hours": ("les horaires d'ouverture", "des horaires d'ouverture", True),
    "period of time": ("la période", "de la période", False),
    "relationship": ("la relation", "de la relation", False),
    "structured dataset": ("le jeu de données structuré", "du jeu de données structuré", False),
    "value": ("la valeur", "de la valeur", False),
    "variable": ("la variable", "de la variable", False),
    "variable (column)": ("la variable (colonne)", "de la variable (colonne)", False),
    "variables table": ("la table des variables", "de la table des variables", False),
    "variables table group": ("le groupe de tables des variables", "du groupe de tables des variables", False),
}

# a property: (with its article, plural)
PROPERTIES = {
    "HDAB coordinator": ("l'organisme coordinateur d'accès aux données de santé", False),
    "URL": ("l'URL", False), "access URL": ("l'URL d'accès", False), "access rights": ("les droits d'accès", True),
    "access service": ("le service d'accès", False), "access-rights value": ("les droits d'accès", True),
    "algorithm": ("l'algorithme", False), "alternative title": ("le titre alternatif", False),
    "analytics": ("les analyses", True), "applicable legislation": ("la législation applicable", False),
    "application profile": ("le profil d'application", False), "availability": ("la disponibilité", False),
    "beginning": ("le début", False), "bounding box": ("le rectangle englobant", False),
    "byte size": ("la taille en octets", False), "catalogue record": ("la fiche de catalogue", False),
    "centroid": ("le centroïde", False), "change type": ("le type de modification", False),
    "checksum": ("la somme de contrôle", False), "checksum value": ("l'empreinte", False),
    "code values": ("les valeurs de codes", True), "coding system": ("le système de codage", False),
    "column": ("la colonne", False), "compression format": ("le format de compression", False),
    "conforms-to standard": ("la norme de conformité", False), "contact page": ("la page de contact", False),
    "contact point": ("le point de contact", False), "creator": ("le créateur", False),
    "custodian": ("le dépositaire", False), "data holder": ("le détenteur des données", False),
    "dataset": ("le jeu de données", False), "dataset series": ("la série de jeux de données", False),
    "datatype": ("le type de données", False), "description": ("la description", False),
    "distribution": ("la distribution", False), "documentation": ("la documentation", False),
    "download URL": ("l'URL de téléchargement", False), "email": ("l'adresse électronique", False),
    "end": ("la fin", False), "end date": ("la date de fin", False),
    "endpoint URL": ("l'URL du point d'accès", False), "endpoint description": ("la description du point d'accès", False),
    "format": ("le format", False), "frequency": ("la fréquence", False),
    "generating activity": ("l'activité de production", False),
    "geographical coverage": ("la couverture géographique", False), "geometry": ("la géométrie", False),
    "health category": ("la catégorie de santé", False),
    "health data access body": ("l'organisme d'accès aux données de santé", False),
    "health theme": ("le thème de santé", False), "homepage": ("la page d'accueil", False),
    "identifier": ("l'identifiant", False), "keyword": ("le mot-clé", False),
    "landing page": ("la page de destination", False), "language": ("la langue", False),
    "legal basis": ("la base légale", False), "licence": ("la licence", False),
    "licence type": ("le type de licence", False), "linked schema": ("le schéma associé", False),
    "listing date": ("la date de référencement", False), "maximum typical age": ("l'âge typique maximal", False),
    "media type": ("le type de média", False), "member datasets": ("les jeux de données membres", True),
    "minimum typical age": ("l'âge typique minimal", False), "modification date": ("la date de modification", False),
    "name": ("le nom", False), "notation": ("la notation", False),
    "number of records": ("le nombre d'enregistrements", False),
    "number of unique individuals": ("le nombre d'individus distincts", False),
    "opening hours": ("les horaires d'ouverture", True), "other identifier": ("l'autre identifiant", False),
    "packaging format": ("le format d'empaquetage", False), "parent catalogue": ("le catalogue parent", False),
    "part": ("la partie", False), "personal data": ("les catégories de données à caractère personnel", True),
    "policy": ("la politique", False), "population coverage": ("la population couverte", False),
    "preferred label": ("le libellé préféré", False), "primary topic": ("le sujet principal", False),
    "property URL": ("l'URL de propriété", False), "provenance": ("la provenance", False),
    "publisher": ("l'éditeur", False), "purpose": ("la finalité", False),
    "qualified attribution": ("l'attribution qualifiée", False), "qualified relation": ("la relation qualifiée", False),
    "quality annotation": ("l'annotation de qualité", False),
    "referencing publication": ("la publication de référence", False),
    "related resource": ("la ressource liée", False), "release date": ("la date de publication", False),
    "retention period": ("la durée de conservation", False), "rights": ("les droits", True),
    "rights statement": ("la déclaration de droits", False), "role": ("le rôle", False),
    "sample": ("l'échantillon", False), "served dataset": ("le jeu de données servi", False),
    "service": ("le service", False), "source dataset": ("le jeu de données source", False),
    "source metadata": ("les métadonnées sources", True), "spatial resolution": ("la résolution spatiale", False),
    "special opening hours": ("les horaires d'ouverture exceptionnels", True),
    "start date": ("la date de début", False), "status": ("le statut", False),
    "structured-data flag": ("l'indicateur de données structurées", False),
    "sub-catalogue": ("le sous-catalogue", False), "table": ("la table", False),
    "telephone": ("le numéro de téléphone", False), "temporal coverage": ("la couverture temporelle", False),
    "temporal resolution": ("la résolution temporelle", False), "theme": ("le thème", False),
    "themes taxonomy": ("la taxonomie des thèmes", False), "title": ("le titre", False), "type": ("le type", False),
    "update frequency": ("la fréquence de mise à jour", False), "variables": ("les variables", True),
    "variables description": ("la description des variables", False), "version": ("la version", False),
    "value": ("la valeur", False), "version link": ("la version associée", False), "version notes": ("les notes de version", True),
    "web address": ("l'adresse web", False),
}

# what a value must be, with its indefinite article
RANGES = {
    "CSVW table group": "un groupe de tables CSVW", "ODRL policy": "une politique ODRL", "activity": "une activité",
    "agent, an organisation or a person": "un agent, une organisation ou une personne",
    "attribution": "une attribution", "catalogue": "un catalogue", "catalogue record": "une fiche de catalogue",
    "checksum": "une somme de contrôle", "concept from a controlled vocabulary": "un concept d'un vocabulaire contrôlé",
    "concept scheme": "un schéma de concepts", "contact": "un contact", "contact point": "un point de contact",
    "data service": "un service de données", "dataset": "un jeu de données",
    "dataset series": "une série de jeux de données", "distribution": "une distribution", "file type": "un type de fichier",
    "frequency": "une fréquence", "identifier": "un identifiant", "language": "une langue",
    "legal act": "un acte juridique", "legal basis": "une base légale", "licence document": "un document de licence",
    "location": "un lieu", "media type": "un type de média", "period of time": "une période",
    "personal data category": "une catégorie de données à caractère personnel",
    "provenance statement": "une déclaration de provenance", "purpose": "une finalité",
    "quality certificate": "un certificat de qualité", "relationship": "une relation",
    "rights statement": "une déclaration de droits", "role": "un rôle", "standard": "une norme",
    "time instant": "un instant", "web page or document": "une page web ou un document",
}

# "the EU X vocabulary" and the like
VOCABULARIES = {
    "EU access-right vocabulary": "vocabulaire des droits d'accès de l'UE",
    "EU data-theme vocabulary": "vocabulaire des thèmes de données de l'UE",
    "EU distribution-status vocabulary": "vocabulaire des statuts de distribution de l'UE",
    "EU file-type vocabulary": "vocabulaire des types de fichiers de l'UE",
    "EU frequency vocabulary": "vocabulaire des fréquences de l'UE",
    "EU language vocabulary": "vocabulaire des langues de l'UE",
    "EU licence vocabulary": "vocabulaire des licences de l'UE",
    "EU planned-availability vocabulary": "vocabulaire des disponibilités prévues de l'UE",
    "IANA media-type vocabulary": "vocabulaire des types de médias de l'IANA",
    "HealthDCAT-AP coding-system vocabulary": "vocabulaire des systèmes de codage de HealthDCAT-AP",
    "HealthDCAT-AP health-theme vocabulary": "vocabulaire des thèmes de santé de HealthDCAT-AP",
}

# the sentences after the first one
SENTENCES = {
    "Give the value rdf:type {c}, or use an IRI from the matching controlled vocabulary.":
        "Donnez à la valeur le type {c} (rdf:type), ou utilisez un IRI du vocabulaire contrôlé correspondant.",
    "Replace the text with a link to a described resource.": "Remplacez le texte par un lien vers une ressource décrite.",
    "Replace the text or blank node with the IRI of the resource.":
        "Remplacez le texte ou le nœud anonyme par l'IRI de la ressource.",
    'Write it as a string, e.g. "…"@en.': 'Écrivez la valeur sous forme de chaîne, par exemple "…"@fr.',
    'Write it as a string, e.g. "…".': 'Écrivez la valeur sous forme de chaîne, par exemple "…".',
    'Write it as a date, e.g. "2024-05-31"^^xsd:date.': 'Écrivez la valeur sous forme de date, par exemple "2024-05-31"^^xsd:date.',
    "Use one of its IRIs, e.g. {iri}.": "Utilisez l'un de ses IRI, par exemple {iri}.",
    "The node's offline list is a subset: if the value is a valid EU IRI, ignore this warning.":
        "La liste hors ligne du nœud n'en est qu'une partie : si la valeur est un IRI valide de l'UE, ignorez cet avertissement.",
    "Add them to the agent.": "Ajoutez-les à l'agent.",
    "Use an IRI of <https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system>, "
    "e.g. <https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/ICD-10>.":
        "Utilisez un IRI de <https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system>, "
        "par exemple <https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/ICD-10>.",
    "Use an IRI of <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories>, "
    "e.g. <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS>.":
        "Utilisez un IRI de <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories>, "
        "par exemple <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS>.",
    "Use an IRI of <https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme>, "
    "e.g. <https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/CANCER_DISEASE>.":
        "Utilisez un IRI de <https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme>, "
        "par exemple <https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/CANCER_DISEASE>.",
    "Type the described resource with one of these classes.": "Donnez à la ressource décrite l'une de ces classes.",
    "Type the related resource with one of these classes.": "Donnez à la ressource liée l'une de ces classes.",
    "Replace the value with the level that applies.": "Remplacez la valeur par le niveau qui s'applique.",
    "Add a dcat:Distribution whose dcat:accessURL is where access is requested.":
        "Ajoutez une dcat:Distribution dont le dcat:accessURL indique où demander l'accès.",
    "Add a dcat:contactPoint (a vcard:Kind with vcard:hasEmail or vcard:hasURL).":
        "Ajoutez un dcat:contactPoint (un vcard:Kind avec vcard:hasEmail ou vcard:hasURL).",
    "Add a theme, e.g. {iri}.": "Ajoutez un thème, par exemple {iri}.",
    "Add a vcard:Kind with vcard:hasEmail or vcard:hasURL.": "Ajoutez un vcard:Kind avec vcard:hasEmail ou vcard:hasURL.",
    'Add csvw:datatype "string" (a CSVW built-in datatype name).':
        'Ajoutez csvw:datatype "string" (le nom d\'un type de données prédéfini de CSVW).',
    'Add cv:email "…" or cv:contactPage <https://…>.': 'Ajoutez cv:email "…" ou cv:contactPage <https://…>.',
    "Add dcat:accessURL <https://…> (for non-public data: the page where access is requested).":
        "Ajoutez dcat:accessURL <https://…> (pour des données non publiques : la page où demander l'accès).",
    "Add {p} {iri}.": "Ajoutez {p} {iri}.",
    "Add {p}, e.g. {iri}.": "Ajoutez {p}, par exemple {iri}.",
    'Add {p} "…"@en.': 'Ajoutez {p} "…"@fr.',
    'Add {p} "…".': 'Ajoutez {p} "…".',
    "Add dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> (the EHDS Regulation).":
        "Ajoutez dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> (le règlement EHDS).",
    'Add dct:description "What the data is about, who is in it, and how it was collected"@en.':
        'Ajoutez dct:description "Ce que contiennent les données, qui y figure et comment elles ont été collectées"@fr.',
    'Add dct:identifier "…" (the identifier used by the data holder).':
        'Ajoutez dct:identifier "…" (l\'identifiant utilisé par le détenteur des données).',
    'Add dct:modified "2024-05-31"^^xsd:date.': 'Ajoutez dct:modified "2024-05-31"^^xsd:date.',
    "Add dct:provenance: a dct:ProvenanceStatement saying where the data comes from.":
        "Ajoutez dct:provenance : une dct:ProvenanceStatement qui dit d'où viennent les données.",
    'Add dct:title "Cancer registry 2023"@en.': 'Ajoutez dct:title "Registre des cancers 2023"@fr.',
    'Add foaf:name "Organisation name"@en.': 'Ajoutez foaf:name "Nom de l\'organisme"@fr.',
    "Add healthdcatap:hasStructuredData true (or false).": "Ajoutez healthdcatap:hasStructuredData true (ou false).",
    "Add healthdcatap:hdab: the Health Data Access Body handling access requests, with its contact point.":
        "Ajoutez healthdcatap:hdab : l'organisme d'accès aux données de santé qui traite les demandes d'accès, avec son point de contact.",
    "Add spdx:algorithm, e.g. spdx:checksumAlgorithm_sha256.": "Ajoutez spdx:algorithm, par exemple spdx:checksumAlgorithm_sha256.",
    "Add the publisher type, e.g. a concept of the publisher-type vocabulary.":
        "Ajoutez le type d'éditeur, par exemple un concept du vocabulaire des types d'éditeurs.",
    "Add vcard:hasEmail <mailto:…> or vcard:hasURL <https://…> so people can reach you.":
        "Ajoutez vcard:hasEmail <mailto:…> ou vcard:hasURL <https://…> pour qu'on puisse vous joindre.",
    "Link member datasets to the series with dcat:inSeries.": "Reliez les jeux de données membres à la série avec dcat:inSeries.",
    "Link the organisation that publishes the catalogue.": "Indiquez l'organisme qui publie le catalogue.",
    "Link the record to the dataset it describes.": "Reliez la fiche au jeu de données qu'elle décrit.",
    "The dataset says it has structured data (healthdcatap:hasStructuredData true): describe its variables with "
    "healthdcatap:hasVariables, a csvw:TableGroup of tables and columns.":
        "Le jeu de données indique qu'il contient des données structurées (healthdcatap:hasStructuredData true) : "
        "décrivez ses variables avec healthdcatap:hasVariables, un csvw:TableGroup de tables et de colonnes.",
}

# whole messages in no pattern, and the profiles' descriptions (node/profiles.py)
MESSAGES = {
    "DCAT-AP 3.0.1: mandatory, recommended, ranges, vocabularies":
        "DCAT-AP 3.0.1 : éléments obligatoires et recommandés, types des valeurs, vocabulaires",
    "HealthDCAT-AP Release 8 on top of DCAT-AP 3.0.1; each dataset checked at its access level "
    "(PUBLIC, RESTRICTED, NON_PUBLIC) from dct:accessRights":
        "HealthDCAT-AP version 8, en plus de DCAT-AP 3.0.1 ; chaque jeu de données est vérifié selon son niveau "
        "d'accès (PUBLIC, RESTRICTED, NON_PUBLIC) indiqué par dct:accessRights",
    "EHDS minimum metadata elements (draft implementing act under Art. 77(1) of Regulation 2025/327): "
    "the twelve elements every health data holder must give, each through its HealthDCAT-AP property":
        "Éléments minimaux de métadonnées de l'EHDS (projet d'acte d'exécution au titre de l'article 77, "
        "paragraphe 1, du règlement 2025/327) : les douze éléments que tout détenteur de données de santé doit "
        "fournir, chacun par sa propriété HealthDCAT-AP",
    'The agent contact point has no email or contact page (cv:email or cv:contactPage); it is mandatory. '
    'Add cv:email "…" or cv:contactPage <https://…>.':
        "Le point de contact de l'agent n'a ni adresse électronique ni page de contact (cv:email ou cv:contactPage) ; "
        'c\'est obligatoire. Ajoutez cv:email "…" ou cv:contactPage <https://…>.',
    "The agent needs exactly one contact point (cv:contactPoint), typed cv:ContactPoint.":
        "L'agent doit avoir exactement un point de contact (cv:contactPoint), de type cv:ContactPoint.",
    "The contact point has no email or web address (vcard:hasEmail or vcard:hasURL); it is mandatory. "
    "Add vcard:hasEmail <mailto:…> or vcard:hasURL <https://…> so people can reach you.":
        "Le point de contact n'a ni adresse électronique ni adresse web (vcard:hasEmail ou vcard:hasURL) ; c'est "
        "obligatoire. Ajoutez vcard:hasEmail <mailto:…> ou vcard:hasURL <https://…> pour qu'on puisse vous joindre.",
    "The dataset's access rights (dct:accessRights) must be one of the three HealthDCAT-AP access levels: "
    "<http://publications.europa.eu/resource/authority/access-right/PUBLIC>, "
    "<http://publications.europa.eu/resource/authority/access-right/RESTRICTED> or "
    "<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC>. Replace the value with the level that applies.":
        "Les droits d'accès du jeu de données (dct:accessRights) doivent être l'un des trois niveaux d'accès de "
        "HealthDCAT-AP : <http://publications.europa.eu/resource/authority/access-right/PUBLIC>, "
        "<http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ou "
        "<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC>. Remplacez la valeur par le "
        "niveau qui s'applique.",
    "The value is not a HealthDCAT-AP coding system.": "La valeur n'est pas un système de codage de HealthDCAT-AP.",
    "The value is not a HealthDCAT-AP health theme.": "La valeur n'est pas un thème de santé de HealthDCAT-AP.",
    "The value is not an IANA media type IRI known to the node.":
        "La valeur n'est pas un IRI de type de média de l'IANA connu du nœud.",
    "The value is not one of the EHDS health categories.": "La valeur n'est pas l'une des catégories de santé de l'EHDS.",
}

_CURIE = r"[a-zA-Z]+:[\w-]+"
_IRI = r"<[^>\s]+>"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def bare(with_article: str) -> str:
    """'l'éditeur' → 'éditeur', 'la licence' → 'licence', 'les droits' → 'droits'."""
    return re.sub(r"^(l'|le |la |les )", "", with_article)


def of(word: str) -> str:
    """'de' before a noun, elided before a vowel: 'de licence', 'd'éditeur'."""
    return ("d'" if word[:1] in VOWEL else "de ") + word


def _generic(sentence: str) -> tuple[str, dict]:
    """The sentence with its CURIEs and IRIs taken out, to look up in SENTENCES."""
    values = {}
    iri = re.search(_IRI, sentence)
    if iri and "{iri}" not in sentence:
        values["iri"] = iri.group(0)
        sentence = sentence.replace(iri.group(0), "{iri}")
    match = re.fullmatch(r'Add (' + _CURIE + r')( \{iri\}\.|, e\.g\. \{iri\}\.| "…"@en\.| "…"\.)', sentence)
    if match and sentence not in SENTENCES:
        values["p"] = match.group(1)
        sentence = "Add {p}" + match.group(2)
    match = re.fullmatch(r"Give the value rdf:type (" + _CURIE + r"), or use an IRI from the matching controlled vocabulary\.", sentence)
    if match:
        values["c"] = match.group(1)
        sentence = "Give the value rdf:type {c}, or use an IRI from the matching controlled vocabulary."
    return sentence, values


def later_sentences(text: str) -> str | None:
    """French of the hint sentences after the first one, or None when one is not known."""
    out = []
    for sentence in re.split(r"(?<=\.)(?<!e\.g\.) (?=[A-Z])", text.strip()):
        if not sentence:
            continue
        if sentence in SENTENCES:
            out.append(SENTENCES[sentence])
            continue
        generic, values = _generic(sentence)
        if generic not in SENTENCES:
            return None
        out.append(SENTENCES[generic].format(**values))
    return " ".join(out)
