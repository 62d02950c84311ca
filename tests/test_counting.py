import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import count_params
from nblib.counting import count_biases, count_weights


def test_mnist_network_counts():
    assert count_weights([784, 15, 10]) == 784 * 15 + 15 * 10 == 11910
    assert count_biases([784, 15, 10]) == 25
    assert count_params([784, 15, 10]) == 11935


def test_dogs_versus_cats_network():
    assert count_params([2, 2, 1]) == 2 * 2 + 2 + 2 * 1 + 1 == 9


@given(st.lists(st.integers(1, 50), min_size=2, max_size=6))
def test_count_matches_a_layer_by_layer_sum(sizes):
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert count_params(sizes) == expected


@pytest.mark.parametrize("sizes, error", [([5], ValueError), ([3, 0], ValueError), ([3, 2.5], TypeError)])
def test_bad_sizes(sizes, error):
    with pytest.raises(error):
        count_params(sizes)
