rule figure_matrix_product:
    """One figure: a summary (or tidy) table in, the same figure as vector PDF and 300-dpi PNG out."""
    input:
        get_figure_table("matrix_product"),
    output:
        pdf=report(
            "results/figures/matrix_product.pdf",
            caption="../report/matrix_product.rst",
            category="Figures",
        ),
        png="results/figures/matrix_product.png",
    log:
        "results/logs/figures/matrix_product.log",
    cache: "omit-software"
    conda:
        "../../environment.yml"
    params:
        figure="matrix_product",
    script:
        "../scripts/plot.py"


use rule figure_matrix_product as figure_gradient_flow_scales with:
    input:
        get_figure_table("gradient_flow_scales"),
    output:
        pdf=report(
            "results/figures/gradient_flow_scales.pdf",
            caption="../report/gradient_flow_scales.rst",
            category="Figures",
        ),
        png="results/figures/gradient_flow_scales.png",
    log:
        "results/logs/figures/gradient_flow_scales.log",
    params:
        figure="gradient_flow_scales",


use rule figure_matrix_product as figure_gradient_flow_inits with:
    input:
        get_figure_table("gradient_flow_inits"),
    output:
        pdf=report(
            "results/figures/gradient_flow_inits.pdf",
            caption="../report/gradient_flow_inits.rst",
            category="Figures",
        ),
        png="results/figures/gradient_flow_inits.png",
    log:
        "results/logs/figures/gradient_flow_inits.log",
    params:
        figure="gradient_flow_inits",


use rule figure_matrix_product as figure_forward with:
    input:
        get_figure_table("forward"),
    output:
        pdf=report(
            "results/figures/forward.pdf",
            caption="../report/forward.rst",
            category="Figures",
        ),
        png="results/figures/forward.png",
    log:
        "results/logs/figures/forward.log",
    params:
        figure="forward",


use rule figure_matrix_product as figure_repeated_matrix with:
    input:
        get_figure_table("repeated_matrix"),
    output:
        pdf=report(
            "results/figures/repeated_matrix.pdf",
            caption="../report/repeated_matrix.rst",
            category="Figures",
        ),
        png="results/figures/repeated_matrix.png",
    log:
        "results/logs/figures/repeated_matrix.log",
    params:
        figure="repeated_matrix",


use rule figure_matrix_product as figure_activations with:
    input:
        get_figure_table("activations"),
    output:
        pdf=report(
            "results/figures/activations.pdf",
            caption="../report/activations.rst",
            category="Figures",
        ),
        png="results/figures/activations.png",
    log:
        "results/logs/figures/activations.log",
    params:
        figure="activations",
