"""
Hand-written digits: a dense network and a small CNN
====================================================

The MNIST tutorials of Keras, offline: scikit-learn's 8x8 digits stand in for
MNIST. scikit-learn's digits arrive as rows of 64 pixels, a table like any
other, and the CNN reshapes them back to 8x8x1 in its first layer
(``KerasClassifier`` takes images of shape ``(n, 8, 8)`` or ``(n, 8, 8, 1)``
as well, for a network whose input takes them: the last section feeds the
images as they are to the tutorials' own network).
"""

# %%
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl import KerasClassifier

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
EPOCHS = 2 if QUICK else 30

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)


# %%
# A dense network with dropout (the Keras "beginner" tutorial)
# -------------------------------------------------------------
def dense(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


# %%
# A small convolutional network
# -----------------------------
def cnn(meta, filters=16):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.Conv2D(filters, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(2 * filters, 3, activation="relu", padding="same"),
            keras.layers.Flatten(),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


models = {
    "dense": KerasClassifier(dense, epochs=EPOCHS, random_state=0),
    "CNN": KerasClassifier(cnn, epochs=EPOCHS, random_state=0),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:5s} test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Images as the MNIST tutorials give them
# ---------------------------------------
# Keras' MNIST arrives as images of shape ``(n, 28, 28)``, and the tutorials'
# networks begin with ``Flatten``. Here the digits' 8x8 images go in as they
# are, to a compiled model of the tutorials' kind (``keras.Input((8, 8))``
# is Keras 3's spelling of ``Flatten(input_shape=(8, 8))``); scikit-learn's
# splitters and searches split such an ``X`` by its first axis, the images.
images = load_digits().images / 16.0
images_train, images_test = train_test_split(images, stratify=y, random_state=0)
tutorial_model = keras.Sequential(
    [
        keras.Input((8, 8)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
tutorial_model.compile(
    optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
)
on_images = KerasClassifier(tutorial_model, epochs=EPOCHS, random_state=0)
on_images.fit(images_train, y_train)
print(f"dense on 8x8 images test accuracy: {on_images.score(images_test, y_test):.3f}")

# %%
# Where the CNN still errs
# ------------------------
ConfusionMatrixDisplay.from_estimator(models["CNN"], X_test, y_test, colorbar=False)
plt.title("CNN on the digits test set")

wrong = np.flatnonzero(models["CNN"].predict(X_test) != y_test)[:6]
fig, axes = plt.subplots(1, max(len(wrong), 1), figsize=(8, 1.8), squeeze=False)
for ax, i in zip(axes[0], wrong):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{y_test[i]} -> {models['CNN'].predict(X_test[i : i + 1])[0]}")
    ax.axis("off")
plt.show()
