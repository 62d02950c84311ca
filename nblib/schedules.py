"""Learning-rate schedules: plain functions from the epoch (counted from 0) to the rate.

Each factory checks its arguments and returns a callable ``schedule(epoch) -> lr``
for epochs from 0 to ``MAX_EPOCH``;
``fit`` sets ``optimizer.lr = schedule(epoch)`` at the start of every epoch.

>>> schedule = step_decay(0.1, drop=0.5, every=10)
>>> [schedule(epoch) for epoch in (0, 9, 10, 25)]
[0.1, 0.1, 0.05, 0.025]
"""

import math

from nblib.checks import as_count, as_number

__all__ = ["constant", "step_decay", "exponential_decay", "cosine", "cosine_with_restarts"]


#: The largest epoch a schedule answers for.
MAX_EPOCH = 10 ** 9


def _epoch(epoch):
    return as_count(epoch, "epoch", minimum=0, maximum=MAX_EPOCH)


def _rates(lr, lr_min):
    lr = as_number(lr, "learning rate", low=0.0)
    return lr, as_number(lr_min, "lr_min", low=0.0, high=lr)


def constant(lr):
    """``lr`` at every epoch."""
    lr = as_number(lr, "learning rate", low=0.0)

    def schedule(epoch):
        _epoch(epoch)
        return lr

    return schedule


def step_decay(lr, drop=0.5, every=10):
    """Multiply the rate by ``drop`` every ``every`` epochs:
    ``lr * drop ** floor(epoch / every)``."""
    lr = as_number(lr, "learning rate", low=0.0)
    drop = as_number(drop, "drop", low=0.0, high=1.0, low_inclusive=False)
    every = as_count(every, "every", maximum=MAX_EPOCH)

    def schedule(epoch):
        return lr * drop ** (_epoch(epoch) // every)

    return schedule


def exponential_decay(lr, gamma):
    """Multiply the rate by ``gamma`` every epoch: ``lr * gamma ** epoch``."""
    lr = as_number(lr, "learning rate", low=0.0)
    gamma = as_number(gamma, "gamma", low=0.0, high=1.0, low_inclusive=False)

    def schedule(epoch):
        return lr * gamma ** _epoch(epoch)

    return schedule


def _half_cosine(lr, lr_min, fraction):
    """From ``lr`` at fraction 0 down to ``lr_min`` at fraction 1 along half a cosine."""
    return lr_min + (lr - lr_min) * (1 + math.cos(math.pi * fraction)) / 2


def cosine(lr, total, lr_min=0.0):
    """Cosine annealing over ``total`` epochs (half a cycle), then ``lr_min``:

    ``lr_min + (lr - lr_min) * (1 + cos(pi * epoch / total)) / 2`` for ``epoch <= total``.
    """
    lr, lr_min = _rates(lr, lr_min)
    total = as_count(total, "total", maximum=MAX_EPOCH)

    def schedule(epoch):
        return _half_cosine(lr, lr_min, min(_epoch(epoch), total) / total)

    return schedule


def cosine_with_restarts(lr, period, mult=1, lr_min=0.0):
    """SGDR, Loshchilov & Hutter (2017): cosine annealing restarted at ``lr``.

    The first cycle lasts ``period`` epochs, each next one ``mult`` times longer
    (``T_i = period * mult**i``). With ``T_cur`` the epochs since the last restart:
    ``lr_min + (lr - lr_min) * (1 + cos(pi * T_cur / T_i)) / 2``.
    """
    lr, lr_min = _rates(lr, lr_min)
    period = as_count(period, "period", maximum=MAX_EPOCH)
    mult = as_count(mult, "mult", maximum=MAX_EPOCH)

    def schedule(epoch):
        t_cur, t_i = _epoch(epoch), period
        if mult == 1:
            t_cur %= period
        while t_cur >= t_i:  # with mult >= 2 the cycles double at least: a few dozen turns at most
            t_cur -= t_i
            t_i *= mult
        return _half_cosine(lr, lr_min, t_cur / t_i)

    return schedule
