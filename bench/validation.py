"""Validate generated HealthDCAT-AP catalogues: our Validator (Rust `shacl`, record chunks, 2 threads)
against pyshacl run once on the whole graph, the baseline measured in the same run.

    .venv/bin/python bench/validation.py                 # 1,000 and 10,000 datasets
    .venv/bin/python bench/validation.py --sizes 1000,10000,100000 --baseline-max 10000

Prints per size: time, ms per dataset, ratio to the baseline and whether both give identical results
(same focus node, path, component, severity, value). Also the time of one single-record validation.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.catalogue import generate_catalogue  # noqa: E402
from node.validation import Validator  # noqa: E402


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def single_record_ms(validator: Validator, repeats: int = 50) -> float:
    record = generate_catalogue(1, broken_share=0.0)
    validator.validate(record)
    _, seconds = timed(lambda: [validator.validate(record) for _ in range(repeats)])
    return 1000 * seconds / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of datasets")
    parser.add_argument("--baseline-max", type=int, default=10000,
                        help="run pyshacl only up to this size (it takes ~4 min at 100,000)")
    parser.add_argument("--broken", type=float, default=0.03, help="share of records with one defect")
    args = parser.parse_args()
    fast = Validator.for_profile("healthdcat-ap")
    reference = Validator.for_profile("healthdcat-ap", engine="pyshacl")
    print(f"single record: {single_record_ms(fast):.1f} ms (fast engine, shapes compiled once)")
    print(f"{'datasets':>9} {'triples':>9} {'fast s':>8} {'ms/ds':>6} {'pyshacl s':>10} {'ratio':>6} "
          f"{'violations':>10} {'identical':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        triples = generate_catalogue(size, broken_share=args.broken)
        ours, seconds = timed(lambda: fast.validate(triples))
        line = f"{size:>9} {len(triples):>9} {seconds:>8.2f} {1000 * seconds / size:>6.2f}"
        if size <= args.baseline_max:
            theirs, baseline = timed(lambda: reference.validate(triples))
            same = {r.key() for r in ours.results} == {r.key() for r in theirs.results}
            line += f" {baseline:>10.2f} {baseline / seconds:>5.1f}x {len(ours.violations):>10} {str(same):>9}"
        else:
            line += f" {'-':>10} {'-':>6} {len(ours.violations):>10} {'-':>9}"
        print(line, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
