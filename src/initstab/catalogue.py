"""Names the config may use, without importing TensorFlow.

The Snakefile, the schema test and the collect/plot/report jobs read these; the TensorFlow registries in
`activations` and `initializers` must define exactly these keys (a test checks it).
"""

ACTIVATIONS: dict[str, str] = {
    "linear": "φ(x) = x",
    "relu": "φ(x) = max(x, 0)",
    "tanh": "φ(x) = tanh x",
    "sigmoid": "φ(x) = σ(x) = 1/(1+e^{-x})",
    "scaled_sigmoid": "φ(x) = 4σ(x) − 2, φ′ by autodiff = 4σ(1−σ)",
    "scaled_sigmoid_grad_missing_x4": "φ(x) = 4σ(x) − 2 with seed 000's hand-written φ′ = σ(1−σ) (the ×4 dropped)",
    "leaky_relu": "φ(x) = max(x, 0.01x)",
    "elu": "φ(x) = x for x > 0, e^x − 1 otherwise",
    "selu": "φ(x) = λ·elu_α(x), λ ≈ 1.0507, α ≈ 1.6733",
    "gelu": "φ(x) = x·Φ(x)",
    "silu": "φ(x) = x·σ(x)",
    "softplus": "φ(x) = ln(1 + e^x)",
}

INITIALIZERS: dict[str, str] = {
    "normal": "N(0, s²)",
    "uniform": "U(−s, s)",
    "uniform_noncentered": "s·U(0, 1): seed 001's non-centered uniform",
    "xavier_uniform": "U(±s·√(6/(fan_in+fan_out)))",
    "xavier_uniform_noncentered": "s·√(6/(fan_in+fan_out))·U(0, 1): seed 001's 'Xavier' (not centered)",
    "xavier_normal": "N(0, s²·2/(fan_in+fan_out))",
    "he_normal": "N(0, s²·2/fan_in)",
    "he_uniform": "U(±s·√(6/fan_in)) = torch's kaiming_uniform_ default",
    "lecun_normal": "N(0, s²/fan_in)",
    "orthogonal": "s·Q, Q Haar-distributed orthogonal",
    "critical": "N(0, s²·σ²_w,crit/fan_in): edge of chaos, χ₁(q*) = 1 for the job's φ and σ_b² (mean-field theory)",
    "critical_orthogonal": "s·√σ²_w,crit·Q, Q Haar orthogonal: edge of chaos with orthogonal weights",
    "lsuv": "LSUV (Mishkin & Matas 2016): orthogonal, then each layer rescaled so std(W·h) = s on the data",
}
# Inits the TensorFlow registry does not draw directly: the kernels map them (theory.draw_rule).
DERIVED_INITIALIZERS = ("critical", "critical_orthogonal", "lsuv")

EXPERIMENTS: dict[str, str] = {
    "matrix_product": "Y = W_n⋯W_1 of k×k Gaussian matrices (seeds 000, 002, 004)",
    "gradient_flow": "d2l's synthetic_grad: Y ← Wᵀ·diag(φ′(Wh))·Y through an MLP (seeds 000, 002)",
    "forward": "x ← φ(x·W) through a deep stack (seeds 001, 003)",
    "repeated_matrix": "result ← M·result with one M until std == 0 or NaN (seed 003)",
    "activations": "φ and φ′ on a grid (seed 004)",
    "phase_diagram": "per-layer gradient growth over a (σ_w², σ_b²) grid, with the χ₁ = 1 edge of chaos",
    "jacobian_spectrum": "singular values of a deep tanh net's input–output Jacobian at criticality",
    "precision": "gradient_flow in float16/bfloat16/float32/float64: first layer to over- or underflow",
    "depth_scale": "correlation of two inputs through depth: fitted vs predicted ξ_c",
}

NO_INIT = "none"  # the `init` of jobs that draw no weights (the activation curves)
