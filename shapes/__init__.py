"""Our SHACL shapes (Turtle files beside this module)."""

from pathlib import Path

SHAPES_DIR = Path(__file__).parent
