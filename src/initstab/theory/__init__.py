"""Theory in one place (numpy/scipy, no TensorFlow): quadrature, mean-field maps and their finite-width
corrections (``meanfield``), products of Gaussian matrices (``products``), the curves the kernels are compared with
(``curves``), where a dtype gives up (``precision``), fits of measured trajectories (``fits``) and the rows of the
theory table (``table``). σ_b² is ``bias_variance`` everywhere (config key, job spec, tidy column, theory).
"""
