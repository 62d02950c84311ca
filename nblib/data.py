"""Data sets used in the book. Everything is generated or bundled: nothing is downloaded."""

import numpy as np

from nblib.checks import as_array, as_count, as_flag, as_float_dtype, as_number, as_seed, same_length

#: The most examples a generator makes, and the highest degree of ``noisy_polynomial``.
MAX_EXAMPLES = 10 ** 7
MAX_DEGREE = 50


def seven_points():
    """The seven (x, y) points of the linear-regression chapters.

    Returns ``(x, y)``, two float64 arrays of shape ``(7,)``.
    """
    x = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
    y = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])
    return x, y


def face_patch_predictions():
    """Six predicted probabilities that an image patch is a face, and the true labels.

    Returns ``(predictions, targets)``, float64 arrays of shape ``(6,)``; the
    first three patches are faces (target 1), the last three are not (target 0).
    """
    predictions = np.array([0.71, 0.23, 0.55, 0.12, 0.44, 0.05])
    targets = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    return predictions, targets


def noisy_polynomial(n=11, degree=3, noise=0.15, seed=0, return_coef=False):
    """``n`` noisy samples of a smooth polynomial on ``[-1, 1]`` (for the overfitting chapter).

    The true curve is the Chebyshev polynomial ``T_degree``, which stays in
    [-1, 1] on the interval and turns ``degree - 1`` times (``T_3 = 4x^3 - 3x``);
    each y adds Gaussian noise of standard deviation ``noise`` drawn from the
    seeded generator. x is evenly spaced.

    Returns ``(x, y)``, float64 arrays of shape ``(n,)``; with ``return_coef``
    also the true coefficients ``(degree + 1,)``, lowest power first, for
    ``numpy.polynomial.polynomial.polyval(x, coef)``.
    """
    n = as_count(n, "n", minimum=2, maximum=MAX_EXAMPLES)
    degree = as_count(degree, "degree", minimum=0, maximum=MAX_DEGREE)
    noise = as_number(noise, "noise", low=0.0)
    seed = as_seed(seed)
    return_coef = as_flag(return_coef, "return_coef")
    coef = np.polynomial.chebyshev.cheb2poly([0.0] * degree + [1.0])
    x = np.linspace(-1.0, 1.0, n)
    y = np.polynomial.polynomial.polyval(x, coef) + np.random.default_rng(seed).normal(0.0, noise, n)
    return (x, y, coef) if return_coef else (x, y)


#: The polynomial task of chapters 7 to 9: y = x + Gaussian noise of this standard deviation on
#: [-1, 1], and the seed of its eleven training points.
POLY_NOISE = 0.2
POLY_SEED = 2


def polynomial_task():
    """The eleven training points of chapters 7 to 9 and the source's coefficients.

    Returns ``(x, y, coef)``: ``x`` evenly spaced on [-1, 1], ``y = x + noise``, each of shape
    (11,), and ``coef = [0, 1]`` (lowest power first).
    """
    return noisy_polynomial(11, degree=1, noise=POLY_NOISE, seed=POLY_SEED, return_coef=True)


def polynomial_task_fresh(n, seed):
    """``n`` unseen points from the same source as :func:`polynomial_task`.

    x is uniform on [-1, 1] and ``y = x + noise``. Returns ``(x, y)``, each of shape ``(n,)``.
    """
    n = as_count(n, "n", maximum=MAX_EXAMPLES)
    rng = np.random.default_rng(as_seed(seed))
    x = rng.uniform(-1.0, 1.0, n)
    return x, x + rng.normal(0.0, POLY_NOISE, n)


def noisy_wave(n=24, noise=0.1, seed=3):
    """``n`` noisy samples of the wave ``y = sin(3x) + 0.3x`` at random x on ``[-1, 1]`` (for the
    book's opening page: a curve a small network learns in a few hundred steps).

    x is drawn uniformly and sorted, then each y gets Gaussian noise of standard deviation
    ``noise``, both from the seeded generator. Returns ``(x, y)``, float64 arrays of shape ``(n,)``.
    """
    n = as_count(n, "n", minimum=1, maximum=MAX_EXAMPLES)
    noise = as_number(noise, "noise", low=0.0)
    rng = np.random.default_rng(as_seed(seed))
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    return x, np.sin(3.0 * x) + 0.3 * x + rng.normal(0.0, noise, n)


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaved half circles, a classification toy that no straight line separates.

    Class 0 lies on the upper half of the unit circle centred at (0, 0), class 1
    on the lower half of the one centred at (1, 0.5); Gaussian noise of standard
    deviation ``noise`` is added to every coordinate.

    Returns ``(X, y)``: X float64 ``(n, 2)``, y int ``(n,)`` with values 0 and 1
    (n // 2 points of class 0, the rest class 1), in shuffled order.
    """
    n = as_count(n, "n", minimum=2, maximum=MAX_EXAMPLES)
    noise = as_number(noise, "noise", low=0.0)
    rng = np.random.default_rng(as_seed(seed))
    y = np.arange(n) >= n // 2
    angle = rng.uniform(0.0, np.pi, n)
    X = np.column_stack([np.cos(angle), np.sin(angle)])
    X[y] = [1.0, 0.5] - X[y]
    X += rng.normal(0.0, noise, X.shape)
    order = rng.permutation(n)
    return X[order], y[order].astype(int)


def blobs(n=300, centers=3, std=0.6, seed=0):
    """Gaussian clusters in the plane, one class per cluster.

    centers: the number of clusters (their centres drawn uniformly from the box
        [-4, 4]^2) or an array ``(k, d)`` of centres.
    std: standard deviation of every cluster along every axis.

    Returns ``(X, y)``: X float64 ``(n, d)``, y int ``(n,)`` with values 0..k-1,
    classes as equal in size as n allows, in shuffled order.
    """
    n = as_count(n, "n", maximum=MAX_EXAMPLES)
    std = as_number(std, "std", low=0.0)
    rng = np.random.default_rng(as_seed(seed))
    if np.ndim(centers) == 0:
        centers = rng.uniform(-4.0, 4.0, (as_count(centers, "centers", maximum=n), 2))
    centers = as_array(centers, "centers", ndim=2)
    if n * centers.shape[1] > MAX_EXAMPLES:
        raise ValueError(f"n = {n} points with centers of {centers.shape[1]} coordinates are too many "
                         f"numbers (at most {MAX_EXAMPLES:,})")
    y = np.arange(n) % len(centers)
    X = centers[y] + rng.normal(0.0, std, (n, centers.shape[1]))
    order = rng.permutation(n)
    return X[order], y[order]


def digits(dtype=np.float64):
    """The 8x8 handwritten digits shipped with scikit-learn (Alpaydin & Kaynak 1998); no download.

    Returns ``(X, y)``: X ``(1797, 64)`` of the given dtype, pixel intensities
    0..16 divided by 16 so they lie in [0, 1], one image per row (reshape a
    row to (8, 8) to draw it); y int ``(1797,)``, the digit 0..9.
    dtype must be a floating type (integer pixels would all round to 0 or 1).
    """
    dtype = as_float_dtype(dtype)
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return (bunch.data / 16.0).astype(dtype), bunch.target.astype(int)


def train_val_test_split(X, y, val=0.15, test=0.15, seed=0, stratify=None):
    """Shuffle and split into training, validation and test sets.

    val, test: fractions of the examples for the validation and test sets;
        the rest, at least one example, is for training.
    stratify: keep each class's share the same in all three sets; the
        default None does so when y holds integer class labels.

    Returns six arrays: ``X_train, X_val, X_test, y_train, y_val, y_test``.
    """
    as_array(X, "X", ndim=(1, 2, 3, 4))
    as_array(y, "y", ndim=(1, 2))
    X, y = np.asarray(X), np.asarray(y)  # unconverted: integer labels stay integers
    same_length(X=X, y=y)
    val = as_number(val, "val", low=0.0, high=1.0)
    test = as_number(test, "test", low=0.0, high=1.0)
    seed = as_seed(seed)
    if stratify is not None:
        stratify = as_flag(stratify, "stratify")
    if val + test >= 1:
        raise ValueError(f"val + test must be below 1 to leave a training set, got {val} + {test}")
    integer_labels = np.issubdtype(y.dtype, np.integer) and y.ndim == 1
    if stratify and not integer_labels:
        raise ValueError(f"stratify needs integer class labels y of shape (n,), got dtype {y.dtype}, shape {y.shape}")
    if stratify is None:
        stratify = integer_labels
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == label) for label in np.unique(y)] if stratify else [np.arange(len(y))]
    parts = ([], [], [])
    for group in groups:
        group = rng.permutation(group)
        n_val, n_test = round(val * len(group)), round(test * len(group))
        parts[0].append(group[n_val + n_test:])
        parts[1].append(group[:n_val])
        parts[2].append(group[n_val:n_val + n_test])
    train, val_idx, test_idx = (rng.permutation(np.concatenate(part)) for part in parts)
    if len(train) == 0:
        raise ValueError("the training set would be empty; lower val and test")
    return X[train], X[val_idx], X[test_idx], y[train], y[val_idx], y[test_idx]


def digit_splits(val=0.2, test=0.2, seed=0):
    """The digits of :func:`digits` split into training, validation and test sets (stratified, seeded).

    val, test: the shares of the validation and test sets (60/20/20 by default, as in chapters 7
    to 9). Returns ``X_train, X_val, X_test, y_train, y_val, y_test`` as
    :func:`train_val_test_split` does.
    """
    X, y = digits()
    return train_val_test_split(X, y, val=val, test=test, seed=seed)
