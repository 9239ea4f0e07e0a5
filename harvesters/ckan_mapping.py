"""A CKAN dataset dict → DCAT-AP 3 / HealthDCAT-AP triples, once, at the edge.

Follows what ckanext-dcat's euro_dcat_ap / scheming / euro_health_dcat_ap profiles read and write:
scheming fields at the top level win, legacy `extras` (key/value, lists as JSON strings) fill in.
Unmappable input raises MappingError with the field and the reason; the harvester lists it as a
page problem and goes on with the next dataset.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from harvesters.ckan_terms import (ADMS, DATASET_IRI_FIELDS, DATASET_LIST_FIELDS, DCAT, DCT,
                                   DISTRIBUTION_IRI_FIELDS, DQV, FOAF, HEALTH, HEALTH_COUNT_FIELDS, OA, PROV, RDF,
                                   RDFS, SKOS, SPDX, XSD, Emitter, MappingError, date_literal, file_type,
                                   iri_or_literal, is_iri)

__all__ = ["MappingError", "dataset_identifiers", "dataset_modified", "dataset_triples"]


def dataset_triples(package: dict, site_url: str) -> tuple[str, list[ox.Triple]]:
    """The dataset IRI and its triples. IRI: the `uri` field or extra, else <site>/dataset/<name>."""
    if not isinstance(package, dict):
        raise MappingError(f"expected a dataset object, got {type(package).__name__}")
    fields = _merged_fields(package)
    name = fields.get("name") or fields.get("id")
    if not name:
        raise MappingError("dataset has neither 'name' nor 'id'")
    iri = fields.get("uri") if is_iri(fields.get("uri")) else f"{site_url.rstrip('/')}/dataset/{name}"
    out = Emitter(ox.NamedNode(iri))
    out.add(RDF.type, DCAT.Dataset)
    _texts(out, fields)
    _dates_and_identifiers(out, fields)
    for key, predicate in DATASET_IRI_FIELDS:
        for value in _values(fields, key):
            out.add(predicate, iri_or_literal(value))
    for key, predicate in DATASET_LIST_FIELDS:
        for value in _values(fields, key):
            out.add(predicate, ox.Literal(str(value)))
    _health_fields(out, fields)
    _agents(out, fields, site_url)
    _qualified_relations(out, fields)
    _qualified_attributions(out, fields)
    _provenance_activities(out, fields)
    _periods(out, fields)
    for resource in fields.get("resources") or ():
        _distribution(out, resource, fields, iri)
    return iri, out.triples


def dataset_identifiers(package: dict) -> tuple[str, ...]:
    """dct:identifier (identifier, guid or CKAN id) and the adms:identifier values, for duplicate detection."""
    fields = _merged_fields(package)
    first = fields.get("identifier") or fields.get("guid") or fields.get("id")
    values = [first, *_values(fields, "alternate_identifier")]
    return tuple(dict.fromkeys(str(v) for v in values if v))


def dataset_modified(package: dict) -> str | None:
    fields = _merged_fields(package)
    return fields.get("modified") or fields.get("metadata_modified") or None


def _merged_fields(package: dict) -> dict:
    """Top-level fields, with legacy extras filling gaps (extras never override scheming fields)."""
    fields = dict(package)
    for extra in package.get("extras") or ():
        if isinstance(extra, dict) and extra.get("key") and fields.get(extra["key"]) in (None, "", []):
            fields[extra["key"]] = extra.get("value")
    return fields


def _values(fields: dict, key: str) -> list:
    """A field as a list: lists stay, JSON-encoded lists (legacy extras) are decoded, blanks dropped."""
    value = fields.get(key)
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            raise MappingError(f"field '{key}' is not a valid JSON list: {value[:80]!r}") from None
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    return [v for v in values if v not in (None, "")]


def _texts(out: Emitter, fields: dict) -> None:
    for key, predicate in (("title", DCT.title), ("notes", DCT.description)):
        translated = fields.get(f"{key}_translated")
        if isinstance(translated, dict) and any(translated.values()):
            for lang, text in translated.items():
                if text:
                    out.add(predicate, ox.Literal(str(text), language=lang))
        elif fields.get(key):
            out.add(predicate, ox.Literal(str(fields[key])))
    if not fields.get("title") and not fields.get("title_translated"):
        out.add(DCT.title, ox.Literal(str(fields.get("name"))))
    for tag in fields.get("tags") or ():
        label = tag.get("display_name") or tag.get("name") if isinstance(tag, dict) else tag
        if label:
            out.add(DCAT.keyword, ox.Literal(str(label)))
    for key in ("provenance",):
        if fields.get(key):
            statement = out.node(DCT.provenance, DCT.ProvenanceStatement)
            out.add(RDFS.label, ox.Literal(str(fields[key])), subject=statement)
    for note in _values(fields, "version_notes"):
        out.add(ADMS.versionNotes, ox.Literal(str(note)))
    if fields.get("version"):
        out.add(ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"), ox.Literal(str(fields["version"])))
    if is_iri(fields.get("url")):
        out.add(DCAT.landingPage, ox.NamedNode(fields["url"]))


def _dates_and_identifiers(out: Emitter, fields: dict) -> None:
    out.add_date(DCT.issued, fields.get("issued") or fields.get("metadata_created"))
    out.add_date(DCT.modified, fields.get("modified") or fields.get("metadata_modified"))
    identifier = fields.get("identifier") or fields.get("guid") or fields.get("id")
    if identifier:
        out.add(DCT.identifier, ox.Literal(str(identifier)))
    for other in _values(fields, "alternate_identifier"):
        node = out.node(ADMS.identifier, ADMS.Identifier)
        out.add(SKOS.notation, ox.Literal(str(other)), subject=node)
    if fields.get("temporal_resolution"):
        out.add(DCAT.temporalResolution, ox.Literal(str(fields["temporal_resolution"]), datatype=XSD.duration))


def _health_fields(out: Emitter, fields: dict) -> None:
    for key, predicate in HEALTH_COUNT_FIELDS:
        value = fields.get(key)
        if value not in (None, ""):
            try:
                count = int(value)
                if count < 0:
                    raise ValueError
            except (TypeError, ValueError):
                raise MappingError(f"field '{key}' must be a non-negative integer, got {value!r}") from None
            out.add(predicate, ox.Literal(str(count), datatype=XSD.nonNegativeInteger))
    if isinstance(fields.get("trusted_data_holder"), bool) or fields.get("trusted_data_holder") in ("true", "false"):
        flag = str(fields["trusted_data_holder"]).lower()
        out.add(HEALTH.trustedDataHolder, ox.Literal(flag, datatype=XSD.boolean))
    for annotation in fields.get("quality_annotation") or ():
        if isinstance(annotation, dict) and is_iri(annotation.get("body")) and is_iri(annotation.get("target")):
            node = out.node(DQV.hasQualityAnnotation, OA.Annotation)
            for key, predicate in (("body", OA.hasBody), ("target", OA.hasTarget), ("motivated_by", OA.motivatedBy)):
                if is_iri(annotation.get(key)):
                    out.add(predicate, ox.NamedNode(annotation[key]), subject=node)


def _agents(out: Emitter, fields: dict, site_url: str) -> None:
    publishers = [p for p in _values(fields, "publisher") if isinstance(p, dict)]
    if not publishers and fields.get("publisher_name"):
        publishers = [{"name": fields.get("publisher_name"), "uri": fields.get("publisher_uri"),
                       "email": fields.get("publisher_email"), "url": fields.get("publisher_url")}]
    organization = fields.get("organization")
    if not publishers and isinstance(organization, dict) and organization.get("name"):
        publishers = [{"name": organization.get("title") or organization["name"],
                       "uri": f"{site_url.rstrip('/')}/organization/{organization['name']}"}]
    for publisher in publishers[:1]:
        out.agent(DCT.publisher, publisher)
    for key, predicate in (("creator", DCT.creator), ("hdab", HEALTH.hdab)):
        for agent in _values(fields, key):
            if isinstance(agent, dict):
                out.agent(predicate, agent)
    for contact in _contacts(fields):
        out.contact(contact)


def _contacts(fields: dict) -> list[dict]:
    contacts = [c for c in _values(fields, "contact") if isinstance(c, dict)]
    if contacts:
        return contacts
    for prefix in ("contact", "maintainer", "author"):
        name, email = fields.get(f"{prefix}_name" if prefix == "contact" else prefix), fields.get(f"{prefix}_email")
        if name or email:
            return [{"name": name, "email": email, "uri": fields.get("contact_uri") if prefix == "contact" else None}]
    return []


def _filled_objects(fields: dict, key: str) -> list[dict]:
    """The objects of a repeating-subfields field that hold some value. Empty rows (CKAN forms keep
    them, nested ones too) carry nothing, and entries of another shape (a bare string…) are skipped."""
    return [entry for entry in _values(fields, key) if isinstance(entry, dict) and _has_value(entry)]


def _has_value(value) -> bool:
    if isinstance(value, dict):
        return any(_has_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_value(v) for v in value)
    return value not in (None, "")


def _scalar(entry: dict, key: str) -> str | None:
    """A sub-field as text; lists or objects where a single value belongs count as absent."""
    value = entry.get(key)
    return str(value) if isinstance(value, (str, int, float)) and value != "" else None


def _qualified_relations(out: Emitter, fields: dict) -> None:
    """dcat:qualifiedRelation → dcat:Relationship; IRI objects are typed as ckanext-dcat types them."""
    for relationship in _filled_objects(fields, "qualified_relation"):
        node = out.node(DCAT.qualifiedRelation, DCAT.Relationship, iri=relationship.get("uri"))
        for key, predicate, rdf_class in (("relation", DCT.relation, RDFS.Resource), ("role", DCAT.hadRole, DCAT.Role)):
            if value := _scalar(relationship, key):
                target = iri_or_literal(value)
                out.add(predicate, target, subject=node)
                if isinstance(target, ox.NamedNode):
                    out.add(RDF.type, rdf_class, subject=target)


def _qualified_attributions(out: Emitter, fields: dict) -> None:
    """prov:qualifiedAttribution → prov:Attribution (a blank node) with prov:agent and dcat:hadRole."""
    for attribution in _filled_objects(fields, "qualified_attribution"):
        node = out.node(PROV.qualifiedAttribution, PROV.Attribution)
        for agent in _values(attribution, "agent"):
            if isinstance(agent, dict) and _has_value(agent):
                _prov_agent(out, node, PROV.agent, agent)
            elif is_iri(agent):  # ckanext-dcat also accepts an agent given by its IRI alone
                out.add(PROV.agent, ox.NamedNode(agent), subject=node)
        if role := _scalar(attribution, "role"):
            out.add(DCAT.hadRole, iri_or_literal(role), subject=node)


def _provenance_activities(out: Emitter, fields: dict) -> None:
    """prov:wasGeneratedBy → prov:Activity with its label, links, times and associated agents."""
    for activity in _filled_objects(fields, "provenance_activity"):
        node = out.node(PROV.wasGeneratedBy, PROV.Activity, iri=activity.get("uri"))
        if label := _scalar(activity, "label"):
            out.add(RDFS.label, ox.Literal(label), subject=node)
        for key, predicate in (("seeAlso", RDFS.seeAlso), ("dct_type", DCT.type)):
            if is_iri(activity.get(key)):
                out.add(predicate, ox.NamedNode(activity[key]), subject=node)
        for key, predicate in (("startedAtTime", PROV.startedAtTime), ("endedAtTime", PROV.endedAtTime)):
            if moment := _scalar(activity, key):
                out.add(predicate, date_literal(moment, f"provenance_activity.{key}"), subject=node)
        for agent in _filled_objects(activity, "wasAssociatedWith"):
            _prov_agent(out, node, PROV.wasAssociatedWith, agent)


def _prov_agent(out: Emitter, subject, predicate, agent: dict) -> None:
    """An agent as ckanext-dcat writes it under PROV, with the organisations it acted on behalf of."""
    node = out.agent(predicate, agent, subject=subject)
    for organisation in _filled_objects(agent, "actedOnBehalfOf"):
        if name := _scalar(organisation, "name"):
            behalf = out.node(PROV.actedOnBehalfOf, PROV.Organization, subject=node)
            out.add(FOAF.name, ox.Literal(name), subject=behalf)


def _periods(out: Emitter, fields: dict) -> None:
    for key, predicate in (("temporal_coverage", DCT.temporal), ("retention_period", HEALTH.retentionPeriod)):
        for period in _values(fields, key):
            if isinstance(period, dict):
                out.period(predicate, period)
    if fields.get("temporal_start") or fields.get("temporal_end"):
        out.period(DCT.temporal, {"start": fields.get("temporal_start"), "end": fields.get("temporal_end")})


def _distribution(out: Emitter, resource: dict, fields: dict, dataset_iri: str) -> None:
    if not isinstance(resource, dict):
        raise MappingError(f"a resource is {type(resource).__name__}, not an object")
    iri = resource.get("uri") if is_iri(resource.get("uri")) else f"{dataset_iri}/resource/{resource.get('id')}"
    node = ox.NamedNode(iri)
    out.add(DCAT.distribution, node)
    dist = Emitter(node, out.triples)
    dist.add(RDF.type, DCAT.Distribution)
    for key, predicate in (("name", DCT.title), ("description", DCT.description), ("rights", DCT.rights)):
        if resource.get(key):
            dist.add(predicate, ox.Literal(str(resource[key])))
    access = resource.get("access_url") or resource.get("url")
    if is_iri(access):
        dist.add(DCAT.accessURL, ox.NamedNode(access))
    download = resource.get("download_url") or (resource.get("url") if resource.get("url_type") == "upload" else None)
    if is_iri(download):
        dist.add(DCAT.downloadURL, ox.NamedNode(download))
    if resource.get("format"):
        dist.add(DCT["format"], file_type(resource["format"]))
    if resource.get("mimetype"):
        dist.add(DCAT.mediaType, iri_or_literal(f"http://www.iana.org/assignments/media-types/{resource['mimetype']}"))
    if str(resource.get("size") or "").isdigit():
        dist.add(DCAT.byteSize, ox.Literal(str(resource["size"]), datatype=XSD.nonNegativeInteger))
    dist.add_date(DCT.issued, resource.get("issued") or resource.get("created"))
    dist.add_date(DCT.modified, resource.get("modified") or resource.get("last_modified"))
    licence = resource.get("license") or fields.get("license_url") or fields.get("license_id")
    if licence:
        dist.add(DCT.license, iri_or_literal(licence))
    for key, predicate in DISTRIBUTION_IRI_FIELDS:
        for value in _values(resource, key):
            dist.add(predicate, iri_or_literal(value))
    if resource.get("hash"):
        checksum = dist.node(SPDX.checksum, SPDX.Checksum)
        dist.add(SPDX.checksumValue, ox.Literal(str(resource["hash"]), datatype=XSD.hexBinary), subject=checksum)
        if resource.get("hash_algorithm"):
            dist.add(SPDX.algorithm, iri_or_literal(resource["hash_algorithm"]), subject=checksum)
    for period in _values(resource, "retention_period"):
        if isinstance(period, dict):
            dist.period(HEALTH.retentionPeriod, period)
    for service in _values(resource, "access_services"):
        if isinstance(service, dict) and (service.get("title") or _values(service, "endpoint_url")):
            dist.service(service)
