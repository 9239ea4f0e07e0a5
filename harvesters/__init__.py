"""Harvesters: one module per kind of partner source, one registry.

Each harvester reads a partner through a Fetcher and yields HarvestPages (harvesters/base.py);
none of them writes anything. node/harvest/ runs them.
"""

from __future__ import annotations

from harvesters.base import Harvester, HarvestedRecord, HarvestPage
from harvesters.ckan import CkanHarvester
from harvesters.dcat import DcatHarvester
from harvesters.fdp import FdpHarvester
from harvesters.ldes import LdesHarvester
from harvesters.oai_pmh import OaiPmhHarvester
from harvesters.sparql import SparqlHarvester
from node.config import SourceConfig
from node.errors import ConfigError
from node.fetch import Fetcher

HARVESTERS: dict[str, type] = {
    "dcat": DcatHarvester,
    "ckan": CkanHarvester,
    "sparql": SparqlHarvester,
    "fdp": FdpHarvester,
    "ldes": LdesHarvester,
    "oai-pmh": OaiPmhHarvester,
}


def harvester_for(source: SourceConfig, fetcher: Fetcher) -> Harvester:
    try:
        harvester_class = HARVESTERS[source.kind]
    except KeyError:
        raise ConfigError(f"source '{source.name}': no harvester for kind '{source.kind}' "
                          f"(known: {', '.join(HARVESTERS)})") from None
    return harvester_class(source, fetcher)


__all__ = ["HARVESTERS", "Harvester", "HarvestPage", "HarvestedRecord", "harvester_for"]
