"""VAE tab benchmark: latency of the map, a decoded point, similar digits, a morph, prior samples,
live-training speed and memory. Not a test: it prints numbers for the README.

    python benchmarks/bench_vae.py [--repeats 20]
"""

import time

import measure
import numpy as np


def main() -> None:
    args = measure.parse_arguments(repeats=20)
    from shared.mnist import load_mnist
    from vae import checkpoint, latent, live

    measure.print_machine()
    started = time.perf_counter()
    latent.latent_map(None)
    print(f"first map (load both models, decode 225 tiles, encode 2000 test digits): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    test_images, _ = load_mnist("test")
    a, b = (test_images[i].astype(np.float32) / 255 for i in (0, 1))
    for name, fn in [
        ("map with a marker", lambda: latent.latent_map(np.array([0.3, -0.2]))),
        ("decode one point (2-D)", lambda: latent.decode(np.zeros((1, 2)), checkpoint.MAP_MODEL)),
        ("16 similar digits (32-D)", lambda: latent.similar(a, 1.0, 16, 0)),
        ("morph in 10 steps", lambda: latent.interpolate(a, b, 10)),
        ("16 prior samples (32-D)", lambda: latent.prior_samples(checkpoint.QUALITY_MODEL, 16, 0)),
        ("10 000 prior samples (32-D, for shared.evaluate)",
         lambda: latent.prior_samples(checkpoint.QUALITY_MODEL, 10_000, 0)),
    ]:
        median, worst = measure.timed(fn, args.repeats if "10 000" not in name else 3)
        print(f"{name}: median {median:.1f} ms, max {worst:.1f} ms")
    train_images, _ = load_mnist("train")
    last = measure.last_report(live.train_live(train_images, test_images, 2, args.live_seconds))
    print(f"live training (2-D): {measure.training_speed(last)}; "
          f"test −ELBO {last.test_loss:.1f} nats")
    measure.print_resident_memory()


if __name__ == "__main__":
    main()
