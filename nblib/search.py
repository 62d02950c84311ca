"""Random search: guess parameters at random, keep the best guess.

This is the naive way to train a model, the one chapter 1 uses to show why
training is hard. A *loss* here is any function that scores a batch of candidate
parameter vectors at once::

    def loss(W):            # W: (k, n_params), one candidate per row
        return ...          # (k,) one loss per candidate, lower is better

so that a search evaluates thousands of guesses with a few array operations
instead of a Python loop over guesses.

The module also counts what an exhaustive grid search would cost
(:func:`grid_guesses`, :func:`seconds_to_try`) with exact Python integers, so
that ``10 ** 11935`` is a number one can compute with rather than an overflow.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np

from nblib.checks import as_array, as_count, as_number

#: Seconds in a Julian year (365.25 days).
SECONDS_PER_YEAR = 365.25 * 24 * 3600

#: Age of the universe in years (about 13.8 billion; Planck 2018 gives 13.79e9).
AGE_OF_UNIVERSE_YEARS = 1.38e10


@dataclass(frozen=True)
class SearchResult:
    """What a random search found.

    params: (n_params,) the best guess.
    loss: its loss.
    best_index: which guess it was (0-based, in the order the guesses were drawn).
    running_best: (n_guesses,) the lowest loss among the first ``t + 1`` guesses, for each t.
    """

    params: np.ndarray
    loss: float
    best_index: int
    running_best: np.ndarray


def random_search(loss, n_params, n_guesses, scale=1.0, seed=0, batch=4096):
    """Try ``n_guesses`` random parameter vectors and keep the one with the lowest loss.

    Each guess is drawn uniformly from the cube ``[-scale, scale] ** n_params``.

    loss: ``loss(W) -> losses`` with ``W`` of shape ``(k, n_params)``, one candidate
        per row, returning ``k`` finite losses, shape ``(k,)``. It is called with at
        most ``batch`` candidates at a time.
    n_params: number of parameters in one guess.
    n_guesses: how many guesses to try (the budget).
    scale: half the side of the cube the guesses come from.
    seed: seed of the random generator, an integer >= 0.
    batch: largest number of guesses scored in one call of ``loss``.

    The guesses depend only on ``seed`` and ``n_params``, not on ``batch``: the first
    ``t`` guesses of a longer search are exactly the guesses of a search of length ``t``.
    Returns a :class:`SearchResult`.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function of a (k, n_params) array, got {type(loss).__name__}")
    n_params = as_count(n_params, "n_params")
    n_guesses = as_count(n_guesses, "n_guesses")
    scale = as_number(scale, "scale", low=0, low_inclusive=False)
    seed = as_count(seed, "seed", minimum=0)
    batch = as_count(batch, "batch")

    rng = np.random.default_rng(seed)
    losses = np.empty(n_guesses)
    best_params, best_loss, best_index = None, math.inf, -1
    for start in range(0, n_guesses, batch):
        k = min(batch, n_guesses - start)
        W = rng.uniform(-scale, scale, size=(k, n_params))
        scores = _scores(loss(W), k)
        losses[start:start + k] = scores
        i = int(np.argmin(scores))
        if scores[i] < best_loss:
            best_params, best_loss, best_index = W[i].copy(), float(scores[i]), start + i
    return SearchResult(best_params, best_loss, best_index, np.minimum.accumulate(losses))


def _scores(values, k):
    """The losses a loss function returned, checked: k finite numbers."""
    try:
        scores = as_array(values, "the losses returned by loss(W)", allow_empty=True)
    except ValueError as error:
        raise ValueError(f"{error}; every guess needs a finite loss") from None
    if scores.shape != (k,):
        raise ValueError(f"loss(W) must return one loss per row of W, shape ({k},); got shape {scores.shape}")
    return scores


def grid_guesses(n_dims, bins):
    """Number of points of a grid with ``bins`` values on each of ``n_dims`` axes: ``bins ** n_dims``.

    Returns an exact Python ``int`` of any size, e.g. ``grid_guesses(11935, 10) == 10 ** 11935``.
    """
    return as_count(bins, "bins") ** as_count(n_dims, "n_dims")


def seconds_to_try(n_guesses, rate=1e9):
    """Seconds needed to evaluate ``n_guesses`` guesses at ``rate`` guesses per second.

    n_guesses: a count, possibly a huge Python int such as ``10 ** 11935``.
    Returns a float; ``math.inf`` when the time exceeds the largest float
    (use :func:`log10_seconds_to_try` for such numbers).
    """
    n_guesses = as_count(n_guesses, "n_guesses", minimum=0)
    rate = as_number(rate, "rate", low=0, low_inclusive=False)
    if n_guesses == 0:
        return 0.0
    log_seconds = log10_seconds_to_try(n_guesses, rate)
    if log_seconds > math.log10(np.finfo(float).max) - 1e-12:
        return math.inf
    return n_guesses / rate


def log10_seconds_to_try(n_guesses, rate=1e9):
    """``log10`` of :func:`seconds_to_try`, finite for any positive count of guesses."""
    n_guesses = as_count(n_guesses, "n_guesses")
    rate = as_number(rate, "rate", low=0, low_inclusive=False)
    return math.log10(n_guesses) - math.log10(rate)


def scientific(n, digits=3):
    """Mantissa and exponent of a positive number in base 10: ``n == mantissa * 10 ** exponent``.

    n: a positive int (any size, e.g. ``10 ** 11935``) or float.
    Returns ``(mantissa, exponent)`` with ``1 <= mantissa < 10`` rounded to
    ``digits`` significant digits and an exact int ``exponent``.
    """
    digits = as_count(digits, "digits")
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(f"n must be a positive number, got {type(n).__name__}")
    if isinstance(n, numbers.Integral):
        n = int(n)
        if n <= 0:
            raise ValueError(f"Invalid n: {n} (expected a positive number)")
        exponent = int(math.log10(n))
        if 10 ** exponent > n:  # math.log10 rounds; fix the exponent with exact integers
            exponent -= 1
        if 10 ** (exponent + 1) <= n:
            exponent += 1
        return _rounded(n / 10 ** exponent, exponent, digits)
    n = as_number(n, "n", low=0, low_inclusive=False)
    return scientific_log10(math.log10(n), digits)


def scientific_log10(log10_value, digits=3):
    """Like :func:`scientific` for the number ``10 ** log10_value``, which may be too large for a float."""
    log10_value = as_number(log10_value, "log10_value")
    digits = as_count(digits, "digits")
    exponent = math.floor(log10_value)
    return _rounded(10 ** (log10_value - exponent), exponent, digits)


def _rounded(mantissa, exponent, digits):
    mantissa = round(mantissa, digits - 1)
    if mantissa >= 10:  # 9.996 rounds up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, int(exponent)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n):
    """An integer as Unicode superscript digits, e.g. ``superscript(19) == "¹⁹"``."""
    return str(int(n)).translate(_SUPERSCRIPTS)


def power_text(mantissa, exponent, digits=3):
    """``mantissa × 10^exponent`` as plain Unicode text, e.g. ``"3.17 × 10¹⁹"``; ``"10¹⁹"`` when mantissa is 1."""
    power = "10" + superscript(exponent)
    if mantissa == 1:
        return power
    return f"{mantissa:.{digits - 1}f} × {power}"


def format_count(n, digits=3, exact_below=10 ** 15):
    """A count for people: ``"1,000"`` below ``exact_below``, else ``"1.00 × 10¹¹⁹³⁵"``-style text."""
    n = as_count(n, "n", minimum=0)
    if n < exact_below:
        return f"{n:,}"
    return power_text(*scientific(n, digits), digits=digits)


#: Units for :func:`format_duration`, largest first: (name, seconds).
_UNITS = [("years", SECONDS_PER_YEAR), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0),
          ("seconds", 1.0), ("milliseconds", 1e-3), ("microseconds", 1e-6), ("nanoseconds", 1e-9)]


def format_duration(n_guesses, rate=1e9, digits=3):
    """How long ``n_guesses`` guesses take at ``rate`` per second, as text for people.

    Examples: ``"1 microsecond"``, ``"16.7 minutes"``, ``"3,169 years"``,
    ``"3.17 × 10¹⁹ years, 2.30 × 10⁹ times the age of the universe"``. Works for counts of
    any size because it computes with logarithms.
    """
    n_guesses = as_count(n_guesses, "n_guesses")
    log_seconds = log10_seconds_to_try(n_guesses, rate)
    for name, unit in _UNITS:
        if log_seconds >= math.log10(unit) - 1e-12 or name == "nanoseconds":
            break
    amount = _amount_text(log_seconds - math.log10(unit), digits)
    if amount == "1":
        name = name[:-1]
    text = f"{amount} {name}"
    log_ages = log_seconds - math.log10(SECONDS_PER_YEAR * AGE_OF_UNIVERSE_YEARS)
    if log_ages >= 0:
        text += f", {_amount_text(log_ages, digits)} times the age of the universe"
    return text


def _amount_text(log10_value, digits):
    """``10 ** log10_value`` as text: ``"16.7"``, ``"3,169"``, or ``"3.17 × 10⁷"`` from a million up."""
    if log10_value >= 6:
        return power_text(*scientific_log10(log10_value, digits), digits=digits)
    value = 10 ** log10_value
    return f"{value:,.0f}" if value >= 10 ** digits else f"{value:.{digits}g}"


# --- The chapter's experiment: a fixed budget against more and more weights -------------------


@dataclass(frozen=True)
class LinearTeacher:
    """A regression problem whose best weights are known: ``y = X @ w_star``.

    X: (n_examples, n_weights) inputs; w_star: (n_weights,) the teacher's weights;
    y: (n_examples,) targets. Call it with candidate weights ``W: (k, n_weights)`` to get
    their normalised mean squared error, shape ``(k,)``: the MSE divided by the MSE of
    ``W = 0``, so that 0 is a perfect fit and 1 is as bad as predicting zero, whatever
    the number of weights.
    """

    X: np.ndarray
    w_star: np.ndarray
    y: np.ndarray

    def __call__(self, W):
        W = as_array(W, "W", ndim=2)
        if W.shape[1] != self.w_star.size:
            raise ValueError(f"W must have {self.w_star.size} columns (one per weight), got shape {W.shape}")
        residuals = W @ self.X.T - self.y          # (k, n_examples)
        return np.mean(residuals ** 2, axis=1) / np.mean(self.y ** 2)


def linear_teacher(n_weights, n_examples=100, scale=1.0, seed=0):
    """A :class:`LinearTeacher` with standard normal inputs and ``w_star`` uniform in ``[-scale, scale]``.

    The same ``(n_weights, n_examples, scale, seed)`` always gives the same problem.
    """
    n_weights = as_count(n_weights, "n_weights")
    n_examples = as_count(n_examples, "n_examples")
    scale = as_number(scale, "scale", low=0, low_inclusive=False)
    seed = as_count(seed, "seed", minimum=0)
    rng = np.random.default_rng([seed, n_weights])
    X = rng.standard_normal((n_examples, n_weights))
    w_star = rng.uniform(-scale, scale, size=n_weights)
    return LinearTeacher(X, w_star, X @ w_star)


def best_loss_by_dimension(dims, n_guesses, seeds=(0, 1, 2, 3, 4), n_examples=100):
    """Best normalised loss that random search finds with a fixed budget, for each number of weights.

    dims: numbers of weights to try, e.g. ``[1, 2, 5, 10, 20, 50]``.
    n_guesses: the budget of random guesses, the same for every ``d``.
    seeds: one teacher problem and one search per seed and ``d``.

    For each ``d`` and seed, :func:`linear_teacher` makes a problem with ``d`` weights
    and :func:`random_search` draws ``n_guesses`` guesses from the same cube as the
    teacher's weights. Returns the best losses, shape ``(len(seeds), len(dims))``;
    0 means the teacher was found, 1 is the loss of all-zero weights.
    """
    dims = [as_count(d, "each d in dims") for d in dims]
    seeds = [as_count(s, "each seed", minimum=0) for s in seeds]
    if not dims or not seeds:
        raise ValueError("dims and seeds must not be empty")
    n_guesses = as_count(n_guesses, "n_guesses")
    best = np.empty((len(seeds), len(dims)))
    for a, seed in enumerate(seeds):
        for b, d in enumerate(dims):
            teacher = linear_teacher(d, n_examples=n_examples, seed=seed)
            search_seed = int(np.random.SeedSequence([seed, d, 1]).generate_state(1)[0])
            best[a, b] = random_search(teacher, d, n_guesses, seed=search_seed).loss
    return best
