rule kernel:
    """One combination (experiment × activation × init × scale × shape): all its seeds in one TensorFlow call.

    One rule serves every experiment: the kernel is chosen by the spec, resources by get_* functions.
    Cached between workflows, so no benchmark: (Snakemake forbids both); the log records time and peak memory.
    """
    input:
        get_kernel_sources,
    output:
        "results/jobs/{experiment}/{job}.csv",
    log:
        "results/logs/jobs/{experiment}/{job}.log",
    cache: "omit-software"
    conda:
        "../../environment.yml"
    threads: config["threads"]
    resources:
        mem_mb=get_job_mem_mb,
        runtime=10,
        gpu=get_job_gpus,
    params:
        spec=get_job_spec,
        device=config["device"],
    script:
        "../scripts/run_kernel.py"
