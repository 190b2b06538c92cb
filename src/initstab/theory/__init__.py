"""Theory in one place (numpy/scipy, no TensorFlow): quadrature, mean-field maps and their finite-width
corrections (``meanfield``), products of Gaussian matrices (``products``), the curves the kernels are compared with
(``curves``), where a dtype gives up (``precision``), fits of measured trajectories (``fits``) and the rows of the
theory table (``table``). σ_b² is ``sigma_b2`` (``bias_variance`` where it names a combination's setting).
"""
