"""Validate generated HealthDCAT-AP catalogues: our Validator (Rust `shacl`, record chunks, 2 threads)
against pyshacl run once on the whole graph, the baseline measured in the same run.

    .venv/bin/python bench/validation.py                 # 1,000 and 10,000 datasets
    .venv/bin/python bench/validation.py --sizes 1000,10000,100000 --baseline-max 10000
    .venv/bin/python bench/validation.py --sizes 10000 --baseline-max 0 --page 500   # harvest pages
    .venv/bin/python bench/validation.py --sizes 1000 --baseline-max 0 --phases 10000  # CPU per step
    .venv/bin/python bench/validation.py --sizes 10000 --baseline-max 0 --cli 100000   # the command on a file
    .venv/bin/python bench/validation.py --sizes 1000,100000 --baseline-max 1000 --violations-only

Each size runs in its own process, so its peak memory is its own. Prints per size: wall time, CPU time
(both cores: on a loaded machine wall time says little), ms per dataset, ratio to the baseline, whether
both give identical results (same focus node, path, component, severity, value), peak RSS with and
without the generated input. Also one single-record validation, and with --page: a harvested page of
records validated one by one (as harvest did) against Validator.validate_records, with equal reports.
With --cli N: `ehds-node validate` on a generated N-dataset N-Triples file (streamed from disk), its
wall and CPU time and peak RSS, text report to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.catalogue import generate_catalogue  # noqa: E402
from node.validation import Validator  # noqa: E402


def timed(function):
    started, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - started, time.process_time() - cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single_record_ms(validator: Validator, repeats: int = 50) -> float:
    record = generate_catalogue(1, broken_share=0.0)
    validator.validate(record)
    _, seconds, _ = timed(lambda: [validator.validate(record) for _ in range(repeats)])
    return 1000 * seconds / repeats


def one_size(size: int, broken: float, baseline_max: int, violations_only: bool = False) -> dict:
    """Run in a child process: the measurements of one catalogue size."""
    fast = Validator.for_profile("healthdcat-ap", violations_only=violations_only)
    triples = generate_catalogue(size, broken_share=broken)
    input_mb = peak_mb()
    ours, seconds, cpu = timed(lambda: fast.validate(triples))
    row = {"size": size, "triples": len(triples), "seconds": seconds, "cpu": cpu, "violations": len(ours.violations),
           "results": len(ours.results), "input_mb": input_mb, "peak_mb": peak_mb()}
    if size <= baseline_max:
        reference = Validator.for_profile("healthdcat-ap", engine="pyshacl")
        theirs, row["baseline"], _ = timed(lambda: reference.validate(triples))
        expected = theirs.violations if violations_only else theirs.results  # pyshacl always runs every rule
        row["identical"] = {r.key() for r in ours.results} == {r.key() for r in expected}
    return row


def phases(size: int) -> str:
    """CPU seconds of each step, run one after the other (the real run overlaps the engine with the rest)."""
    import gc

    from node.validation.records import RecordSplitter, TripleIndex, ntriples_texts
    from node.validation.validator import RECORDS_PER_CHUNK

    validator = Validator.for_profile("healthdcat-ap")
    triples = generate_catalogue(size)
    gc.disable()  # as in Validator.validate
    steps, clock = [], time.process_time
    started = clock()
    texts = list(ntriples_texts(triples))
    steps.append(("N-Triples text", clock() - started))
    index = TripleIndex(texts)
    del texts
    steps.append(("index", clock() - sum(t for _, t in steps) - started))
    chunks = list(RecordSplitter(index, validator.background(), validator.count_limit,
                                 validator.qualified_predicates).chunks(RECORDS_PER_CHUNK))
    steps.append(("record split", clock() - sum(t for _, t in steps) - started))
    raw = [r for chunk in chunks for r in validator._run_chunk(chunk)]
    steps.append(("engine + raw results", clock() - sum(t for _, t in steps) - started))
    validator.report(raw, index)
    steps.append(("report", clock() - sum(t for _, t in steps) - started))
    return f"steps at {size} datasets (CPU s): " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in steps)


def harvest_page(records: int) -> str:
    """A page of separate records sharing publisher and HDAB IRIs: one by one vs validate_records."""
    from bench.catalogue import BASE, _dataset
    import pyoxigraph as ox

    agent = [ox.Triple(ox.NamedNode(BASE + "agent/publisher"), ox.NamedNode("http://xmlns.com/foaf/0.1/name"),
                       ox.Literal("HDH", language="en"))]
    page = [(f"{BASE}dataset/{n}", _dataset(ox.NamedNode(f"{BASE}dataset/{n}"), n, None) + agent) for n in range(records)]
    validator = Validator.for_profile("healthdcat-ap")
    alone, one_by_one, _ = timed(lambda: {key: validator.validate(triples) for key, triples in page})
    batch, batched, _ = timed(lambda: validator.validate_records(page))
    return (f"harvest page of {records} records: one by one {one_by_one:.2f} s ({1000 * one_by_one / records:.2f} ms/record), "
            f"validate_records {batched:.2f} s ({1000 * batched / records:.2f} ms/record), "
            f"{one_by_one / batched:.1f}x, identical reports: {batch == alone}")


def write_ntriples(size: int, path: str) -> None:
    """Child process: the generated catalogue as an N-Triples file."""
    import pyoxigraph as ox

    ox.serialize(generate_catalogue(size), path, format=ox.RdfFormat.N_TRIPLES)


def cli_on_file(size: int) -> str:
    """`ehds-node validate FILE` on a generated catalogue file: time and peak RSS from /usr/bin/time."""
    with tempfile.TemporaryDirectory() as folder:
        data, report = Path(folder) / "catalogue.nt", Path(folder) / "report.txt"
        subprocess.run([sys.executable, __file__, "--write-nt", str(size), str(data)], check=True)
        command = [str(Path(sys.executable).with_name("ehds-node")), "validate", str(data)]
        with report.open("w") as out:
            done = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *command], stdout=out,
                                  stderr=subprocess.PIPE, text=True)
        wall, user, system, peak_kb = done.stderr.strip().splitlines()[-1].split()
        return (f"ehds-node validate on a {size:,}-dataset N-Triples file ({data.stat().st_size / 1e6:.0f} MB): "
                f"exit {done.returncode}, {float(wall):.1f} s wall, {float(user) + float(system):.1f} s CPU, "
                f"peak RSS {int(peak_kb) / 1024:.0f} MB, text report {report.stat().st_size / 1e6:.0f} MB "
                f"({report.read_text().splitlines()[-1][:60]}…)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of datasets")
    parser.add_argument("--baseline-max", type=int, default=10000,
                        help="run pyshacl only up to this size (it takes minutes at 10,000)")
    parser.add_argument("--broken", type=float, default=0.03, help="share of records with one defect")
    parser.add_argument("--page", type=int, default=0, help="also time a harvested page of this many records")
    parser.add_argument("--phases", type=int, default=0, help="also print the CPU of each step at this size")
    parser.add_argument("--cli", type=int, default=0, help="also time `ehds-node validate` on a file of this size")
    parser.add_argument("--violations-only", action="store_true",
                        help="our Validator without the rules that can only warn (as harvests and --severity violation)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one size, JSON out
    parser.add_argument("--write-nt", nargs=2, help=argparse.SUPPRESS)  # child process: SIZE PATH
    args = parser.parse_args()
    if args.write_nt:
        write_ntriples(int(args.write_nt[0]), args.write_nt[1])
        return
    if args.one:
        print(json.dumps(one_size(args.one, args.broken, args.baseline_max, args.violations_only)))
        return
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    print(f"single record: {single_record_ms(Validator.for_profile('healthdcat-ap')):.1f} ms (fast engine, shapes compiled once)")
    print(f"{'datasets':>9} {'triples':>9} {'wall s':>7} {'cpu s':>7} {'ms/ds':>6} {'pyshacl s':>10} {'ratio':>6} "
          f"{'violations':>10} {'identical':>9} {'input MB':>8} {'peak MB':>8}", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run([sys.executable, __file__, "--one", str(size), "--broken", str(args.broken),
                                "--baseline-max", str(args.baseline_max)] + (["--violations-only"] if args.violations_only else []),
                               capture_output=True, text=True, check=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        line = f"{size:>9} {row['triples']:>9} {row['seconds']:>7.2f} {row['cpu']:>7.2f} {1000 * row['seconds'] / size:>6.2f}"
        if "baseline" in row:
            line += f" {row['baseline']:>10.2f} {row['baseline'] / row['seconds']:>5.1f}x"
        else:
            line += f" {'-':>10} {'-':>6}"
        line += f" {row['violations']:>10} {str(row.get('identical', '-')):>9} {row['input_mb']:>8.0f} {row['peak_mb']:>8.0f}"
        print(line, flush=True)
    # after the sizes: a child's peak RSS starts from its parent's at fork (Linux keeps it across exec)
    if args.page:
        print(harvest_page(args.page), flush=True)
    if args.phases:
        print(phases(args.phases), flush=True)
    if args.cli:
        print(cli_on_file(args.cli), flush=True)


if __name__ == "__main__":
    main()
