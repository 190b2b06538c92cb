# One rule per configured figure (figure_<name>, from the experiment registry): its table in, PDF and PNG out.
for figure in CONFIGURED_FIGURES:

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
        priority: DERIVED_PRIORITY
        localrule: True
        conda:
            "../../environment.yml"
        params:
            figure=figure,
            provenance=figure_provenance(figure),
            sizes=figure_sizes(figure),
        script:
            "../scripts/plot.py"
