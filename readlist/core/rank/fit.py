"""The numerics of learning: the training papers as a sparse matrix, and the two models
fitted on it (a logistic regression; a centroid). numpy alone, in float32 where the
matrix is read every step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F32Array = npt.NDArray[np.float32]
F64Array = npt.NDArray[np.float64]
I64Array = npt.NDArray[np.int64]

L2 = 1e-3  # the regulariser, against a loss averaged over the (weighted) papers
ITERATIONS = 40
POWER_STEPS = 6  # steps of the power iteration that estimates the loss's curvature


@dataclass(frozen=True)
class Matrix:
    """A sparse matrix of `height` rows (papers, each with an entry at least) and `width`
    columns (terms), its entries in row order."""

    height: int
    width: int
    row_starts: I64Array
    rows: I64Array
    columns: I64Array
    values: F32Array

    @classmethod
    def of(cls, rows: I64Array, columns: I64Array, values: F64Array, width: int) -> Matrix:
        """From entries in row order, every row with an entry."""
        height = int(rows[-1]) + 1 if rows.size else 0
        return cls(
            height=height,
            width=width,
            row_starts=np.searchsorted(rows, np.arange(height)),
            rows=rows,
            columns=columns,
            values=values.astype(np.float32),
        )

    def times(self, w: F32Array) -> F32Array:
        """X w: each row's dot product with w (a sum over each row's run of entries)."""
        result: F32Array = np.add.reduceat(self.values * w[self.columns], self.row_starts)
        return result

    def transposed_times(self, r: F32Array) -> F32Array:
        """X^T r: each column's dot product with r (a scatter: sorting the entries by
        column once costs more than the scatters of a whole fit)."""
        sums = np.bincount(self.columns, weights=self.values * r[self.rows], minlength=self.width)
        return sums.astype(np.float32)


def centroid(matrix: Matrix, weights: F64Array) -> F64Array:
    """The weighted sum of the rows, at unit length."""
    total = matrix.transposed_times(weights.astype(np.float32)).astype(np.float64)
    norm = float(np.sqrt((total * total).sum()))
    return total / norm if norm > 0 else total


def logistic(matrix: Matrix, labels: F64Array, weights: F64Array) -> tuple[F64Array, float]:
    """Weights and bias of an L2-regularised logistic regression, each side (labels +1
    and -1) weighing half in all, by Nesterov's accelerated gradient from zero."""
    liked = labels > 0
    balance = np.where(liked, 0.5 / weights[liked].sum(), 0.5 / weights[~liked].sum())
    sample = (weights * balance).astype(np.float32)  # sums to 1, half on each side
    y = labels.astype(np.float32)

    def gradient(w: F32Array, b: float) -> tuple[F32Array, float]:
        margins = y * (matrix.times(w) + np.float32(b))
        residual = -y * sample / (1.0 + np.exp(np.clip(margins, -30, 30)))
        return matrix.transposed_times(residual) + np.float32(L2) * w, float(residual.sum())

    step = 1.0 / (_curvature(matrix, sample) + L2)
    w = np.zeros(matrix.width, dtype=np.float32)
    b = 0.0
    w_prev, b_prev = w, b
    for k in range(1, ITERATIONS + 1):
        momentum = np.float32((k - 1) / (k + 2))
        w_look = w + momentum * (w - w_prev)
        b_look = b + float(momentum) * (b - b_prev)
        grad_w, grad_b = gradient(w_look, b_look)
        w_prev, b_prev = w, b
        w = w_look - np.float32(step) * grad_w
        b = b_look - step * grad_b
    return w.astype(np.float64), b


def _curvature(matrix: Matrix, sample: F32Array) -> float:
    """An upper estimate of the loss's curvature: 1/4 of the largest eigenvalue of
    X^T diag(sample) X (power iteration, with room for its underestimate), plus the
    bias's 1/4. Never above 1/2: the rows are unit vectors and `sample` sums to 1."""
    v = np.ones(matrix.width, dtype=np.float32)
    largest = 1.0
    for _ in range(POWER_STEPS):
        v /= np.float32(max(float(np.linalg.norm(v)), 1e-12))
        u = matrix.transposed_times(sample * matrix.times(v))
        largest = float(np.linalg.norm(u))
        v = u
    return min(0.25 * 1.5 * largest + 0.25, 0.5)
