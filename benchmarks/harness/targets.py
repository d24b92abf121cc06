"""The performance targets, met or not, computed from the numbers of a run."""

from .tables import fmt, lookup, ratio


def _verdict(goal, measured, met):
    return [goal, measured, "n/a" if met is None else ("met" if met else "**not met**")]


def _number_target(goal, value, template, check):
    """A target on one number, shown with ``template``: met if ``check(value)``."""
    if value is None:
        return _verdict(goal, "n/a", None)
    return _verdict(goal, template.format(value), bool(check(value)))


def target_rows(results):
    """The performance targets, each with the measured value and whether it is met."""
    g = lambda *keys: lookup(results, *keys)  # noqa: E731
    rows = []
    if "a" in results:
        ours, base = g("a", "skdl", "seconds"), g("a", "sklearn", "seconds")
        tf = g("a", "skdl", "tensorflow")
        loaded = "n/a" if tf is None else ("yes" if tf else "no")
        met = None if None in (ours, base, tf) else ours <= base + 0.1 and not tf
        measured = f"{fmt(ours, '.3f')} s vs {fmt(base, '.3f')} s; TensorFlow loaded: {loaded}"
        rows.append(
            _verdict("import ≤ scikit-learn's + 0.1 s, TensorFlow not loaded", measured, met)
        )
    if "b" in results:
        ours, theirs = g("b", "fits", "skdl", "fit_s"), g("b", "fits", "keras", "fit_s")
        rows.append(
            _number_target(
                "California fit ≤ 1.0× raw Keras", ratio(ours, theirs), "{:.2f}×", lambda r: r <= 1
            )
        )
        rows.append(
            _number_target(
                "California fit ≥ 3× faster than raw Keras",
                ratio(theirs, ours),
                "{:.2f}× faster",
                lambda r: r >= 3,
            )
        )
        rows.append(_preset_target(results))
    if "c" in results:
        rows += _latency_targets(results)
    if "d" in results:
        r = ratio(g("d", "skdl", "fit_s"), g("d", "keras", "fit_s"))
        rows.append(
            _number_target("fresh small fit ≤ 0.5× raw Keras", r, "{:.2f}×", lambda r: r <= 0.5)
        )
    if "f" in results:
        rows.append(_search_target(results))
    if "g" in results:
        start, end = g("g", "skdl", "start_mb"), g("g", "skdl", "end_mb")
        growth = None if None in (start, end) else end - start
        goal = "RSS growth ≤ 25 MB over the fresh fits"
        rows.append(_number_target(goal, growth, "{:+.1f} MB", lambda mb: mb <= 25))
    return rows


def _preset_target(results):
    goal = "preset `MLPRegressor()` ≤ 1.5× sklearn's time at R² ≥ sklearn's − 0.005"
    t1, r1, t2, r2 = (
        lookup(results, "b", "preset", contender, key)
        for contender in ("skdl", "sklearn")
        for key in ("fit_s", "r2")
    )
    if None in (t1, r1, t2, r2):
        return _verdict(goal, "n/a", None)
    measured = f"{t1 / t2:.2f}× the time, R² {r1:.4f} vs {r2:.4f}"
    return _verdict(goal, measured, t1 <= 1.5 * t2 and r1 >= r2 - 0.005)


def _latency_targets(results):
    def latency(contender, key, rows):
        return lookup(results, "c", contender, "latency", key, rows)

    one = latency("skdl", "skdl", "1")
    speedup = ratio(latency("scikeras", "scikeras", "1"), one)
    all_rows = ratio(latency("skdl", "skdl", "all"), latency("keras", "keras", "all"))
    ms = None if one is None else one * 1e3
    return [
        _number_target("1-row predict ≤ 1 ms", ms, "{:.3f} ms", lambda ms: ms <= 1),
        _number_target(
            "1-row predict ≥ 50× faster than scikeras",
            speedup,
            "{:.0f}× faster",
            lambda r: r >= 50,
        ),
        _number_target(
            "all-rows predict no slower than raw Keras `model.predict`",
            all_rows,
            "{:.2f}× its time",
            lambda r: r <= 1,
        ),
    ]


def _search_target(results):
    """Met when the book's full search (or, without it, the short one) gets 1.8×."""
    goal = "search with n_jobs=2 ≥ 1.8× faster than n_jobs=1"
    g = lambda *keys: lookup(results, "f", *keys)  # noqa: E731
    book = ratio(g("book", 1, "search_s"), g("book", 2, "search_s"))
    first, again = (ratio(g(1, "skdl", key), g(2, "skdl", key)) for key in ("search_s", "again_s"))
    parts = []
    if book is not None:
        parts.append(f"the book's search: {book:.2f}×")
    parts.append(f"short search: {fmt(first, '.2f', '×')} (again: {fmt(again, '.2f', '×')})")
    cores = g(1, "skdl", "cores")
    if cores is not None:
        parts.append(f"n_jobs=1 already keeps {cores:.2f} cores busy")
    ceiling = g("ceiling", "speedup")
    if ceiling is not None:
        parts.append(f"two CPU-bound processes at once: {ceiling:.2f}× here")
    decisive = book if book is not None else first
    return _verdict(goal, "; ".join(parts), None if decisive is None else decisive >= 1.8)
