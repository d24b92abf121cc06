"""``random_state`` makes fits reproducible, in one process and across processes,
without touching the caller's global random state."""

import random
import subprocess
import sys
import threading
import time

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score

from skdl import KerasClassifier, KerasRegressor, _keras, _pool
from skdl._keras import _Turns

FAST = dict(hidden_layer_sizes=(8,), epochs=3)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    return X, X[:, 0] + X[:, 1] ** 2


def _dropout_model(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(1),
        ]
    )


def test_same_seed_same_predictions_with_dropout_and_shuffling(data):
    X, y = data
    a = KerasRegressor(_dropout_model, epochs=3, random_state=7).fit(X, y).predict(X)
    b = KerasRegressor(_dropout_model, epochs=3, random_state=7).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_a_seeded_fit_is_reproducible_beside_unseeded_fits_in_other_threads(data):
    # an unseeded fit in another thread drew its default seeds from the seeded
    # fit's streams, which changed the seeded fit's weights with the timing
    X, y = data

    def make(seed, epochs=2):
        return KerasRegressor(
            hidden_layer_sizes=(8, 8, 8), epochs=epochs, batch_size=8, random_state=seed
        )

    expected = make(0).fit(X, y).predict(X[:5])
    stop = threading.Event()

    def unseeded_fits():  # mostly building networks, drawing their seeds
        while not stop.is_set():
            make(None, epochs=1).fit(X[:5], y[:5])

    other = threading.Thread(target=unseeded_fits)
    other.start()
    try:
        predictions = [make(0).fit(X, y).predict(X[:5]) for _ in range(6)]
    finally:
        stop.set()
        other.join()
    for predicted in predictions:
        np.testing.assert_array_equal(predicted, expected)


def test_copies_made_in_other_threads_leave_a_seeded_fits_stream_alone():
    """A seeded fit's Keras objects draw their default seeds from the fit's
    own stream, in its thread only: a keras.Model parameter that another
    thread copies meanwhile (a threaded search's clone of the next candidate)
    took its seeds from that stream, which shifted the fit's dropout seeds."""
    from keras.src.random import seed_generator

    inside, go_on = threading.Event(), threading.Event()
    drawn = []

    def seeded_fit():
        with _keras._own_python_random(7):
            drawn.append(seed_generator.make_default_seed())
            inside.set()
            go_on.wait(10)
            drawn.append(seed_generator.make_default_seed())

    thread = threading.Thread(target=seeded_fit)
    thread.start()
    assert inside.wait(10)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    clone(KerasRegressor(model=model))  # draws the copy's default seeds
    seed_generator.make_default_seed()
    go_on.set()
    thread.join(10)
    own = random.Random(7)
    assert drawn == [own.randint(1, int(1e9)) for _ in range(2)]


def test_threads_routing_keras_seeds_at_once_keep_their_streams(monkeypatch):
    """The first blocks of two threads with streams of their own: the second
    to route Keras' seeds per thread made a router of its own, in place of
    the first's, and the first thread's draws went to the global stream."""
    from keras.src.random import seed_generator

    monkeypatch.setattr(seed_generator, "python_random", random)  # as Keras has it
    lock, inside, done, drawn = _keras._streams_lock, threading.Event(), threading.Event(), []

    def first_thread():
        with _keras._own_python_random(3):
            inside.set()
            done.wait(10)
            drawn.append(seed_generator.make_default_seed())

    me = threading.get_ident()

    class OtherThreadFirst:  # the lock, taken by the other thread first
        def __enter__(self):
            if threading.get_ident() == me:
                threading.Thread(target=first_thread).start()
                assert inside.wait(10)
            lock.acquire()

        def __exit__(self, *exc):
            lock.release()

    monkeypatch.setattr(_keras, "_streams_lock", OtherThreadFirst())
    with _keras._own_python_random(7):
        mine = seed_generator.make_default_seed()
    done.set()
    for _ in range(100):
        if drawn:
            break
        time.sleep(0.1)
    assert mine == random.Random(7).randint(1, int(1e9))
    assert drawn == [random.Random(3).randint(1, int(1e9))]


def test_a_first_prediction_rewinds_no_other_threads_draws(data, monkeypatch):
    """The first prediction of an architecture copies the network, and the
    copy's draws once were undone by restoring the global streams: the
    draws of other threads meanwhile were undone with them, and unseeded
    fits in those threads repeated each other."""
    X, y = data
    _pool.clear()
    reg = KerasRegressor(hidden_layer_sizes=(13,), epochs=1, random_state=0).fit(X, y)
    real, others = _keras.clone_network, []

    def copying_while_another_thread_draws(model):
        others.append((random.random(), np.random.rand()))
        return real(model)

    monkeypatch.setattr(_keras, "clone_network", copying_while_another_thread_draws)
    random.seed(5)
    np.random.seed(5)
    reg.predict(X[:2])
    after = (random.random(), np.random.rand())
    python, numpy = random.Random(5), np.random.RandomState(5)
    assert others == [(python.random(), numpy.rand())]  # the copy was made
    # the draws go on after the other thread's, and the copy drew nothing
    assert after == (python.random(), numpy.rand())


def test_a_waiting_seeded_fit_goes_before_unseeded_fits_that_begin_after_it():
    # unseeded fits in a loop, each beginning as the last one ends, kept a
    # seeded fit waiting for ever (on JAX) where they could begin beside one
    # another while it waited
    turns, order = _Turns(), []
    inside, leave = threading.Event(), threading.Event()

    def first_unseeded():
        with turns.shared():
            inside.set()
            leave.wait(10)
            order.append("first unseeded")

    def seeded():
        with turns.exclusive():
            order.append("seeded")

    def later_unseeded():
        with turns.shared():
            order.append("later unseeded")

    threads = [threading.Thread(target=first_unseeded)]
    threads[0].start()
    inside.wait(10)
    threads.append(threading.Thread(target=seeded))
    threads[1].start()
    deadline = time.monotonic() + 10
    while not getattr(turns, "_waiting", 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    threads.append(threading.Thread(target=later_unseeded))
    threads[2].start()
    threads[2].join(0.5)  # time enough to begin, were it let in
    leave.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first unseeded", "seeded", "later unseeded"]
    # and a thread already in a shared block enters another while one waits
    with turns.shared():
        waiting = threading.Thread(target=seeded)
        waiting.start()
        while not turns._waiting:
            time.sleep(0.01)
        with turns.shared():
            order.append("nested unseeded")
    waiting.join(10)
    assert order[3:] == ["nested unseeded", "seeded"]


def test_seeded_fits_that_unseeded_fits_start_in_two_threads_take_turns():
    # each thread, in an unseeded fit, starts a seeded one (a callback's): each
    # waited for the other's unseeded fit to end, for ever
    turns, order = _Turns(), []
    both_inside = threading.Barrier(2, timeout=10)

    def unseeded_starting_a_seeded(name):
        with turns.shared():
            both_inside.wait()
            with turns.exclusive():
                order.append(name)

    threads = [
        threading.Thread(target=unseeded_starting_a_seeded, args=(n,), daemon=True) for n in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(order) == ["a", "b"]


def test_unseeded_keras_draws_in_a_builder_follow_random_state(data):
    X, y = data
    draws = []

    def model(meta):
        draws.append(float(keras.random.uniform((), seed=None)))  # Keras' global generator
        return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])

    keras.random.uniform((), seed=None)  # the caller's global generator exists, and moves
    for _ in range(2):
        KerasRegressor(model, epochs=1, random_state=7).fit(X, y)
    assert draws[0] == draws[1]


class TensorFlowNoise(keras.layers.Layer):
    """Adds noise from TensorFlow's stateful random operations while training."""

    def call(self, x, training=False):
        if not training:
            return x
        import tensorflow as tf

        return x + tf.random.uniform(tf.shape(x)) + tf.random.uniform(tf.shape(x), seed=3)


def test_tensorflow_random_operations_in_a_layer_follow_random_state(data):
    # seeding keeps TensorFlow's caches: a new network's traced functions still
    # start their stateful random operations afresh
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's random operations")
    X, y = data

    def build(meta):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(8),
                TensorFlowNoise(),
                keras.layers.Dense(1),
            ]
        )

    a, b = (KerasRegressor(build, epochs=3, random_state=0).fit(X, y).predict(X) for _ in "ab")
    np.testing.assert_array_equal(a, b)


def noisy_mse(y_true, y_pred):
    """A loss of TensorFlow's stateful random draws, with and without a seed."""
    import tensorflow as tf

    noise = tf.random.uniform(tf.shape(y_pred), seed=3) + tf.random.uniform(tf.shape(y_pred))
    return keras.ops.mean(keras.ops.square(y_true - y_pred) * noise)


def test_a_shared_network_drawing_statefully_starts_its_draws_afresh_at_each_seeded_fit(data):
    # the fits share one compiled copy of the network, whose stateful random
    # operations went on from fit to fit once seeding kept TensorFlow's caches
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's random operations")
    X, y = data
    a, b, c = (
        KerasRegressor(loss=noisy_mse, random_state=0, **FAST).fit(X, y).predict(X) for _ in "abc"
    )
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_a_numpy_seed_of_the_callers_is_put_back(data):
    # TensorFlow takes a NumPy integer as its seed: the fit puts it back
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's seed")
    import tensorflow as tf

    X, y = data
    with _keras.preserved_random_state():
        tf.random.set_seed(np.int64(7))
        KerasRegressor(random_state=0, **FAST).fit(X, y)
        assert _keras.tf_global_seed() == 7


def test_random_state_instance_draws_a_seed(data):
    X, y = data
    a = KerasRegressor(random_state=np.random.RandomState(0), **FAST).fit(X, y).predict(X)
    b = KerasRegressor(random_state=np.random.RandomState(0), **FAST).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_global_random_state_is_not_changed(data):
    X, y = data
    random.seed(123)
    np.random.seed(123)
    py_state, np_state = random.getstate(), np.random.get_state()
    KerasRegressor(random_state=0, **FAST).fit(X, y)
    assert random.getstate() == py_state
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), np_state))
    # the next draws are what they would have been without skdl
    draws = (random.random(), np.random.rand())
    random.seed(123)
    np.random.seed(123)
    assert draws == (random.random(), np.random.rand())


FIRST_FIT = """
import random
import numpy as np
random.seed(123)
np.random.seed(123)
expected = (random.random(), np.random.rand())
random.seed(123)
np.random.seed(123)
from skdl import KerasRegressor
X = np.arange(40.0).reshape(20, 2)
KerasRegressor(hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(X, X[:, 0])
assert (random.random(), np.random.rand()) == expected, "changed"
"""


def test_first_fit_of_a_process_leaves_global_random_state():
    """Importing Keras draws from Python's and NumPy's global streams: the fit
    that imports it, the first of a process, leaves them as the others do."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FIT], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]


def _next_unseeded_draw(draw_before, fit):
    """Keras' next unseeded draw after ``set_random_seed(5)``, a draw or not, and ``fit``."""
    from keras.src.backend.common import global_state

    keras.utils.set_random_seed(5)
    # Keras >= 3.13 starts a new global generator at each seed; older ones keep theirs
    global_state.set_global_attribute("global_seed_generator", None)
    if draw_before:  # the global generator exists, and has drawn, before the fit
        keras.random.uniform((3,), seed=None)
    fit()
    return keras.random.uniform((3,), seed=None)


@pytest.mark.parametrize("draw_before", [False, True])
def test_global_keras_seed_is_restored(data, draw_before):
    X, y = data
    expected = _next_unseeded_draw(draw_before, fit=lambda: None)
    draw = _next_unseeded_draw(
        draw_before, fit=lambda: KerasRegressor(random_state=0, **FAST).fit(X, y)
    )
    np.testing.assert_array_equal(draw, expected)


def _backend_draw():
    """Three numbers from the backend's own global generator."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.random.uniform((3,)).numpy()
    if backend == "torch":
        import torch

        return torch.rand(3).numpy()
    pytest.skip(f"the {backend} backend has no global generator")


def _draws_after(seed_with):
    """Draws of every global stream that seeding sets, after ``seed_with(5)``."""
    from keras.src.backend.common import global_state

    seed_with(5)
    # Keras >= 3.13 starts a new global generator at each seed; older ones keep theirs
    global_state.set_global_attribute("global_seed_generator", None)
    draws = [
        random.random(),
        np.random.rand(),
        keras.ops.convert_to_numpy(keras.random.uniform((3,))).tolist(),
    ]
    try:
        import tensorflow as tf
    except ImportError:
        return draws
    shuffled = tf.data.Dataset.range(10).shuffle(10)  # seeded by the global seed
    return draws + [_keras.tf_global_seed(), list(shuffled.as_numpy_iterator())]


def test_seeding_sets_what_keras_set_random_seed_sets():
    with _keras.preserved_random_state():
        expected = _draws_after(keras.utils.set_random_seed)
        assert _draws_after(_keras.set_random_seed) == expected


def test_seeded_training_leaves_tensorflows_caches(data, monkeypatch):
    # tf.random.set_seed empties TensorFlow's caches: each seeded fit or
    # partial_fit instantiated its compiled functions again (half its time)
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's caches")
    from tensorflow.python import pywrap_tfe

    X, y = data
    est = KerasRegressor(random_state=0, **FAST).partial_fit(X, y)
    emptied = []
    clear = pywrap_tfe.TFE_ContextClearCaches
    monkeypatch.setattr(pywrap_tfe, "TFE_ContextClearCaches", lambda h: emptied.append(clear(h)))
    monkeypatch.setattr(_pool, "_networks_built", 0)  # its emptying is 16 networks away
    est.partial_fit(X, y)
    est.fit(X, y)
    assert emptied == []


@pytest.mark.parametrize("draws_before", [0, 2])
def test_backends_global_generator_is_restored(data, draws_before):
    # the backend's stream goes on where it was: after two draws, the third
    X, y = data
    keras.utils.set_random_seed(5)
    for _ in range(draws_before):
        _backend_draw()
    expected = _backend_draw()
    keras.utils.set_random_seed(5)
    for _ in range(draws_before):
        _backend_draw()
    KerasRegressor(_dropout_model, epochs=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(_backend_draw(), expected)


def test_search_and_cross_validation_are_reproducible(data):
    X, y = data
    grid = {"optimizer__learning_rate": [0.001, 0.01]}
    runs = [
        GridSearchCV(KerasRegressor(random_state=0, **FAST), grid, cv=2).fit(X, y)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(
        runs[0].cv_results_["mean_test_score"], runs[1].cv_results_["mean_test_score"]
    )
    y_class = (y > np.median(y)).astype(int)
    scores = [
        cross_val_score(
            KerasClassifier(random_state=0, **FAST), X, y_class, cv=3, scoring="neg_log_loss"
        )
        for _ in range(2)
    ]
    np.testing.assert_array_equal(scores[0], scores[1])


FRESH = """
import numpy as np
from skdl import KerasRegressor
rng = np.random.RandomState(0)
X = rng.normal(size=(60, 4))
y = X[:, 0] + X[:, 1] ** 2
pred = KerasRegressor(hidden_layer_sizes=(8,), epochs=3, random_state=11).fit(X, y).predict(X)
print(pred.astype(np.float32).tobytes().hex())
"""


def test_two_fresh_processes_agree():
    outputs = [
        subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, timeout=300)
        for _ in range(2)
    ]
    for out in outputs:
        assert out.returncode == 0, out.stderr
    assert outputs[0].stdout.strip() == outputs[1].stdout.strip() != ""
