"""The book's search on a local Dask cluster: skdl's thread limits against TensorFlow's.

Runs ``run.py``'s section (f) search as printed in *Hands-On Machine Learning*
(10 candidates, ``cv=3``, 100 epochs with ``validation_data`` and
``EarlyStopping``) under ``joblib.parallel_config(backend="dask")`` on a
``LocalCluster`` of two single-threaded worker processes, in two settings:

* **skdl**: the workers as Dask starts them; skdl gives TensorFlow one intra-op
  and one inter-op thread in each (the worker's ``nthreads``);
* **TensorFlow's defaults**: ``TF_NUM_INTRAOP_THREADS=0`` in the workers'
  environment, which makes skdl leave TensorFlow's thread pools alone (one
  thread per core in every worker).

The settings alternate for ``--rounds`` rounds, each round on new clusters, and
the table gives every search's time, best parameters and best score.

Usage::

    python benchmarks/dask_search.py [--rounds 2] [--quick]

Needs ``dask[distributed]`` (``pip install -e ".[dask]"``) and the California
housing data (see README.md). ``--quick`` uses ``run.py``'s tiny sizes: a smoke
test whose numbers mean nothing.
"""

import argparse
import os
import time

import run

SETTINGS = {  # name: the workers' extra environment
    "skdl": {},
    "TensorFlow's defaults": {"TF_NUM_INTRAOP_THREADS": "0"},
}


def search_on_cluster(env, cfg):
    """``run.task_book_search`` on a new two-worker ``LocalCluster``."""
    import joblib
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, env=env
        ) as cluster,
        Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        # n_jobs=-1: one fit per worker thread of the cluster
        return run.task_book_search("skdl", {**cfg, "n_jobs": -1})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the workers inherit it
    cfg = run.QUICK if args.quick else run.FULL
    rows = []
    start = time.perf_counter()
    for round_ in range(1, args.rounds + 1):
        for name, env in SETTINGS.items():
            result = search_on_cluster(env, cfg)
            rows.append(
                [
                    str(round_),
                    name,
                    f"{result['search_s']:.1f}",
                    ", ".join(f"{k}={v:.4g}" for k, v in sorted(result["best_params"].items())),
                    f"{result['best_r2']:.4f}",
                ]
            )
            run.log(f"round {round_}, {name}: {result['search_s']:.1f} s")
    header = ["round", "workers' TensorFlow threads", "search (s)", "best parameters", "best R²"]
    print(run.table(header, rows))
    machine = run.machine()
    versions = ", ".join(f"{k} {v}" for k, v in run.package_versions().items())
    print(
        f"\n{machine['cpus']} CPUs, {machine['platform']}; {versions}; "
        f"{(time.perf_counter() - start) / 60:.1f} minutes in all"
    )


if __name__ == "__main__":
    main()
