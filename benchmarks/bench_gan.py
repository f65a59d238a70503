"""GAN tab benchmark: latency of a grid from a seed, a walk, the discriminator view, the story,
the quality metrics, live-training speed and memory. Not a test: it prints numbers for the README.

    python benchmarks/bench_gan.py [--repeats 10]
"""

import time

import measure

from shared import demos


def main() -> None:
    args = measure.parse_arguments(repeats=10)
    from gan import explore, live
    from gan.evaluate import generated_digits
    from gan.quality import sample_quality
    from gan.ui import page_opened, story_frame
    from shared.mnist import load_mnist

    demos.register_texts(demos.describe("gan"))
    measure.print_machine()
    started = time.perf_counter()
    page_opened(2024, 16, -1, 1, 3, 2, 8, 10)
    print(f"first page open (load models, test set, matplotlib; grid, walk, verdicts, histogram, story): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    for name, fn, repeats in [
        ("page open, warm", lambda: page_opened(2024, 16, -1, 1, 3, 2, 8, 10), 3),
        ("grid of 64 from a seed, with D's verdicts", lambda: explore.generate_grid(5, 64, -1), args.repeats),
        ("walk of 16 steps", lambda: explore.walk(1, 3, 2, 8, 16), args.repeats),
        ("one story frame (grid + loss curves)", lambda: story_frame(5), args.repeats),
    ]:
        median, worst = measure.timed(fn, repeats)
        print(f"{name}: median {median:.1f} ms, max {worst:.1f} ms")
    test_images, _ = load_mnist("test")
    started = time.perf_counter()
    quality = sample_quality(generated_digits(10_000, 0), test_images)
    print(f"quality metrics on 10 000 samples: {(time.perf_counter() - started):.1f} s → "
          f"FD {quality['frechet_distance_cnn']}, mean top probability {quality['mean_top_probability']}, "
          f"class shares {quality['min_class_share']:.3f}–{quality['max_class_share']:.3f}")
    from gan.quality import classifier_outputs, frechet_distance

    halves = classifier_outputs(test_images[:5000])[0], classifier_outputs(test_images[5000:])[0]
    print(f"reference: FD between the two halves of the test set {frechet_distance(*halves):.2f} (the floor)")
    train_images, train_labels = load_mnist("train")
    last = measure.last_report(live.train_live(train_images, train_labels, args.live_seconds))
    # A GAN step trains two networks, so it makes only a few steps a second: one decimal.
    print(f"live training: {measure.training_speed(last, decimals=1)}")
    measure.print_resident_memory()


if __name__ == "__main__":
    main()
