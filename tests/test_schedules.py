"""Tests of nblib.schedules against their formulas (and torch.optim.lr_scheduler if installed)."""

import math

import numpy as np
import pytest

from nblib import schedules


def values(schedule, epochs):
    return [schedule(epoch) for epoch in range(epochs)]


def test_constant():
    assert values(schedules.constant(0.3), 4) == [0.3] * 4


def test_step_decay_halves_every_ten_epochs():
    schedule = schedules.step_decay(0.1, drop=0.5, every=10)
    assert [schedule(e) for e in (0, 9, 10, 19, 20, 35)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])


def test_exponential_decay():
    schedule = schedules.exponential_decay(0.2, gamma=0.9)
    assert values(schedule, 4) == pytest.approx([0.2, 0.18, 0.162, 0.1458])


def test_cosine_half_cycle():
    schedule = schedules.cosine(1.0, total=10, lr_min=0.1)
    assert schedule(0) == 1.0
    assert schedule(5) == pytest.approx(0.55)  # halfway: the mean of lr and lr_min
    assert schedule(10) == pytest.approx(0.1)
    assert schedule(25) == pytest.approx(0.1)  # stays at lr_min after the half cycle
    assert schedule(2) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi * 0.2)) / 2)
    assert np.all(np.diff(values(schedule, 11)) < 0)


def test_cosine_with_restarts_fixed_period():
    schedule = schedules.cosine_with_restarts(0.5, period=4)
    expected = [0.5 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(4)]
    assert values(schedule, 12) == pytest.approx(expected * 3)


def test_cosine_with_restarts_growing_periods():
    schedule = schedules.cosine_with_restarts(1.0, period=10, mult=2, lr_min=0.0)
    restarts = [e for e in range(1, 80) if schedule(e) > schedule(e - 1)]
    assert restarts == [10, 30, 70]  # cycles of 10, 20, 40 epochs
    assert schedule(20) == pytest.approx(0.5)  # halfway through the 20-epoch cycle
    assert schedule(30 + 10) == pytest.approx((1 + math.cos(math.pi * 10 / 40)) / 2)


@pytest.mark.parametrize("make, bad, message", [
    (lambda: schedules.constant(-0.1), ValueError, "Invalid learning rate: -0.1"),
    (lambda: schedules.step_decay(0.1, drop=0.0), ValueError, "Invalid drop: 0.0"),
    (lambda: schedules.step_decay(0.1, drop=1.5), ValueError, "Invalid drop: 1.5"),
    (lambda: schedules.step_decay(0.1, every=0), ValueError, "Invalid every: 0"),
    (lambda: schedules.exponential_decay(0.1, gamma=0.0), ValueError, "Invalid gamma: 0.0"),
    (lambda: schedules.cosine(0.1, total=0), ValueError, "Invalid total: 0"),
    (lambda: schedules.cosine(0.1, total=10, lr_min=0.5), ValueError, "Invalid lr_min: 0.5"),
    (lambda: schedules.cosine_with_restarts(0.1, period=5, mult=0), ValueError, "Invalid mult: 0"),
    (lambda: schedules.cosine_with_restarts(0.1, period=2.5), TypeError, "period must be an integer"),
    (lambda: schedules.constant(0.1)(-1), ValueError, "Invalid epoch: -1"),
    (lambda: schedules.cosine(0.1, total=3)(1.5), TypeError, "epoch must be an integer"),
])
def test_bad_arguments_raise(make, bad, message):
    with pytest.raises(bad, match=message):
        make()


@pytest.mark.parametrize("ours, theirs", [
    (lambda: schedules.step_decay(0.1, drop=0.5, every=3),
     lambda torch, opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)),
    (lambda: schedules.exponential_decay(0.1, gamma=0.8),
     lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.8)),
    (lambda: schedules.cosine(0.1, total=7, lr_min=0.01),
     lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=7, eta_min=0.01)),
    (lambda: schedules.cosine_with_restarts(0.1, period=3, mult=2, lr_min=0.01),
     lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01)),
])
def test_matches_torch_lr_schedulers(ours, theirs):
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = theirs(torch, opt)
    expected = []
    for _ in range(8):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert values(ours(), 8) == pytest.approx(expected, rel=1e-12)


# --- Warm-up ------------------------------------------------------------------------------------

def _torch_rates(torch, make_scheduler, n, lr=0.1):
    """The rate PyTorch's scheduler sets before each of ``n`` optimizer steps."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = make_scheduler(opt)
    rates = []
    for _ in range(n):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return rates


@pytest.mark.parametrize("steps, start_factor, total, lr_min", [
    (5, 0.1, 20, 0.0), (3, None, 10, 0.01), (1, 0.5, 7, 0.0), (10, 1.0, 4, 0.02), (7, 1e-3, 30, 0.0),
])
def test_warmup_then_cosine_matches_torch_sequential_lr(steps, start_factor, total, lr_min):
    torch = pytest.importorskip("torch")
    ours = schedules.warmup(schedules.cosine(0.1, total, lr_min=lr_min), steps, start_factor=start_factor)
    factor = 1 / (steps + 1) if start_factor is None else start_factor
    lr_scheduler = torch.optim.lr_scheduler

    def chained(opt):
        ramp = lr_scheduler.LinearLR(opt, start_factor=factor, end_factor=1.0, total_iters=steps)
        decay = lr_scheduler.CosineAnnealingLR(opt, T_max=total, eta_min=lr_min)
        return lr_scheduler.SequentialLR(opt, [ramp, decay], milestones=[steps])

    n = steps + total + 1  # past T_max PyTorch's cosine rises again; ours stays at lr_min
    assert values(ours, n) == pytest.approx(_torch_rates(torch, chained, n), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("inner", [
    lambda: schedules.step_decay(0.1, drop=0.5, every=3),
    lambda: schedules.exponential_decay(0.1, gamma=0.8),
    lambda: schedules.cosine_with_restarts(0.1, period=4, mult=2),
])
def test_warmup_matches_torch_lambda_lr(inner):
    torch = pytest.importorskip("torch")
    ours = schedules.warmup(inner(), 6, start_factor=0.25)
    plain = inner()

    def factor(t):  # LambdaLR multiplies the base rate 0.1 by this
        return (0.25 + 0.75 * t / 6 if t < 6 else plain(t - 6) / 0.1)

    n = 30
    theirs = _torch_rates(torch, lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, factor), n)
    assert values(ours, n) == pytest.approx(theirs, rel=1e-12)


def test_warmup_default_ramp_and_hand_values():
    ramped = schedules.warmup(schedules.constant(0.3), 2)
    assert values(ramped, 4) == pytest.approx([0.1, 0.2, 0.3, 0.3])
    ramped = schedules.warmup(schedules.cosine(1.0, 4), 2, start_factor=0.5)
    assert values(ramped, 8) == pytest.approx([0.5, 0.75, 1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                               (1 + math.cos(3 * math.pi / 4)) / 2, 0.0, 0.0])
    ramped = schedules.warmup(lambda t: 0.2, 3, start_factor=1.0)  # no ramp at all; any callable
    assert values(ramped, 5) == [0.2] * 5


@pytest.mark.parametrize("make, bad, message", [
    (lambda: schedules.warmup(0.1, 5), TypeError, "schedule must be a function"),
    (lambda: schedules.warmup(schedules.constant(0.1), 0), ValueError, "Invalid steps: 0"),
    (lambda: schedules.warmup(schedules.constant(0.1), 2.5), TypeError, "steps must be an integer"),
    (lambda: schedules.warmup(schedules.constant(0.1), 5, start_factor=0.0), ValueError, "start_factor"),
    (lambda: schedules.warmup(schedules.constant(0.1), 5, start_factor=1.5), ValueError, "start_factor"),
    (lambda: schedules.warmup(schedules.constant(0.1), 5)(-1), ValueError, "Invalid epoch: -1"),
])
def test_warmup_bad_arguments_raise(make, bad, message):
    with pytest.raises(bad, match=message):
        make()


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(lr=st.floats(1e-6, 10.0), steps=st.integers(1, 200), factor=st.floats(1e-4, 1.0),
       total=st.integers(1, 300))
def test_warmup_properties(lr, steps, factor, total):
    inner = schedules.cosine(lr, total)
    ramped = schedules.warmup(inner, steps, start_factor=factor)
    ramp = [ramped(t) for t in range(steps + 1)]
    assert ramp[0] == pytest.approx(factor * lr, rel=1e-12)
    assert all(b >= a - 1e-15 * lr for a, b in zip(ramp, ramp[1:]))       # rises, never falls
    assert max(ramp) <= lr * (1 + 1e-12)                                 # never above the peak
    assert np.allclose(np.diff(ramp[:steps]), (1 - factor) * lr / steps, rtol=1e-9, atol=1e-12 * lr)  # a line
    for t in (steps, steps + 1, steps + total // 2, steps + total + 3):
        assert ramped(t) == inner(t - steps)                            # then the schedule, whole
