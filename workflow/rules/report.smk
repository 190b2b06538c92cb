rule reproduction:
    """Every number the seed notebooks print beside our ensemble band for the same statistic."""
    input:
        unpack(get_reproduction_inputs),
    output:
        report(
            "results/tables/reproduction.csv",
            caption="../report/reproduction.rst",
            category="Reproduction",
        ),
    log:
        "results/logs/reproduction.log",
    cache: "omit-software"
    localrule: True
    conda:
        "../../environment.yml"
    params:
        dtype=config["dtype"],
    script:
        "../scripts/reproduction.py"


rule summary_report:
    """Self-contained HTML page: reproduction table, every figure with its caption, provenance."""
    input:
        reproduction="results/tables/reproduction.csv",
        figures=[path for path in figure_outputs() if path.endswith(".png")],
        captions=get_figure_captions(),
        library=get_library_sources(),
    output:
        "results/report/summary.html",
    log:
        "results/logs/summary_report.log",
    cache: "omit-software"
    localrule: True
    conda:
        "../../environment.yml"
    params:
        provenance=figure_provenance(),
    script:
        "../scripts/summary_report.py"
