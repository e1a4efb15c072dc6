package org.jcontrast.internal.kernel;

/**
 * The per-step constants of an AdamW update, in float as the update applies them.
 *
 * @param keep 1 − lr·λ, the decoupled weight decay (1 for parameters that do not decay)
 * @param beta1 β₁, the decay of the first moment
 * @param beta2 β₂, the decay of the second moment
 * @param stepSize lr / (1 − β₁ᵗ), the learning rate with the first moment's bias correction
 * @param invSqrtCorrection2 1 / √(1 − β₂ᵗ), the second moment's bias correction
 * @param epsilon ε, added to the corrected root of the second moment
 */
public record AdamCoefficients(float keep, float beta1, float beta2, float stepSize, float invSqrtCorrection2,
                               float epsilon) {
}
