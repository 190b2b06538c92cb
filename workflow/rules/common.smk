import os
import sys

SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, SRC)
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

from initstab.catalogue import EXPERIMENTS
from initstab.comparison import ROWS as THEORY_ROWS
from initstab.reproduction import SEED_EXPERIMENTS
from initstab.provenance import config_hash, experiment_hash, software_versions
from initstab.combinations import (
    KERNEL_MODULES,
    combination_table,
    job_name_pattern,
    job_spec,
    memory_mb,
)

COMBINATIONS = combination_table(config)
CONFIGURED = [name for name in EXPERIMENTS if name in config["experiments"]]
THEORY_EXPERIMENTS = [name for name in CONFIGURED if name in THEORY_ROWS]
FIGURES = {
    "matrix_product": ["matrix_product"],
    "gradient_flow": ["gradient_flow_scales", "gradient_flow_inits"],
    "forward": ["forward"],
    "repeated_matrix": ["repeated_matrix"],
    "activations": ["activations"],
    "phase_diagram": ["phase_diagram"],
    "jacobian_spectrum": ["jacobian_spectrum"],
    "precision": ["precision"],
    "depth_scale": ["depth_scale"],
}


wildcard_constraints:
    experiment="|".join(EXPERIMENTS),
    job=job_name_pattern(),


def get_job_spec(wildcards):
    return job_spec(COMBINATIONS, wildcards.experiment, wildcards.job)


def get_kernel_sources(wildcards):
    return [os.path.join(SRC, "initstab", f"{module}.py") for module in KERNEL_MODULES]


LIBRARY_SOURCES = sorted(
    os.path.join(SRC, "initstab", name)
    for name in os.listdir(os.path.join(SRC, "initstab"))
    if name.endswith(".py")
)


def get_library_sources():
    """Every library module: inputs of the cheap derived rules, so a library change invalidates their cache."""
    return LIBRARY_SOURCES


def get_job_outputs(wildcards):
    return [
        f"results/jobs/{experiment}/{job}.csv"
        for experiment, job in COMBINATIONS
        if experiment == wildcards.experiment
    ]


def get_job_mem_mb(wildcards):
    """Memory a kernel job asks for (MB), from its stacked weight batch (combinations.memory_mb)."""
    return memory_mb(get_job_spec(wildcards))


FIGURE_NAMES = [figure for figures in FIGURES.values() for figure in figures]
FULL_TABLE_FIGURES = {
    "repeated_matrix"
}  # figures that plot every seed, not the summary


def get_job_gpus(wildcards):
    """GPUs a kernel job asks for: 1 with `device: gpu` (SLURM maps it to a GPU request; locally
    `--resources gpu=N` throttles), 0 otherwise (`auto` uses a GPU only when the node happens to have one).
    """
    return 1 if config["device"] == "gpu" else 0


def get_figure_table(figure):
    experiment = next(e for e, figures in FIGURES.items() if figure in figures)
    suffix = "" if figure in FULL_TABLE_FIGURES else "_summary"
    return f"results/tables/{experiment}{suffix}.csv"


def get_figure_captions():
    pngs = [path for path in figure_outputs() if path.endswith(".png")]
    return [
        os.path.join(
            workflow.basedir, "workflow", "report", f"{os.path.basename(p)[:-4]}.rst"
        )
        for p in pngs
    ]


def get_reproduction_inputs(wildcards):
    """The seed numbers, their notes, and the tidy table of each configured experiment they cite."""
    tables = {e: f"results/tables/{e}.csv" for e in CONFIGURED if e in SEED_EXPERIMENTS}
    resources = os.path.join(workflow.basedir, "workflow", "resources")
    return tables | {
        "library": get_library_sources(),
        "numbers": f"{resources}/seed_numbers.csv",
        "matrices": f"{resources}/seed_matrices.csv",
        "notes": f"{resources}/reproduction_notes.csv",
    }


CONFIG_HASH = config_hash(config)


def figure_files(name):
    """PDF (in the report, with its caption) and PNG of one figure, as one multiext output the cache can store."""
    pdf, png = multiext(f"results/figures/{name}", ".pdf", ".png")
    caption = os.path.join(workflow.basedir, "workflow", "report", f"{name}.rst")
    return [report(pdf, caption=caption, category="Figures"), png]


def table_files():
    """An experiment's tidy table and its summary (the latter in the report), as one multiext output."""
    table, summary = multiext("results/tables/{experiment}", ".csv", "_summary.csv")
    caption = os.path.join(workflow.basedir, "workflow", "report", "summary_table.rst")
    in_report = report(
        summary, caption=caption, category="Tables", subcategory="{experiment}"
    )
    return [table, in_report]


def figure_provenance(figure=None):
    """What a figure (its experiment's config hash) or the report (the whole config's) states about its making;
    passed as params, so the cache key includes it and a figure reruns only when its own experiment changes.
    """
    if figure is None:
        return {"config_hash": CONFIG_HASH, "versions": software_versions()}
    experiment = next(e for e, figures in FIGURES.items() if figure in figures)
    return {
        "config_hash": experiment_hash(config, experiment),
        "versions": software_versions(),
    }


def figure_outputs():
    return [
        f"results/figures/{figure}.{ext}"
        for experiment in CONFIGURED
        for figure in FIGURES[experiment]
        for ext in ("pdf", "png")
    ]


def all_targets():
    return [
        *expand("results/tables/{experiment}.csv", experiment=CONFIGURED),
        *expand("results/tables/{experiment}_summary.csv", experiment=CONFIGURED),
        *figure_outputs(),
        "results/tables/reproduction.csv",
        "results/tables/theory.csv",
        "results/report/summary.html",
    ]
