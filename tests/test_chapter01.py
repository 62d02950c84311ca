"""Chapter 1's own code (nblib.chapters.ch01): its numbers, its explorable and its exercise checks."""

import math
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import ch01
from nblib.chapters.text import prose_number
from nblib.search import best_loss_by_dimension, linear_teacher, random_search
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")


def test_one_weight_reaches_seven_of_ten_neurons():
    reach = ch01.reach_numbers([3, 4, 4, 2], (0, 1))
    # neurons: its own hidden neuron, the 4 of hidden layer 2 and the 2 outputs; connections: the
    # tweaked one, the 4 leaving the changed hidden neuron and the 4 * 2 leaving hidden layer 2
    assert (reach.neurons, reach.all_neurons, reach.links, reach.all_links) == (7, 10, 1 + 4 + 8, 3 * 4 + 4 * 4 + 4 * 2)


def test_records_count_the_first_guess_and_each_strict_drop():
    assert ch01.records(np.array([3.0, 2.0, 2.0, 1.0, 1.0])) == 3
    assert ch01.records(np.array([5.0])) == 1


def test_random_search_numbers_match_the_runs():
    teacher = linear_teacher(2, seed=0)
    runs = {d: random_search(linear_teacher(d, seed=0), n_params=d, n_guesses=10_000, seed=1) for d in (2, 10, 30)}
    demo = ch01.random_search_numbers(teacher, runs)
    assert str(demo.budget) == "10,000"
    assert str(demo.expected_records) == "9.8"                 # H_10000 = 9.7876...
    assert demo.final_10.value == runs[10].loss and runs[2].loss < runs[10].loss < runs[30].loss
    assert demo.distance.value == pytest.approx(np.linalg.norm(runs[2].params - teacher.w_star))
    assert 0 < demo.gain_2.value < demo.gain_30.value < 1      # a record is worth more with fewer weights


def test_grid_cost_of_the_digit_reader():
    cost = ch01.grid_cost_numbers(11935)
    assert (str(cost.grid), str(cost.per_atom)) == ("10¹¹⁹³⁵", "10¹¹⁸⁵⁵")
    # 10**11935 / 1e9 per second / 3.15576e7 seconds per year = 3.17e11918 years
    assert str(cost.years) == "3.17 × 10¹¹⁹¹⁸"
    assert cost.ages.value == pytest.approx(cost.years.value - math.log10(1.38e10))
    counts = ch01.mnist_numbers([784, 15, 10])
    assert (str(counts.weights), str(counts.biases), str(counts.params)) == ("11,910", "25", "11,935")


@pytest.mark.parametrize("d, share", [(1, 0.1), (2, math.pi * 0.1 ** 2 / 4), (3, 4 / 3 * math.pi * 0.1 ** 3 / 8)])
def test_ball_share_is_ball_volume_over_cube_volume(d, share):
    assert ch01.ball_share(0.1, d) == pytest.approx(share)


def test_each_extra_weight_multiplies_the_ball_share_by_at_most_r():
    shares = [ch01.ball_share(0.1, d) for d in range(1, 60)]
    assert all(later <= 0.1 * earlier * (1 + 1e-12) for earlier, later in zip(shares, shares[1:]))


def _view():
    fig = Figure(figsize=(8.6, 3.6))
    update = ch01.budget_view(fig)
    left, right = fig.axes[:2]
    return fig, update, left.lines, right.lines


def test_every_explorable_frame_draws_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, update, _, _ = _view()
        for budget in ch01.BUDGETS:
            for d in ch01.D_STOPS:
                sentence = update(budget=int(budget), d=int(d))
                assert sentence.startswith(f"d = {d}, {budget:,} guesses: median best loss")
        fig.canvas.draw()


def test_explorable_is_the_chapter_experiment_with_fine_sliders():
    assert len(ch01.BUDGETS) >= 41 and len(ch01.D_STOPS) >= 41
    assert {100, 1000, 10_000} <= set(ch01.BUDGETS.tolist()) and {1, 2, 10, 30, 60} <= set(ch01.D_STOPS.tolist())
    best = ch01.budget_runs()
    assert best.shape == (5, len(ch01.D_STOPS), len(ch01.BUDGETS))
    assert np.all(np.diff(best, axis=2) <= 0)                 # the best so far never gets worse
    # the runs are those of nblib.search (the same teachers and guesses), read at each budget
    k = int(np.flatnonzero(ch01.BUDGETS == 1000)[0])
    for d in (1, 7, 30):
        j = int(np.flatnonzero(ch01.D_STOPS == d)[0])
        assert best[:, j, k] == pytest.approx(best_loss_by_dimension([d], n_guesses=1000, seeds=range(5))[:, 0],
                                              rel=1e-9)


def _median_shown(update, left_lines, budget, d):
    """Set the sliders and read the ringed median off the left panel."""
    update(budget=budget, d=d)
    return float(left_lines[-1].get_ydata()[0])


TRIES = ch01.budget_try_numbers()


def test_try_two_weights_against_thirty_over_the_budgets():
    fig, update, left, right = _view()
    two = [_median_shown(update, left, b, 2) for b in (10, 10_000)]
    thirty = [_median_shown(update, left, b, 30) for b in (10, 10_000)]
    assert (prose_number(f"{two[0]:.2g}"), prose_number(f"{two[1]:.1e}")) == (str(TRIES.two_low),
                                                                             str(TRIES.two_high))
    assert (prose_number(f"{thirty[0]:.2g}"), prose_number(f"{thirty[1]:.2g}")) == (str(TRIES.thirty_low),
                                                                                   str(TRIES.thirty_high))
    assert two[0] / two[1] > 1000 and thirty[0] / thirty[1] < 3
    assert thirty[0] > 1                                      # few guesses: worse than all weights zero


def test_try_a_tenfold_budget_buys_less_with_more_weights():
    fig, update, left, right = _view()
    factors = []
    for d in (1, 2, 10):
        factors.append(_median_shown(update, left, 1000, d) / _median_shown(update, left, 10_000, d))
    assert [f"{factors[0]:.0f}", f"{factors[1]:.1f}", f"{factors[2]:.1f}"] == [
        str(TRIES.tenfold_1), str(TRIES.tenfold_2), str(TRIES.tenfold_10)]
    assert factors[0] > factors[1] > factors[2] > 1


def test_try_largest_d_below_a_tenth_at_the_full_budget():
    fig, update, left, right = _view()
    medians = {int(d): _median_shown(update, left, 10_000, int(d)) for d in ch01.D_STOPS}
    assert max(d for d, m in medians.items() if m < 0.1) == TRIES.d_tenth
    assert medians[TRIES.d_next] >= 0.1 and f"{medians[TRIES.d_next]:.2f}" == str(TRIES.next_tenth)


def test_try_sixty_weights_hardly_beat_all_zero():
    fig, update, left, right = _view()
    sentence = update(budget=10_000, d=60)
    median = float(left[-1].get_ydata()[0])
    assert TRIES.d_max == 60 and 0.8 < median < 1 and f"{median:.2f}" == str(TRIES.max_high)
    assert "10,000 guesses" in sentence and right[-1].get_xdata()[0] == 10_000    # the budget line


def test_the_fixed_budget_experiment_claims():
    dims = [1, 2, 3, 5, 10, 20, 50, 100]
    best = best_loss_by_dimension(dims, n_guesses=5000, seeds=range(5))
    numbers_ = ch01.budget_numbers(dims, best, 5000)
    assert numbers_.first.value < 1e-5                        # "finds the teacher almost exactly"
    assert 0.9 < numbers_.last.value < 1.1                    # "about as good as every weight zero"
    assert numbers_.last_worse >= 1 and np.all(np.diff(np.median(best, axis=0)) >= 0)


def test_figures_come_back_closed():
    import matplotlib.pyplot as plt

    for fig in (ch01.one_weight_figure([3, 4, 4, 2], (0, 1)), ch01.square_cube_figure(10), ch01.mnist_figure([784, 15, 10])):
        assert fig.axes and not plt.get_fignums()


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch01.check_1_1, 64 * 30 + 30 * 10 + 30 + 10),
    (ch01.check_1_2, 100_000),
    (ch01.check_1_3, "input to hidden 1"),
    (ch01.check_1_4, lambda n_dims, bins: bins ** n_dims),
    (ch01.check_1_5, 1e20 / 1e9 / (365.25 * 86400)),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch01.check_1_1, 64 * 30 + 30 * 10, "Every neuron after the input layer also has a bias"),
    (ch01.check_1_1, 2260 + 64, "Inputs just pass"),
    (ch01.check_1_1, 64 * 30 * 10, "neighbouring layers only"),
    (ch01.check_1_2, 50, "multiply"),
    (ch01.check_1_2, 5 ** 10, "The base is the number of bins"),
    (ch01.check_1_3, "hidden 2 to output", "only the output neuron"),
    (ch01.check_1_4, lambda n_dims, bins: n_dims * bins, "undercounts"),
    (ch01.check_1_4, lambda n_dims, bins: n_dims ** bins, "The base is the number of bins"),
    (ch01.check_1_5, 1e20 / 1e9, "That is in seconds"),
    (ch01.check_1_5, 1e20, "number of guesses"),
    (ch01.check_1_5, 1e20 / 1e9 / 86400, "That is in days"),
    (ch01.check_1_1, 2220 + 30, "output neurons"),
    (ch01.check_1_1, 104, "counts neurons"),
    (ch01.check_1_1, 2220 + 10, "hidden neurons have biases"),
    (ch01.check_1_1, 2260.5, "whole number"),
    (ch01.check_1_2, 10 ** 4, "Count the weights again"),
    (ch01.check_1_5, 1e20 * 1e9 / (365.25 * 86400), "do not multiply"),
    (ch01.check_1_5, 1e19 / 1e9 / (365.25 * 86400), "Count the guesses again"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message
    with pytest.raises(AssertionError):
        check.confirm(wrong)


@pytest.mark.parametrize("check", [ch01.check_1_1, ch01.check_1_2, ch01.check_1_3, ch01.check_1_5])
@pytest.mark.parametrize("odd", [..., None, "two thousand", b"2260", 2260 + 1j, [1, None], np.array([1.0, 2.0]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


def test_reveal_shows_the_answer_only_when_asked():
    assert "2260" in repr(ch01.check_1_1.reveal())
    assert "input to hidden 1" in repr(ch01.check_1_3.reveal())


CHECKS = [ch01.check_1_1, ch01.check_1_2, ch01.check_1_3, ch01.check_1_4, ch01.check_1_5]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=2)


def test_counts_are_whole_numbers_and_the_web_question_of_1_4_is_one():
    assert ch01.check_1_1.integer and ch01.check_1_2.integer
    proxy = ch01.check_1_4.proxy
    assert proxy.integer and proxy(7 ** 4).correct is True and proxy(28).correct is False
    assert "my_grid_guesses(4, 7)" in ch01.check_1_4.question
