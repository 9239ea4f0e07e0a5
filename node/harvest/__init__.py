"""Harvest runs: the only code that writes harvested records.

`run_harvest(ctx, source)` reads a partner through its harvester, page by page; validates each
record under the source's policy; stages changed records in a file on disk; and only when the
source was read completely applies them (journalled, so a crash mid-apply rolls forward on the
next start) and then the deletions, within the safety limit.
"""

from node.harvest.reports import HarvestReport, read_reports
from node.harvest.run import run_harvest
from node.harvest.journal import recover_interrupted_applies

__all__ = ["HarvestReport", "read_reports", "recover_interrupted_applies", "run_harvest"]
