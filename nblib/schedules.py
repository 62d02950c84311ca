"""Learning-rate schedules: plain functions from the epoch (counted from 0) to the rate.

Each factory checks its arguments and returns a callable ``schedule(epoch) -> lr``
for epochs from 0 to ``MAX_EPOCH``;
``fit`` sets ``optimizer.lr = schedule(epoch)`` at the start of every epoch.
The counter may as well count steps (a loop that sets the rate before every
step): a schedule only maps a count to a rate.

>>> schedule = step_decay(0.1, drop=0.5, every=10)
>>> [schedule(epoch) for epoch in (0, 9, 10, 25)]
[0.1, 0.1, 0.05, 0.025]

``warmup`` puts a linear ramp in front of any schedule:

>>> ramped = warmup(constant(0.1), steps=4)
>>> [round(ramped(step), 3) for step in range(6)]
[0.02, 0.04, 0.06, 0.08, 0.1, 0.1]
"""

import math

from nblib.checks import as_callable, as_count, as_number

__all__ = ["constant", "step_decay", "exponential_decay", "cosine", "cosine_with_restarts", "warmup"]


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


def warmup(schedule, steps, start_factor=None):
    """A linear warm-up of ``steps`` counts, then ``schedule`` from its own count 0.

    With ``lr0 = schedule(0)``, the rate at count ``t < steps`` is
    ``lr0 * (start_factor + (1 - start_factor) * t / steps)``, rising in a
    straight line from ``start_factor * lr0`` towards ``lr0``; from ``t = steps`` on
    it is ``schedule(t - steps)``, so the wrapped schedule runs whole after the
    ramp (as PyTorch's ``SequentialLR`` chains ``LinearLR`` and the next scheduler).
    ``start_factor`` is in (0, 1]; by default ``1 / (steps + 1)``, which makes the
    ramp ``lr0 * (t + 1) / (steps + 1)``: no step at a rate of zero.

    schedule: any callable ``count -> learning rate`` (this module's or your own).
    """
    schedule = as_callable(schedule, "schedule", "a function count -> learning rate")
    steps = as_count(steps, "steps", maximum=MAX_EPOCH)
    if start_factor is None:
        start_factor = 1.0 / (steps + 1)
    start_factor = as_number(start_factor, "start_factor", low=0.0, high=1.0, low_inclusive=False)

    def ramped(epoch):
        epoch = _epoch(epoch)
        if epoch >= steps:
            return schedule(epoch - steps)
        return schedule(0) * (start_factor + (1.0 - start_factor) * epoch / steps)

    return ramped
