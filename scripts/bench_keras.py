"""The tutorial systems in tf.keras (Keras 3 on tensorflow-cpu from scripts/requirements-native.txt,
the TensorFlow build whose C library the native backend runs), timed the same way as `npm run bench`
times ours and scripts/bench_torch.py times PyTorch. Prints one JSON object per model. Used only as
a same-machine speed reference; run it with .venv-keras/bin/python (bash scripts/setup-keras.sh).

Each system is written as its Keras tutorial writes it, layer for layer as lib/models/*.ts, and
trained as the tutorial trains it, since Keras's own loop is what a user of the tutorials runs:
- S0, S1, S2 (plain): D.train_on_batch on real + fake concatenated, then the composite (G then the
  frozen D).train_on_batch on a batch of latent points with every target "real";
- S3, S5 (conditional), S6 (auxiliary): D.train_on_batch on the real batch, then on the fake batch
  (S6 with [real/fake, class] targets), then the composite;
- S4 (dcgan-64): tutorial 003's tf.function GradientTape step (one batch of noise, both networks in
  training mode, both losses from the same D outputs).
Fake images come from G.predict_on_batch (Keras's cached predict function; tutorial code calls
G.predict, which adds a data-adapter set-up per call). The parameter counts are asserted equal to
those of the TypeScript models.
"""
import argparse, json, os, sys, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras writes keras.json into $KERAS_HOME (default ~/.keras) on import: keep it in the project.
os.environ.setdefault("KERAS_HOME", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "keras"))

import numpy as np
import tensorflow as tf
import keras
from keras import layers

# (generator, discriminator) parameter counts of lib/models/*.ts (tfjs countParams(), which like
# Keras's count_params() includes BatchNorm's moving statistics).
TS_PARAMS = {
    "dcgan-mnist": (1164289, 40705),
    "dcgan-fashion": (840705, 212865),
    "dcgan-cifar10": (4574083, 4312193),
    "dcgan-64": (12660097, 11037571),
    "cgan-fashion": (1169336, 196773),
    "cgan-mnist": (1494520, 541345),
    "acgan-mnist": (3757176, 527627),
}


def adam(lr=0.0002, beta_1=0.5):
    return keras.optimizers.Adam(learning_rate=lr, beta_1=beta_1)


def leaky(x, slope=0.2):
    return layers.LeakyReLU(negative_slope=slope)(x)


# ---- S0 dcgan-mnist (tutorial 000) -------------------------------------------------------

def dcgan_mnist():
    d = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 3, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2), layers.Dropout(0.4),
        layers.Conv2D(64, 3, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2), layers.Dropout(0.4),
        layers.Flatten(), layers.Dense(1, activation="sigmoid")], name="discriminator")
    g = keras.Sequential([
        keras.Input((100,)),
        layers.Dense(128 * 7 * 7), layers.LeakyReLU(negative_slope=0.2), layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(128, 4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(128, 4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, 7, padding="same", activation="sigmoid")], name="generator")
    return dict(g=g, d=d, latent=100, shape=(28, 28, 1), batch=256, split="half", kind="plain", opt=adam)


# ---- S1 dcgan-fashion (tutorial 001: Keras's default Adam, 0.001) -------------------------

def dcgan_fashion():
    g = keras.Sequential([
        keras.Input((100,)),
        layers.Dense(7 * 7 * 128), layers.Reshape((7, 7, 128)), layers.BatchNormalization(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", activation="selu"), layers.BatchNormalization(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh")], name="generator")
    d = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1, activation="sigmoid")], name="discriminator")
    return dict(g=g, d=d, latent=100, shape=(28, 28, 1), batch=32, split="full", kind="plain",
                opt=lambda: keras.optimizers.Adam(learning_rate=0.001))


# ---- S2 dcgan-cifar10 (tutorial 002, part 1) -----------------------------------------------

def dcgan_cifar10():
    z = keras.Input((128,))
    x = layers.Reshape((2, 2, 512))(layers.Dense(2 * 2 * 512)(z))
    x = layers.ReLU()(layers.BatchNormalization()(x))
    for filters in (256, 128, 64):
        x = layers.Conv2DTranspose(filters, 5, strides=2, padding="same")(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
    out = layers.Conv2DTranspose(3, 5, strides=2, padding="same", activation="tanh")(x)
    g = keras.Model(z, out, name="generator")
    image = keras.Input((32, 32, 3))
    x = image
    for i, filters in enumerate((64, 128, 256, 512)):
        x = layers.Conv2D(filters, 5, strides=2, padding="same")(x)
        if i > 0:
            x = layers.BatchNormalization()(x)
        x = leaky(x)
    out = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    d = keras.Model(image, out, name="discriminator")
    return dict(g=g, d=d, latent=128, shape=(32, 32, 3), batch=128, split="half", kind="plain", opt=adam)


# ---- S4 dcgan-64 (tutorial 003: Keras's default LeakyReLU slope 0.3, GradientTape step) ------

def dcgan_64():
    z = keras.Input((100,))
    x = layers.Reshape((1, 1, 100))(z)
    x = layers.Conv2DTranspose(1024, 4, strides=1, padding="valid")(x)
    x = leaky(layers.BatchNormalization()(x), 0.3)
    for filters in (512, 256, 128):
        x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(x)
        x = leaky(layers.BatchNormalization()(x), 0.3)
    out = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    g = keras.Model(z, out, name="generator")
    image = keras.Input((64, 64, 1))
    x = leaky(layers.Conv2D(128, 4, strides=2, padding="same")(image), 0.3)
    for filters in (256, 512, 1024):
        x = layers.Conv2D(filters, 4, strides=2, padding="same")(x)
        x = layers.Dropout(0.3)(leaky(layers.BatchNormalization()(x), 0.3))
    x = layers.Dropout(0.3)(layers.Conv2D(1, 4, strides=1, padding="valid")(x))
    out = layers.Activation("sigmoid")(layers.Dense(1)(layers.Flatten()(x)))
    d = keras.Model(image, out, name="discriminator")
    return dict(g=g, d=d, latent=100, shape=(64, 64, 1), batch=128, split="full", kind="plain", opt=adam, tape=True)


# ---- conditional systems (tutorials 002 part 2 and 004) --------------------------------------

def label_channel(label, dim, h, w):
    """label [n, 1] -> Embedding(10, dim) -> Dense(h * w) -> Reshape((h, w, 1))."""
    x = layers.Embedding(10, dim)(label)
    return layers.Reshape((h, w, 1))(layers.Dense(h * w)(x))


def cgan_fashion():
    z, label = keras.Input((100,), name="noise"), keras.Input((1,), name="label")
    gz = layers.Reshape((7, 7, 128))(leaky(layers.Dense(128 * 7 * 7)(z)))
    x = layers.Concatenate()([gz, label_channel(label, 50, 7, 7)])
    x = leaky(layers.Conv2DTranspose(128, 4, strides=2, padding="same")(x))
    x = leaky(layers.Conv2DTranspose(128, 4, strides=2, padding="same")(x))
    out = layers.Conv2D(1, 7, padding="same", activation="tanh")(x)
    g = keras.Model([z, label], out, name="generator")
    image, dlabel = keras.Input((28, 28, 1), name="image"), keras.Input((1,), name="label")
    x = layers.Concatenate()([image, label_channel(dlabel, 50, 28, 28)])
    x = leaky(layers.Conv2D(128, 3, strides=2, padding="same")(x))
    x = leaky(layers.Conv2D(128, 3, strides=2, padding="same")(x))
    x = layers.Dropout(0.4)(layers.Flatten()(x))
    d = keras.Model([image, dlabel], layers.Dense(1, activation="sigmoid")(x), name="discriminator")
    return dict(g=g, d=d, latent=100, shape=(28, 28, 1), batch=128, split="half", kind="conditional", opt=adam)


def cgan_mnist():
    z, label = keras.Input((100,), name="noise"), keras.Input((1,), name="label")
    x = layers.Multiply()([z, layers.Flatten()(layers.Embedding(10, 100)(label))])
    for units in (256, 512, 1024):
        x = layers.BatchNormalization(momentum=0.8)(leaky(layers.Dense(units)(x)))
    out = layers.Reshape((28, 28, 1))(layers.Dense(28 * 28, activation="tanh")(x))
    g = keras.Model([z, label], out, name="generator")
    image, dlabel = keras.Input((28, 28, 1), name="image"), keras.Input((1,), name="label")
    x = layers.Multiply()([layers.Flatten()(image), layers.Flatten()(layers.Embedding(10, 28 * 28)(dlabel))])
    x = leaky(layers.Dense(256)(leaky(layers.Dense(512)(x))))
    d = keras.Model([image, dlabel], layers.Dense(1, activation="sigmoid")(x), name="discriminator")
    return dict(g=g, d=d, latent=100, shape=(28, 28, 1), batch=128, split="half", kind="conditional", opt=adam)


def acgan_mnist():
    init = keras.initializers.RandomNormal(stddev=0.02)
    z, label = keras.Input((100,), name="noise"), keras.Input((1,), name="label")
    gz = layers.Reshape((7, 7, 384))(layers.Dense(384 * 7 * 7, kernel_initializer=init, activation="relu")(z))
    x = layers.Concatenate()([gz, label_channel(label, 50, 7, 7)])
    x = layers.Conv2DTranspose(192, 5, strides=2, padding="same", kernel_initializer=init)(x)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    out = layers.Conv2DTranspose(1, 5, strides=2, padding="same", kernel_initializer=init, activation="tanh")(x)
    g = keras.Model([z, label], out, name="generator")
    image = keras.Input((28, 28, 1), name="image")
    x = image
    for filters, strides, bn in ((32, 2, False), (64, 1, True), (128, 2, True), (256, 1, True)):
        x = layers.Conv2D(filters, 3, strides=strides, padding="same", kernel_initializer=init)(x)
        if bn:
            x = layers.BatchNormalization()(x)
        x = layers.Dropout(0.5)(leaky(x))
    flat = layers.Flatten()(x)
    validity = layers.Dense(1, activation="sigmoid", name="validity")(flat)
    klass = layers.Dense(10, activation="softmax", name="class")(flat)
    d = keras.Model(image, [validity, klass], name="discriminator")
    return dict(g=g, d=d, latent=100, shape=(28, 28, 1), batch=64, split="half", kind="auxiliary", opt=adam)


MODELS = {
    "dcgan-mnist": dcgan_mnist,
    "dcgan-fashion": dcgan_fashion,
    "dcgan-cifar10": dcgan_cifar10,
    "dcgan-64": dcgan_64,
    "cgan-fashion": cgan_fashion,
    "cgan-mnist": cgan_mnist,
    "acgan-mnist": acgan_mnist,
}


def build(name):
    s = MODELS[name]()
    g, d, kind = s["g"], s["d"], s["kind"]
    counts = (g.count_params(), d.count_params())
    if counts != TS_PARAMS[name]:
        raise SystemExit(f"{name}: Keras parameter counts (G, D) = {counts}, TypeScript models have {TS_PARAMS[name]}")
    if s.get("tape"):
        return s
    # The tutorials: D compiled on its own, then frozen while the composite is compiled.
    if kind == "auxiliary":
        d.compile(optimizer=s["opt"](), loss=["binary_crossentropy", "sparse_categorical_crossentropy"])
    else:
        d.compile(optimizer=s["opt"](), loss="binary_crossentropy", metrics=["accuracy"])
    d.trainable = False
    if kind == "plain":
        gan = keras.Sequential([g, d], name="gan")
        gan.compile(optimizer=s["opt"](), loss="binary_crossentropy")
    else:
        z, label = keras.Input((s["latent"],)), keras.Input((1,))
        image = g([z, label])
        gan = keras.Model([z, label], d([image, label]) if kind == "conditional" else d(image), name="gan")
        gan.compile(optimizer=s["opt"](), loss="binary_crossentropy" if kind == "conditional"
                    else ["binary_crossentropy", "sparse_categorical_crossentropy"])
    s["gan"] = gan
    return s


def bench(name, iters, threads):
    keras.utils.set_random_seed(0)
    s = build(name)
    g, d, latent, batch, kind = s["g"], s["d"], s["latent"], s["batch"], s["kind"]
    # 'half': D sees batch/2 real + batch/2 fake (tutorial 000); 'full': a batch of each (001).
    half = batch // 2 if s["split"] == "half" else batch
    real = np.random.uniform(0 if name == "dcgan-mnist" else -1, 1, (half, *s["shape"])).astype("float32")
    real_labels = np.random.randint(0, 10, (half, 1))

    def latent_points(n):
        return np.random.randn(n, latent).astype("float32")

    def gen(n, labels):
        return g.predict_on_batch(latent_points(n) if kind == "plain" else [latent_points(n), labels])

    if s.get("tape"):
        bce = keras.losses.BinaryCrossentropy()
        opt_g, opt_d = s["opt"](), s["opt"]()
        real_t = tf.constant(real)

        @tf.function
        def train_step(images):
            noise = tf.random.normal([batch, latent])
            with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
                generated = g(noise, training=True)
                real_output = d(images, training=True)
                fake_output = d(generated, training=True)
                gen_loss = bce(tf.ones_like(fake_output), fake_output)
                disc_loss = bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_like(fake_output), fake_output)
            opt_g.apply_gradients(zip(gen_tape.gradient(gen_loss, g.trainable_variables), g.trainable_variables))
            opt_d.apply_gradients(zip(disc_tape.gradient(disc_loss, d.trainable_variables), d.trainable_variables))
            return gen_loss, disc_loss

        def step():
            gen_loss, disc_loss = train_step(real_t)
            return float(gen_loss), float(disc_loss)
    else:
        gan = s["gan"]

        def step():
            if kind == "plain":  # one concatenated batch (tutorial 000's vstack)
                fake = gen(half, None)
                d.trainable = True
                d.train_on_batch(np.vstack([real, fake]), np.vstack([np.ones((half, 1)), np.zeros((half, 1))]))
            else:  # real and fake batches separately (tutorial 004)
                fake_labels = np.random.randint(0, 10, (half, 1))
                fake = gen(half, fake_labels)
                d.trainable = True
                if kind == "conditional":
                    d.train_on_batch([real, real_labels], np.ones((half, 1)))
                    d.train_on_batch([fake, fake_labels], np.zeros((half, 1)))
                else:
                    d.train_on_batch(real, [np.ones((half, 1)), real_labels])
                    d.train_on_batch(fake, [np.zeros((half, 1)), fake_labels])
            # Keras 3 reads `trainable` when a train function is first traced, not at compile():
            # D is trainable for its own train_on_batch and frozen for the composite's.
            d.trainable = False
            ones = np.ones((batch, 1))
            if kind == "plain":
                gan.train_on_batch(latent_points(batch), ones)
            else:
                wanted = np.random.randint(0, 10, (batch, 1))
                gan.train_on_batch([latent_points(batch), wanted], ones if kind == "conditional" else [ones, wanted])

    step()  # warm-up: traces the train functions
    t, cpu = time.perf_counter(), time.process_time()
    for _ in range(iters):
        step()
    wall = time.perf_counter() - t
    cpu_percent = (time.process_time() - cpu) / wall * 100  # all of this process's threads
    ms = wall * 1000 / iters
    labels = np.random.randint(0, 10, (half, 1))
    gen(half, labels)
    t = time.perf_counter()
    for _ in range(iters):
        gen(half, labels)
    gen_ms = (time.perf_counter() - t) * 1000 / iters
    return {"model": name, "batch": batch, "threads": threads, "kerasMsPerIter": round(ms, 1),
            "kerasGenForwardMs": round(gen_ms, 1), "kerasCpuPercent": round(cpu_percent), "kerasVersion": keras.__version__, "tensorflowVersion": tf.__version__}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", action="append", help="a system name (repeatable); default: all seven")
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="TensorFlow's intra-op (and inter-op) threads")
    ap.add_argument("--params", action="store_true", help="only build every system and check its parameter counts")
    a = ap.parse_args()
    # Fixed before TensorFlow runs its first op.
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    names = a.model or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"Unknown model {', '.join(unknown)}. Known models: {', '.join(MODELS)}.")
    for name in names:
        if a.params:
            s = build(name)
            print(json.dumps({"model": name, "generatorParams": s["g"].count_params(), "discriminatorParams": s["d"].count_params()}), flush=True)
        else:
            print(json.dumps(bench(name, a.iters, a.threads)), flush=True)
