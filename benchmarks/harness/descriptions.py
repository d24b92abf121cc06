"""What each section measures, in the words printed above its table."""


def describe(section, cfg):
    """What a section measures, in a few sentences (printed above its table)."""
    rows = "all 20,640" if not cfg["california_rows"] else f"the first {cfg['california_rows']}"
    epochs = cfg["california_epochs"]
    return {
        "a": (
            f"Median over {cfg['import_repeats']} fresh interpreters of the time the import "
            "statement takes (interpreter start-up excluded), and whether it loaded "
            "TensorFlow or Keras. The scikit-learn row is the baseline."
        ),
        "b": (
            f"California housing ({rows} rows, 75/25 split, `StandardScaler`): "
            f"Input(8) → Dense(30, relu) → Dense(1), {epochs} epochs, batch 32, Adam with "
            f"its defaults, MSE, seed {cfg['seed']}. Raw Keras is `model.fit` with its "
            "defaults; skdl is `KerasRegressor(hidden_layer_sizes=(30,), epochs=..., "
            "random_state=...)` with everything else default; scikeras and "
            "`keras.wrappers.SKLearnRegressor` get the same network; scikit-learn is "
            f"`MLPRegressor(hidden_layer_sizes=(30,), max_iter={epochs}, batch_size=32)`. "
            "The time covers building, compiling and training (tracing included), after the "
            f"library is imported: median over {cfg['fit_repeats']} fresh processes per "
            "contender, run round-robin."
        ),
        "preset": (
            "The ready-made estimators with their defaults on the same scaled data "
            "(hidden layer of 100, Adam, up to 200 epochs with scikit-learn's stopping "
            f"rule on the training loss), `random_state={cfg['seed']}`"
            + (f", `max_iter={cfg['preset_max_iter']}`" if cfg["preset_max_iter"] else "")
            + f"; median fit time over {cfg['fit_repeats']} fresh processes."
        ),
        "c": (
            "The fitted Dense(30) regressors of (b) predicting 1, 100 and all rows of the "
            f"scaled data: median over up to {cfg['latency_repeats']} calls "
            f"({cfg['latency_budget_s']:g} s at most) for 1 and 100 rows, over "
            f"{cfg['latency_all_repeats']} calls for all rows, after one warm-up call."
        ),
        "d": (
            f"A new estimator fitted on 200 × 8 data, {cfg['small_fit_epochs']} epochs, "
            f"batch 32: median over {cfg['small_fit_repeats']} fits after one warm-up fit in "
            "the same process (what each fit of a search or cross-validation pays)."
        ),
        "e": (
            "Titanic (891 passengers): `ColumnTransformer` (median imputation + "
            "`StandardScaler` for Pclass, Age, SibSp, Parch, Fare; most-frequent imputation "
            "+ one-hot for Sex, Embarked) then a classifier with one hidden layer of 16, "
            f"{cfg['titanic_epochs']} epochs, batch 32, Adam; `cross_val_score(cv="
            f"{cfg['titanic_folds']})`, accuracy. `keras.wrappers` one-hot encodes the "
            "target (softmax over two units) and is seeded once, globally; it loses its "
            "`fit_kwargs` when cloned (Keras 3.15), so they go through "
            "`cross_val_score(params=...)`. Time: median over "
            f"{cfg['fit_repeats']} fresh processes per contender."
        ),
        "f": (
            "The search of *Hands-On Machine Learning*, chapter 10: `StandardScaler` + the "
            "book's `build_model` (SGD) over `n_hidden` ∈ {0..3}, `n_neurons` ∈ {1..99}, "
            "`learning_rate` log-uniform in [3e-4, 3e-2]; "
            f"{cfg['search_candidates']} candidates, `cv={cfg['search_folds']}`, "
            f"{cfg['search_epochs']} epochs, on the California training split"
            + (f" (first {cfg['search_rows']} rows)" if cfg["search_rows"] else "")
            + ". scikit-learn's MLP (SGD, batch 32) searches 1-3 hidden layers of 1-99 "
            "units and `learning_rate_init` instead. Each `n_jobs` runs in a fresh process "
            "with the library imported and the data loaded; the time is `search.fit` "
            "(`refit=False`: the refit is one serial fit, the same at any `n_jobs`). The "
            "first search pays for starting joblib's workers (each imports the library and "
            "Keras); *again* is a second identical search in the same process, on started "
            "workers. No thread settings: each library's default. *Cores busy at "
            "n_jobs=1* is the CPU time of the second `n_jobs=1` search over its wall time: "
            "the cores a serial search already keeps busy (TensorFlow's data pipeline runs "
            "in threads beside the training step, and its threads wait for each other), "
            "which two workers of one core each do not need. The second table is the book's "
            "search as printed, for skdl: "
            f"{cfg['book_candidates']} candidates, `cv=3`, `epochs={cfg['book_epochs']}` "
            "with the book's `validation_data` and `EarlyStopping(patience=10)`, on its "
            "training set (11,610 rows"
            + (f", first {cfg['book_rows']}" if cfg["book_rows"] else "")
            + "), once per `n_jobs` in a fresh process (workers started by the search). "
            "The target's verdict is taken on this search, the workload the target names."
        ),
        "g": (
            f"Each contender in its own process: {cfg['memory_warmup']} warm-up fits, then "
            f"{cfg['memory_fits']} fresh fits of a Dense(30) → Dense(1) regressor on "
            "200 × 8 data, 5 epochs (Adam), each followed by a 5-row predict; resident set "
            "size (RSS) before and after (after `gc.collect()`)."
        ),
        "h": (
            "`python benchmarks/mlp_vs_sklearn.py`: the same split, `StandardScaler` then "
            "the MLP with `hidden_layer_sizes=(64,)`, `learning_rate_init=5e-3`, "
            "`random_state=0` and the same `max_iter` (200 for iris, 100 for breast cancer "
            "and digits, 50 for California housing)."
        ),
    }[section]
