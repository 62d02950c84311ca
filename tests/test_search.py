import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nblib import count_params
from nblib.search import (
    AGE_OF_UNIVERSE_YEARS,
    SECONDS_PER_YEAR,
    best_loss_by_dimension,
    format_count,
    format_duration,
    grid_guesses,
    linear_teacher,
    log10_seconds_to_try,
    random_search,
    power_text,
    scientific,
    scientific_log10,
    seconds_to_try,
    superscript,
)


def bowl(centre):
    """Squared distance to ``centre`` for a batch of candidates (k, n) -> (k,)."""
    centre = np.asarray(centre, dtype=float)
    return lambda W: np.sum((W - centre) ** 2, axis=1)


# --- grid_guesses, seconds_to_try, scientific -------------------------------------------------


def test_grid_guesses_small_values():
    assert grid_guesses(2, 10) == 100
    assert grid_guesses(3, 10) == 1000
    assert grid_guesses(2, 100) == 10_000
    assert grid_guesses(5, 10) == 100_000
    assert grid_guesses(1, 1) == 1


def test_grid_guesses_for_the_mnist_network_is_an_exact_int():
    n = count_params([784, 15, 10])
    assert n == 11935
    guesses = grid_guesses(n, 10)
    assert type(guesses) is int
    assert guesses == 10 ** 11935
    assert guesses // 10 ** 11934 == 10 and guesses % 10 ** 11934 == 0
    assert math.log10(guesses) == 11935.0


@given(st.integers(1, 60), st.integers(1, 60))
def test_grid_guesses_is_repeated_multiplication(n_dims, bins):
    product = 1
    for _ in range(n_dims):
        product *= bins
    assert grid_guesses(n_dims, bins) == product


@pytest.mark.parametrize("args, error", [
    ((0, 10), ValueError), ((2, 0), ValueError), ((2.0, 10), TypeError), ((2, 10.5), TypeError),
    ((True, 10), TypeError), ((-1, 10), ValueError),
])
def test_grid_guesses_bad_input(args, error):
    with pytest.raises(error):
        grid_guesses(*args)


def test_seconds_to_try():
    assert seconds_to_try(10 ** 9) == pytest.approx(1.0)
    assert seconds_to_try(100, rate=50) == pytest.approx(2.0)
    assert seconds_to_try(0) == 0.0
    # 10**11935 guesses cannot be a float number of seconds: infinity, and its log stays finite.
    assert seconds_to_try(10 ** 11935) == math.inf
    assert log10_seconds_to_try(10 ** 11935) == pytest.approx(11926.0)
    assert log10_seconds_to_try(10 ** 12, rate=1e3) == pytest.approx(9.0)


def test_seconds_to_try_bad_input():
    with pytest.raises(ValueError, match="rate"):
        seconds_to_try(10, rate=0)
    with pytest.raises(ValueError, match="n_guesses"):
        seconds_to_try(-1)
    with pytest.raises(TypeError, match="n_guesses"):
        seconds_to_try(1.5)
    with pytest.raises(ValueError, match="n_guesses"):
        log10_seconds_to_try(0)


@pytest.mark.parametrize("n, expected", [
    (10 ** 11935, (1.0, 11935)),
    (2 ** 100, (1.27, 30)),          # 1267650600228229401496703205376
    (999, (9.99, 2)),
    (9999, (1.0, 4)),                # rounds up to the next power of ten
    (1, (1.0, 0)),
    (1.4e10, (1.4, 10)),
    (0.00123, (1.23, -3)),
    (3 * 10 ** 5000 + 7, (3.0, 5000)),
], ids=lambda value: f"{value}"[:20] if not isinstance(value, int) or value < 10 ** 20 else "big int")
def test_scientific(n, expected):
    mantissa, exponent = scientific(n)
    assert mantissa == pytest.approx(expected[0]) and exponent == expected[1]


@given(st.integers(1, 10 ** 400))
def test_scientific_brackets_any_int(n):
    mantissa, exponent = scientific(n, digits=12)
    assert 1 <= mantissa < 10
    assert 10 ** (exponent - 1) < n < 10 ** (exponent + 1)
    assert math.log10(mantissa) + exponent == pytest.approx(math.log10(n), abs=1e-10)


@pytest.mark.parametrize("n, error", [(0, ValueError), (-5, ValueError), (-1.0, ValueError),
                                      ("12", TypeError), (float("nan"), ValueError)])
def test_scientific_bad_input(n, error):
    with pytest.raises(error):
        scientific(n)


def test_scientific_log10_handles_numbers_beyond_floats():
    # 10**11935 guesses at 10**9 per second is 10**11926 seconds; in years:
    log_years = 11926 - math.log10(SECONDS_PER_YEAR)
    mantissa, exponent = scientific_log10(log_years)
    assert exponent == 11918
    assert mantissa == pytest.approx(10 ** (11926 - 11918) / SECONDS_PER_YEAR, rel=1e-3)
    assert scientific_log10(2.0) == (1.0, 2)
    assert scientific_log10(-0.5) == (pytest.approx(3.16), -1)


def test_power_text():
    assert power_text(1.0, 11935) == "10¹¹⁹³⁵"
    assert power_text(3.17, 19) == "3.17 × 10¹⁹"
    assert power_text(2.5, -3) == "2.50 × 10⁻³"


@pytest.mark.parametrize("n, text", [
    (0, "0"), (100, "100"), (11935, "11,935"), (10 ** 14, "100,000,000,000,000"),
    (10 ** 15, "10¹⁵"), (2 ** 60, "1.15 × 10¹⁸"), (10 ** 11935, "10¹¹⁹³⁵"),
], ids=["0", "100", "11935", "1e14", "1e15", "2**60", "10**11935"])
def test_format_count(n, text):
    assert format_count(n) == text


@pytest.mark.parametrize("n, text", [
    (1, "1 nanosecond"),
    (1000, "1 microsecond"),
    (2 ** 12, "4.1 microseconds"),
    (10 ** 9, "1 second"),
    (60 * 10 ** 9, "1 minute"),
    (10 ** 12, "16.7 minutes"),               # 1000 s
    (86400 * 10 ** 9 * 3, "3 days"),
    (10 ** 20, "3,169 years"),                # 1e11 s / 31,557,600 s per year
    (10 ** 24, "3.17 × 10⁷ years"),
    (10 ** 36, "3.17 × 10¹⁹ years, 2.30 × 10⁹ times the age of the universe"),
    (10 ** 11935, "3.17 × 10¹¹⁹¹⁸ years, 2.30 × 10¹¹⁹⁰⁸ times the age of the universe"),
], ids=lambda value: value if isinstance(value, str) else "n")
def test_format_duration(n, text):
    assert format_duration(n) == text


def test_format_duration_compares_with_the_age_of_the_universe_only_beyond_it():
    age_in_guesses = int(AGE_OF_UNIVERSE_YEARS * SECONDS_PER_YEAR * 1e9)
    assert "age of the universe" not in format_duration(age_in_guesses // 2)
    assert format_duration(3 * age_in_guesses).endswith("3 times the age of the universe")


def test_format_duration_other_rates():
    assert format_duration(100, rate=50) == "2 seconds"
    with pytest.raises(ValueError, match="rate"):
        format_duration(100, rate=-1)


# --- random_search ---------------------------------------------------------------------------


def test_random_search_finds_a_known_optimum_in_one_dimension():
    result = random_search(bowl([0.3]), n_params=1, n_guesses=2000, seed=1)
    assert abs(result.params[0] - 0.3) < 0.01
    assert result.loss == pytest.approx(float((result.params[0] - 0.3) ** 2))


def test_random_search_finds_a_known_optimum_in_two_dimensions():
    centre = np.array([-0.4, 0.7])
    result = random_search(bowl(centre), n_params=2, n_guesses=20_000, seed=3)
    assert np.linalg.norm(result.params - centre) < 0.03
    assert result.loss < 1e-3


def test_random_search_respects_scale():
    seen = []

    def record(W):
        seen.append(W.copy())
        return np.zeros(len(W))

    random_search(record, n_params=3, n_guesses=1000, scale=2.5, seed=0)
    W = np.concatenate(seen)
    assert W.shape == (1000, 3)
    assert W.min() >= -2.5 and W.max() <= 2.5
    assert W.min() < -2.3 and W.max() > 2.3   # the whole cube is used


def test_random_search_calls_loss_in_batches():
    sizes = []

    def loss(W):
        sizes.append(W.shape)
        return np.sum(W ** 2, axis=1)

    random_search(loss, n_params=4, n_guesses=1000, batch=300)
    assert sizes == [(300, 4), (300, 4), (300, 4), (100, 4)]


def test_random_search_is_deterministic_and_independent_of_batch():
    a = random_search(bowl([0.1, 0.2, 0.3]), 3, 5000, seed=7, batch=64)
    b = random_search(bowl([0.1, 0.2, 0.3]), 3, 5000, seed=7, batch=5000)
    c = random_search(bowl([0.1, 0.2, 0.3]), 3, 5000, seed=8)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.running_best, b.running_best)
    assert a.best_index == b.best_index
    assert not np.array_equal(a.params, c.params)


def test_best_index_points_at_the_best_guess():
    result = random_search(bowl([0.5, -0.5]), 2, 777, seed=2, batch=100)
    assert result.running_best[result.best_index] == result.loss
    assert result.best_index == 0 or result.running_best[result.best_index - 1] > result.loss
    assert result.running_best[-1] == result.loss


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 400), st.integers(0, 2 ** 32), st.integers(1, 97))
def test_running_best_is_non_increasing(n_params, n_guesses, seed, batch):
    result = random_search(bowl(np.full(n_params, 0.2)), n_params, n_guesses, seed=seed, batch=batch)
    assert result.running_best.shape == (n_guesses,)
    assert np.all(np.diff(result.running_best) <= 0)
    assert result.loss == result.running_best.min()


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 300), st.integers(1, 300), st.integers(0, 1000))
def test_more_guesses_with_the_same_seed_are_never_worse(n_params, short, extra, seed):
    loss = bowl(np.linspace(-0.5, 0.5, n_params))
    few = random_search(loss, n_params, short, seed=seed)
    many = random_search(loss, n_params, short + extra, seed=seed)
    assert many.loss <= few.loss
    np.testing.assert_array_equal(many.running_best[:short], few.running_best)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(loss=42), TypeError, "loss must be a function"),
    (dict(n_params=0), ValueError, "n_params"),
    (dict(n_params=2.0), TypeError, "n_params"),
    (dict(n_guesses=0), ValueError, "n_guesses"),
    (dict(scale=0.0), ValueError, "scale"),
    (dict(scale=float("inf")), ValueError, "scale"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(batch=0), ValueError, "batch"),
])
def test_random_search_bad_arguments(kwargs, error, message):
    arguments = dict(loss=bowl([0.0, 0.0]), n_params=2, n_guesses=10)
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        random_search(**arguments)


@pytest.mark.parametrize("loss, error, message", [
    (lambda W: np.sum(W, axis=0), ValueError, r"one loss per row of W, shape \(10,\)"),
    (lambda W: np.zeros((len(W), 1)), ValueError, "one loss per row"),
    (lambda W: np.full(len(W), np.nan), ValueError, "finite loss"),
    (lambda W: ["a"] * len(W), TypeError, "numbers"),
])
def test_random_search_bad_loss_output(loss, error, message):
    with pytest.raises(error, match=message):
        random_search(loss, n_params=2, n_guesses=10)


# --- the chapter's experiment ----------------------------------------------------------------


def test_linear_teacher_is_exact_and_normalised():
    teacher = linear_teacher(5, n_examples=40, seed=3)
    assert teacher.X.shape == (40, 5) and teacher.y.shape == (40,)
    assert np.all(np.abs(teacher.w_star) <= 1)
    losses = teacher(np.stack([teacher.w_star, np.zeros(5), 2 * teacher.w_star]))
    # At the teacher the loss is 0, at zero it is 1, at twice the teacher it is again 1.
    np.testing.assert_allclose(losses, [0.0, 1.0, 1.0], atol=1e-12)


def test_linear_teacher_loss_matches_a_direct_computation():
    teacher = linear_teacher(3, n_examples=10, seed=0)
    w = np.array([0.5, -0.2, 0.1])
    mse = np.mean((teacher.X @ w - teacher.y) ** 2)
    assert teacher(w[None, :])[0] == pytest.approx(mse / np.mean(teacher.y ** 2))


def test_linear_teacher_is_reproducible_and_rejects_wrong_widths():
    a, b = linear_teacher(4, seed=11), linear_teacher(4, seed=11)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.w_star, b.w_star)
    with pytest.raises(ValueError, match="4 columns"):
        a(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="n_weights"):
        linear_teacher(0)


def test_best_loss_grows_with_the_number_of_weights():
    dims = [1, 2, 5, 20, 100]
    best = best_loss_by_dimension(dims, n_guesses=2000, seeds=range(4))
    assert best.shape == (4, 5)
    assert np.all(best >= 0)
    median = np.median(best, axis=0)
    assert np.all(np.diff(median) > 0)
    assert median[0] < 1e-3      # one weight: 2000 guesses nail it
    assert median[-1] > 0.8      # a hundred weights: barely better than guessing zero, or worse


def test_best_loss_by_dimension_is_deterministic():
    a = best_loss_by_dimension([1, 3, 10], n_guesses=500, seeds=[0, 1])
    b = best_loss_by_dimension([1, 3, 10], n_guesses=500, seeds=[0, 1])
    np.testing.assert_array_equal(a, b)


def test_best_loss_by_dimension_bad_input():
    with pytest.raises(ValueError):
        best_loss_by_dimension([], n_guesses=10)
    with pytest.raises(ValueError):
        best_loss_by_dimension([1, 0], n_guesses=10)
    with pytest.raises(TypeError):
        best_loss_by_dimension([1, 2.5], n_guesses=10)


def test_superscript():
    assert superscript(19) == "¹⁹"
    assert superscript(-3) == "⁻³"
