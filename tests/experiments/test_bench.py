"""The bench: the scale-out grid runs fresh on 1 and 2 workers, and a bench of some parts keeps the earlier numbers of the others."""

import json

from mtm4f_lib.experiments import bench


def test_the_scale_out_grid_trains_every_run_fresh_on_one_and_two_workers():
    report = bench.scale_out(workers=2, runs=2, epochs=1, dataset="synthetic")
    assert set(report["wall_seconds"]) == {"1", "2"} and all(w > 0 for w in report["wall_seconds"].values())
    assert report["speed_up"] == round(report["wall_seconds"]["1"] / report["wall_seconds"]["2"], 2) and report["executor"] == "local"


def test_a_bench_of_some_parts_keeps_the_earlier_numbers_of_the_others(tmp_path, monkeypatch):
    metrics = tmp_path / "paper" / "metrics" / "bench_paper.json"
    metrics.parent.mkdir(parents=True)
    metrics.write_text(json.dumps({"one_run": [{"wall_seconds": 39.8}], "scale_out": {"speed_up": 1.0}}))
    monkeypatch.setattr(bench, "scale_out", lambda *args, **kwargs: {"speed_up": 1.9})
    assert bench.bench("paper", outputs_dir=tmp_path, parts=["scale_out"]) == {"scale_out": {"speed_up": 1.9}}
    assert json.loads(metrics.read_text()) == {"one_run": [{"wall_seconds": 39.8}], "scale_out": {"speed_up": 1.9}}


def test_the_missing_cost_times_m4_with_the_meta_step_on_every_batch_and_on_every_second(synthetic, monkeypatch):
    timed = []

    def fake_timed(spec, data_dir, threads, device):
        timed.append(spec)
        return {"wall_seconds": 10.0 * len(timed), "seconds_per_epoch": 1.0 * len(timed)}

    monkeypatch.setattr(bench, "prepared_dataset", lambda name, data_dir=None: synthetic)
    monkeypatch.setattr(bench, "_timed", fake_timed)
    runs = bench.missing_cost("quick")["runs"]
    assert list(runs) == ["complete", "m4", "drop", "mean", "m4, meta step every 2nd batch"]
    assert [(s.model.missing, s.model.meta_every) for s in (timed[1], timed[4])] == [("m4", 1), ("m4", 2)]
    assert runs["m4"]["epoch_times_complete"] == 2.0 and runs["m4, meta step every 2nd batch"]["times_complete"] == 5.0
