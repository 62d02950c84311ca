"""Chapter 1's own code (nblib.chapters.ch01): its numbers, its explorable and its exercise checks."""

import math
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import ch01
from nblib.search import linear_teacher, random_search

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


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(6.4, 4.4))
    update = ch01.grid_cost_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for d in ch01.D_VALUES:
            for k in ch01.K_VALUES:
                sentence = update(d=d, k=k)
                assert sentence.startswith(f"{k} to the power {d} is")
        fig.canvas.draw()


def test_explorable_offers_what_the_text_asks_for():
    assert ch01.D_VALUES == list(range(1, 61)) and {2, 10} <= set(ch01.K_VALUES)
    year = ch01.MARKS["1 year"] * ch01.RATE
    age = ch01.MARKS["age of the universe"] * ch01.RATE
    assert min(d for d in ch01.D_VALUES if 10 ** d > year) == 17
    assert min(d for d in ch01.D_VALUES if 10 ** d > age) == 27
    assert min(d for d in ch01.D_VALUES if 2 ** d > year) == 55


def test_figures_come_back_closed():
    import matplotlib.pyplot as plt

    for fig in (ch01.one_weight_figure([3, 4, 4, 2], (0, 1)), ch01.square_cube_figure(10), ch01.mnist_figure([784, 15, 10])):
        assert fig.axes and not plt.get_fignums()


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch01.check_1_1, 64 * 32 + 32 * 10 + 32 + 10),
    (ch01.check_1_2, 100_000),
    (ch01.check_1_3, "input to hidden 1"),
    (ch01.check_1_4, lambda n_dims, bins: bins ** n_dims),
    (ch01.check_1_5, 1e20 / 1e9 / (365.25 * 86400)),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch01.check_1_1, 64 * 32 + 32 * 10, "Every neuron after the input layer also has a bias"),
    (ch01.check_1_1, 2410 + 64, "Inputs just pass"),
    (ch01.check_1_1, 64 * 32 * 10, "neighbouring layers only"),
    (ch01.check_1_2, 50, "multiply"),
    (ch01.check_1_2, 5 ** 10, "The base is the number of bins"),
    (ch01.check_1_3, "hidden 2 to output", "only the output neuron"),
    (ch01.check_1_4, lambda n_dims, bins: n_dims * bins, "undercounts"),
    (ch01.check_1_4, lambda n_dims, bins: n_dims ** bins, "The base is the number of bins"),
    (ch01.check_1_5, 1e20 / 1e9, "That is in seconds"),
    (ch01.check_1_5, 1e20, "number of guesses"),
    (ch01.check_1_5, 1e20 / 1e9 / 86400, "That is in days"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message
    with pytest.raises(AssertionError):
        check.confirm(wrong)


@pytest.mark.parametrize("check", [ch01.check_1_1, ch01.check_1_2, ch01.check_1_3, ch01.check_1_5])
@pytest.mark.parametrize("odd", [..., None, "2410", b"2410", 2410 + 1j, [1, None], np.array([1.0, 2.0]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


def test_reveal_shows_the_answer_only_when_asked():
    assert "2410" in repr(ch01.check_1_1.reveal())
    assert "input to hidden 1" in repr(ch01.check_1_3.reveal())
