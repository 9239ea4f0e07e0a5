"""RDF namespaces used across the node, as rdflib Namespaces plus a prefix map for writers."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

# rdflib's DCAT is a closed DCAT 2 namespace: ours is open, for DCAT 3 terms (dcat:version …).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
CV = Namespace("http://data.europa.eu/m8g/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DPV = Namespace("https://w3id.org/dpv#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
SCHEMA = Namespace("http://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# The node's own terms (index and bookkeeping; never part of a published record).
EHDS = Namespace("https://w3id.org/ehds-node/ns#")

# EU vocabularies (Publications Office authority tables).
EU_ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_LICENCE = Namespace("http://publications.europa.eu/resource/authority/licence/")
EU_DATASET_TYPE = Namespace("http://publications.europa.eu/resource/authority/dataset-type/")
IANA_MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")

PREFIXES: dict[str, str] = {
    "adms": str(ADMS),
    "csvw": str(CSVW),
    "cv": str(CV),
    "dcat": str(DCAT),
    "dcatap": str(DCATAP),
    "dct": str(DCTERMS),
    "dpv": str(DPV),
    "dqv": str(DQV),
    "eli": str(ELI),
    "foaf": str(FOAF),
    "healthdcatap": str(HEALTHDCATAP),
    "hydra": str(HYDRA),
    "locn": str(LOCN),
    "odrl": str(ODRL),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "time": str(TIME),
    "vcard": str(VCARD),
    "xsd": str(XSD),
}

__all__ = [name for name in dir() if name.isupper()]
