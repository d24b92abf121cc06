"""The book's search on a local Dask or Ray cluster: skdl's thread limits against TensorFlow's.

Runs ``run.py``'s section (f) search as printed in *Hands-On Machine Learning*
(10 candidates, ``cv=3``, 100 epochs with ``validation_data`` and
``EarlyStopping``) on two single-threaded worker processes, through joblib's
``dask`` backend (a ``LocalCluster``) or Ray's (a local instance of two CPUs),
in two settings:

* **skdl**: the workers as the cluster starts them; skdl gives TensorFlow one
  intra-op and one inter-op thread in each (the worker's share);
* **TensorFlow's defaults**: ``TF_NUM_INTRAOP_THREADS=0`` in the workers'
  environment, which makes skdl leave TensorFlow's thread pools alone (one
  thread per core in every worker).

The settings alternate for ``--rounds`` rounds, each search on a new cluster,
and the table gives every search's time, best parameters and best score.

Usage::

    python benchmarks/cluster_search.py [--clusters dask,ray] [--rounds 2] [--quick]

Needs ``dask[distributed]`` (``pip install -e ".[dask]"``) for Dask and
``ray`` for Ray (by default, the installed ones), and the California housing
data (see README.md). ``--quick`` uses ``run.py``'s tiny sizes: a smoke test
whose numbers mean nothing.
"""

import argparse
import contextlib
import importlib.util
import os
import time

from harness.config import FULL, QUICK
from harness.environment import machine, package_versions
from harness.processes import log
from harness.tables import table
from harness.tasks import task_book_search

HERE = os.path.dirname(os.path.abspath(__file__))
SETTINGS = {  # name: the workers' extra environment
    "skdl": {},
    "TensorFlow's defaults": {"TF_NUM_INTRAOP_THREADS": "0"},
}
MODULES = {"dask": "distributed", "ray": "ray"}


@contextlib.contextmanager
def dask_cluster(env):
    """joblib's ``dask`` backend on a new ``LocalCluster`` of two one-thread workers."""
    import joblib
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, env=env
        ) as cluster,
        Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        yield


@contextlib.contextmanager
def ray_cluster(env):
    """Ray's joblib backend on a new local instance of two CPUs (one per task)."""
    import joblib
    import ray
    from ray.util.joblib import register_ray

    # the workers import the book's build_model from this folder's harness package
    runtime_env = {"env_vars": {**env, "PYTHONPATH": HERE}}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env=runtime_env)
    try:
        register_ray()
        with joblib.parallel_config(backend="ray"):
            yield
    finally:
        ray.shutdown()


CLUSTERS = {"dask": dask_cluster, "ray": ray_cluster}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    installed = [c for c in CLUSTERS if importlib.util.find_spec(MODULES[c]) is not None]
    parser.add_argument("--clusters", default=",".join(installed), help="dask,ray")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the workers inherit it
    # n_jobs=-1: one fit per worker of the cluster
    cfg = {**(QUICK if args.quick else FULL), "n_jobs": -1}
    rows = []
    start = time.perf_counter()
    for cluster in args.clusters.split(","):
        for round_ in range(1, args.rounds + 1):
            for name, env in SETTINGS.items():
                with CLUSTERS[cluster](env):
                    result = task_book_search("skdl", cfg)
                params = sorted(result["best_params"].items())
                rows.append(
                    [
                        cluster,
                        str(round_),
                        name,
                        f"{result['search_s']:.1f}",
                        ", ".join(f"{k}={v:.4g}" for k, v in params),
                        f"{result['best_r2']:.4f}",
                    ]
                )
                log(f"{cluster}, round {round_}, {name}: {result['search_s']:.1f} s")
    header = ["cluster", "round", "workers' TensorFlow threads", "search (s)"]
    print(table(header + ["best parameters", "best R²"], rows))
    host = machine()
    versions = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    print(
        f"\n{host['cpus']} CPUs, {host['platform']}; {versions}; "
        f"{(time.perf_counter() - start) / 60:.1f} minutes in all"
    )


if __name__ == "__main__":
    main()
