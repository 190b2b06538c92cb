rule kernel:
    """One job: a range of seeds of the stacked combinations of one experiment that share a shape, in one TensorFlow
    process. One rule serves every experiment: the kernel is the experiment's, resources by get_*; the longest
    (estimated) jobs start first.
    Cached between workflows, so no benchmark: (Snakemake forbids both); the log records time and peak memory.
    The params carry the versions of TensorFlow, numpy and initstab: an upgrade recomputes, never reuses, numbers.
    """
    input:
        get_kernel_sources,
    output:
        checked("results/jobs/{experiment}/{job}", ".csv"),
    log:
        "results/logs/jobs/{experiment}/{job}.log",
    cache: "omit-software"
    priority: get_job_priority
    conda:
        "../../environment.yml"
    threads: config["threads"]
    resources:
        mem_mb=get_job_mem_mb,
        runtime=10,
        gpu=get_job_gpus,
    params:
        job=get_job_params,
        device=config["device"],
        versions=software_versions(KERNEL_PACKAGES),
    script:
        "../scripts/run_kernel.py"
