rule reproduction:
    """Every number the seed notebooks print beside our ensemble band for the same statistic."""
    input:
        unpack(get_reproduction_inputs),
    output:
        checked(
            "results/tables/reproduction",
            ".csv",
            in_report=".csv",
            caption="../report/reproduction.rst",
            category="Reproduction",
        ),
    log:
        "results/logs/reproduction.log",
    cache: "omit-software"
    priority: DERIVED_PRIORITY
    localrule: True
    conda:
        "../../environment.yml"
    params:
        dtype=config["dtype"],
    script:
        "../scripts/reproduction.py"


rule theory:
    """Every mean-field prediction beside the measured median of the same quantity."""
    input:
        summaries=expand(
            "results/tables/{experiment}_summary.csv", experiment=THEORY_EXPERIMENTS
        ),
        library=get_library_sources(),
    output:
        checked(
            "results/tables/theory",
            ".csv",
            in_report=".csv",
            caption="../report/theory.rst",
            category="Theory",
        ),
    log:
        "results/logs/theory.log",
    cache: "omit-software"
    priority: DERIVED_PRIORITY
    localrule: True
    conda:
        "../../environment.yml"
    params:
        experiments=THEORY_EXPERIMENTS,
    script:
        "../scripts/theory.py"


rule summary_report:
    """Self-contained HTML page: reproduction table, every figure with its caption, provenance."""
    input:
        reproduction="results/tables/reproduction.csv",
        theory="results/tables/theory.csv",
        figures=figure_outputs(ext=["png"]),
        captions=get_figure_captions(),
        library=get_library_sources(),
    output:
        checked("results/report/summary", ".html"),
    log:
        "results/logs/summary_report.log",
    cache: "omit-software"
    priority: DERIVED_PRIORITY
    localrule: True
    conda:
        "../../environment.yml"
    params:
        provenance=report_provenance(),
        sizes={figure: figure_sizes(figure) for figure in CONFIGURED_FIGURES},
        activations=sorted(
            {c.activation for job in COMBINATIONS.values() for c in job.combinations}
        ),
    script:
        "../scripts/summary_report.py"
