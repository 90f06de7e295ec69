"""Batch runs: sequential papermill vs `studio batch` on a Dask LocalCluster, in one run.

    .venv/bin/python benchmarks/bench_batch.py [--runs 20] [--tiny 100] [--workers 2]

Two workloads: ``--runs`` executions of a template that works for a while (0.5 s of sleep plus
storing an asset), and ``--tiny`` executions of a template that does almost nothing (what is
left is the per-run overhead: kernel start, parameter injection, storing the run and notebook).
Each is run sequentially with :func:`run_template` and as one batch; prints wall time,
throughput (runs/s), the batch/sequential ratio and the per-run overhead as a table.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat


def _template(folder: Path, name: str, work: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("label: str = 'x'\n", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(work)]
    nbformat.write(nb, folder / f"{name}.ipynb")


WORK = ("import time\nfrom studio_kit.config import get_settings\nfrom studio_kit.store import open_store\n"
        "time.sleep(0.5)\ns = get_settings()\nopen_store().project(s.org, s.project).put_asset(label.encode(), "
        "kind='note', name=label + '.txt')")
TINY = "x = 1 + 1"


def _measure(template: str, n: int, workers: int) -> dict[str, float]:
    from studio_kit.runs.batch import run_batch
    from studio_kit.runs.runner import run_template

    t0 = time.perf_counter()
    for i in range(n):
        run_template(template, {"label": f"s{i}"}, progress=False)
    seq = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_batch(template, {"label": [f"b{i}" for i in range(n)]}, workers=workers, progress=False)
    batch = time.perf_counter() - t0
    assert result.failed == 0, [r.error for r in result.runs if r.error]
    return {"seq": seq, "batch": batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tiny", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    (root / "templates").mkdir()
    _template(root / "templates", "work", WORK)
    _template(root / "templates", "tiny", TINY)
    os.environ.update(STUDIO_HOME=str(root / "home"), STUDIO_TEMPLATES_DIR=str(root / "templates"))
    os.environ.pop("STUDIO_DATABASE_URL", None)
    from studio_kit.config import reset_settings

    reset_settings()
    rows = []
    for name, n in (("work", args.runs), ("tiny", args.tiny)):
        m = _measure(name, n, args.workers)
        rows.append((name, n, m["seq"], m["batch"]))
    print(f"\nBatch runs on {os.cpu_count()} cores, LocalCluster with {args.workers} workers\n")
    print(f"{'template':<9}{'runs':>6}{'sequential s':>14}{'batch s':>10}{'seq runs/s':>12}{'batch runs/s':>14}"
          f"{'speed-up':>10}{'s/run seq':>11}{'s/run batch':>13}")
    for name, n, seq, batch in rows:
        print(f"{name:<9}{n:>6}{seq:>14.1f}{batch:>10.1f}{n / seq:>12.2f}{n / batch:>14.2f}{seq / batch:>9.2f}x"
              f"{seq / n:>11.2f}{batch / n:>13.2f}")
    print("\n's/run' of the tiny template is the per-run overhead (kernel start, papermill, storing the run).")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
