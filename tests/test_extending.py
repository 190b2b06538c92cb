"""README "Your own question": a new activation costs the two documented files, and runs through the workflow."""

import shutil

import numpy as np
import pandas as pd
import yaml
from conftest import REPO, snakemake

# The README's worked example, entry for entry: one line in each registry.
SOFTSIGN = {
    "src/initstab/activations.py": (
        "ACTIVATIONS: dict[str, Activation] = {\n",
        '    "softsign": Activation("φ(x) = x/(1+|x|)", "softsign", "#870000", lambda x: x / (1 + np.abs(x)),'
        " lambda x: 1 / (1 + np.abs(x)) ** 2),\n",
    ),
    "src/initstab/tf/activations.py": (
        "ACTIVATIONS: dict[str, Activation] = {\n",
        '    "softsign": Activation(tf.nn.softsign),\n',
    ),
}


def copy_with_softsign(root):
    """The workflow and library in ``root``, softsign added through exactly the README's two files."""
    for name in ("Snakefile", "environment.yml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("workflow", "src"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for path, (anchor, entry) in SOFTSIGN.items():
        text = (root / path).read_text()
        assert text.count(anchor) == 1, path
        (root / path).write_text(text.replace(anchor, anchor + entry))


def test_a_new_activation_runs_through_the_tiny_workflow(tmp_path):
    root, workdir = tmp_path / "initstab", tmp_path / "run"
    root.mkdir(), workdir.mkdir()
    copy_with_softsign(root)
    config = {
        "experiments": {
            "forward": {
                "width": 16,
                "depth": 4,
                "seeds": 8,
                "cases": [{"activations": ["softsign"], "inits": ["xavier_normal", "critical"], "scales": [1.0]}],
            }
        }
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    snakemake(workdir, "--cores", "2", snakefile=root / "Snakefile")

    table = pd.read_csv(workdir / "results" / "tables" / "forward.csv")
    assert set(table["activation"]) == {"softsign"}
    assert table.loc[table["metric"] == "act_std", "finite"].all()  # events that never happen are inf by design
    # softsign is odd with φ′(0) = 1: without biases q* = 0 below the edge, so σ²_w,crit = 1/φ′(0)² = 1 exactly
    critical = table.loc[table["init"] == "critical", "sigma_w2"]
    np.testing.assert_allclose(critical.unique(), [1.0], rtol=1e-9)
    theory = pd.read_csv(workdir / "results" / "tables" / "theory.csv")
    assert (theory["activation"] == "softsign").any()
    assert (workdir / "results" / "figures" / "forward.png").stat().st_size > 0
