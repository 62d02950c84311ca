"""Training loop: mini-batches, schedules, early stopping, and k-fold cross-validation.

``fit`` trains a model in place, one epoch at a time: shuffle the training set
(from a seeded generator), step the optimizer on each mini-batch, then measure
the loss (and accuracy) on the whole training set and on the validation set,
in evaluation mode (no dropout) and without the L1/L2 penalty, so that the
curves of different runs compare directly.
"""

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
from tqdm.auto import tqdm

from nblib.checks import (_describe, as_array, as_callable, as_count, as_flag, as_name, as_number, as_seed,
                          as_text)
from nblib.nn import LOSSES, as_mlp
from nblib.optim import as_optimizer

#: The most epochs ``fit`` runs, and the most examples ``kfold_indices`` splits.
MAX_EPOCHS = 10 ** 6
MAX_EXAMPLES = 10 ** 8

__all__ = ["History", "fit", "kfold_indices", "cross_validate"]


@dataclass
class History:
    """Per-epoch records of a ``fit`` run (index i = epoch i, counted from 0).

    Epochs are counted from 0 everywhere in nblib and in the book: the first pass over the
    training set is epoch 0, and ``message`` and ``best_epoch`` use the same count.

    train_loss, val_loss: data loss on the training and validation sets after
        the epoch (val_loss is None without validation data).
    train_acc, val_acc: fraction classified correctly (None for the mse loss,
        val_acc also without validation data).
    lr: the learning rate used during the epoch.
    best_epoch: the epoch of the lowest validation loss (None without validation data).
    stopped_early: True if early stopping ended the run.
    message: how the run ended, in words (any epoch it names counted from 0).
    """

    train_loss: List[float] = field(default_factory=list)
    val_loss: Optional[List[float]] = None
    train_acc: Optional[List[float]] = None
    val_acc: Optional[List[float]] = None
    lr: List[float] = field(default_factory=list)
    best_epoch: Optional[int] = None
    stopped_early: bool = False
    message: str = ""

    def __post_init__(self):
        for name in ("train_loss", "val_loss", "train_acc", "val_acc", "lr"):
            value, required = getattr(self, name), name in ("train_loss", "lr")
            if not (isinstance(value, list) or (value is None and not required)):
                expected = "a list of numbers" + ("" if required else " or None")
                raise TypeError(f"{name} must be {expected}, got {_describe(value)}")
        if self.best_epoch is not None:
            as_count(self.best_epoch, "best_epoch", minimum=0)
        as_flag(self.stopped_early, "stopped_early")
        as_text(self.message, "message")


def fit(model, X, y, optimizer, epochs, batch_size=32, loss="cross_entropy", X_val=None, y_val=None,
        schedule=None, l2=0.0, l1=0.0, patience=None, seed=0, progress=True):
    """Train ``model`` (an ``nblib.nn.MLP``) in place with mini-batch gradient descent.

    X: ``(n, d_in)``; y: class labels ``(n,)`` for ``"cross_entropy"`` or
        targets ``(n, d_out)`` for ``"mse"``. X_val, y_val: the same for validation.
    optimizer: from ``nblib.optim``; its ``lr`` is set by ``schedule(epoch)`` if given.
    batch_size: examples per step; the last batch of an epoch may be smaller.
    l2, l1: weight penalties used in the gradient (see ``MLP.loss_and_grads``).
    patience: stop once the validation loss has not improved for this many
        epochs; with patience the model ends with the weights of its best
        epoch, whether or not the run stopped early.
    seed: seeds the shuffling; with the model's own seed, a run repeats bit for bit.
    progress: show a progress bar over the epochs.

    A loss that becomes NaN or infinite ends the run (recorded, not raised).
    Epochs are counted from 0: ``history.best_epoch`` and the epochs ``history.message``
    names are indices into the history's lists.
    Returns a ``History``.
    """
    model = as_mlp(model)
    optimizer = as_optimizer(optimizer)
    loss = as_name(loss, "loss", LOSSES)
    X, y = _checked(model, X, y, loss)
    validating = X_val is not None or y_val is not None
    if validating:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val, y_val = _checked(model, X_val, y_val, loss)
    epochs = as_count(epochs, "epochs", maximum=MAX_EPOCHS)
    batch_size = as_count(batch_size, "batch_size")
    l2, l1 = as_number(l2, "l2", low=0.0), as_number(l1, "l1", low=0.0)
    if schedule is not None:
        as_callable(schedule, "schedule", "a function epoch -> learning rate, or None")
    seed = as_seed(seed)
    progress = as_flag(progress, "progress")
    if patience is not None:
        patience = as_count(patience, "patience")
        if not validating:
            raise ValueError("early stopping (patience) needs validation data X_val, y_val")
    classifying = loss == "cross_entropy"
    history = History(val_loss=[] if validating else None,
                      train_acc=[] if classifying else None,
                      val_acc=[] if classifying and validating else None)
    rng = np.random.default_rng(seed)
    grads = [np.empty_like(p) for p in model.params]
    best_params, waited = None, 0
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        for epoch in bar:
            if schedule is not None:
                _set_rate(optimizer, schedule, epoch)
            history.lr.append(optimizer.lr)
            problem = _train_epoch(model, X, y, optimizer, grads, batch_size, loss, l2, l1, rng)
            _record(history, model, X, y, X_val, y_val, loss)
            problem = problem or _non_finite(history)
            if problem:
                history.message = f"stopped at epoch {epoch}: {problem}"
                break
            if validating and (history.best_epoch is None
                               or history.val_loss[-1] < history.val_loss[history.best_epoch]):
                history.best_epoch, waited = epoch, 0
                if patience is not None:
                    best_params = model.copy_params()
            elif patience is not None:
                waited += 1
                if waited >= patience:
                    history.stopped_early = True
                    history.message = (f"stopped early at epoch {epoch}: the validation loss has not "
                                       f"improved for {patience} epochs")
                    break
            bar.set_postfix(_postfix(history))
    bar.close()
    history.message = history.message or f"ran {epochs} epochs"
    if best_params is not None:
        model.set_params(best_params)
        history.message += f"; restored the weights of epoch {history.best_epoch}"
    if history.message.startswith("stopped") or best_params is not None:
        history.message += " (epochs counted from 0)"
    return history


def _set_rate(optimizer, schedule, epoch):
    """Set the learning rate the schedule gives for ``epoch``, or say clearly why it cannot be used."""
    try:
        optimizer.lr = schedule(epoch)
    except (TypeError, ValueError) as error:
        raise type(error)(f"schedule({epoch}) did not give a usable learning rate: {error}") from None


def _checked(model, X, y, loss):
    """The data converted to the model's dtype and checked, once for the whole run."""
    X = model._check_inputs(X)
    return X, model._check_targets(y, len(X), loss)


def _train_epoch(model, X, y, optimizer, grads, batch_size, loss, l2, l1, rng):
    """One pass over the shuffled training set; returns a problem in words, or None."""
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    for start in range(0, len(X), batch_size):
        batch = slice(start, start + batch_size)
        J = model._loss_and_grads(X[batch], y[batch], loss, l2, l1, grads)
        if not np.isfinite(J):
            return f"the training loss became {J} on the batch starting at example {start}"
        optimizer.step(model.params, grads)
    return None


def _record(history, model, X, y, X_val, y_val, loss):
    J, accuracy = model.evaluate(X, y, loss)
    history.train_loss.append(float(J))
    if history.train_acc is not None:
        history.train_acc.append(accuracy)
    if history.val_loss is not None:
        J, accuracy = model.evaluate(X_val, y_val, loss)
        history.val_loss.append(float(J))
        if history.val_acc is not None:
            history.val_acc.append(accuracy)


def _non_finite(history):
    for name in ("train_loss", "val_loss"):
        values = getattr(history, name)
        if values and not np.isfinite(values[-1]):
            return f"the {name.replace('_', ' ')} became {values[-1]}"
    return None


def _postfix(history):
    shown = {"loss": history.train_loss[-1]}
    if history.val_loss is not None:
        shown["val_loss"] = history.val_loss[-1]
    if history.val_acc is not None:
        shown["val_acc"] = history.val_acc[-1]
    return {name: f"{value:.4g}" for name, value in shown.items()}


def kfold_indices(n, k, seed=0):
    """Split ``range(n)`` at random into k folds of nearly equal size.

    Returns a list of k pairs ``(train_idx, val_idx)``: fold i is held out as
    ``val_idx`` and the other k - 1 folds form ``train_idx``. Every index is
    held out exactly once.
    """
    n = as_count(n, "n", maximum=MAX_EXAMPLES)
    k = as_count(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"Invalid k: {k} (cannot make more folds than the {n} examples)")
    folds = np.array_split(np.random.default_rng(as_seed(seed)).permutation(n), k)
    return [(np.sort(np.concatenate(folds[:i] + folds[i + 1:])), np.sort(folds[i])) for i in range(k)]


def cross_validate(make_model, make_optimizer, X, y, k=5, seed=0, **fit_kwargs):
    """k-fold cross-validation: train a fresh model on k - 1 folds, score it on the fold left out.

    make_model, make_optimizer: functions of no arguments returning a new model
        and a new optimizer (a model must not carry over between folds).
    seed: seeds the split into folds (and is passed on to ``fit``).
    fit_kwargs: passed to ``fit`` (e.g. ``epochs``, ``loss``, ``progress=False``);
        the held-out fold is the validation set, so ``patience`` stops on it.

    Returns a dict of arrays of shape ``(k,)``: ``"val_loss"`` and, for
    classification, ``"val_acc"``, each the final model's score on its fold.
    """
    as_callable(make_model, "make_model", "a function of no arguments returning a new MLP")
    as_callable(make_optimizer, "make_optimizer", "a function of no arguments returning a new optimizer")
    X = as_array(X, "X", ndim=2)
    y = _targets(y, len(X))
    taken = {"model", "X", "y", "optimizer", "X_val", "y_val"} & set(fit_kwargs)
    if taken:
        raise TypeError(f"cross_validate sets {', '.join(sorted(taken))} itself; do not pass them")
    loss = as_name(fit_kwargs.get("loss", "cross_entropy"), "loss", LOSSES)
    scores = {"val_loss": []}
    if loss == "cross_entropy":
        scores["val_acc"] = []
    for train_idx, val_idx in kfold_indices(len(X), k, seed):
        model = make_model()
        fit(model, X[train_idx], y[train_idx], make_optimizer(), X_val=X[val_idx], y_val=y[val_idx],
            seed=seed, **fit_kwargs)
        scores["val_loss"].append(float(model.loss(X[val_idx], y[val_idx], loss)))
        if "val_acc" in scores:
            scores["val_acc"].append(model.accuracy(X[val_idx], y[val_idx]))
    return {name: np.array(values) for name, values in scores.items()}


def _targets(y, n):
    """Targets for cross-validation: real numbers, one row per example (``fit`` checks the rest)."""
    checked = as_array(y, "y", ndim=(1, 2))
    if len(checked) != n:
        raise ValueError(f"expected the same number of examples: X has {n}, y has {len(checked)}")
    return np.asarray(y)
