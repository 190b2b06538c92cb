# Everything the rules ask: the combination table, targets, inputs, params and resources, all read from the
# experiment registry (initstab.experiments); no list of experiments or figures is kept here.
SRC = os.path.join(HERE, "src")
# Scripts import the library from this checkout, the same files the jobs declare as inputs.
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
)

# Between-workflow output cache (enabled by profiles/default): a per-user directory unless the user moved it.
os.environ.setdefault(
    "SNAKEMAKE_OUTPUT_CACHE",
    os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "initstab",
        "snakemake-output-cache",
    ),
)
os.makedirs(os.environ.get("SNAKEMAKE_OUTPUT_CACHE"), exist_ok=True)

from pathlib import Path

from snakemake.logging import logger

from initstab import checksums


def verify_cache():
    """Drop corrupt cache entries before Snakemake may serve them; make the others read-only (checksums.py).
    Once per run: not again in the Snakemake process of each job."""
    if sweep.execution(workflow) != "job":
        checksums.verify_cache(
            os.environ.get("SNAKEMAKE_OUTPUT_CACHE"), Path("results"), logger.warning
        )


verify_cache()

from initstab.combinations import (
    combination_table,
    estimated_seconds,
    job_name_pattern,
    job_spec,
    memory_mb,
    run_sizes,
)
from initstab.experiments import EXPERIMENTS, FIGURES, experiment_of, kernel_sources
from initstab.provenance import (
    KERNEL_PACKAGES,
    config_hash,
    experiment_hash,
    software_versions,
)

COMBINATIONS = combination_table(config)
CONFIGURED = [name for name in EXPERIMENTS if name in config["experiments"]]
CONFIGURED_FIGURES = [f.name for name in CONFIGURED for f in EXPERIMENTS[name].figures]
THEORY_EXPERIMENTS = [name for name in CONFIGURED if EXPERIMENTS[name].theory]
NOTEBOOK_EXPERIMENTS = [name for name in CONFIGURED if EXPERIMENTS[name].notebook]
CONFIG_HASH = config_hash(config)
REPORT = os.path.join(HERE, "workflow", "report")
RESOURCES = os.path.join(HERE, "workflow", "resources")
LIBRARY_SOURCES = sorted(
    str(path) for path in Path(SRC, "initstab").rglob("*.py") if "tf" not in path.parts
)


wildcard_constraints:
    experiment="|".join(EXPERIMENTS),
    job=job_name_pattern(),


def get_job(wildcards):
    return job_spec(COMBINATIONS, wildcards.experiment, wildcards.job)


def get_job_params(wildcards):
    """The job as plain data: Snakemake's cache key then covers every field of every combination."""
    return get_job(wildcards).to_params()


def get_kernel_sources(wildcards):
    """The library files a kernel job's numbers depend on (initstab.experiments.kernel_sources)."""
    return [
        os.path.join(SRC, "initstab", path)
        for path in kernel_sources(wildcards.experiment)
    ]


def get_library_sources():
    """Every TensorFlow-free library module: inputs of the cheap derived rules, so a library change invalidates
    their cache."""
    return LIBRARY_SOURCES


def get_job_outputs(wildcards):
    return [
        f"results/jobs/{experiment}/{job}.csv"
        for experiment, job in COMBINATIONS
        if experiment == wildcards.experiment
    ]


def get_experiment_jobs(wildcards):
    """Every job of one experiment as plain data, in get_job_outputs' order: collect checks each table's rows."""
    return [
        COMBINATIONS[(experiment, job)].to_params()
        for experiment, job in COMBINATIONS
        if experiment == wildcards.experiment
    ]


def get_job_mem_mb(wildcards):
    """Memory a kernel job asks for (MB), from what one kernel call holds (combinations.memory_mb)."""
    return memory_mb(get_job(wildcards))


def get_job_priority(wildcards):
    """Longest first: a kernel job's estimated seconds (combinations.estimated_seconds), so no long job starts last."""
    return round(estimated_seconds(get_job(wildcards)))


# The collect, figure and report rules run as soon as their inputs exist, ahead of any kernel job: each takes
# seconds, and left for the end they would run one after another once the last kernel job is done.
DERIVED_PRIORITY = 10_000


def get_job_gpus(wildcards):
    """GPUs a kernel job asks for: 1 with `device: gpu` (SLURM maps it to a GPU request; locally
    `--resources gpu=N` throttles), 0 otherwise (`auto` uses a GPU only when the node happens to have one).
    """
    return 1 if config["device"] == "gpu" else 0


def get_figure_table(figure):
    """The table a figure reads: its experiment's summary, or every seed's rows."""
    suffix = "_summary" if FIGURES[figure].table == "summary" else ""
    return f"results/tables/{experiment_of(figure).name}{suffix}.csv"


def figure_provenance(figure):
    """What a figure states about its making (its experiment's config hash, versions); passed as params, so the
    cache key includes it and a figure reruns only when its own experiment changes."""
    return {
        "config_hash": experiment_hash(config, experiment_of(figure).name),
        "versions": software_versions(),
    }


def figure_sizes(figure):
    """What a figure's experiment ran (width, depth, seeds, …, as text): its caption states these
    (``{{ snakemake.params.sizes.width }}``), so captions never carry the default config's sizes.
    """
    return run_sizes(COMBINATIONS, experiment_of(figure).name)


def report_provenance():
    return {"config_hash": CONFIG_HASH, "versions": software_versions()}


def caption(name):
    return os.path.join(REPORT, f"{name}.rst")


def get_figure_captions():
    return [caption(figure) for figure in CONFIGURED_FIGURES]


def get_reproduction_inputs(wildcards):
    """The seed numbers, their notes, and the tidy table of each configured experiment they cite."""
    tables = {e: f"results/tables/{e}.csv" for e in NOTEBOOK_EXPERIMENTS}
    return tables | {
        "library": get_library_sources(),
        "numbers": f"{RESOURCES}/seed_numbers.csv",
        "matrices": f"{RESOURCES}/seed_matrices.csv",
        "notes": f"{RESOURCES}/reproduction_notes.csv",
    }


def checked(base, *exts, in_report=None, **report_kwargs):
    """``base + ext`` for each ext, and ``base.sha256``: their content checksums (initstab.checksums), one multiext
    output the cache stores as one entry. ``in_report``: which ext goes into the report (with ``report_kwargs``).
    """
    outputs = multiext(base, *exts, checksums.EXT)
    pairs = zip(outputs, [*exts, checksums.EXT], strict=True)
    return [report(p, **report_kwargs) if ext == in_report else p for p, ext in pairs]


def figure_files(figure):
    """PDF (in the report, with its caption) and PNG of one figure, and their checksums."""
    return checked(
        f"results/figures/{figure}",
        ".pdf",
        ".png",
        in_report=".pdf",
        caption=caption(figure),
        category="Figures",
    )


def table_files():
    """An experiment's tidy table and its summary (the latter in the report), and their checksums."""
    return checked(
        "results/tables/{experiment}",
        ".csv",
        "_summary.csv",
        in_report="_summary.csv",
        caption=caption("summary_table"),
        category="Tables",
        subcategory="{experiment}",
    )


def figure_outputs(ext=("pdf", "png")):
    return [f"results/figures/{f}.{e}" for f in CONFIGURED_FIGURES for e in ext]


def all_targets():
    return [
        *expand("results/tables/{experiment}.csv", experiment=CONFIGURED),
        *expand("results/tables/{experiment}_summary.csv", experiment=CONFIGURED),
        *figure_outputs(),
        "results/tables/reproduction.csv",
        "results/tables/theory.csv",
        "results/report/summary.html",
    ]
