"""Data sets used in the book. Everything is generated or bundled: nothing is downloaded."""

import numpy as np


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
