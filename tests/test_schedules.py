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
