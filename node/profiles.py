"""Validation profiles: which of our SHACL files (shapes/*.ttl) a profile checks.

`healthdcat-ap` applies to every dataset the rules of its own access level, read from its
dct:accessRights (level-specific shape files select their datasets with SPARQL targets), so one run
validates a catalogue that mixes PUBLIC, RESTRICTED and NON_PUBLIC datasets.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from node.errors import ConfigError

DCAT_AP_3_FILES = (
    "support.ttl",
    "dcat-ap-3.ttl",
    "dcat-ap-3-ranges.ttl",
    "dcat-ap-3-recommended.ttl",
    "dcat-ap-3-vocabularies.ttl",
)
HEALTHDCAT_AP_FILES = DCAT_AP_3_FILES + (
    "healthdcat-ap.ttl",
    "healthdcat-ap-ranges.ttl",
    "healthdcat-ap-non-public.ttl",
    "healthdcat-ap-non-public-recommended.ttl",
)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    shape_files: tuple[str, ...]  # names under shapes/


PROFILES: dict[str, Profile] = {
    "dcat-ap-3": Profile("dcat-ap-3", "DCAT-AP 3.0.1: mandatory, recommended, ranges, vocabularies", DCAT_AP_3_FILES),
    "healthdcat-ap": Profile(
        "healthdcat-ap",
        "HealthDCAT-AP Release 8 on top of DCAT-AP 3.0.1; each dataset checked at its access level "
        "(PUBLIC, RESTRICTED, NON_PUBLIC) from dct:accessRights",
        HEALTHDCAT_AP_FILES,
    ),
    "ehds-minimum": Profile(
        "ehds-minimum",
        "EHDS minimum metadata elements (draft implementing act under Art. 77(1) of Regulation 2025/327): "
        "the twelve elements every health data holder must give, each through its HealthDCAT-AP property",
        ("support.ttl", "ehds-minimum.ttl"),
    ),
}
DEFAULT_PROFILE = "healthdcat-ap"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(f"unknown profile '{name}'; known profiles: {', '.join(PROFILES)}") from None


def shape_text(file_name: str) -> str:
    """Turtle of one of our shape files."""
    return resources.files("shapes").joinpath(file_name).read_text(encoding="utf-8")


def extra_shape_text(path: str | Path) -> str:
    """Turtle of a user-supplied shapes file (--shapes FILE), with an error that says what went wrong."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"shapes file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read shapes file {path}: {err}") from None
