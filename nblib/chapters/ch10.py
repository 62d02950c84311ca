"""Chapter 10, Backpropagation: its measurements, its worked example, its figures, its explorable and its checks.

The worked example is the 2-2-1 network of the chapter: two inputs, two ReLU hidden units, one
sigmoid output and the squared error on one example. :func:`forward_221` and :func:`backward_221`
compute every intermediate value of one forward and one backward pass, by the equations of the
text, and :func:`nblib_221` gets the same numbers from ``nblib``. Each ``*_figure`` function
returns a closed figure for display; each ``*_numbers`` function returns the numbers the prose
quotes, as :class:`~nblib.chapters.text.Shown` values. ``check_10_1`` ... ``check_10_4`` are the
exercises' checks.
"""

import time

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb
import numpy as np
from threadpoolctl import threadpool_limits

from nblib.activations import relu, sigmoid
from nblib.chapters.text import Shown, Table, figure, numbers, scientific_text, shown
from nblib.counting import count_params
from nblib.data import digits
from nblib.exercises import FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.gradcheck import numerical_gradient, relative_error
from nblib.nn import MLP
from nblib.theme import COLORS, set_axes

# --- What a gradient costs ------------------------------------------------------------------------

def big_digits(n=100):
    """The first ``n`` 8x8 digits blown up to 28x28 (each pixel a 3x3 block, 2 pixels of margin).

    Returns ``(X, y)``: X ``(n, 784)`` in [0, 1], y ``(n,)`` the digits. They stand in for MNIST
    images, which the book does not download; only the shape matters for the cost.
    """
    X8, y = digits()
    images = np.kron(X8[:n].reshape(n, 8, 8), np.ones((3, 3)))
    return np.pad(images, ((0, 0), (2, 2), (2, 2))).reshape(n, 784), y[:n]


def flat(arrays):
    """Concatenate a list of arrays into one flat vector (parameters or gradients)."""
    return np.concatenate([a.ravel() for a in arrays])


def centred_differences(net, X, y, which, eps=1e-6):
    """Centred differences of the cross-entropy for the parameters ``which``, nudged in place.

    which: a list of ``(k, i)`` pairs, entry ``i`` of the flattened array ``net.params[k]``.
    Each entry is moved to ``w + eps`` and ``w - eps`` for one forward pass each, then put back,
    so the cost is two forward passes per parameter and nothing else. Returns ``(len(which),)``.
    """
    grad = np.empty(len(which))
    for n, (k, i) in enumerate(which):
        w = net.params[k].reshape(-1)          # a view: nudging it nudges the network
        original = w[i]
        w[i] = original + eps
        up = net.loss(X, y, "cross_entropy")
        w[i] = original - eps
        down = net.loss(X, y, "cross_entropy")
        w[i] = original
        grad[n] = (up - down) / (2 * eps)
    return grad


def _median_time(f, repeats):
    """The median of ``repeats`` timings of ``f()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return float(np.median(times))


def cost_experiment(sizes=(784, 15, 10), n_examples=100, n_sampled=200, seed=0):
    """Time one forward pass, one backpropagation and centred finite differences, on one core.

    Forward passes and backpropagation are timed 30 times each (the median is kept). Finite
    differences are timed on ``n_sampled`` parameters drawn at random and scaled up to all of
    them: each parameter costs the same two forward passes.
    Returns a dict of seconds (``forward``, ``backprop``, ``fd_per_param``, ``fd``), counts
    (``n_params``, ``n_sampled``) and ``agreement``, the relative error of the two gradients on
    the sampled parameters.
    """
    X, y = big_digits(n_examples)
    net = MLP(list(sizes), seed=seed)
    n_params = net.n_params
    picked = np.sort(np.random.default_rng(seed).choice(n_params, n_sampled, replace=False))
    ends = np.cumsum([p.size for p in net.params])
    which = [(int(k), int(j - (ends[k - 1] if k else 0))) for j in picked for k in [np.searchsorted(ends, j, "right")]]
    with threadpool_limits(1):
        forward = _median_time(lambda: net.loss(X, y, "cross_entropy"), 30)
        backprop = _median_time(lambda: net.loss_and_grads(X, y, "cross_entropy"), 30)
        start = time.process_time()
        fd = centred_differences(net, X, y, which)
        fd_sampled = time.process_time() - start
    grads = flat(net.loss_and_grads(X, y, "cross_entropy")[1])
    return {"forward": forward, "backprop": backprop, "fd_per_param": fd_sampled / n_sampled,
            "fd": fd_sampled / n_sampled * n_params, "n_params": n_params, "n_sampled": n_sampled,
            "agreement": relative_error(fd, grads[picked])}


#: The length of the training run the cost section prices: steps, one gradient each.
RUN_STEPS = 2000


def cost_numbers(cost):
    """The numbers the text quotes about the cost experiment ``cost`` (from :func:`cost_experiment`)."""
    n = cost["n_params"]
    return numbers(n_params=shown(n, ",d"), one_sided=shown(n + 1, ",d"), centred=shown(2 * n, ",d"),
                   sampled=shown(cost["n_sampled"], "d"),
                   forward_ms=shown(1e3 * cost["forward"], ".2f"), backprop_ms=shown(1e3 * cost["backprop"], ".2f"),
                   backprop_passes=shown(cost["backprop"] / cost["forward"], ".1f"),
                   fd_s=shown(cost["fd"], ".0f"), ratio=shown(cost["fd"] / cost["backprop"], ",.0f"),
                   run_steps=shown(RUN_STEPS, ",d"), run_hours=shown(RUN_STEPS * cost["fd"] / 3600, ".0f"),
                   run_seconds=shown(RUN_STEPS * cost["backprop"], ".0f"),
                   agreement=scientific_text(cost["agreement"]))


def cost_figure(cost):
    """Two bars on a log scale: forward passes needed, and measured seconds, for each method."""
    n = cost["n_params"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.0))
    names = ["backpropagation", "centred differences"]
    colors = [COLORS["good"], COLORS["model"]]
    passes = [cost["backprop"] / cost["forward"], 2 * n]
    seconds = [cost["backprop"], cost["fd"]]
    for ax, values, texts, title in (
            (left, passes, [f"{passes[0]:.1f}", f"{passes[1]:,}"], "forward passes (or their cost)"),
            (right, seconds, [f"{v:.2g} s" for v in seconds], "measured time for one gradient")):
        bars = ax.barh(names, values, color=colors)
        for bar, value, text in zip(bars, values, texts):
            ax.text(value * 1.3, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=10)
        set_axes(ax, title=title, xscale="log", xlim=(min(values) / 3, max(values) * 40))
        ax.grid(axis="y", visible=False)
    right.set_yticklabels([])
    return figure(fig)


# --- The 2-2-1 network, by hand ---------------------------------------------------------------------

#: The worked example: one input, its target and the parameters ``[W1, b1, W2, b2]`` (nblib's shapes).
X_221 = np.array([1.0, 2.0])
Y_221 = 1.0
PARAMS_221 = [np.array([[0.5, -0.4], [0.3, 0.2]]), np.array([0.1, -0.5]),
              np.array([[0.8], [-0.6]]), np.array([0.2])]


def forward_221(x, y, params):
    """The forward pass of the 2-2-1 network on one example, keeping every value.

    x: ``(2,)`` input; y: the target; params: ``[W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)]``.
    Returns a dict: ``z1 = x @ W1 + b1`` and ``h = relu(z1)`` (2,), ``z2 = h @ W2 + b2`` and
    ``a = sigmoid(z2)`` (numbers), ``J = (a - y)**2``.
    """
    W1, b1, W2, b2 = params
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0.0)
    z2 = float(h @ W2[:, 0] + b2[0])
    a = 1.0 / (1.0 + np.exp(-z2))
    return {"x": x, "y": y, "z1": z1, "h": h, "z2": z2, "a": a, "J": (a - y) ** 2}


def backward_221(f, params):
    """The backward pass: every derivative of J, walking back through the values ``f`` kept.

    Returns a dict: ``dJ_da``, ``da_dz2``, ``dJ_dz2`` (numbers), ``dJ_dW2 (2, 1)``, ``dJ_db2 (1,)``,
    ``dJ_dh``, ``dh_dz1``, ``dJ_dz1``, ``dJ_db1`` (2,), ``dJ_dW1 (2, 2)`` and ``dJ_dx (2,)``.
    """
    W1, _, W2, _ = params
    dJ_da = 2 * (f["a"] - f["y"])
    da_dz2 = f["a"] * (1 - f["a"])
    dJ_dz2 = dJ_da * da_dz2
    dJ_dh = dJ_dz2 * W2[:, 0]
    dh_dz1 = (f["z1"] > 0).astype(float)
    dJ_dz1 = dJ_dh * dh_dz1
    return {"dJ_da": dJ_da, "da_dz2": da_dz2, "dJ_dz2": dJ_dz2,
            "dJ_dW2": (dJ_dz2 * f["h"])[:, None], "dJ_db2": np.array([dJ_dz2]),
            "dJ_dh": dJ_dh, "dh_dz1": dh_dz1, "dJ_dz1": dJ_dz1,
            "dJ_dW1": np.outer(f["x"], dJ_dz1), "dJ_db1": dJ_dz1, "dJ_dx": W1 @ dJ_dz1}


def grads_221(b):
    """The parameter gradients of a :func:`backward_221` result, in nblib's order ``[W1, b1, W2, b2]``."""
    return [b["dJ_dW1"], b["dJ_db1"], b["dJ_dW2"], b["dJ_db2"]]


def loss_221(w, x=X_221, y=Y_221):
    """J as a function of the 9 parameters flattened in nblib's order (for finite differences)."""
    params = [w[0:4].reshape(2, 2), w[4:6], w[6:8].reshape(2, 1), w[8:9]]
    return forward_221(x, y, params)["J"]


def nblib_221(x=X_221, y=Y_221, params=PARAMS_221):
    """The output and the gradients of the 2-2-1 example computed by ``nblib``.

    nblib's network ends in a linear output: ``MLP.forward`` gives the logit ``z2``, and
    ``activations.sigmoid`` turns it into ``a``. For the gradients, the chain rule splits
    ``dJ/dtheta = dJ/dz2 * dz2/dtheta``. Asking nblib's backpropagation for the mse loss
    ``(z2 - t)**2`` with ``t = z2 - 1/2`` makes its ``dJ'/dz2 = 2 (z2 - t) = 1``, so its gradients
    are ``dz2/dtheta``; they are multiplied by ``dJ/dz2 = 2 (a - y) a (1 - a)``.
    Returns ``(a, grads)`` with grads in the order ``[W1, b1, W2, b2]``.
    """
    net = MLP([2, 2, 1], activation="relu")
    net.set_params(params)
    z2 = net.forward(x[None, :])[0, 0]
    a = float(sigmoid(z2))
    _, dz2 = net.loss_and_grads(x[None, :], np.array([z2 - 0.5]), loss="mse")
    dJ_dz2 = 2 * (a - y) * a * (1 - a)
    return a, [dJ_dz2 * g for g in dz2]


def _fmt(value, digits=4):
    """A number or an array as text with ``digits`` decimals: ``0.7613`` or ``(−0.1044, 0)``."""
    values = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
    text = [f"{v:.{digits}f}".rstrip("0").rstrip(".") if v != 0 else "0" for v in values]
    text = ["0" if t in ("-0", "0") else t.replace("-", "−") for t in text]
    return text[0] if np.ndim(value) == 0 else "(" + ", ".join(text) + ")"


#: The rows of the worked example's table: (pass, quantity, formula, key in the forward or backward dict).
TABLE_ROWS = [
    ("forward", "z<sub>1</sub>", "x W<sub>1</sub> + b<sub>1</sub>", "z1"),
    ("forward", "h", "relu(z<sub>1</sub>)", "h"),
    ("forward", "z<sub>2</sub>", "h W<sub>2</sub> + b<sub>2</sub>", "z2"),
    ("forward", "a", "σ(z<sub>2</sub>)", "a"),
    ("forward", "J", "(a − y)<sup>2</sup>", "J"),
    ("backward", "∂J/∂a", "2 (a − y)", "dJ_da"),
    ("backward", "∂a/∂z<sub>2</sub>", "a (1 − a)", "da_dz2"),
    ("backward", "δ<sub>2</sub> = ∂J/∂z<sub>2</sub>", "∂J/∂a · a (1 − a)", "dJ_dz2"),
    ("backward", "∂J/∂W<sub>2</sub>", "δ<sub>2</sub> h", "dJ_dW2"),
    ("backward", "∂J/∂b<sub>2</sub>", "δ<sub>2</sub>", "dJ_db2"),
    ("backward", "∂J/∂h", "δ<sub>2</sub> W<sub>2</sub>", "dJ_dh"),
    ("backward", "relu′(z<sub>1</sub>)", "1 where z<sub>1</sub> > 0, else 0", "dh_dz1"),
    ("backward", "δ<sub>1</sub> = ∂J/∂z<sub>1</sub>", "∂J/∂h · relu′(z<sub>1</sub>), entry by entry", "dJ_dz1"),
    ("backward", "∂J/∂W<sub>1</sub>", "x<sup>⊤</sup> δ<sub>1</sub> (row i: x<sub>i</sub> δ<sub>1</sub>)", "dJ_dW1"),
    ("backward", "∂J/∂b<sub>1</sub>", "δ<sub>1</sub>", "dJ_db1"),
]


#: The quantity and formula of each row of TABLE_ROWS as the PDF prints them (MyST, ``$...$`` math).
PRINTED_ROWS = {
    "z1": (r"$z_1$", r"$x W_1 + b_1$"),
    "h": (r"$h$", r"$\operatorname{relu}(z_1)$"),
    "z2": (r"$z_2$", r"$h W_2 + b_2$"),
    "a": (r"$a$", r"$\sigma(z_2)$"),
    "J": (r"$J$", r"$(a - y)^2$"),
    "dJ_da": (r"$\partial J/\partial a$", r"$2(a - y)$"),
    "da_dz2": (r"$\partial a/\partial z_2$", r"$a(1 - a)$"),
    "dJ_dz2": (r"$\delta_2 = \partial J/\partial z_2$", r"$\partial J/\partial a \cdot a(1 - a)$"),
    "dJ_dW2": (r"$\partial J/\partial W_2$", r"$\delta_2\, h$"),
    "dJ_db2": (r"$\partial J/\partial b_2$", r"$\delta_2$"),
    "dJ_dh": (r"$\partial J/\partial h$", r"$\delta_2\, W_2$"),
    "dh_dz1": (r"$\operatorname{relu}'(z_1)$", r"1 where $z_1 > 0$, else 0"),
    "dJ_dz1": (r"$\delta_1 = \partial J/\partial z_1$",
               r"$\partial J/\partial h \cdot \operatorname{relu}'(z_1)$, entry by entry"),
    "dJ_dW1": (r"$\partial J/\partial W_1$", r"$x^\top \delta_1$ (row $i$: $x_i\, \delta_1$)"),
    "dJ_db1": (r"$\partial J/\partial b_1$", r"$\delta_1$"),
}


def worked_table(f, b):
    """Every intermediate value of the worked example as a table, in the order computed
    (HTML on screen, a table in print)."""
    values = {**f, **b}

    def value(key):
        return _fmt(values[key]) if key != "dJ_dW1" else _matrix(values[key])

    head = ["pass", "quantity", "formula", "value"]
    rows = [head] + [[step, name, formula, value(key)] for step, name, formula, key in TABLE_ROWS]
    printed = [head] + [[step, *PRINTED_ROWS[key], value(key)] for step, _, _, key in TABLE_ROWS]
    return Table(rows, printed, align="left")


def _matrix(M):
    return "[" + ", ".join(_fmt(row) for row in M) + "]"


def worked_numbers(f, b):
    """The worked example's values the text quotes."""
    return numbers(z1_1=shown(f["z1"][0], ".1f"), z1_2=shown(f["z1"][1], ".1f"), z2=shown(f["z2"], ".2f"),
                   a=shown(f["a"], ".4f"), J=shown(f["J"], ".4f"), dJ_da=shown(b["dJ_da"], ".4f"),
                   da_dz2=shown(b["da_dz2"], ".4f"), delta2=shown(b["dJ_dz2"], ".4f"),
                   dJ_dh2=shown(b["dJ_dh"][1], ".4f"))


def check_numbers(mine, theirs, fd):
    """Largest differences between the hand pass ``mine``, nblib's ``theirs`` and centred differences ``fd``
    (flat vectors), as text."""
    gap = float(np.max(np.abs(mine - theirs)))
    return numbers(vs_nblib=scientific_text(gap) if gap > 0 else Shown(0.0, "0"),
                   vs_fd=scientific_text(relative_error(mine, fd)))


# --- The computational graph and the explorable ----------------------------------------------------

#: Where each node of the 2-2-1 graph is drawn, and its label.
NODES = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "z11": (1.5, 1.0), "z12": (1.5, 0.0), "h1": (2.8, 1.0),
         "h2": (2.8, 0.0), "z2": (4.2, 0.5), "a": (5.4, 0.5), "J": (6.6, 0.5)}
LABELS = {"x1": "x₁", "x2": "x₂", "z11": "z₁₁", "z12": "z₁₂", "h1": "h₁", "h2": "h₂", "z2": "z₂", "a": "a",
          "J": "J"}
EDGES = [("x1", "z11"), ("x1", "z12"), ("x2", "z11"), ("x2", "z12"), ("z11", "h1"), ("z12", "h2"),
         ("h1", "z2"), ("h2", "z2"), ("z2", "a"), ("a", "J")]

#: The edges that carry a weight: ``(start, end) -> (array, row, column)`` in ``[W1, b1, W2, b2]``, and
#: where its gradient is written: ``(x, y, ha, va)``, clear of the crossing lines and the node texts.
WEIGHT_EDGES = {("x1", "z11"): (0, 0, 0), ("x2", "z11"): (0, 1, 0), ("x1", "z12"): (0, 0, 1),
                ("x2", "z12"): (0, 1, 1), ("h1", "z2"): (2, 0, 0), ("h2", "z2"): (2, 1, 0)}
WEIGHT_LABELS = {("x1", "z11"): (0.75, 1.05, "center", "bottom"), ("x2", "z11"): (0.42, 0.27, "center", "center"),
                 ("x1", "z12"): (0.42, 0.73, "center", "center"), ("x2", "z12"): (0.75, -0.05, "center", "top"),
                 ("h1", "z2"): (3.5, 0.86, "center", "bottom"), ("h2", "z2"): (3.4, 0.12, "center", "top")}
#: The key to the graph's colours, drawn under it.
GRAPH_KEY = "blue: value    vermillion: ∂J/∂(node) under a node, ∂J/∂(its weight) on an edge"
#: The step after which the gradient of each weight array is known: W2 at step 4, W1 at step 7.
WEIGHT_STEP = {2: 4, 0: 7}

#: The backward pass in steps: the nodes whose gradient is known after each step, and what the step did.
STEPS = [[], ["J"], ["a"], ["z2"], ["z2"], ["h1", "h2"], ["z11", "z12"], ["z11", "z12"], []]
STEP_NAMES = ["forward pass done", "start at J", "through the square", "through the sigmoid",
              "gradients of W₂ and b₂", "back across W₂", "through the ReLUs", "gradients of W₁ and b₁",
              "check against centred differences"]



def _tint(color, white):
    """``color`` mixed with white (``white`` = 0 keeps the colour, 1 gives white), as an RGB triple."""
    return tuple((1 - white) * np.array(to_rgb(color)) + white)


#: Node fills: a light vermillion once a node's gradient is known, a light blue before.
_KNOWN, _UNKNOWN = _tint(COLORS["model"], 0.67), _tint(COLORS["data"], 0.8)

#: The explorable's sliders: the first input x1, and the step of the backward pass.
X1_VALUES = np.round(np.linspace(-2.0, 2.0, 41), 10)
STEP_VALUES = list(range(len(STEPS)))


def _known(step):
    """The nodes whose gradient the backward pass has computed after ``step``."""
    return {node for s in STEPS[1:step + 1] for node in s}


def _node_gradient(node, b):
    return {"J": 1.0, "a": b["dJ_da"], "z2": b["dJ_dz2"], "h1": b["dJ_dh"][0], "h2": b["dJ_dh"][1],
            "z11": b["dJ_dz1"][0], "z12": b["dJ_dz1"][1]}.get(node)


def _node_value(node, f):
    return {"x1": f["x"][0], "x2": f["x"][1], "z11": f["z1"][0], "z12": f["z1"][1], "h1": f["h"][0],
            "h2": f["h"][1], "z2": f["z2"], "a": f["a"], "J": f["J"]}[node]


def _step_text(step, f, b, fd_error):
    """The line under the graph that says what ``step`` computed, with its numbers."""
    W2 = PARAMS_221[2][:, 0]
    texts = [
        f"Forward pass: a = {_fmt(f['a'])}, J = (a − y)² = {_fmt(f['J'])} with target y = {_fmt(f['y'])}. "
        "Every node keeps its value.",
        "The backward pass starts at the output: ∂J/∂J = 1.",
        f"∂J/∂a = 2 (a − y) = {_fmt(b['dJ_da'])}",
        f"∂J/∂z₂ = ∂J/∂a · a (1 − a) = {_fmt(b['dJ_da'])} · {_fmt(b['da_dz2'])} = {_fmt(b['dJ_dz2'])}",
        f"∂J/∂W₂ = ∂J/∂z₂ · h = {_fmt(b['dJ_dW2'][:, 0])},   ∂J/∂b₂ = ∂J/∂z₂ = {_fmt(b['dJ_dz2'])}",
        f"∂J/∂h = ∂J/∂z₂ · W₂ = {_fmt(b['dJ_dz2'])} · {_fmt(W2)} = {_fmt(b['dJ_dh'])}",
        f"∂J/∂z₁ = ∂J/∂h · relu′(z₁) = {_fmt(b['dJ_dh'])} · {_fmt(b['dh_dz1'])} = {_fmt(b['dJ_dz1'])}",
        f"∂J/∂W₁ = x ∂J/∂z₁:  row 1 {_fmt(b['dJ_dW1'][0])}, row 2 {_fmt(b['dJ_dW1'][1])};   "
        f"∂J/∂b₁ = {_fmt(b['dJ_db1'])}",
        f"All 9 gradients against centred differences: relative error {fd_error:.1e}"
        + ("  (z₁₁ = 0: the kink)" if abs(f["z1"][0]) < KINK else ""),
    ]
    return texts[step]


#: A pre-activation this close to 0 counts as on the ReLU's kink: the centred differences' nudges
#: (eps = 1e-6, times inputs of size up to 2) move it to both sides.
KINK = 1e-9


def unit_state(z1):
    """The hidden units' state in words: ``"both hidden units on"``, ``"h2 off"``, ``"h1 on its kink"``..."""
    words = [f"h{k + 1} on its kink" if abs(z) < KINK else f"h{k + 1} off" for k, z in enumerate(z1)
             if z <= 0 or abs(z) < KINK]
    return "both hidden units on" if not words else " and ".join(words)


def _example(x1):
    """Forward values, backward values and the finite-difference agreement at input ``(x1, 2)``."""
    x = np.array([x1, X_221[1]])
    f = forward_221(x, Y_221, PARAMS_221)
    b = backward_221(f, PARAMS_221)
    fd = numerical_gradient(lambda w: loss_221(w, x), flat(PARAMS_221))
    return f, b, relative_error(flat(grads_221(b)), fd)


def _draw_graph(ax):
    """The graph's edges, nodes (one scatter), their labels and the weights' gradient texts.

    Returns the moving artists ``(dots, labels, values, grads, weights)``.
    """
    for start, end in EDGES:
        (x0, y0), (x1, y1) = NODES[start], NODES[end]
        ax.plot([x0, x1], [y0, y1], color=COLORS["residual"], lw=1.2, zorder=1)
    xy = np.array(list(NODES.values()))
    dots = ax.scatter(xy[:, 0], xy[:, 1], s=900, c=[COLORS["neutral"]] * len(NODES), edgecolors=COLORS["ink"],
                      linewidths=1.0, zorder=2)
    labels = {node: ax.text(x, y, "", ha="center", va="center", fontsize=12, zorder=3)
              for node, (x, y) in NODES.items()}
    values = {node: ax.text(x, y + 0.27, "", ha="center", va="bottom", fontsize=10.5, color=COLORS["data"])
              for node, (x, y) in NODES.items()}
    grads = {node: ax.text(x, y - 0.27, "", ha="center", va="top", fontsize=10.5, color=COLORS["model"],
                           fontweight="bold") for node, (x, y) in NODES.items()}
    weights = {edge: ax.text(x, y, "", ha=ha, va=va, fontsize=9, color=COLORS["model"], zorder=4,
                             bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=0.5))
               for edge, (x, y, ha, va) in WEIGHT_LABELS.items()}
    ax.set_xlim(-0.6, 7.2)
    ax.set_ylim(-0.8, 1.62)
    ax.set_axis_off()
    return dots, labels, values, grads, weights


def weight_gradients(b, step):
    """The weight gradients the graph shows on its edges after ``step``: ``{edge: dJ/dw}``.

    ``dJ/dW2`` from step 4 on, ``dJ/dW1`` from step 7 on (step 8, the check, shows both).
    """
    arrays = {0: b["dJ_dW1"], 2: b["dJ_dW2"]}
    return {edge: float(arrays[k][i, j]) for edge, (k, i, j) in WEIGHT_EDGES.items() if step >= WEIGHT_STEP[k]}


def _show_step(dots, labels, values, grads, weights, f, b, step):
    """Colour the nodes and write the values and gradients known after ``step``."""
    known = _known(step)
    current = set(STEPS[step])
    dots.set_facecolor([COLORS["highlight"] if n in current else _KNOWN if n in known else _UNKNOWN
                        for n in NODES])
    for node in NODES:
        labels[node].set_text(LABELS[node])      # redrawn over the nodes in every frame
        values[node].set_text(_fmt(_node_value(node, f), 3))
        gradient = _node_gradient(node, b)
        grads[node].set_text(f"∂J: {_fmt(gradient, 3)}" if node in known and gradient is not None else "")
    shown = weight_gradients(b, step)
    for edge, text in weights.items():
        text.set_text(_fmt(shown[edge], 3) if edge in shown else "")


def graph_figure(step=len(STEPS) - 2):
    """The 2-2-1 graph after ``step`` of the backward pass (by default, with every gradient known)."""
    fig, ax = plt.subplots(figsize=(8.4, 3.0))
    dots, labels, values, grads, weights = _draw_graph(ax)
    f = forward_221(X_221, Y_221, PARAMS_221)
    _show_step(dots, labels, values, grads, weights, f, backward_221(f, PARAMS_221), step)
    ax.text(-0.5, -0.72, GRAPH_KEY, fontsize=9, color=COLORS["ink"])
    return figure(fig)


def backward_view(fig):
    """The explorable's view: the backward pass of the 2-2-1 network, one step at a time.

    Returns ``update(x1, step)``: the input is ``(x1, 2)``; ``step`` 0 shows the forward pass,
    1 to 7 the backward pass, 8 the comparison with centred finite differences.
    """
    examples = {x1: _example(x1) for x1 in X1_VALUES}    # computed once, outside update
    ax = fig.subplots()
    dots, labels, values, grads, weights = _draw_graph(ax)
    ax.set_ylim(-1.05, 1.62)
    ax.text(-0.5, -0.72, GRAPH_KEY, fontsize=9, color=COLORS["ink"])
    title = ax.text(-0.5, 1.6, "", fontsize=12, va="top", color=COLORS["ink"], fontweight="bold")
    line = ax.text(-0.5, -1.03, "", fontsize=11, va="bottom", color=COLORS["ink"])
    moving = [dots, title, line, *labels.values(), *values.values(), *grads.values(), *weights.values()]
    freeze_background(fig, moving)

    def update(x1, step):
        f, b, fd_error = examples[x1]
        _show_step(dots, labels, values, grads, weights, f, b, step)
        state = unit_state(f["z1"])
        title.set_text(f"step {step} of {len(STEPS) - 1}: {STEP_NAMES[step]}   ({state})")
        line.set_text(_step_text(step, f, b, fd_error))
        return f"Input x1 = {x1:.1f}, step {step}: {STEP_NAMES[step]}. {_step_text(step, f, b, fd_error)}"

    # the moving texts, for tests that read what a frame shows
    update.texts = dict(title=title, line=line, values=values, grads=grads, weights=weights)
    return update


#: The explorable's stop where the first hidden unit's input is 0: x1 * 0.5 + 2 * 0.3 + 0.1 = 0.
KINK_X1 = -1.4

#: The flat indices (nblib's order) of the three parameters that feed z11: W1[0, 0], W1[1, 0], b1[0].
FEEDING_Z11 = [0, 2, 4]


def kink_numbers():
    """The gradient check over the explorable's inputs, and what happens on the kink at ``KINK_X1``.

    At ``x1 = -1.4`` the first hidden unit's input z11 is 0 up to rounding (about 3e-17). The centred
    differences nudge it to both sides and return the average of the two one-sided slopes;
    backpropagation uses relu'(z11), the slope of the side that the rounding put z11 on. Returns the
    numbers the text quotes: ``z11``; ``error`` (relative error on the kink) and ``elsewhere`` (the
    largest at every other stop); ``ratio``, the centred difference over backprop's derivative for
    the parameters that feed z11; ``gap``, how far the centred differences are from the average of
    backprop's two one-sided gradients (relu' = 1 and relu' = 0).
    """
    errors = {x1: _example(x1)[2] for x1 in X1_VALUES}
    f, b, error = _example(KINK_X1)
    x = np.array([KINK_X1, X_221[1]])
    fd = numerical_gradient(lambda w: loss_221(w, x), flat(PARAMS_221))
    on = flat(grads_221(b))
    off = flat(grads_221(backward_221(dict(f, z1=np.array([0.0, f["z1"][1]])), PARAMS_221)))
    ratio = fd[FEEDING_Z11] / on[FEEDING_Z11]
    return numbers(x1=shown(KINK_X1, ".1f"), z11=scientific_text(float(f["z1"][0]), 1),
                   error=shown(error, ".2f"),
                   elsewhere=scientific_text(max(e for x1, e in errors.items() if x1 != KINK_X1), 2),
                   ratio=shown(float(np.mean(ratio)), ".3f"), ratio_spread=float(np.ptp(ratio)),
                   on_side=shown(float(b["dh_dz1"][0]), ".0f"),
                   gap=float(relative_error(fd, (on + off) / 2)))


# --- Gradient checking ---------------------------------------------------------------------------------

#: The steps of the finite-difference figure.
EPS_VALUES = np.geomspace(1e-13, 1e-1, 49)


def forward_difference(f, w, eps):
    """One-sided differences ``(f(w + eps e_i) - f(w)) / eps`` for a flat vector ``w``."""
    base, grad = f(w), np.empty_like(w)
    for i in range(w.size):
        moved = w.copy()
        moved[i] += eps
        grad[i] = (f(moved) - base) / eps
    return grad


def eps_errors(w=None):
    """Relative errors of one-sided and centred differences against backprop, for each step in ``EPS_VALUES``.

    Returns ``(one_sided, centred)``, two arrays shaped like ``EPS_VALUES``, at the worked example.
    """
    w = flat(PARAMS_221) if w is None else w
    f = forward_221(X_221, Y_221, PARAMS_221)
    exact = flat(grads_221(backward_221(f, PARAMS_221)))
    one = [relative_error(forward_difference(loss_221, w, eps), exact) for eps in EPS_VALUES]
    two = [relative_error(numerical_gradient(loss_221, w, eps), exact) for eps in EPS_VALUES]
    return np.array(one), np.array(two)


def eps_numbers(one_sided, centred):
    """Best step and best error of each difference, as text."""
    k1, k2 = np.argmin(one_sided), np.argmin(centred)
    return numbers(best_one=scientific_text(one_sided[k1]), best_one_eps=scientific_text(EPS_VALUES[k1], 1),
                   best_two=scientific_text(centred[k2]), best_two_eps=scientific_text(EPS_VALUES[k2], 1),
                   at_default=scientific_text(centred[np.argmin(np.abs(EPS_VALUES - 1e-6))]))


def eps_figure(one_sided, centred):
    """Relative error of the two finite differences against backprop, over the step eps (log-log)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.loglog(EPS_VALUES, one_sided, "o-", ms=3, color=COLORS["model"], label="one-sided difference")
    ax.loglog(EPS_VALUES, centred, "o-", ms=3, color=COLORS["data"], label="centred difference")
    guide = EPS_VALUES[EPS_VALUES > 1e-5]
    ax.loglog(guide, 0.3 * guide, ":", color=COLORS["model"], lw=1.2, label="slope 1: error ∝ ε")
    ax.loglog(guide, 0.3 * guide ** 2, ":", color=COLORS["data"], lw=1.2, label="slope 2: error ∝ ε²")
    ax.loglog(EPS_VALUES, 1e-16 / EPS_VALUES, "--", color=COLORS["residual"], lw=1.2, label="rounding ∝ 1/ε")
    set_axes(ax, xlabel="step ε", ylabel="relative error against backprop", ylim=(1e-12, 1.0), legend=True)
    ax.legend(fontsize=8, loc="upper center")
    return figure(fig)


def buggy_backwards():
    """The worked example's backward pass, correct and with four classic mistakes.

    Returns ``{name: grads}``, grads in nblib's order; each mistake changes one line of
    :func:`backward_221`.
    """
    f = forward_221(X_221, Y_221, PARAMS_221)
    right = backward_221(f, PARAMS_221)
    W2 = PARAMS_221[2][:, 0]
    no_relu = right["dJ_dz2"] * W2                                  # relu'(z1) left out
    no_sigmoid = 2 * (f["a"] - f["y"])                              # a (1 - a) left out
    half = (f["a"] - f["y"]) * right["da_dz2"]                      # the 2 of the square dropped
    bugs = {"correct": grads_221(right),
            "ReLU derivative left out": [np.outer(f["x"], no_relu), no_relu, right["dJ_dW2"], right["dJ_db2"]],
            "sigmoid derivative left out": _from_delta2(f, no_sigmoid),
            "factor 2 of the square dropped": _from_delta2(f, half),
            "W₁ transposed": [np.outer(f["x"], right["dJ_dz1"]).T, *grads_221(right)[1:]]}
    return bugs


def _from_delta2(f, delta2):
    """All gradients from a given ``dJ/dz2``, by the rest of the correct backward pass."""
    W2 = PARAMS_221[2][:, 0]
    delta1 = delta2 * W2 * (f["z1"] > 0)
    return [np.outer(f["x"], delta1), delta1, (delta2 * f["h"])[:, None], np.array([delta2])]


def bug_errors():
    """Relative error of each version of :func:`buggy_backwards` against centred differences."""
    fd = numerical_gradient(loss_221, flat(PARAMS_221))
    return {name: relative_error(flat(grads), fd) for name, grads in buggy_backwards().items()}


def bug_figure(errors):
    """The relative error of each version of the backward pass, on a log scale with the verdict bands."""
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    names = list(errors)[::-1]
    values = [errors[n] for n in names]
    ax.axvspan(1e-16, 1e-7, color=COLORS["good"], alpha=0.12)
    ax.axvspan(1e-7, 1e-4, color=COLORS["highlight"], alpha=0.12)
    ax.axvspan(1e-4, 10, color=COLORS["bad"], alpha=0.12)
    for x, label in ((3e-14, "agrees"), (3e-7, "look closer"), (3e-3, "a bug")):
        ax.text(x, len(names) - 0.45, label, fontsize=9, color=COLORS["ink"])
    ax.barh(names, values, color=[COLORS["good"] if v < 1e-7 else COLORS["model"] for v in values])
    for k, v in enumerate(values):
        ax.text(v * 1.5, k, f"{v:.1e}", va="center", fontsize=9)
    set_axes(ax, xlabel="relative error against centred differences", xscale="log", xlim=(1e-14, 10))
    ax.set_ylim(-0.6, len(names) - 0.1)
    ax.grid(axis="y", visible=False)
    return figure(fig)


def bug_numbers(errors):
    """The errors of the correct pass and of the least wrong bug, as text."""
    worst_ok = errors["correct"]
    least_bug = min(v for k, v in errors.items() if k != "correct")
    return numbers(correct=scientific_text(worst_ok), least_bug=scientific_text(least_bug))


# --- Exercises --------------------------------------------------------------------------------------

_N_10_1 = count_params([64, 32, 10])
check_10_1 = NumberCheck(2 * _N_10_1, integer=True, hints=[
    (_N_10_1, "That is one pass per parameter. A centred difference evaluates J on both sides: "
              "w_i + eps and w_i - eps."),
    (_N_10_1 + 1, "That counts one-sided differences (one pass per parameter plus the one at w). "
                  "A centred difference needs two passes per parameter."),
    (2 * _N_10_1 + 1, "A centred difference never evaluates J at w itself: only at w_i + eps and w_i - eps."),
    (2 * (64 * 32 + 32 * 10), "Count the biases too: finite differences nudge every parameter."),
    (2 * (_N_10_1 + 64), "The inputs have no biases: only the 32 hidden and the 10 output units do."),
    (2 * (64 * 32 * 10 + 32 + 10), "Weights connect consecutive layers: 64 × 32 of them into the hidden layer "
                                   "and 32 × 10 into the output, added, not multiplied."),
], hint="Count the parameters of the 64-32-10 network, then the passes each one needs.")

check_10_2 = NumberCheck(0.5 * 0.8 * 0.2, rtol=1e-3, hints=[
    (0.5, "That is the gradient arriving from above: multiply it by the sigmoid's own derivative."),
    (0.8 * 0.2, "That is the sigmoid's local derivative a(1 - a) alone: multiply it by the gradient "
                "arriving from above."),
    (0.5 * 0.8, "The sigmoid's derivative is a(1 - a), not a."),
    (0.5 * 0.2, "The sigmoid's derivative is a(1 - a), not 1 - a."),
    (0.5 / (0.8 * 0.2), "The chain rule multiplies the local derivative with the one arriving from above; "
                        "it does not divide by it."),
    (0.5 * float(sigmoid(0.8) * (1 - sigmoid(0.8))), "0.8 is the node's output a already: its derivative is "
                                                      "a(1 - a) with a = 0.8, not the sigmoid of 0.8."),
    (-0.5 * 0.8 * 0.2, "Check the sign: a(1 - a) is positive for every a between 0 and 1."),
], hint="The chain rule through one node: the derivative arriving from above times the node's own "
        "derivative, which for a sigmoid is written with its output a.")


def _relu_backward(grad_h, z):
    return grad_h * (z > 0)


_G, _Z = np.array([0.5, -1.0, 2.0, 3.0]), np.array([1.0, 2.0, -0.5, 0.0])
check_10_3 = FunctionCheck(_relu_backward, [(_G, _Z), (np.array([[1.0, -2.0], [0.3, 4.0]]),
                                                       np.array([[-1.0, 0.5], [2.0, -3.0]]))], hints=[
    (lambda g: np.allclose(g(_G, _Z), _G), "Your function passes every gradient through: where z <= 0 the "
                                          "ReLU is flat, so its derivative is 0 there."),
    (lambda g: np.allclose(g(_G, _Z), _G * _Z), "ReLU's derivative is 1 where z > 0 and 0 elsewhere; "
                                              "multiply by that, not by z."),
    (lambda g: np.allclose(g(_G, _Z), _Z > 0), "That is ReLU's local derivative alone: multiply it by the "
                                             "gradient arriving from above."),
    (lambda g: np.allclose(g(_G, _Z), _G * (_Z >= 0)), "At z = 0 use the derivative 0, as nblib does "
                                                      "(a ReLU whose input is exactly 0 is off)."),
    (lambda g: np.allclose(g(_G, _Z), np.maximum(_G, 0)), "That applies the ReLU to the gradient; which "
                                                          "entries pass is decided by z, not by grad_h."),
], hint="A ReLU passes the gradient from above through where it is on and blocks it where it is off; "
        "z says which.", proxy=(
    "What does your relu_backward(np.array([0.5, -1.0, 2.0, 3.0]), np.array([1.0, 2.0, -0.5, 0.0])) "
    "return? Give the four numbers as a list.", (_G, _Z), [
        (list(_G), "Your function passes every gradient through: where z <= 0 the ReLU is flat, so its "
                   "derivative is 0 there."),
        (list(_G * _Z), "ReLU's derivative is 1 where z > 0 and 0 elsewhere; multiply by that, not by z."),
        ([1.0, 1.0, 0.0, 0.0], "That is ReLU's local derivative alone: multiply it by the gradient arriving "
                               "from above."),
        (list(_G * (_Z >= 0)), "At z = 0 use the derivative 0, as nblib does (a ReLU whose input is exactly 0 "
                               "is off)."),
        (list(np.maximum(_G, 0)), "That applies the ReLU to the gradient; which entries pass is decided by z, "
                                  "not by grad_h."),
    ]))

_F = forward_221(X_221, Y_221, PARAMS_221)
_B = backward_221(_F, PARAMS_221)
_NO_RELU = PARAMS_221[0] @ _B["dJ_dh"]
check_10_4 = NumberCheck(_B["dJ_dx"][1], rtol=1e-3, hints=[
    (_NO_RELU[1], "The second hidden unit is off (z12 < 0): its ReLU passes no gradient back, "
                  "so it contributes nothing to dJ/dx2."),
    (_B["dJ_dz1"][0], "That is dJ/dz11. One more step: z11 = x1 W1[0, 0] + x2 W1[1, 0] + b1[0], "
                      "so multiply by the weight that x2 meets."),
    ((PARAMS_221[0].T @ _B["dJ_dz1"])[1], "Use the weights leaving x2: row 1 of W1 (its second row), "
                                          "not column 1."),
    (_B["dJ_dx"][0], "That is dJ/dx1: x2 meets the weights of W1's second row."),
], hint="Go one step further than dJ/dz1: x2 feeds both hidden sums, each through its own weight.")
