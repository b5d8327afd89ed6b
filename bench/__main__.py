"""``make bench``: every benchmark, one after the other, into reports/bench.json.

    python -m bench

Each benchmark prints its table and records its figures; the exit status is 1 when any
figure misses its target.
"""

import sys

from bench import bench_crawl, bench_extraction, bench_load, bench_neardup, bench_scaleout

# bench_neardup stores 100,000 signatures first: about 15 minutes of the total.
BENCHMARKS = [bench_extraction, bench_crawl, bench_load, bench_scaleout, bench_neardup]

if __name__ == "__main__":
    statuses = [benchmark.main([]) for benchmark in BENCHMARKS]
    sys.exit(1 if any(statuses) else 0)
