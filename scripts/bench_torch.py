"""The tutorial systems in PyTorch, timed the same way as `npm run bench` times ours:
one training iteration = D on half a batch real + half fake, then G through the frozen D on
a full batch. Prints one JSON object per model. Used only as a same-machine speed reference.

Run with OPENBLAS_NUM_THREADS=1 (the bench sets it) so OpenBLAS does not oversubscribe the
cores that torch's own threads use."""
import argparse, json, sys, time
import torch
from torch import nn


def dcgan_mnist():
    g = nn.Sequential(
        nn.Linear(100, 128 * 7 * 7), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 1, 7, padding=3), nn.Sigmoid())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
        nn.Conv2d(64, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1), nn.Sigmoid())
    return g, d, 100, (1, 28, 28), 256, "half"


def dcgan_fashion():
    g = nn.Sequential(
        nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128),
        nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1), nn.SELU(), nn.BatchNorm2d(64),
        nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1), nn.Sigmoid())
    return g, d, 100, (1, 28, 28), 32, "full"


MODELS = {"dcgan-mnist": dcgan_mnist, "dcgan-fashion": dcgan_fashion}


def bench(name, iters, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g, d, latent, shape, batch, split = MODELS[name]()
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    # 'half': D sees batch/2 real + batch/2 fake (tutorial 000); 'full': a batch of each (001).
    half = batch // 2 if split == "half" else batch
    real = torch.rand(half, *shape)

    def step():
        with torch.no_grad():
            fake = g(torch.randn(half, latent))
        x = torch.cat([real, fake])
        y = torch.cat([torch.ones(half, 1), torch.zeros(half, 1)])
        opt_d.zero_grad()
        bce(d(x), y).backward()
        opt_d.step()
        for p in d.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad()
        bce(d(g(torch.randn(batch, latent))), torch.ones(batch, 1)).backward()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)

    step()  # warm-up
    t = time.perf_counter()
    for _ in range(iters):
        step()
    ms = (time.perf_counter() - t) * 1000 / iters
    with torch.no_grad():
        g(torch.randn(half, latent))
        t = time.perf_counter()
        for _ in range(iters):
            g(torch.randn(half, latent))
        gen_ms = (time.perf_counter() - t) * 1000 / iters
    return {"model": name, "batch": batch, "threads": threads, "torchMsPerIter": round(ms, 1),
            "torchGenForwardMs": round(gen_ms, 1), "torch": torch.__version__}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append")
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    for name in a.model or list(MODELS):
        if name in MODELS:
            print(json.dumps(bench(name, a.iters, a.threads)), flush=True)
