"""The opening page's explorable (nblib.chapters.opening): a 1-16-16-1 tanh network fitted to
nblib.data.noisy_wave by gradient descent. What book/intro.md says of it is asserted here,
and the training is replayed in PyTorch from the same initial weights."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import opening
from nblib.data import noisy_wave
from nblib.explorable import PRINT_ENV, SCRUBBER_ENV
from nblib.nn import MLP

N = opening.opening_numbers()


def test_what_the_landing_page_says():
    assert N.n_points == 24 and N.good_rate == opening.START_RATE == 0.1
    assert str(N.start_loss) == "0.46" and str(N.good_200) == "0.014" and N.good_rises == 0
    assert str(N.slow_200) == "0.11" and N.wild_rate == 0.5 and N.wild_diverged == 9
    assert N.bouncing_rate == 0.4 and N.bouncing_rises == 167
    run = opening.runs()
    assert np.all(run.loss[:, 0] == run.loss[0, 0]), "every rate starts from the same network"
    assert N.slow_200.value > 7 * N.good_200.value, "too small a rate crawls"
    assert [rate for rate, gone in zip(opening.RATES, run.diverged) if gone is not None] == [0.5], \
        "only the largest rate blows up in 600 steps"


def test_a_good_rate_fits_the_wave_down_to_its_noise():
    run, good = opening.runs(), opening.RATES.index(opening.START_RATE)
    assert run.loss[good, -1] < 1.5 * 0.1 ** 2, "the loss ends near the noise's variance, 0.01"
    x, y = noisy_wave()
    curve = np.interp(x, opening.GRID, run.curves[good, -1])
    error = curve - (np.sin(3 * x) + 0.3 * x)
    assert np.sqrt(np.mean(error ** 2)) < 0.1, "the curve follows the wave within the noise"


def test_the_training_is_plain_gradient_descent_as_pytorch_runs_it():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    W = MLP(opening.SIZES, activation="tanh", seed=0).params
    layers = [torch.nn.Linear(a, b) for a, b in zip(opening.SIZES[:-1], opening.SIZES[1:])]
    with torch.no_grad():
        for layer, w, b in zip(layers, W[::2], W[1::2]):
            layer.weight.copy_(torch.tensor(w.T))
            layer.bias.copy_(torch.tensor(b))
    net = torch.nn.Sequential(layers[0], torch.nn.Tanh(), layers[1], torch.nn.Tanh(), layers[2])
    optimizer = torch.optim.SGD(net.parameters(), lr=opening.START_RATE)
    x, y = (torch.tensor(v)[:, None] for v in noisy_wave())
    losses = []
    for _ in range(201):
        optimizer.zero_grad()
        loss = torch.mean((net(x) - y) ** 2)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    np.testing.assert_allclose(opening.runs().loss[opening.RATES.index(opening.START_RATE), :201], losses,
                               rtol=1e-9)


def test_the_frames_say_what_they_show():
    update = opening.training_view(Figure(figsize=(8.6, 3.3)))
    assert update(0.1, 600) == "Rate 0.1, step 600: loss 0.012."
    assert update(0.02, 200) == "Rate 0.02, step 200: loss 0.110."
    assert update(0.5, 100) == "Rate 0.5 diverged: the loss passed a million at step 9."
    assert update(0.5, 5).startswith("Rate 0.5, step 5: loss")


def test_the_step_slider_is_continuous_and_plays_by_itself(monkeypatch):
    monkeypatch.delenv(PRINT_ENV, raising=False)
    monkeypatch.delenv(SCRUBBER_ENV, raising=False)
    explorable = opening.explorable()
    rate, step = explorable.sliders
    assert len(step.values) >= 101 and step.values[:25] == tuple(range(25)) and step.values[-1] == 600
    assert 200 in step.values and step.autoplay and step.play and step.default == 600
    assert rate.default == 0.1 and rate.values == opening.RATES
    monkeypatch.setenv(PRINT_ENV, "1")
    assert opening.explorable() is None, "print opens with words"


def test_the_text_quotes_the_numbers_it_computes():
    text = open("book/intro.md").read()
    for name in re.findall(r"\{eval\}`o\.(\w+)`", text):
        assert hasattr(N, name), name
    assert "opening.explorable()" in text and "opening_numbers()" in text
