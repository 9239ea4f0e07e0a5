"""The catalogue pages' tests (tests/catalog), run again with the node on a remote store."""

from tests.catalog.test_catalog_pages import *  # noqa: F401,F403  (collected here, with this folder's fixtures)
