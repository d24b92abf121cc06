"""One tf.data pipeline for all the epochs of a fit, on TensorFlow: the Keras
estimators keep Keras' own orders, the MLP presets draw one per epoch."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from test_compile import keras_epoch_iterator
from test_regressor import auxiliary_network

import skdl
from skdl import (
    AutoencoderTransformer,
    KerasClassifier,
    KerasRegressor,
    KerasTransformer,
    MLPClassifier,
    MLPRegressor,
    WideAndDeepRegressor,
    _data,
    _keras,
)
from skdl._data import (
    _tensors,
    aligned_steps_per_execution,
    epoch_batches,
    gathered_batches,
    keras_order,
    keras_orders,
)

pytestmark = [
    pytest.mark.skipif(
        keras.backend.backend() != "tensorflow", reason="the pipeline is used on TensorFlow"
    ),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


@pytest.mark.parametrize(
    "wanted, steps, expected",
    [
        (256, 83, 83),  # a whole epoch per call
        (256, 1, 1),
        (256, 516, 172),  # three calls per epoch
        (256, 600, 200),
        (256, 257, None),  # a prime: one batch per call, Keras' data path is better
        (1, 83, 1),  # a callback needs every batch
        (10, 83, None),
        (10, 80, 10),
    ],
)
def test_aligned_steps_per_execution(wanted, steps, expected):
    assert aligned_steps_per_execution(wanted, steps) == expected


def test_aligned_steps_per_execution_where_the_pipeline_is_required():
    # sparse targets: any divisor, one batch per call for a prime
    assert aligned_steps_per_execution(256, 257, required=True) == 1
    assert aligned_steps_per_execution(10, 83, required=True) == 1
    assert aligned_steps_per_execution(256, 516, required=True) == 172


def test_an_array_given_twice_is_one_tensor():
    """An autoencoder's X is its targets too: one copy of it in TensorFlow."""
    X = np.arange(12.0).reshape(6, 2)
    x, y, weights = _tensors((X, X, np.ones(6)))
    assert x is y and weights is not x
    x, y = _tensors((X, X.copy()))
    assert x is not y


def batches_of(dataset, n_batches):
    return [tuple(t.numpy() for t in batch) for batch in dataset.take(n_batches)]


def test_epoch_batches_visit_every_row_once_per_epoch():
    X = np.arange(10, dtype=np.float32).reshape(10, 1)
    y, w = X[:, 0] * 2, X[:, 0] + 100
    dataset, steps = epoch_batches((X, y, w), 4, shuffle=True, seed=7), 3
    batches = batches_of(dataset, 3 * steps)  # three epochs
    assert [len(b[0]) for b in batches] == [4, 4, 2] * 3  # the remainder ends each epoch
    orders = []
    for epoch in range(3):
        rows = np.concatenate([b[0][:, 0] for b in batches[epoch * steps : (epoch + 1) * steps]])
        assert sorted(rows) == list(range(10))
        orders.append(rows.tolist())
    assert len({tuple(o) for o in orders}) == 3  # a new order every epoch
    for xb, yb, wb in batches:  # rows, targets and weights stay together
        np.testing.assert_array_equal(yb, xb[:, 0] * 2)
        np.testing.assert_array_equal(wb, xb[:, 0] + 100)
    # the orders depend on the seed only
    again = epoch_batches((X, y, w), 4, shuffle=True, seed=7)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches_of(again, 9), batches))
    other = epoch_batches((X, y, w), 4, shuffle=True, seed=8)
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(batches_of(other, 9), batches))
    # without shuffling, every epoch is in the original order
    plain = epoch_batches((X, y), 4, shuffle=False, seed=7)
    rows = [b[0][:, 0].tolist() for b in batches_of(plain, 6)]
    assert rows == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] * 2


def test_epoch_batches_keep_the_order_across_chunks():
    """Full batches are gathered CHUNK_BATCHES at a time: the order runs on
    across chunks, and the remainder still ends every epoch."""
    n, size = 1000, 7  # 142 full batches (three chunks), then 6 rows
    X = np.arange(n, dtype=np.float32).reshape(n, 1)
    order = np.random.RandomState(0).permutation(n)
    batches = batches_of(epoch_batches((X, X[:, 0]), size, shuffle=True, order=order), 2 * 143)
    assert [len(b[0]) for b in batches[:143]] == [size] * 142 + [6]
    for epoch in range(2):
        rows = np.concatenate([b[0][:, 0] for b in batches[epoch * 143 : (epoch + 1) * 143]])
        np.testing.assert_array_equal(rows, order)
    drawn = batches_of(epoch_batches((X, X[:, 0]), size, shuffle=True, seed=3), 2 * 143)
    for epoch in range(2):
        rows = np.concatenate([b[0][:, 0] for b in drawn[epoch * 143 : (epoch + 1) * 143]])
        assert sorted(rows) == list(range(n))


@pytest.mark.parametrize("n", [12, 10, 3])  # whole batches, a remainder, no whole batch
@pytest.mark.parametrize(
    "orders",
    [
        lambda n: dict(seed=5),
        lambda n: dict(seed=5, first_epoch=4),
        lambda n: dict(order=np.arange(n)[::-1]),
        lambda n: None,
    ],
    ids=["drawn", "later epochs", "fixed", "unshuffled"],
)
def test_gathered_batches_are_those_of_the_pipeline(n, orders):
    X = np.arange(2 * n, dtype=np.float64).reshape(n, 2)  # floats cast as the pipeline does
    arrays = ({"a": X, "b": X[:, :1] * 10}, np.arange(n) * 2, np.linspace(0, 1, n))
    orders = orders(n)
    shuffle, orders = orders is not None, orders or {}
    steps = -(-n // 4)
    gathered = gathered_batches(arrays, 4, shuffle, 3, **orders)
    expected = epoch_batches(arrays, 4, shuffle, **orders).take(3 * steps)
    got = list(gathered.take(3 * steps).as_numpy_iterator())
    assert len(got) == 3 * steps
    for a, b in zip(got, expected.as_numpy_iterator()):
        keras.tree.map_structure(np.testing.assert_array_equal, a, b)
    assert gathered.element_spec == expected.element_spec
    # endless as the pipeline is: Keras makes no new iterator at the end of a fit
    assert gathered.cardinality() == tf_infinite()


def tf_infinite():
    import tensorflow as tf

    return tf.data.INFINITE_CARDINALITY


@pytest.mark.parametrize(
    "budget, sparse, epochs, expected",
    [
        (10**6, False, 5, "gathered"),
        (1000, False, 5, "pipeline"),
        (10**6, True, 5, "pipeline"),
        (10**9, False, 257, "pipeline"),
    ],
)
def test_the_batches_of_small_fits_are_gathered_in_advance(
    monkeypatch, budget, sparse, epochs, expected
):
    """The fit's epochs of little data are gathered in advance (the pipeline's
    functions cost more to make and start than a small fit's training);
    more data, a sparse matrix, or more epochs than are worth drawing before
    training (early stopping may end it sooner) go through the pipeline."""
    X = np.ones((100, 4), np.float32)  # 5 epochs: 100 * 5 * (16 + 4) bytes
    monkeypatch.setattr(_data, "GATHERED_BYTES", budget)
    data = {"x": sp.csr_matrix(X) if sparse else X, "y": np.ones(100, np.float32)}
    fit_kwargs = {"epochs": epochs, "batch_size": 10}
    (dataset,) = _data.training_data(data, fit_kwargs, 10, lambda n, shuffle: {"seed": 0})[
        0
    ].values()
    assert ("MapDataset" in dataset_ops(dataset)) == (expected == "pipeline")
    assert fit_kwargs["steps_per_epoch"] == 10


def test_epoch_batches_of_a_sparse_matrix_are_those_of_its_dense_rows():
    """The rows of a SciPy sparse matrix are made dense a batch at a time, in
    the orders of the dense matrix (float64 values cast to floatx)."""
    X = sp.random(30, 5, density=0.3, format="csr", random_state=0)
    y = np.arange(30.0)
    on_sparse = batches_of(epoch_batches((X, y), 4, shuffle=True, seed=7), 16)
    on_dense = batches_of(epoch_batches((X.toarray(), y), 4, shuffle=True, seed=7), 16)
    for (xs, ys), (xd, yd) in zip(on_sparse, on_dense):
        assert xs.dtype == xd.dtype == keras.config.floatx()
        np.testing.assert_array_equal(xs, xd)
        np.testing.assert_array_equal(ys, yd)


def test_epoch_batches_of_a_sparse_matrix_can_be_sparse_tensors():
    """For a network of sparse input: each batch's rows as a tf.SparseTensor, its
    entries in row-major order, in the orders of the dense matrix (the last
    batch of each epoch with the remainder)."""
    import tensorflow as tf

    X = sp.random(30, 5, density=0.3, format="csr", random_state=0, dtype=np.float32)
    for a, b in zip(X.indptr[:-1], X.indptr[1:]):  # each row's columns in reverse
        X.indices[a:b], X.data[a:b] = X.indices[a:b][::-1].copy(), X.data[a:b][::-1].copy()
    X.has_sorted_indices = False
    y = np.arange(30.0)
    on_sparse = epoch_batches((X, y), 4, shuffle=True, seed=7, sparse=True)
    on_dense = epoch_batches((X.toarray(), y), 4, shuffle=True, seed=7)
    for (xs, ys), (xd, yd) in zip(on_sparse.take(16), on_dense.take(16)):
        assert isinstance(xs, tf.SparseTensor) and xs.dtype == keras.config.floatx()
        assert xs.dense_shape.numpy().tolist() == list(xd.shape)
        indices = xs.indices.numpy()
        np.testing.assert_array_equal(indices, sorted(indices.tolist()))
        np.testing.assert_array_equal(tf.sparse.to_dense(xs), xd)
        np.testing.assert_array_equal(ys, yd)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 4)).astype(np.float32)
    return X, X @ rng.normal(size=4)


@pytest.fixture
def iterators(monkeypatch):
    """The number of data iterators Keras makes."""
    made = []
    iterator_class = keras_epoch_iterator()
    original = iterator_class._get_iterator

    def counting(self):
        made.append(1)
        return original(self)

    monkeypatch.setattr(iterator_class, "_get_iterator", counting)
    return made


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPRegressor(hidden_layer_sizes=(8,), max_iter=6, batch_size=50),
        lambda: AutoencoderTransformer(hidden_layer_sizes=(8,), max_iter=6, batch_size=50),
    ],
)
def test_presets_make_one_data_iterator_per_fit(data, iterators, make):
    X, y = data
    make().fit(X, y)
    assert len(iterators) == 1
    iterators.clear()
    with skdl.config_context(single_pipeline=False):  # Keras' data path
        make().fit(X, y)
    assert len(iterators) == 6 + 1


class StepsAtEpochEnd(keras.callbacks.Callback):
    """The optimizer's step count at the end of each epoch (no batch hooks)."""

    def on_train_begin(self, logs=None):
        self.steps = []

    def on_epoch_end(self, epoch, logs=None):
        self.steps.append(int(self.model.optimizer.iterations.numpy()))


@pytest.mark.parametrize(
    "batch_size, steps, per_call",
    [(50, 12, 12), (2, 300, 150), (1, 600, 200)],
)
def test_every_epoch_trains_on_its_own_batches(data, batch_size, steps, per_call):
    """Keras does not end a multi-batch call at an epoch's end: the presets run a
    number of batches per call that divides the epoch."""
    X, y = data
    counter = StepsAtEpochEnd()
    reg = MLPRegressor(
        hidden_layer_sizes=(4,), max_iter=3, batch_size=batch_size, random_state=0,
        callbacks=[counter],
    ).fit(X, y)  # fmt: skip
    assert reg.model_.steps_per_execution == per_call
    assert reg.model_.optimizer.iterations.numpy() == 3 * steps
    assert reg.t_ == 3 * 600


def test_without_a_divisor_keras_data_path_is_used(iterators):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(257, 3))  # 257 batches of one row: a prime number
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, batch_size=1).fit(X, X[:, 0])
    assert len(iterators) == 2 + 1
    assert reg.model_.steps_per_execution == 256
    assert reg.model_.optimizer.iterations.numpy() == 2 * 257


def test_warm_fits_go_on_with_the_next_epochs_orders(data):
    """Fits that continue training take the orders of the epochs after those run
    so far: 3 + 3 warm epochs, or 6 partial fits, train as one fit of 6 epochs
    (with plain SGD, which a warm fit's fresh optimizer does not change)."""
    X, y = data
    params = dict(
        hidden_layer_sizes=(8,), batch_size=50, solver="sgd", momentum=0.0, random_state=0
    )
    whole = MLPRegressor(max_iter=6, **params).fit(X, y)
    warm = MLPRegressor(max_iter=3, warm_start=True, **params).fit(X, y).fit(X, y)
    np.testing.assert_allclose(warm.loss_curve_, whole.loss_curve_, rtol=1e-5)
    parts = MLPRegressor(**params)
    for _ in range(6):
        parts.partial_fit(X, y)
    np.testing.assert_allclose(parts.loss_curve_, whole.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(parts.predict(X), whole.predict(X), rtol=1e-4, atol=1e-5)
    # the order continues; the epochs are not those of a new fit
    assert warm.loss_curve_[3:] != MLPRegressor(max_iter=3, **params).fit(X, y).loss_curve_


def test_seeded_fits_are_reproducible_and_shuffle_per_seed(data):
    X, y = data
    params = dict(hidden_layer_sizes=(8,), max_iter=5, batch_size=50)
    first = MLPRegressor(random_state=0, **params).fit(X, y)
    second = MLPRegressor(random_state=0, **params).fit(X, y)
    assert first.loss_curve_ == second.loss_curve_
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    # the same initial weights with another order of the batches train differently
    unshuffled = MLPRegressor(random_state=0, shuffle=False, **params).fit(X, y)
    assert unshuffled.loss_curve_[0] != first.loss_curve_[0]
    # sample weights travel with their rows: the first epoch's weighted loss is
    # Keras' own, up to the order of the batches
    y_class = (y > 0).astype(int)
    weights = 1.0 + 3 * y_class
    first_losses = {}
    for single in (True, False):
        with skdl.config_context(single_pipeline=single):
            for weighted in (True, False):
                clf = MLPClassifier(random_state=0, **params)
                clf.fit(X, y_class, sample_weight=weights if weighted else None)
                first_losses[single, weighted] = clf.loss_curve_[0]
    for weighted in (True, False):
        assert first_losses[True, weighted] == pytest.approx(first_losses[False, weighted], 0.01)
    assert first_losses[True, True] != pytest.approx(first_losses[True, False], 0.01)


# ------------------------------------------------------------ Keras estimators


class RecordBatches(keras.layers.Layer):
    """Passes its input through and records, eagerly, the first column of every
    training batch (the row numbers when the data's first column holds them)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batches = []

    def call(self, x, training=False):
        if training:
            self.batches.append(keras.ops.convert_to_numpy(x[:, 0]).tolist())
        return x


def epochs_of(batches, per_epoch):
    return [sum(batches[i : i + per_epoch], []) for i in range(0, len(batches), per_epoch)]


def recorded_epochs(fit, n_rows=50, batch_size=8, epochs=3):
    """The rows of every epoch that ``fit(model, X, y)`` trains on, in order."""
    X = np.column_stack([np.arange(n_rows), np.ones(n_rows)]).astype(np.float32)
    recorder = RecordBatches()
    model = keras.Sequential([keras.Input((2,)), recorder, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    fit(model, X, X[:, 1], batch_size, epochs)
    return epochs_of(recorder.batches, -(-n_rows // batch_size))


def test_keras_orders_are_those_of_keras_fit():
    """Under a global seed Keras' ``fit`` repeats one order in every epoch: the
    order of its array adapter, which ``keras_order`` reads; the pipeline made
    from it trains on the same batches."""

    def keras_fit(model, X, y, batch_size, epochs):
        model.fit(X, y, batch_size=batch_size, epochs=epochs, verbose=0)

    keras.utils.set_random_seed(3)
    epochs = recorded_epochs(keras_fit)
    assert epochs[0] == epochs[1] == epochs[2] != list(range(50))
    keras.utils.set_random_seed(3)
    assert keras_order(50).tolist() == epochs[0]
    # read once per seed and number of rows, then remembered (and read-only)
    assert keras_order(50) is keras_order(50)
    assert not keras_order(50).flags.writeable
    np.testing.assert_array_equal(_data._read_keras_order(50), keras_order(50))
    keras.utils.set_random_seed(4)
    assert keras_order(50).tolist() != epochs[0]

    def pipeline_fit(model, X, y, batch_size, epochs):
        orders = keras_orders(len(X), shuffle=True)
        dataset = epoch_batches((X, y), batch_size, shuffle=True, **orders)
        steps = -(-len(X) // batch_size)
        model.fit(dataset, epochs=epochs, steps_per_epoch=steps, shuffle=False, verbose=0)

    keras.utils.set_random_seed(3)
    assert recorded_epochs(pipeline_fit) == epochs


def test_keras_orders_without_a_global_seed_draw_new_orders():
    """Unseeded, Keras draws a new order every epoch; so does the pipeline."""
    import tensorflow as tf

    with _keras.preserved_random_state():
        tf.random.set_seed(None)
        first, second = keras_orders(50, shuffle=True), keras_orders(50, shuffle=True)
    assert set(first) == {"seed"} and first != second
    assert keras_orders(50, shuffle=False) == {}


QUICK = dict(epochs=3, batch_size=16, random_state=0)
# name: (estimator, targets, validation data given to fit)
KERAS_ESTIMATORS = {
    "regressor, validation split, weights": (
        lambda: KerasRegressor(hidden_layer_sizes=(8,), validation_split=0.2, **QUICK),
        "weights",
        None,
    ),
    "classifier, 3 classes, validation data": (
        lambda: KerasClassifier(hidden_layer_sizes=(8,), **QUICK),
        "classes",
        "data",
    ),
    "wide and deep, two inputs, weighted validation data": (
        lambda: WideAndDeepRegressor(
            wide_features=[0, 1], deep_features=[2, 3], hidden_layer_sizes=(8,), **QUICK
        ),
        "float64",
        "weighted",
    ),
    "auxiliary output": (lambda: KerasRegressor(auxiliary_network, **QUICK), "float64", None),
    "transformer without y, validation data": (
        lambda: KerasTransformer(hidden_layer_sizes=(8,), output_layer=0, **QUICK),
        None,
        "data",
    ),
}


@pytest.mark.parametrize("name", list(KERAS_ESTIMATORS))
def test_keras_estimators_train_alike_on_every_data_path(data, iterators, monkeypatch, name):
    """The single pipeline changes how the batches reach Keras, not which: the
    same fit through Keras' array adapter (one iterator per epoch) gives the
    same network and history, validation losses included; so do batches
    gathered in advance (the data is small) and the pipeline that gathers them
    as training goes."""
    make, targets, validation = KERAS_ESTIMATORS[name]
    X, y = data
    kwargs = {}
    if targets == "weights":
        kwargs["sample_weight"] = np.linspace(0.5, 2.0, len(X))
    target = {
        "weights": y,
        "classes": np.digitize(y, [-1.0, 1.0]),
        "float64": y.astype(np.float64),
        None: None,
    }[targets]
    if validation is not None:
        X_val = X[:100].astype(np.float64) + 0.1
        given = (X_val,) if target is None else (X_val, target[:100])
        if validation == "weighted":
            given += (np.linspace(1.0, 2.0, 100),)
            kwargs["validation_batch_size"] = 24
        kwargs["validation_data"] = given[0] if target is None else given
    outputs, made = {}, {}
    paths = {"gathered": (True, _data.GATHERED_BYTES), "pipeline": (True, 0), "keras": (False, 0)}
    for path, (single, gathered_bytes) in paths.items():
        iterators.clear()
        with skdl.config_context(single_pipeline=single), monkeypatch.context() as patch:
            patch.setattr(_data, "GATHERED_BYTES", gathered_bytes)
            est = make().fit(X, target, **kwargs)
        made[path] = len(iterators)
        out = est.transform(X) if target is None else est.predict(X)
        outputs[path] = (out, est.history_)
    # one training iterator per fit instead of one per epoch and one more, or two
    # per epoch when Keras splits off the validation data itself (validation data
    # take one iterator per epoch on every path)
    assert made["keras"] - made["pipeline"] == (2 * 3 - 1 if "validation split" in name else 3)
    assert made["gathered"] == made["pipeline"]
    assert ("val_loss" in outputs["keras"][1]) == ("validation" in name)
    for path in ("gathered", "pipeline"):
        out, history = outputs[path]
        np.testing.assert_allclose(out, outputs["keras"][0], rtol=1e-6, atol=1e-7)
        assert history.keys() == outputs["keras"][1].keys()
        for key, values in history.items():
            np.testing.assert_allclose(values, outputs["keras"][1][key], rtol=1e-6, err_msg=key)


def test_validation_data_become_batches_in_order():
    """Arrays in ``validation_data`` reach Keras as a dataset of their batches
    (what Keras' array adapter would evaluate, without its work per batch)."""
    import tensorflow as tf

    X = np.arange(20, dtype=np.float64).reshape(10, 2)
    y, w = np.arange(10), np.linspace(1.0, 2.0, 10)
    fit_kwargs = {"batch_size": 4, "validation_data": (X, y, w), "validation_batch_size": 3}
    data = {"x": X, "y": y, "sample_weight": None}
    _data.training_data(data, fit_kwargs, 3, lambda n, shuffle: {})
    validation = fit_kwargs["validation_data"]
    assert isinstance(validation, tf.data.Dataset) and "validation_batch_size" not in fit_kwargs
    batches = batches_of(validation, 10)
    assert [len(b[0]) for b in batches] == [3, 3, 3, 1]  # one pass, in order
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X)
    np.testing.assert_array_equal(np.concatenate([b[2] for b in batches]), w.astype(np.float32))
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == y.dtype

    # the size of the training batches by default; (X_val,) alone for a transformer
    fit_kwargs = {"batch_size": 4, "validation_data": (X, None)}
    _data.training_data(data, fit_kwargs, 3, lambda n, shuffle: {})
    assert [len(b[0]) for b in batches_of(fit_kwargs["validation_data"], 10)] == [4, 4, 2]
    assert len(fit_kwargs["validation_data"].element_spec) == 1


@pytest.mark.parametrize(
    "fit_kwargs",
    [
        {"validation_steps": 2},  # Keras takes two batches of the arrays every epoch
        {"shuffle": "batch"},  # Keras' own path for the training data too
    ],
)
def test_validation_data_stay_arrays_where_keras_handles_them(fit_kwargs):
    X, y = np.ones((10, 2), np.float32), np.ones(10, np.float32)
    fit_kwargs = {"batch_size": 4, "validation_data": (X, y), **fit_kwargs}
    data = {"x": X, "y": y, "sample_weight": None}
    _data.training_data(data, fit_kwargs, 3, lambda n, shuffle: {})
    assert fit_kwargs["validation_data"][0] is X


def dataset_ops(dataset):
    """The kinds of tf.data operations in a pipeline."""
    from tensorflow.core.framework import graph_pb2

    graph = graph_pb2.GraphDef.FromString(dataset._as_serialized_graph().numpy())
    return {node.op for node in graph.node if node.op.endswith("Dataset")}


@pytest.mark.parametrize("limits", [None, (4, 2), (1, 1)])
def test_pipelines_need_no_thread_of_their_own_where_tensorflow_has_one(monkeypatch, limits):
    """In a worker whose TensorFlow runs one thread of each kind, the batches are
    made when Keras asks for them: no prefetching thread; the batches are the
    same. tf.data's autotuner is never used (its thread held up the end of
    some fits for a second), nor the prefetching it adds itself."""
    X, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10)
    expected = batches_of(epoch_batches((X, y), 4, shuffle=True, seed=3), 6)
    monkeypatch.setattr(skdl._threads, "_limits", limits)
    training = epoch_batches((X, y), 4, shuffle=True, seed=3)
    validation = _data.validation_batches((X, y), 4)
    single = limits == (1, 1)
    assert ("PrefetchDataset" in dataset_ops(training)) is not single
    assert "PrefetchDataset" not in dataset_ops(validation)
    for dataset in (training, validation):
        options = dataset.options()
        assert options.experimental_optimization.inject_prefetch is False
        assert options.autotune.enabled is False
    for got, want in zip(batches_of(training, 6), expected):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


class EveryBatch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


def test_batches_per_call_follow_the_estimators_wish_on_every_fit(data):
    """Each fit runs the divisor of its epoch closest to the number chosen at
    build time (not to the previous fit's), or one batch for batch callbacks."""
    X, y = data
    reg = KerasRegressor(hidden_layer_sizes=(4,), epochs=1, warm_start=True, random_state=0)
    reg.fit(X[:300], y[:300])  # 10 batches of 32
    assert reg.model_.steps_per_execution == 10
    reg.fit(X[:600], y[:600])
    assert reg.model_.steps_per_execution == 19
    reg.fit(X, y, callbacks=[EveryBatch()])
    assert reg.model_.steps_per_execution == 1
    reg.partial_fit(X[:300], y[:300])
    assert reg.model_.steps_per_execution == 10
