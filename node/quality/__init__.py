"""Explainable metadata-quality score: the data.europa.eu MQA method plus HealthDCAT-AP essentials.

    score = score_dataset(graph, "https://example.org/dataset/1")
    score.points, score.rating, [i.reason for i in score.indicators]

See docs/quality.md for the method, the weights and the rules chosen where MQA leaves room.
"""

from node.quality.formats import Vocabularies
from node.quality.links import LinkChecker, LinkStatus
from node.quality.model import (
    MAX_POINTS,
    RATING_NAMES,
    CatalogueScore,
    DatasetScore,
    DimensionScore,
    HealthCheck,
    IndicatorResult,
    rating_for,
    rating_rank,
)
from node.quality.mqa import INDICATORS
from node.quality.scoring import score_catalogue, score_dataset

__all__ = [
    "INDICATORS", "MAX_POINTS", "RATING_NAMES", "CatalogueScore", "DatasetScore", "DimensionScore",
    "HealthCheck", "IndicatorResult", "LinkChecker", "LinkStatus", "Vocabularies", "rating_for",
    "rating_rank", "score_catalogue", "score_dataset",
]
