rule collect:
    """Concatenate an experiment's job CSVs into one tidy table and summarize it per layer and metric."""
    input:
        jobs=get_job_outputs,
        library=get_library_sources(),
    output:
        table_files(),
    log:
        "results/logs/collect/{experiment}.log",
    cache: "omit-software"
    priority: DERIVED_PRIORITY
    localrule: True
    conda:
        "../../environment.yml"
    params:
        jobs=get_experiment_jobs,
    script:
        "../scripts/collect.py"
