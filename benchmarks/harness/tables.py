"""The Markdown tables of the report, one function per section."""

from .config import IMPORTS, NAMES, REGRESSORS, SEARCHERS
from .descriptions import describe


def fmt(value, spec=".2f", suffix=""):
    if value is None or isinstance(value, str):
        return "n/a" if value is None else value
    return f"{value:{spec}}{suffix}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def failed(result):
    return result is None or "error" in result


def error_row(name, result, width):
    message = "missing" if result is None else f"error: {result['error']}"
    return [name, message] + [""] * (width - 2)


def lookup(results, *keys):
    """``results[k1][k2]...``, or None where a key is missing (a section not run, an error)."""
    for key in keys:
        if not isinstance(results, dict) or key not in results:
            return None
        results = results[key]
    return results


def runs(result, key):
    """The times of the repeated runs behind a median, or "" for a single run."""
    times = result.get(f"{key}_runs") or []
    return " / ".join(f"{t:.2f}" for t in times) if len(times) > 1 else ""


def report_imports(results):
    base = results.get("sklearn", {}).get("seconds")
    rows = []
    for name, statement in IMPORTS.items():
        r = results.get(name, {})
        if "seconds" not in r:
            rows.append(error_row(NAMES[name], r or None, 6))
            continue
        extra = None if base is None else r["seconds"] - base
        rows.append(
            [
                NAMES[name],
                f"`{statement}`",
                fmt(r["seconds"], ".3f"),
                fmt(extra, "+.3f"),
                "yes" if r["tensorflow"] else "no",
                "yes" if r["keras"] else "no",
            ]
        )
    header = ["contender", "statement", "median (s)", "vs scikit-learn (s)", "TensorFlow", "Keras"]
    return table(header, rows)


def report_fits(results, cfg):
    """Section (b): the Dense(30) fits, then the presets."""
    text = report_simple(results["fits"], REGRESSORS, "fit_s", ("r2", "test R²"))
    if results["diff"] is not None:
        text += (
            f"\n\nskdl and raw Keras, both seeded with {cfg['seed']}: largest difference of "
            f"their test predictions {results['diff']:.3g}."
        )
    text += "\n\n### skdl `MLPRegressor()` vs scikit-learn `MLPRegressor()`\n\n"
    return text + describe("preset", cfg) + "\n\n" + report_preset(results["preset"])


def report_preset(results):
    sk = results.get("sklearn", {})
    rows = []
    for name, label in (
        ("skdl", "skdl `MLPRegressor()`"),
        ("sklearn", "sklearn `MLPRegressor()`"),
    ):
        r = results.get(name)
        if failed(r):
            rows.append(error_row(label, r, 5))
            continue
        rows.append(
            [
                label,
                fmt(r["fit_s"]),
                fmt(r["r2"], ".4f"),
                r["n_iter"],
                fmt(ratio(r["fit_s"], sk.get("fit_s")), ".2f", "×"),
            ]
        )
    return table(["estimator", "fit (s)", "test R²", "epochs run", "time vs sklearn"], rows)


LATENCY_ROWS = (
    ("skdl", "skdl", "skdl `predict`"),
    ("keras", "keras", "raw Keras `model.predict`"),
    ("keras", "keras_on_batch", "raw Keras `predict_on_batch`"),
    ("scikeras", "scikeras", "scikeras `predict`"),
    ("wrappers", "wrappers", "keras.wrappers `predict`"),
    ("sklearn", "sklearn", "scikit-learn MLP `predict`"),
)


def report_latency(results):
    keras = results.get("keras", {}).get("latency", {}).get("keras", {})
    n_rows = next((r["n_rows"] for r in results.values() if "n_rows" in r), "all")
    rows = []
    for contender, key, label in LATENCY_ROWS:
        r = results.get(contender)
        if failed(r):
            rows.append(error_row(label, r, 6))
            continue
        lat = r["latency"][key]
        rows.append(
            [label]
            + [fmt(lat[n] * 1e3, ".2f") for n in ("1", "100", "all")]
            + [fmt(ratio(lat[n], keras.get(n)), ".3f", "×") for n in ("1", "all")]
        )
    header = ["predict", "1 row (ms)", "100 rows (ms)", f"{n_rows} rows (ms)"]
    header += ["1 row vs `model.predict`", f"{n_rows} rows vs `model.predict`"]
    text = table(header, rows)
    diff = results.get("skdl", {}).get("diff_vs_model_predict")
    if diff is not None:
        text += (
            f"\n\nskdl's `predict` against `model_.predict` of the same fitted network, "
            f"all {n_rows} rows: largest difference {diff:.3g}."
        )
    return text


def report_simple(results, contenders, key, metric=None, spec=".4f"):
    """Rows of time (``key``, with its repeated runs), a metric, and the ratios to raw
    Keras (if it ran) and to scikit-learn."""
    keras_s = lookup(results, "keras", key)
    sk_s = lookup(results, "sklearn", key)
    with_runs = any(runs(r, key) for r in results.values() if not failed(r))
    header = ["contender", "time (s)"] + (["runs (s)"] if with_runs else [])
    header += [metric[1]] if metric else []
    header += (["vs raw Keras"] if keras_s is not None else []) + ["vs sklearn"]
    rows = []
    for name in contenders:
        r = results.get(name)
        if failed(r):
            rows.append(error_row(NAMES[name], r, len(header)))
            continue
        row = [NAMES[name], fmt(r[key], ".3f")] + ([runs(r, key)] if with_runs else [])
        if metric is not None:
            row.append(fmt(r[metric[0]], spec))
        if keras_s is not None:
            row.append(fmt(ratio(r[key], keras_s), ".2f", "×"))
        row.append(fmt(ratio(r[key], sk_s), ".2f", "×"))
        rows.append(row)
    return table(header, rows)


def report_search(results):
    rows = []
    for name in SEARCHERS:
        one, two = results[1].get(name), results[2].get(name)
        if failed(one) or failed(two):
            rows.append(error_row(NAMES[name], one if failed(one) else two, 10))
            continue
        row = [NAMES[name]]
        for key in ("search_s", "again_s"):
            row += [fmt(one[key], ".1f"), fmt(two[key], ".1f")]
            row.append(fmt(ratio(one[key], two[key]), ".2f", "×"))
        row.append(fmt(one.get("cores"), ".2f"))
        row.append(f"{fmt(one['best_r2'], '.3f')} / {fmt(two['best_r2'], '.3f')}")
        row.append(f"{one['failed']} / {two['failed']}")
        rows.append(row)
    header = ["contender", "n_jobs=1 (s)", "n_jobs=2 (s)", "speedup"]
    header += ["again: n_jobs=1 (s)", "n_jobs=2 (s)", "speedup"]
    header += ["cores busy at n_jobs=1", "best CV R² (1 / 2)", "failed candidates (1 / 2)"]
    blocks = [table(header, rows)]
    if "book" in results:
        blocks.append(report_book_search(results["book"]))
    ceiling = results.get("ceiling")
    if ceiling:
        blocks.append(
            "Two CPU-bound processes at once on this machine (a pure-Python loop alone: "
            f"{ceiling['alone_s']:.2f} s; two copies at once: {ceiling['pair_s']:.2f} s): "
            f"**{ceiling['speedup']:.2f}×** the work per second of one (2.0 on two free "
            "cores). A search can do better than that: each worker trains on one core in "
            "one thread, where a serial search spreads each fit over threads that hand "
            "work to each other."
        )
    return "\n\n".join(blocks)


def report_book_search(results):
    """The book's search at full size: skdl at ``n_jobs`` 1 and 2, one search each."""
    one, two = results.get(1), results.get(2)
    header = ["search", "n_jobs=1 (s)", "n_jobs=2 (s)", "speedup", "cores busy at n_jobs=1"]
    header += ["best CV R² (1 / 2)", "same best parameters"]
    if failed(one) or failed(two):
        return table(header, [error_row("skdl", one if failed(one) else two, len(header))])
    row = ["the book's, skdl", fmt(one["search_s"], ".1f"), fmt(two["search_s"], ".1f")]
    row.append(fmt(ratio(one["search_s"], two["search_s"]), ".2f", "×"))
    row.append(fmt(one.get("cores"), ".2f"))
    row.append(f"{fmt(one['best_r2'], '.3f')} / {fmt(two['best_r2'], '.3f')}")
    row.append("yes" if one["best_params"] == two["best_params"] else "no")
    return table(header, [row])


def report_memory(results, cfg, contenders=REGRESSORS):
    rows = []
    for name in contenders:
        r = results.get(name)
        if failed(r) or r["start_mb"] is None:
            rows.append(error_row(NAMES[name], r if failed(r) else {"error": "no RSS"}, 5))
            continue
        growth = r["end_mb"] - r["start_mb"]
        rows.append(
            [
                NAMES[name],
                f"{r['start_mb']:.0f}",
                f"{r['end_mb']:.0f}",
                f"{growth:+.1f}",
                f"{growth / cfg['memory_fits']:+.2f}",
            ]
        )
    header = ["contender", "RSS after warm-up (MB)", f"RSS after {cfg['memory_fits']} fits (MB)"]
    return table(header + ["growth (MB)", "per fit (MB)"], rows)
