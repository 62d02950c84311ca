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


def test_saddle_escapes_and_its_lessons():
    sad = ch06.saddle_numbers()
    assert sad.adagrad.value is None and str(sad.adagrad) == "more than 200"
    assert sad.sgd.value > 150 and sad.adam.value < 60 and sad.rmsprop.value < 20
    # plain SGD by hand: w_2 grows by (1 + 2 lr) a step while small, from 0.001; it passes 1 near
    # log(1000) / log(1.04) = 176 steps, later once the w_2**3 term slows it
    assert 176 <= sad.sgd.value < 200
    # RMSprop's first step is 10 alpha in every coordinate (no bias correction, rho = 0.99);
    # Adam's and AdaGrad's exactly alpha; SGD moves w_2 by alpha * 2 * 0.001
    assert sad.first_rmsprop.value == pytest.approx(10.0, rel=1e-6)
    assert sad.first_adam.value == pytest.approx(1.0, rel=1e-6) and sad.first_adagrad.value == pytest.approx(1.0)
    assert sad.first_sgd.value == pytest.approx(ch06.LR_SADDLE * 2e-3, rel=1e-3)
    table = ch06.escape_table()
    lr = ch06.LR_SADDLE
    # the adaptive methods do not care how close to the ridge they start; SGD and momentum do
    for method in ("Adam", "RMSprop", "AdaGrad"):
        steps = [table[method, lr, h] for h in ch06.HEIGHTS]
        assert max(steps) - min(steps) <= 2, (method, steps)
    for method in ("SGD", "momentum"):
        steps = [table[method, lr, h] for h in ch06.HEIGHTS]
        assert all(b > 1.3 * a for a, b in zip(steps, steps[1:])), (method, steps)
    # which is fastest depends on the rate: SGD at 10x beats Adam; RMSprop at 1/10 is slower than SGD
    assert table["SGD", 10 * lr, 1e-3] < table["Adam", lr, 1e-3]
    assert table["RMSprop", lr / 10, 1e-3] > table["SGD", lr, 1e-3]
    # AdaGrad's |w_2| grows like sqrt(t): about (1 / (2 alpha))**2 / 3 = 208 steps, more than 200
    assert table["AdaGrad", lr, 1e-3] > ch06.SADDLE_STEPS
    assert sad.adam_0p02_1em02.value == table["Adam", lr, 1e-2]
    assert sad.sgd_0p2_1em03.value == table["SGD", 10 * lr, 1e-3]


def test_rmsprop_is_adagrad_at_ten_times_the_rate_early_on():
    ros = ch06.rosenbrock_numbers()
    assert ros.lr_rmsprop.value == pytest.approx(ros.lr_adagrad.value / 10)
    assert ros.first_adagrad.value == pytest.approx(ros.lr_adagrad.value)
    assert ros.first_rmsprop.value == pytest.approx(10 * ros.lr_rmsprop.value)
    assert ros.gap.value < 0.01                                 # the dashed curve hides the solid one


def test_the_rosenbrock_winners_jump_freeze_and_land_by_luck():
    ros = ch06.rosenbrock_numbers()
    assert ros.jump.value > 1000 > 40 * ros.start_loss.value  # step 2 lands on the wall
    assert ros.rate_2.value < ros.rate_1.value / 4              # the huge gradient enters G for good
    assert ros.moved_late.value < 0.01                          # frozen over the last 50 steps
    assert max(ros.rosen_adagrad.value, ros.rosen_rmsprop.value) < 0.001
    assert min(ros.final_lower.value, ros.final_upper.value) > 50 * ros.rosen_adagrad.value
    assert ros.median_adagrad.value > 20 * ros.rosen_adagrad.value and ros.worst_adagrad.value > 1
    assert ros.rosen_sgd.value > ros.rosen_momentum.value > ros.rosen_nesterov.value


def test_diagonal_preconditioning_removes_the_axis_aligned_condition_number():
    pre = ch06.preconditioning_numbers()
    assert pre.gap_adagrad.value < 1e-8 and pre.gap_rmsprop.value < 1e-5 and pre.gap_adam.value < 1e-6
    assert pre.gap_sgd > 1                                     # SGD's two paths differ completely
    H = np.array([ch06.TURNED_BOWL.grad(e) for e in np.eye(2)])  # the turned bowl: same curvatures
    assert np.allclose(np.linalg.eigvalsh(H), [1.0, 25.0]) and abs(H[0, 1]) > 10


def test_tuning_curves_claims():
    tun = ch06.tuning_numbers()
    # Beale: Adam easy to tune, not better at its best
    assert tun.win_beale_adam.value >= 3 * max(tun.win_beale_sgd.value, tun.win_beale_momentum.value,
                                               tun.win_beale_rmsprop.value)
    assert tun.factor_beale_adam.value >= 8
    assert 0.05 < tun.best_beale_adam.value / tun.best_beale_sgd.value < 1
    # elongated bowl: the preconditioned methods far below, and the turn takes it away; SGD unchanged
    for m in ("adagrad", "rmsprop"):
        assert getattr(tun, f"best_elongated_bowl_{m}").value < 1e-50
        assert getattr(tun, f"best_turned_bowl_{m}").value > 1e-6
    assert tun.win_elongated_bowl_rmsprop.value > 5 * tun.win_elongated_bowl_sgd.value
    assert 0.5 < tun.best_turned_bowl_sgd.value / tun.best_elongated_bowl_sgd.value < 2
    # Rosenbrock: no median below the line; the order of the best medians as the prose lists them
    assert all(getattr(tun, f"win_rosenbrock_{m.lower()}").value == 0 for m in ch06.METHODS)
    order = [tun.best_rosenbrock_momentum, tun.best_rosenbrock_adagrad, tun.best_rosenbrock_rmsprop,
             tun.best_rosenbrock_nesterov, tun.best_rosenbrock_adam, tun.best_rosenbrock_sgd]
    assert [v.value for v in order] == sorted(v.value for v in order)
    assert tun.spread_sgd.value > 4 * tun.spread_adam.value


def test_tuned_rates_are_the_grid_best_of_the_median():
    best = ch06.tuned_rate("rosenbrock", "Adam")
    curve = ch06.tuning_curve("rosenbrock", "Adam")
    k = list(ch06.TUNING_RATES).index(best)
    assert curve[k] == curve.min()
    engine = run(optim.Adam(best), SURFACES["rosenbrock"], steps=ch06.RACE_STEPS).losses[-1]
    assert engine == pytest.approx(ch06.tuning_losses("rosenbrock", "Adam")[0, k], rel=1e-9)
    assert ch06.tuned_rate("beale", "AdaDelta") == 1.0 and ch06.tuned_rate("saddle", "Adam") == ch06.LR_SADDLE


def _picker():
    return ch06.race_view(Figure(figsize=(7.0, 5.2)))


def _losses(sentence):
    """{method: loss} and the diverged methods, read from the picker's sentence."""
    body = sentence.split(": ", 1)[1].rstrip(".")
    body, _, gone = body.partition("; diverged: ")
    losses = {w.rsplit(" ", 1)[0]: float(w.rsplit(" ", 1)[1]) for w in body.split(", ") if w}
    return losses, [m for m in gone.split(", ") if m]


def test_thing_to_try_1_rate_ten_times_too_large():
    update = _picker()
    for surface in ("Beale", "Rosenbrock"):
        losses, gone = _losses(update(surface=surface, group="all seven", scale=10.0))
        assert gone == ["SGD", "momentum", "Nesterov"]
        assert set(losses) == set(ch06.METHODS[3:]) and all(np.isfinite(v) for v in losses.values())


def test_thing_to_try_2_rosenbrock_at_a_tenth():
    losses, gone = _losses(_picker()(surface="Rosenbrock", group="all seven", scale=0.1))
    assert not gone and min(losses.values()) > 1


def test_thing_to_try_3_the_saddle_at_the_common_rate():
    losses, gone = _losses(_picker()(surface="saddle", group="all seven", scale=1.0))
    assert not gone
    for m in ("momentum", "Nesterov", "RMSprop"):
        assert losses[m] < -0.99
    assert abs(losses["SGD"]) < 0.05
    assert losses["AdaGrad"] > 1 and losses["AdaDelta"] > 1


def test_thing_to_try_4_the_bowl_and_the_adaptive_group():
    losses, gone = _losses(_picker()(surface="elongated bowl", group="the four adaptive", scale=1.0))
    assert not gone and set(losses) == set(ch06.METHODS[3:])
    assert losses["AdaGrad"] < 1e-50 and losses["RMSprop"] < 1e-50
    assert losses["Adam"] > 1e-4 and losses["AdaDelta"] > 1


def test_the_beale_race_six_of_seven_below_a_hundredth():
    k = int(np.argmin(abs(ch06.MULTIPLIERS - 1.0)))
    final = {m: float(SURFACES["beale"].f(ch06.race_paths()["beale", m][-1, k])) for m in ch06.METHODS}
    assert sum(v < 0.01 for v in final.values()) == 6 and final["AdaDelta"] > 10


def test_warmup_claims():
    wu = ch06.warmup_numbers()
    assert wu.move_1.value == pytest.approx(1.0, abs=1e-3)  # eps = 1e-8 takes a little
    assert wu.move_1.value > wu.move_10.value > wu.move_100.value
    for lr in ("0p01", "0p03"):                           # little change at the small rates
        assert abs(getattr(wu, f"acc_cold_{lr}").value - getattr(wu, f"acc_warm_{lr}").value) < 2
    assert wu.low_warm_0p2.value > wu.high_cold_0p2.value + 10   # every warm seed above every cold one
    assert wu.acc_warm_0p3.value > wu.acc_cold_0p3.value + 20
    assert wu.peak_cold_0p2.value > 2 * wu.first_loss.value
    assert wu.peak_warm_0p2.value < 1.2 * wu.first_loss.value
    keys = ("0p01", "0p03", "0p1", "0p2", "0p3")
    best_cold = max(getattr(wu, f"acc_cold_{k}").value for k in keys)
    best_warm = max(getattr(wu, f"acc_warm_{k}").value for k in keys)
    assert abs(best_cold - best_warm) < 1                # it does not raise the best accuracy


def test_warmup_run_uses_the_warmup_schedule():
    losses_cold, _, _ = ch06.adam_run(0.2, 0, 0, epochs=1)
    losses_warm, _, _ = ch06.adam_run(0.2, ch06.WARMUP_STEPS, 0, epochs=1)
    assert losses_cold[0] == losses_warm[0] and losses_cold[1] != losses_warm[1]


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
        fig = Figure(figsize=(6.4, 4.6))
        update = ch06.saddle_view(fig)
        for step in range(ch06.SADDLE_STEPS + 1):
            update(step=step)
        fig.canvas.draw()
        fig = Figure(figsize=(8.6, 3.6))
        update = ch06.race_animation_view(fig)
        for step in range(ch06.RACE_STEPS + 1):
            assert update(step=step).startswith("Step")
        fig.canvas.draw()
        fig = Figure(figsize=(7.0, 5.2))
        update = ch06.race_view(fig)
        for surface in ch06.PICKER_SURFACES:
            for group in ch06.GROUPS:
                for scale in ch06.MULTIPLIERS:
                    assert update(surface=surface, group=group, scale=scale).startswith(surface)
        fig.canvas.draw()
    assert "diverged: SGD" in update(surface="Beale", group="all seven", scale=10.0)
    assert len(ch06.MULTIPLIERS) >= 21 and ch06.RACE_STEPS >= 100 and ch06.SADDLE_STEPS >= 100


def test_figures_draw():
    for name in ("state_figure", "schedules_figure", "schedule_run_figure", "race_figure", "tuning_figure",
                 "warmup_figure"):
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
    (ch06.check_6_1, 0.1 / 7, "root is taken of the sum"),
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
@pytest.mark.parametrize("odd", [..., None, "0.02x", 0.02j, [1, None], float("nan"), float("inf"), print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


def test_typed_answers_are_read_as_numbers():
    assert ch06.check_6_1("0.02").correct is True and ch06.check_6_1("1/50").correct is True


@pytest.mark.parametrize("check, mistakes", [
    (ch06.check_6_1, ch06.MISTAKES_6_1), (ch06.check_6_2, ch06.MISTAKES_6_2),
    (ch06.check_6_4.proxy, ch06.MISTAKES_6_4),
])
def test_every_listed_mistake_gets_its_hint_at_three_digits_and_in_full(check, mistakes):
    assert not check.misjudged()
    for value, message in mistakes:
        for answer in (value, float(f"{value:.3g}")):
            feedback = check(answer)
            assert feedback.correct is False and message in feedback.message, (answer, feedback.message)


def test_no_listed_mistake_is_near_an_answer():
    for check, mistakes in ((ch06.check_6_1, ch06.MISTAKES_6_1), (ch06.check_6_2, ch06.MISTAKES_6_2),
                            (ch06.check_6_4.proxy, ch06.MISTAKES_6_4)):
        for value, _ in mistakes:
            assert abs(value - float(check.expected)) > 0.05 * abs(float(check.expected))


def test_exercise_6_4_web_question_and_function_hints():
    proxy = ch06.check_6_4.proxy
    assert float(proxy.expected) == pytest.approx(ch06._cosine(10, 0.5, 40))
    assert proxy(float(f"{ch06._cosine(10, 0.5, 40):.3g}")).correct is True
    wrong = {  # the function mistakes behind the proxy's listed values, and their hint in Jupyter
        "add 1": lambda e, lr, total: lr * np.cos(np.pi * e / total),
        "pi * epoch / total": lambda e, lr, total: lr * (1 + np.cos(2 * np.pi * min(e, total) / total)) / 2,
        "cap the epoch": lambda e, lr, total: lr * (1 + np.cos(np.pi * e / total)) / 2,
    }
    for hint, f in wrong.items():
        feedback = ch06.check_6_4(f)
        assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("choice", ["RMSprop", "Adam", "AdaDelta"])
def test_exercise_6_3_every_wrong_choice_is_explained(choice):
    feedback = ch06.check_6_3(choice)
    assert feedback.correct is False and "forget" in feedback.message or "average" in feedback.message


def _picker_explorable():
    from nblib.explorable import Choice, Slider, explore

    return explore(ch06.race_view,
                   Choice("surface", tuple(ch06.PICKER_SURFACES), label="surface", default="Beale",
                          backdrop=True),
                   Choice("group", tuple(ch06.GROUPS), label="methods", default="all seven"),
                   Slider("scale", ch06.MULTIPLIERS, label="rate × tuned", fmt="{:.2f}", default=1.0),
                   figsize=(7.0, 5.2), alt="The picker.")


def test_the_picker_is_one_map_whose_contours_and_window_follow_the_surface():
    fig = Figure(figsize=(7.0, 5.2))
    update = ch06.race_view(fig)
    [ax] = fig.axes
    shown = {}
    for surface, name in ch06.PICKER_SURFACES.items():
        update(surface=surface, group="all seven", scale=1.0)
        assert ax.get_xlim() == SURFACES[name].xlim and ax.get_ylim() == SURFACES[name].ylim
        assert ax.get_title().startswith(surface)
        shown[surface] = frozenset(id(c) for c in ax.collections if c.get_visible())
    assert len(set(shown.values())) == 4 and all(shown.values()), "each surface shows its own contours"


def test_the_picker_stores_one_background_per_surface_within_the_budget():
    """One large map whose contours change with the surface: each map is one picture, drawn once."""
    import json
    import re

    from nblib.explorable import MAX_EMBED_BYTES

    page = _picker_explorable().to_html()
    data = json.loads(re.search(r'class="explorable-data">(.*?)</script>', page).group(1).replace("<\\/", "</"))
    assert len(page.encode()) < MAX_EMBED_BYTES
    assert data["background"]["controls"] == [0] and len(set(data["background"]["index"])) == 4
    assert [s["kind"] for s in data["sliders"]] == ["choice", "choice", "range"]
    assert page.count('role="radio"') == len(ch06.PICKER_SURFACES) + len(ch06.GROUPS)
    assert {layer["kind"] for layer in data["layers"]} <= {"line", "text", "say"}, "no contour in any frame"
