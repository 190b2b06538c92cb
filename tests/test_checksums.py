from initstab import checksums


def entry(directory, name="ab" * 32):
    """One cache entry as Snakemake stores it: ``<hash><ext>`` files, and their .sha256, writable by everyone."""
    outputs = [directory / f"{name}.csv", directory / f"{name}_summary.csv", directory / f"{name}.sha256"]
    outputs[0].write_text("a,b\n1,2\n3,4\n")
    outputs[1].write_text("m\n5\n")
    checksums.write_checksums(outputs)
    for path in outputs:
        path.chmod(0o666)
    return outputs


def test_checksums_list_every_other_output_by_its_extension(tmp_path):
    table, summary, sidecar = entry(tmp_path)
    lines = sidecar.read_text().splitlines()
    assert lines == [f"{checksums.file_sha256(table)}  .csv", f"{checksums.file_sha256(summary)}  _summary.csv"]


def test_intact_entries_stay_and_become_read_only(tmp_path):
    warnings = []
    outputs = entry(tmp_path)
    assert checksums.verify_cache(tmp_path, tmp_path / "results", warnings.append) == [] and warnings == []
    assert all(path.stat().st_mode & 0o777 == 0o444 for path in outputs)


def test_an_edited_entry_is_removed_whole_with_a_warning_naming_it(tmp_path):
    warnings = []
    table, summary, sidecar = entry(tmp_path)
    kept = entry(tmp_path, "cd" * 32)
    table.write_text("a,b\n1,2\n")  # truncated at a line boundary: still a valid table
    assert checksums.verify_cache(tmp_path, tmp_path / "results", warnings.append) == [table, sidecar, summary]
    (warning,) = warnings
    assert warning.startswith(f"corrupt cache entry {tmp_path / ('ab' * 32)} removed") and table.name in warning
    assert not any(path.exists() for path in (table, summary, sidecar)) and all(path.exists() for path in kept)


def test_a_file_still_on_its_way_is_not_judged(tmp_path):
    table, _, _ = entry(tmp_path)
    table.unlink()  # Snakemake moves an entry's files in one by one
    assert checksums.verify_cache(tmp_path, tmp_path / "results", lambda message: None) == []


def test_links_into_the_cache_that_point_at_nothing_are_removed(tmp_path):
    """Snakemake counts a dangling link as an existing output: it would neither restore nor recompute it."""
    table, _, _ = entry(tmp_path)
    results = tmp_path / "results" / "jobs"
    results.mkdir(parents=True)
    (results / "kept.csv").symlink_to(table)
    (results / "gone.csv").symlink_to(tmp_path / f"{'ef' * 32}.csv")
    (results / "elsewhere.csv").symlink_to(tmp_path / "nowhere" / "x.csv")  # not ours to judge
    checksums.verify_cache(tmp_path, tmp_path / "results", lambda message: None)
    assert sorted(p.name for p in results.iterdir()) == ["elsewhere.csv", "kept.csv"]
