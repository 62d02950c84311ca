import numpy as np

from nblib import data


def test_seven_points():
    x, y = data.seven_points()
    np.testing.assert_array_equal(x, [2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
    np.testing.assert_array_equal(y, [1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])


def test_face_patches():
    predictions, targets = data.face_patch_predictions()
    assert abs(np.mean(targets - predictions) - 0.15) < 1e-12
    assert abs(np.mean(np.abs(targets - predictions)) - 0.35333333333) < 1e-9
