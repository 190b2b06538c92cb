# One rule per figure (figure_<name>): a summary (or tidy) table in, vector PDF and 300-dpi PNG out.
for figure in FIGURE_NAMES:

    rule:
        name:
            f"figure_{figure}"
        input:
            table=get_figure_table(figure),
            library=get_library_sources(),
        output:
            figure_files(figure),
        log:
            f"results/logs/figures/{figure}.log",
        cache: "omit-software"
        localrule: True
        conda:
            "../../environment.yml"
        params:
            figure=figure,
            provenance=figure_provenance(figure),
        script:
            "../scripts/plot.py"
