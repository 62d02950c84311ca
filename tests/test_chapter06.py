"""Chapter 6's own code (nblib.chapters.ch06): its numbers, its explorables and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import optim, schedules
from nblib.chapters import ch06
from nblib.surfaces import SURFACES, elongated_bowl, run

matplotlib.use("Agg")


@pytest.mark.parametrize("method", ch06.METHODS)
@pytest.mark.parametrize("surface", ["beale", "saddle"])
def test_batched_paths_match_the_engine(method, surface):
    lrs = [1e-3, 0.05, 0.5] if method != "AdaDelta" else [0.5, 1.0, 2.0]
    paths = ch06.batched_paths(SURFACES[surface], method, lrs, 40)
    for k, lr in enumerate(lrs):
        engine = run(ch06.engine_optimizer(method, lr), SURFACES[surface], steps=40).path
        mine = paths[:, k][np.isfinite(paths[:, k, 0])]
        assert mine.shape == engine.shape and np.allclose(mine, engine, rtol=1e-9, atol=1e-12)


def test_adam_first_step_is_the_learning_rate_and_adagrad_rates_are_one_over_root_g():
    st = ch06.state_numbers()
    assert st.first1.value == pytest.approx(ch06.LR_ADAM) and st.first2.value == pytest.approx(ch06.LR_ADAM)
    g = np.abs(elongated_bowl.grad(elongated_bowl.start))      # (9, 62.5): G_1 = g**2
    assert st.rate_flat_1.value == pytest.approx(ch06.LR_ADAGRAD / g[0])
    assert st.rate_steep_1.value == pytest.approx(ch06.LR_ADAGRAD / g[1])
    assert st.rate_flat_end.value < st.rate_flat_1.value


def test_saddle_escapes():
    sad = ch06.saddle_numbers()
    assert sad.adagrad.value is None and str(sad.adagrad) == "more than 200"
    assert sad.sgd.value > 150 and sad.adam.value < 60 and sad.rmsprop.value < 20
    # plain SGD by hand: w_2 grows by (1 + 2 lr) a step while small, from 0.001; it passes 1 near
    # log(1000) / log(1.04) = 176 steps, later once the w_2**3 term slows it
    assert 176 <= sad.sgd.value < 200


def test_tuned_rates_are_the_grid_best():
    surface = SURFACES["rosenbrock"]
    best = ch06.tuned_rate("rosenbrock", "Adam")
    losses = [run(optim.Adam(lr), surface, steps=ch06.RACE_STEPS).losses[-1]
              for lr in (best / 1.2, best, best * 1.2)]
    assert losses[1] <= min(losses[0], losses[2]) + 1e-12
    assert ch06.tuned_rate("beale", "AdaDelta") == 1.0


def test_things_to_try_in_the_race():
    paths = ch06.race_paths()
    k = {m: int(np.argmin(abs(ch06.MULTIPLIERS - m))) for m in (0.1, 1.0, 10.0)}

    def final(surface, method, multiplier):
        end = paths[surface, method][-1, k[multiplier]]
        return np.nan if np.isnan(end[0]) else float(SURFACES[surface].f(end))

    for surface in ("beale", "rosenbrock"):
        for method in ("SGD", "momentum", "Nesterov"):
            assert np.isnan(final(surface, method, 10.0))
        for method in ch06.METHODS[3:]:
            assert np.isfinite(final(surface, method, 10.0))
    assert min(final("rosenbrock", m, 0.1) for m in ch06.METHODS) > 1
    assert final("beale", "AdaDelta", 1.0) > 10
    assert sum(final("beale", m, 1.0) < 0.01 for m in ch06.METHODS) == 6
    for method in ("SGD", "momentum"):
        assert abs(final("saddle", method, 0.1)) < 0.05
    for method in ("Nesterov", "Adam"):
        assert final("saddle", method, 0.1) < -0.99
    for method in ("AdaGrad", "RMSprop"):
        assert final("elongated_bowl", method, 1.0) < 1e-50
    race = ch06.race_numbers()
    assert race.spread_sgd.value > 10 * race.spread_adam.value
    assert race.rosen_sgd.value > race.rosen_momentum.value > max(race.rosen_adagrad.value, race.rosen_rmsprop.value)


def test_schedules_numbers_and_spikes():
    sch = ch06.schedule_numbers()
    assert sch.spikes_constant.value >= 2 and sch.spikes_cosine.value == sch.spikes_step.value == 0
    assert sch.train_exponential.value == max(v.value for n, v in vars(sch).items() if n.startswith("train_"))
    assert ch06.spikes([1.0, 0.5, 1.2, 1.0, 3.0]) == 2 and ch06.spikes([1.0, 0.5, 1.2, 1.0, 3.0], start=3) == 1
    cosine = ch06.schedule_set()["cosine"]
    assert cosine(0) == ch06.LR_SCHEDULE and cosine(ch06.EPOCHS) == 0.0


def test_explorables_draw_every_frame_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = Figure(figsize=(8.0, 4.2))
        update = ch06.saddle_view(fig)
        for step in range(ch06.SADDLE_STEPS + 1):
            update(step=step)
        fig.canvas.draw()
        fig = Figure(figsize=(8.6, 3.6))
        update = ch06.race_animation_view(fig)
        for step in range(ch06.RACE_STEPS + 1):
            assert update(step=step).startswith("Step")
        fig.canvas.draw()
        fig = Figure(figsize=(10.0, 2.9))
        update = ch06.race_view(fig)
        for surface in ch06.RACE_SURFACES:
            for group in ch06.GROUPS:
                for scale in ch06.MULTIPLIERS:
                    assert update(surface=surface, group=group, scale=scale).startswith(surface)
        fig.canvas.draw()
    assert "SGD diverged" in update(surface="beale", group="all", scale=10.0)
    assert len(ch06.MULTIPLIERS) >= 21 and ch06.RACE_STEPS >= 100 and ch06.SADDLE_STEPS >= 100


def test_figures_draw():
    for name in ("state_figure", "schedules_figure", "schedule_run_figure", "race_figure"):
        assert isinstance(getattr(ch06, name)(), Figure)


# --- Exercises --------------------------------------------------------------------------------

def _cos(epoch, lr, total):
    return schedules.cosine(lr, total)(epoch)


@pytest.mark.parametrize("check, answer", [
    (ch06.check_6_1, 0.02),
    (ch06.check_6_2, 0.01),
    (ch06.check_6_3, "AdaGrad"),
    (ch06.check_6_4, _cos),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch06.check_6_1, 0.004, "square root"),
    (ch06.check_6_1, 0.1 / 7, "9 + 16"),
    (ch06.check_6_1, 0.025, "every squared gradient"),
    (ch06.check_6_2, 3e-5, "plain SGD"),
    (ch06.check_6_2, 0.01 * 0.1 / np.sqrt(0.001), "bias correction"),
    (ch06.check_6_3, "RMSprop", "running average"),
    (ch06.check_6_4, lambda e, lr, total: lr * np.cos(np.pi * e / total), "add 1"),
    (ch06.check_6_4, lambda e, lr, total: lr * (1 + np.cos(np.pi * e / total)) / 2, "cap the epoch"),
    (ch06.check_6_4, lambda e, lr, total: None, "return"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch06.check_6_1, ch06.check_6_2, ch06.check_6_3])
@pytest.mark.parametrize("odd", [..., None, "0.02", 0.02j, [1, None], float("nan"), float("inf"), print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
