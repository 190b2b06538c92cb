rule collect:
    """Concatenate an experiment's job CSVs into one tidy table and summarize it per layer and metric."""
    input:
        get_job_outputs,
    output:
        multiext("results/tables/{experiment}", table=".csv", summary="_summary.csv"),
    log:
        "results/logs/collect/{experiment}.log",
    cache: "omit-software"
    conda:
        "../../environment.yml"
    script:
        "../scripts/collect.py"
