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

from nblib.checks import (_describe, as_array, as_callable, as_count, as_number, as_seed,
                          finite_result)

#: Seconds in a Julian year (365.25 days).
SECONDS_PER_YEAR = 365.25 * 24 * 3600

#: Age of the universe in years (about 13.8 billion; Planck 2018 gives 13.79e9).
AGE_OF_UNIVERSE_YEARS = 1.38e10

#: Limits that keep a call short: parameters per guess, examples of a teacher problem, guesses
#: per search, numbers drawn per batch of guesses, digits of an exact grid count, significant digits.
MAX_PARAMS = 10 ** 5
MAX_EXAMPLES = 10 ** 6
MAX_GUESSES = 10 ** 7
MAX_BATCH_NUMBERS = 5 * 10 ** 7
MAX_DIGITS = 10 ** 5
MAX_SIGNIFICANT = 17

#: Most multiplications :func:`best_loss_by_dimension` may do (a minute or so).
MAX_SEARCH_WORK = 10 ** 11


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

    def __post_init__(self):
        as_array(self.params, "params", ndim=1)
        as_number(self.loss, "loss")
        as_count(self.best_index, "best_index", minimum=0)
        as_array(self.running_best, "running_best", ndim=1)


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
    At most ``MAX_PARAMS`` parameters and ``MAX_GUESSES`` guesses; one batch holds at
    most ``MAX_BATCH_NUMBERS`` numbers. Returns a :class:`SearchResult`.
    """
    as_callable(loss, "loss", "a function of a (k, n_params) array")
    n_params = as_count(n_params, "n_params", maximum=MAX_PARAMS)
    n_guesses = as_count(n_guesses, "n_guesses", maximum=MAX_GUESSES)
    scale = as_number(scale, "scale", low=0, high=1e100, low_inclusive=False)
    seed = as_seed(seed)
    batch = as_count(batch, "batch", maximum=MAX_GUESSES)
    if min(batch, n_guesses) * n_params > MAX_BATCH_NUMBERS:
        raise ValueError(f"min(batch, n_guesses) * n_params = {min(batch, n_guesses) * n_params:,} numbers in "
                         f"one batch of guesses, more than {MAX_BATCH_NUMBERS:,}; lower batch")

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

    Returns an exact Python ``int``, e.g. ``grid_guesses(11935, 10) == 10 ** 11935``, of up
    to ``MAX_DIGITS`` digits (for larger grids count with logarithms: ``n_dims * log10(bins)``).
    """
    bins, n_dims = as_count(bins, "bins"), as_count(n_dims, "n_dims")
    if bins > 1 and n_dims > MAX_DIGITS / math.log10(bins):
        raise ValueError(f"bins ** n_dims = {bins} ** {_describe(n_dims)} has more than {MAX_DIGITS:,} digits, "
                         f"too many to compute exactly; its log10 is n_dims * log10(bins)")
    return bins ** n_dims


def seconds_to_try(n_guesses, rate=1e9):
    """Seconds needed to evaluate ``n_guesses`` guesses at ``rate`` guesses per second.

    n_guesses: a count, possibly a huge Python int such as ``10 ** 11935``.
    Returns a float; ``math.inf`` when the time exceeds the largest float
    (use :func:`log10_seconds_to_try` for such numbers).
    """
    n_guesses = as_count(n_guesses, "n_guesses", minimum=0)
    rate = as_number(rate, "rate", low=0, low_inclusive=False)
    log_seconds = log10_seconds_to_try(max(n_guesses, 1), rate)
    if n_guesses == 0:
        return 0.0
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
    digits = _digits(digits)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Real):
        raise TypeError(f"n must be a positive number, got {_describe(n)}")
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
    digits = _digits(digits)
    exponent = math.floor(log10_value)
    return _rounded(10 ** (log10_value - exponent), exponent, digits)


def _digits(digits):
    """A number of significant digits: 1 to ``MAX_SIGNIFICANT`` (what a float holds)."""
    return as_count(digits, "digits", maximum=MAX_SIGNIFICANT)


def _exponent(n, name):
    """A power of ten as an int, small enough to print (at most 18 digits)."""
    return as_count(n, name, minimum=-10 ** 18, maximum=10 ** 18)


def _rounded(mantissa, exponent, digits):
    mantissa = round(mantissa, digits - 1)
    if mantissa >= 10:  # 9.996 rounds up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, int(exponent)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n):
    """An integer as Unicode superscript digits, e.g. ``superscript(19) == "¹⁹"``."""
    return str(_exponent(n, "n")).translate(_SUPERSCRIPTS)


def power_text(mantissa, exponent, digits=3):
    """``mantissa × 10^exponent`` as plain Unicode text, e.g. ``"3.17 × 10¹⁹"``; ``"10¹⁹"`` when mantissa is 1.

    A mantissa of 0 gives ``"0"`` (zero times any power of ten is zero).
    """
    mantissa = as_number(mantissa, "mantissa")
    power = "10" + superscript(_exponent(exponent, "exponent"))
    digits = _digits(digits)
    if mantissa == 0:
        return "0"
    if mantissa == 1:
        return power
    return f"{mantissa:.{digits - 1}f} × {power}"


def format_count(n, digits=3, exact_below=10 ** 15):
    """A count for people: ``"1,000"`` below ``exact_below``, else ``"1.00 × 10¹¹⁹³⁵"``-style text."""
    n = as_count(n, "n", minimum=0)
    digits = _digits(digits)
    if n < as_count(exact_below, "exact_below", minimum=0, maximum=10 ** 100):
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
    digits = _digits(digits)
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

    def __post_init__(self):
        X = as_array(self.X, "X", ndim=2)
        w_star = as_array(self.w_star, "w_star", ndim=1)
        y = as_array(self.y, "y", ndim=1)
        if X.shape != (len(y), len(w_star)):
            raise ValueError(f"X must have shape (len(y), len(w_star)) = {(len(y), len(w_star))}, got {X.shape}")
        if not np.any(y):
            raise ValueError("y must not be all zeros: the loss is normalised by the mean of y**2")

    @finite_result("W")
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
    n_weights = as_count(n_weights, "n_weights", maximum=MAX_PARAMS)
    n_examples = as_count(n_examples, "n_examples", maximum=MAX_EXAMPLES)
    if n_examples * n_weights > MAX_BATCH_NUMBERS:
        raise ValueError(f"n_examples * n_weights = {n_examples * n_weights:,} inputs, more than "
                         f"{MAX_BATCH_NUMBERS:,}; lower n_examples")
    scale = as_number(scale, "scale", low=0, high=1e100, low_inclusive=False)
    seed = as_seed(seed)
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
    dims = [as_count(d, "each d in dims", maximum=MAX_PARAMS) for d in _sequence(dims, "dims")]
    seeds = [as_seed(s, "each seed in seeds") for s in _sequence(seeds, "seeds")]
    if not dims or not seeds:
        raise ValueError("dims and seeds must not be empty")
    n_guesses = as_count(n_guesses, "n_guesses", maximum=MAX_GUESSES)
    n_examples = as_count(n_examples, "n_examples", maximum=MAX_EXAMPLES)
    work = len(seeds) * sum(dims) * n_guesses * n_examples
    if work > MAX_SEARCH_WORK:
        raise ValueError(f"len(seeds) * sum(dims) * n_guesses * n_examples = {work:.3g} multiplications, "
                         f"more than {MAX_SEARCH_WORK:.0e}; lower n_guesses or use fewer dims or seeds")
    best = np.empty((len(seeds), len(dims)))
    for a, seed in enumerate(seeds):
        for b, d in enumerate(dims):
            teacher = linear_teacher(d, n_examples=n_examples, seed=seed)
            search_seed = int(np.random.SeedSequence([seed, d, 1]).generate_state(1)[0])
            best[a, b] = random_search(teacher, d, n_guesses, seed=search_seed).loss
    return best


def _sequence(values, name):
    """``values`` as a list: a list, tuple or 1-D array, not a single number or a string."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.tolist()
    if not isinstance(values, (list, tuple, range)):
        raise TypeError(f"{name} must be a list of integers, got {_describe(values)}")
    return list(values)
