"""Gradient clipping by global norm: the cure for the occasional huge step.

All gradients are treated as one long vector ``g``. When its length
``||g|| = sqrt(sum of every squared entry)`` exceeds ``max_norm``, every
gradient is multiplied by the same factor ``max_norm / (||g|| + 1e-6)``, which
keeps the step's direction and caps its length; otherwise nothing changes.
This is ``torch.nn.utils.clip_grad_norm_`` (same formula, same 1e-6).
"""

import numpy as np

from nblib.checks import _describe, as_array, as_number

__all__ = ["global_norm", "clip_by_global_norm"]


def _grads(grads):
    if not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError(f"grads must be a non-empty list of arrays, e.g. the grads of "
                        f"net.loss_and_grads, got {_describe(grads)}")
    return [as_array(g, f"grads[{i}]", allow_empty=True, finite=False) for i, g in enumerate(grads)]


def _norm(grads):
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(np.vdot(g, g) for g in grads)))


def global_norm(grads):
    """The length of all gradients as one vector: ``sqrt(sum_k sum(grads[k]**2))``.

    grads: a list of arrays of any shapes. A NaN or infinite entry gives NaN or inf.
    """
    return _norm(_grads(grads))


def clip_by_global_norm(grads, max_norm):
    """Gradients with their global norm capped at ``max_norm`` (> 0).

    Returns ``(clipped, norm)``: clipped is a list of new arrays (the inputs are
    not changed), each gradient times ``min(1, max_norm / (norm + 1e-6))``;
    norm is the global norm before clipping. Non-finite gradients are returned
    as they are (the factor would be 0 or NaN), with their norm.
    """
    grads = _grads(grads)
    max_norm = as_number(max_norm, "max_norm", low=0.0, low_inclusive=False)
    norm = _norm(grads)
    factor = min(1.0, max_norm / (norm + 1e-6)) if np.isfinite(norm) else 1.0
    return [g * factor for g in grads], norm
