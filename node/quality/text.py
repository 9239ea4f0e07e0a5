"""The score as text for a terminal: per dataset, per dimension, per indicator, with the reason."""

from __future__ import annotations

from node.quality.model import MAX_POINTS, MET, NOT_CHECKED, CatalogueScore, DatasetScore

_COLOURS = {"green": "\033[32m", "red": "\033[31m", "yellow": "\033[33m", "bold": "\033[1m", "dim": "\033[2m"}
_RESET = "\033[0m"
_RATING_COLOUR = {"excellent": "green", "good": "green", "sufficient": "yellow", "bad": "red"}


class _Style:
    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, name: str) -> str:
        return f"{_COLOURS[name]}{text}{_RESET}" if self.colour else text


def render_text(files: list[tuple[str, CatalogueScore]], *, colour: bool = False) -> str:
    style = _Style(colour)
    lines: list[str] = []
    for path, catalogue in files:
        lines.append(style(f"{path}: {len(catalogue.datasets)} dataset(s)", "bold"))
        for dataset in catalogue.datasets:
            lines.extend(_dataset_lines(dataset, style))
        if len(catalogue.datasets) > 1:
            lines.append(_catalogue_line(catalogue, style))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _dataset_lines(score: DatasetScore, style: _Style) -> list[str]:
    rating = style(score.rating.capitalize(), _RATING_COLOUR[score.rating])
    lines = ["", style(score.title or "(untitled dataset)", "bold") + f"  <{score.dataset}>",
             f"  {rating} · {score.points}/{MAX_POINTS} points"]
    if score.not_checked_points:
        lines[-1] += style(f" ({score.not_checked_points} points not checked)", "dim")
    for dimension in score.dimensions:
        lines.append(f"  {dimension.name.capitalize()} {dimension.earned}/{dimension.possible}")
        for indicator in score.indicators:
            if indicator.dimension == dimension.name:
                mark = _mark(indicator.status, style)
                lines.append(f"    {mark} {indicator.label:<34} {indicator.earned:>2}/{indicator.possible:<2}  "
                             f"{indicator.reason}")
    present = sum(1 for h in score.health if h.present)
    lines.append(f"  HealthDCAT-AP essentials {present}/{len(score.health)} (shown apart, not in the 405 points)")
    for check in score.health:
        mark = style("✓", "green") if check.present else style("✗", "red")
        lines.append(f"    {mark} {check.label:<34} {check.reason}")
    return lines


def _mark(status: str, style: _Style) -> str:
    if status == MET:
        return style("✓", "green")
    if status == NOT_CHECKED:
        return style("?", "yellow")
    return style("✗", "red")


def _catalogue_line(catalogue: CatalogueScore, style: _Style) -> str:
    counts = ", ".join(f"{name} {count}" for name, count in catalogue.rating_counts().items())
    rating = style(catalogue.rating.capitalize(), _RATING_COLOUR[catalogue.rating])
    return (f"\nCatalogue: {len(catalogue.datasets)} datasets · average {catalogue.average_points}/{MAX_POINTS} "
            f"({rating}) · {counts}")
