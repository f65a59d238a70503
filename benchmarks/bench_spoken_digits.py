"""Benchmark of the spoken-digits tab: what training cost and gave, and how long one answer takes.

    python benchmarks/bench_spoken_digits.py            # 20 timed calls per figure
    python benchmarks/bench_spoken_digits.py --repeats 50

Prints, per model, the parameters, the training time and both test numbers recorded in
metrics.json (official split; leave-one-speaker-out mean and worst speaker), then:

- compute: one recording through the tab's analysis (preprocess, network, every layer) per model,
  and the pictures the page shows;
- app: the ``/spoken_digit_classify`` endpoint and the page's two events, ``/spoken_digits_analyse``
  (the answer) and ``/spoken_digits_pictures`` (drawn after it), through a running app with
  gradio_client, which adds HTTP, the queue and the transfer of every file.
"""

import json
import sys
from pathlib import Path

import measure
import soundfile
from gradio_client import Client, handle_file

from shared import demos
from spoken_digits import predict, ui
from spoken_digits.analysis import analyse

EXAMPLE = Path(predict.__file__).resolve().parent / "examples" / "7_jackson_0.wav"


def print_training() -> None:
    metrics = json.loads((predict.WEIGHTS_DIR / "metrics.json").read_text())
    print(f"trained on: {metrics['machine']['cpu']}, {metrics['machine']['threads']} thread(s) per run")
    print("model | parameters | official split | leave one speaker out: mean / worst | training (official split)")
    for name, record in metrics["models"].items():
        loso = record.get("loso", {})
        held_out = (f"{100 * loso['mean']:.1f} % / {100 * loso['worst']:.1f} %" if "mean" in loso else "not measured")
        print(f"{name} | {record['parameters']:,} | {100 * record['official']['accuracy']:.2f} % | {held_out} | "
              f"{record['official']['train_seconds']:.0f} s")


def main() -> None:
    args = measure.parse_arguments(repeats=20)
    measure.print_machine()
    print_training()
    demos.register_texts(demos.describe("spoken_digits"))
    samples, rate = soundfile.read(EXAMPLE, dtype="float32")
    for name in predict.MODELS:
        median, slowest = measure.timed(lambda n=name: analyse(samples, rate, n), args.repeats)
        print(f"compute, {name}: median {median:.1f} ms (slowest {slowest:.1f} ms)")
    median, slowest = measure.timed(lambda: ui.analyse_recording({"path": str(EXAMPLE)}, "m5"), args.repeats)
    print(f"compute, the page's answer (m5, file read included): median {median:.0f} ms (slowest {slowest:.0f} ms)")
    median, slowest = measure.timed(lambda: ui.draw_recording({"path": str(EXAMPLE)}, "m5"), args.repeats)
    print(f"compute, the page's pictures (m5): median {median:.0f} ms (slowest {slowest:.0f} ms)")

    import app

    server = app.build_app(["spoken_digits"])
    server.launch(prevent_thread_lock=True, quiet=True, **app.launch_kwargs())
    try:
        client = Client(server.local_url, verbose=False)
        median, slowest = measure.timed(
            lambda: client.predict(handle_file(EXAMPLE), api_name="/spoken_digit_classify"), args.repeats)
        print(f"app, /spoken_digit_classify: median {median:.0f} ms (slowest {slowest:.0f} ms)")
        for endpoint in ("/spoken_digits_analyse", "/spoken_digits_pictures"):
            median, slowest = measure.timed(
                lambda e=endpoint: client.predict(handle_file(EXAMPLE), "m5", api_name=e), args.repeats)
            print(f"app, {endpoint}: median {median:.0f} ms (slowest {slowest:.0f} ms)")
    finally:
        server.close()
    measure.print_resident_memory()


if __name__ == "__main__":
    sys.exit(main())
