"""The score as data: frozen dataclasses a CLI, a web page or a JSON client can all render.

Every indicator carries the points earned, the points possible and a reason in plain words, so a
steward can see why a dataset lost points and what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_POINTS = 405
# Points possible per dimension (MQA); node.quality.mqa's indicator weights add up to these.
DIMENSION_POSSIBLE = {"findability": 100, "accessibility": 100, "interoperability": 110,
                      "reusability": 75, "contextuality": 20}
DIMENSIONS = tuple(DIMENSION_POSSIBLE)
# (rating, lowest total reaching it), best first — the data.europa.eu MQA rating bands.
RATINGS = (("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0))
RATING_NAMES = tuple(name for name, _ in RATINGS)

MET = "met"
MISSING = "missing"
NOT_CHECKED = "not_checked"


def rating_for(points: float) -> str:
    for name, lowest in RATINGS:
        if points >= lowest:
            return name
    return "bad"


def rating_rank(name: str) -> int:
    """Higher is better: bad 0 … excellent 3."""
    return len(RATING_NAMES) - 1 - RATING_NAMES.index(name)


@dataclass(frozen=True)
class IndicatorResult:
    key: str
    dimension: str
    label: str
    earned: int
    possible: int
    status: str  # MET, MISSING or NOT_CHECKED
    reason: str

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "dimension": self.dimension,
            "label": self.label,
            "earned": self.earned,
            "possible": self.possible,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DimensionScore:
    name: str
    earned: int
    possible: int

    def to_dict(self) -> dict:
        return {"name": self.name, "earned": self.earned, "possible": self.possible}


@dataclass(frozen=True)
class HealthCheck:
    """One HealthDCAT-AP essential: present or not, never mixed into the 405 points."""

    key: str
    label: str
    property: str
    present: bool
    reason: str

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "property": self.property,
                "present": self.present, "reason": self.reason}


@dataclass(frozen=True)
class DatasetScore:
    dataset: str
    title: str | None
    indicators: tuple[IndicatorResult, ...]
    health: tuple[HealthCheck, ...]

    @property
    def points(self) -> int:
        return sum(i.earned for i in self.indicators)

    @property
    def rating(self) -> str:
        return rating_for(self.points)

    @property
    def not_checked_points(self) -> int:
        return sum(i.possible for i in self.indicators if i.status == NOT_CHECKED)

    @property
    def dimensions(self) -> tuple[DimensionScore, ...]:
        return tuple(
            DimensionScore(name,
                           sum(i.earned for i in self.indicators if i.dimension == name),
                           sum(i.possible for i in self.indicators if i.dimension == name))
            for name in DIMENSIONS
        )

    def indicator(self, key: str) -> IndicatorResult:
        for result in self.indicators:
            if result.key == key:
                return result
        raise KeyError(key)

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "title": self.title,
            "points": self.points,
            "max_points": MAX_POINTS,
            "rating": self.rating,
            "not_checked_points": self.not_checked_points,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "indicators": [i.to_dict() for i in self.indicators],
            "healthdcat_ap": {
                "present": sum(1 for h in self.health if h.present),
                "possible": len(self.health),
                "checks": [h.to_dict() for h in self.health],
            },
        }


@dataclass(frozen=True)
class CatalogueScore:
    datasets: tuple[DatasetScore, ...]

    @property
    def average_points(self) -> float:
        if not self.datasets:
            return 0.0
        return round(sum(d.points for d in self.datasets) / len(self.datasets), 2)

    @property
    def rating(self) -> str:
        """The catalogue is rated on its average, as data.europa.eu rates catalogues."""
        return rating_for(self.average_points)

    def rating_counts(self) -> dict[str, int]:
        counts = {name: 0 for name in RATING_NAMES}
        for dataset in self.datasets:
            counts[dataset.rating] += 1
        return counts

    def average_dimensions(self) -> list[dict]:
        count = len(self.datasets) or 1
        return [
            {"name": name,
             "average": round(sum(d.earned for s in self.datasets for d in s.dimensions if d.name == name) / count, 2),
             "possible": DIMENSION_POSSIBLE[name]}
            for name in DIMENSIONS
        ]

    def health_coverage(self) -> dict[str, int]:
        """How many datasets state each HealthDCAT-AP essential."""
        coverage: dict[str, int] = {}
        for dataset in self.datasets:
            for check in dataset.health:
                coverage[check.key] = coverage.get(check.key, 0) + (1 if check.present else 0)
        return coverage

    def to_dict(self) -> dict:
        return {
            "dataset_count": len(self.datasets),
            "average_points": self.average_points,
            "max_points": MAX_POINTS,
            "rating": self.rating,
            "ratings": self.rating_counts(),
            "average_dimensions": self.average_dimensions(),
            "healthdcat_ap_coverage": self.health_coverage(),
            "datasets": [d.to_dict() for d in self.datasets],
        }

