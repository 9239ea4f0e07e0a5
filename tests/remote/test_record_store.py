"""The record-level tests of the change log (tests/changelog), run again on a remote store: the
fixtures `node`, `settings` and `central` of tests/remote/conftest.py put them on an Oxigraph server."""

from tests.changelog.test_record_store import (  # noqa: F401  (collected here, with this folder's fixtures)
    test_a_refused_write_logs_nothing,
    test_a_replayed_journal_logs_nothing_twice,
    test_first_sequence_at_a_time_finds_the_boundary,
    test_harvest_runs_log_creates_updates_deletes_with_their_run,
    test_pruning_keeps_the_newest_and_the_numbering,
    test_put_update_and_delete_each_log_one_entry_with_the_published_form,
    test_the_bundled_records_are_six_creates,
    test_the_sequence_survives_a_restart,
)
