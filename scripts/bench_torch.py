"""The tutorial systems in PyTorch, timed the same way as `npm run bench` times ours:
one training iteration = D on half a batch real + half fake, then G through the frozen D on
a full batch. Prints one JSON object per model. Used only as a same-machine speed reference.

Run with OPENBLAS_NUM_THREADS=1 (the bench sets it) so OpenBLAS does not oversubscribe the
cores that torch's own threads use."""
import argparse, json, sys, time
import torch
from torch import nn
from reference_s0_torch import define_discriminator, define_generator


def dcgan_mnist():
    # The same S0 that scripts/reference_s0_torch.py trains (Keras initialisation and padding).
    return define_generator(100), define_discriminator(), 100, (1, 28, 28), 256, "half", "plain"


def dcgan_fashion():
    g = nn.Sequential(
        nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128),
        nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1), nn.SELU(), nn.BatchNorm2d(64),
        nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1), nn.Sigmoid())
    return g, d, 100, (1, 28, 28), 32, "full", "plain"


class LabelChannel(nn.Module):
    """label -> Embedding(10, dim) -> Linear -> a (1, h, w) channel."""
    def __init__(self, dim, h, w):
        super().__init__()
        self.emb, self.lin, self.hw = nn.Embedding(10, dim), nn.Linear(dim, h * w), (h, w)

    def forward(self, labels):
        return self.lin(self.emb(labels)).view(-1, 1, *self.hw)


class CganFashionG(nn.Module):
    def __init__(self):
        super().__init__()
        self.label = LabelChannel(50, 7, 7)
        self.z = nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 7, 7)))
        self.up = nn.Sequential(
            nn.ConvTranspose2d(129, 128, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 1, 7, padding=3), nn.Tanh())

    def forward(self, z, labels):
        return self.up(torch.cat([self.z(z), self.label(labels)], 1))


class CganFashionD(nn.Module):
    def __init__(self):
        super().__init__()
        self.label = LabelChannel(50, 28, 28)
        self.net = nn.Sequential(
            nn.Conv2d(2, 128, 3, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(128, 128, 3, 2, 1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Dropout(0.4), nn.Linear(128 * 7 * 7, 1), nn.Sigmoid())

    def forward(self, x, labels):
        return self.net(torch.cat([x, self.label(labels)], 1))


class CganMnistG(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 100)
        layers, width = [], 100
        for units in (256, 512, 1024):
            layers += [nn.Linear(width, units), nn.LeakyReLU(0.2), nn.BatchNorm1d(units, momentum=0.2)]
            width = units
        self.net = nn.Sequential(*layers, nn.Linear(1024, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))

    def forward(self, z, labels):
        return self.net(z * self.emb(labels))


class CganMnistD(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 784)
        self.net = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())

    def forward(self, x, labels):
        return self.net(x.flatten(1) * self.emb(labels))


class AcganG(nn.Module):
    def __init__(self):
        super().__init__()
        self.label = LabelChannel(50, 7, 7)
        self.z = nn.Sequential(nn.Linear(100, 384 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (384, 7, 7)))
        self.up = nn.Sequential(
            nn.ConvTranspose2d(385, 192, 5, 2, 2, output_padding=1), nn.BatchNorm2d(192), nn.ReLU(),
            nn.ConvTranspose2d(192, 1, 5, 2, 2, output_padding=1), nn.Tanh())

    def forward(self, z, labels):
        return self.up(torch.cat([self.z(z), self.label(labels)], 1))


class AcganD(nn.Module):
    def __init__(self):
        super().__init__()
        def block(cin, cout, stride, bn):
            return [nn.Conv2d(cin, cout, 3, stride, 1)] + ([nn.BatchNorm2d(cout)] if bn else []) + [nn.LeakyReLU(0.2), nn.Dropout(0.5)]
        self.net = nn.Sequential(*block(1, 32, 2, False), *block(32, 64, 1, True), *block(64, 128, 2, True), *block(128, 256, 1, True), nn.Flatten())
        self.valid = nn.Sequential(nn.Linear(256 * 7 * 7, 1), nn.Sigmoid())
        self.klass = nn.Linear(256 * 7 * 7, 10)

    def forward(self, x):
        h = self.net(x)
        return self.valid(h), self.klass(h)


def dcgan_cifar10():
    # Tutorial 002 part 1; padding as Keras's "same" for these strides (same shapes and FLOPs).
    def up(cin, cout, last=False):
        conv = nn.ConvTranspose2d(cin, cout, 5, 2, 2, output_padding=1)
        return [conv, nn.Tanh()] if last else [conv, nn.BatchNorm2d(cout), nn.ReLU()]
    g = nn.Sequential(nn.Linear(128, 2 * 2 * 512), nn.Unflatten(1, (512, 2, 2)), nn.BatchNorm2d(512), nn.ReLU(),
                      *up(512, 256), *up(256, 128), *up(128, 64), *up(64, 3, last=True))
    layers, cin = [], 3
    for i, cout in enumerate((64, 128, 256, 512)):
        layers += [nn.Conv2d(cin, cout, 5, 2, 2)] + ([nn.BatchNorm2d(cout)] if i > 0 else []) + [nn.LeakyReLU(0.2)]
        cin = cout
    d = nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 2 * 2, 1), nn.Sigmoid())
    return g, d, 128, (3, 32, 32), 128, "half", "plain"


def dcgan_64():
    # Tutorial 003: LeakyReLU 0.3, a 1x1 -> 4x4 'valid' transposed convolution, a 4x4 'valid' conv
    # to 1x1; trained with the GradientTape-style step ("tape" below).
    act = lambda: nn.LeakyReLU(0.3)
    g_layers = [nn.Unflatten(1, (100, 1, 1)), nn.ConvTranspose2d(100, 1024, 4, 1, 0), nn.BatchNorm2d(1024), act()]
    for cin, cout in ((1024, 512), (512, 256), (256, 128)):
        g_layers += [nn.ConvTranspose2d(cin, cout, 4, 2, 1), nn.BatchNorm2d(cout), act()]
    g = nn.Sequential(*g_layers, nn.ConvTranspose2d(128, 1, 4, 2, 1), nn.Tanh())
    d_layers = [nn.Conv2d(1, 128, 4, 2, 1), act()]
    for cin, cout in ((128, 256), (256, 512), (512, 1024)):
        d_layers += [nn.Conv2d(cin, cout, 4, 2, 1), nn.BatchNorm2d(cout), act(), nn.Dropout(0.3)]
    d = nn.Sequential(*d_layers, nn.Conv2d(1024, 1, 4, 1, 0), nn.Dropout(0.3), nn.Flatten(), nn.Linear(1, 1), nn.Sigmoid())
    return g, d, 100, (1, 64, 64), 128, "full", "tape"


MODELS = {
    "dcgan-mnist": dcgan_mnist,
    "dcgan-fashion": dcgan_fashion,
    "dcgan-cifar10": dcgan_cifar10,
    "dcgan-64": dcgan_64,
    "cgan-fashion": lambda: (CganFashionG(), CganFashionD(), 100, (1, 28, 28), 128, "half", "conditional"),
    "cgan-mnist": lambda: (CganMnistG(), CganMnistD(), 100, (1, 28, 28), 128, "half", "conditional"),
    "acgan-mnist": lambda: (AcganG(), AcganD(), 100, (1, 28, 28), 64, "half", "auxiliary"),
}


def bench(name, iters, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g, d, latent, shape, batch, split, kind = MODELS[name]()
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce, ce = nn.BCELoss(), nn.CrossEntropyLoss()
    # 'half': D sees batch/2 real + batch/2 fake (tutorial 000); 'full': a batch of each (001).
    half = batch // 2 if split == "half" else batch
    real = torch.rand(half, *shape)
    real_labels = torch.randint(0, 10, (half,))

    def gen(n, labels):
        z = torch.randn(n, latent)
        return g(z, labels) if kind in ("conditional", "auxiliary") else g(z)

    def d_loss(x, labels, target):
        if kind in ("plain", "tape"):
            return bce(d(x), target)
        if kind == "conditional":
            return bce(d(x, labels), target)
        valid, klass = d(x)
        return bce(valid, target) + ce(klass, labels)

    def tape_step():
        # Tutorial 003's train_step: one forward pass of G and D on a batch of real and a batch
        # of fake images; each network's gradients from its own loss, both applied.
        opt_g.zero_grad()
        opt_d.zero_grad()
        generated = g(torch.randn(batch, latent))
        real_out, fake_out = d(real), d(generated)
        ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
        gen_loss = bce(fake_out, ones)
        disc_loss = bce(real_out, ones) + bce(fake_out, zeros)
        g_grads = torch.autograd.grad(gen_loss, list(g.parameters()), retain_graph=True)
        d_grads = torch.autograd.grad(disc_loss, list(d.parameters()))
        for p, grad in zip(list(g.parameters()) + list(d.parameters()), g_grads + d_grads):
            p.grad = grad
        opt_g.step()
        opt_d.step()

    def step():
        if kind == "tape":
            return tape_step()
        fake_labels = torch.randint(0, 10, (half,))
        with torch.no_grad():
            fake = gen(half, fake_labels)
        opt_d.zero_grad()
        if kind == "plain":  # one concatenated batch (tutorial 000's vstack)
            d_loss(torch.cat([real, fake]), None, torch.cat([torch.ones(half, 1), torch.zeros(half, 1)])).backward()
        else:  # real and fake batches separately, averaged (tutorial 004)
            (0.5 * (d_loss(real, real_labels, torch.ones(half, 1)) + d_loss(fake, fake_labels, torch.zeros(half, 1)))).backward()
        opt_d.step()
        for p in d.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad()
        wanted = torch.randint(0, 10, (batch,))
        d_loss(gen(batch, wanted), wanted, torch.ones(batch, 1)).backward()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)

    step()  # warm-up
    t = time.perf_counter()
    for _ in range(iters):
        step()
    ms = (time.perf_counter() - t) * 1000 / iters
    with torch.no_grad():
        labels = torch.randint(0, 10, (half,))
        gen(half, labels)
        t = time.perf_counter()
        for _ in range(iters):
            gen(half, labels)
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
