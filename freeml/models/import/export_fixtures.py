#!/usr/bin/python3
"""Models exported by plain PyTorch, as a user would bring them to freeml-compile.

Trains a small LeNet-class CNN on real MNIST (the official IDX files that scripts/fetch-datasets
puts in ${EHSIM_DATA_DIR:-~/.cache/ehsim/datasets}/mnist), evaluates it on the official test
split, and writes, next to this script:

  lenet-user.pt            torch.jit.script + save (TorchScript)
  lenet-user.onnx          torch.onnx.export of the same module (Conv, Relu, MaxPool, Flatten, Gemm)
  lenet-user-matmul.onnx   the same weights written as Reshape + MatMul + Add (another common
                           export form of a dense layer; ONNX only, there is no nn.Linear in it)
  unsupported-sigmoid.onnx the same net with a Sigmoid after fc1 (the importer must reject it)
  functional-relu.pt       the same net calling F.relu instead of ReLU submodules: the TorchScript
                           importer reads submodules, so it must notice and reject this one
  lenet-user.json          Python's test accuracy and its logits/predictions, the independent
                           truth tests/compiler/test_import.cpp compares the imported nets with

Run with Debian's python3-torch (1.13) and python3-onnx: `apt-get install --no-install-recommends
python3-torch python3-onnx`, then `/usr/bin/python3 freeml/models/import/export_fixtures.py`.
The tests only read the committed outputs; they never need Python or python3-torch.

Inputs are pixel / 256, as freeml-compile feeds them (freeml/compiler/dataset.h: the firmware's
input is the raw byte at 8 fractional bits, so float and fixed-point inputs are identical).
"""

import hashlib
import json
import os
import pathlib
import struct
import sys

import numpy as np
import torch
from torch import nn

SEED = 1
THREADS = 2
EPOCHS = 3
BATCH = 64
LR = 2e-3
# The ONNX opset written; freeml-compile's importer accepts 9..17 (freeml/compiler/onnx_import.cpp).
OPSET = 13
# The tests compare logits for this many test samples and the accuracy on the first 1000 (the
# committed freeml/models/mnist-test-1000.fmls holds exactly those images).
LOGIT_SAMPLES = 200
SUBSET = 1000

HERE = pathlib.Path(__file__).resolve().parent


def read_idx(path):
    """An IDX file (http://yann.lecun.com/exdb/mnist/): magic 0 0 type ndim, big-endian u32 dims."""
    data = path.read_bytes()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        sys.exit(f"{path}: {body.size} bytes of data for dimensions {dims}")
    return body.reshape(dims)


def load_mnist():
    root = pathlib.Path(os.environ.get("EHSIM_DATA_DIR",
                                       pathlib.Path.home() / ".cache/ehsim/datasets")) / "mnist"
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte"]
    if not all((root / n).is_file() for n in names):
        sys.exit(f"MNIST not found in {root}: run scripts/fetch-datasets mnist")
    arrays = [read_idx(root / n) for n in names]
    to_images = lambda a: torch.from_numpy(a.astype(np.float32) / 256.0).unsqueeze(1)
    to_labels = lambda a: torch.from_numpy(a.astype(np.int64))
    digests = {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in names}
    return (to_images(arrays[0]), to_labels(arrays[1]), to_images(arrays[2]),
            to_labels(arrays[3]), digests)


class LeNetUser(nn.Module):
    """1x28x28 -> conv 5x5/2 pad 1 -> 4x13x13 -> conv 3x3 -> 8x11x11 -> pool 2 -> 8x5x5 -> 24 -> 10.

    Every step is a registered submodule, in the order forward() runs them: that is how the
    TorchScript importer reads a user's module. About 5.5 k parameters, so the int16 blob fits
    the firmware's 16 KB model area without compression.
    """

    def __init__(self, sigmoid=False):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 5, stride=2, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(200, 24)
        self.act3 = nn.Sigmoid() if sigmoid else nn.ReLU()
        self.fc2 = nn.Linear(24, 10)

    def forward(self, x):
        x = self.pool(self.relu2(self.conv2(self.relu1(self.conv1(x)))))
        return self.fc2(self.act3(self.fc1(self.flatten(x))))


class LeNetMatMul(nn.Module):
    """The same function with the dense layers as explicit matmul + add and a reshape."""

    def __init__(self, src):
        super().__init__()
        self.conv1, self.relu1, self.conv2 = src.conv1, src.relu1, src.conv2
        self.relu2, self.pool = src.relu2, src.pool
        self.w1 = nn.Parameter(src.fc1.weight.detach().t().contiguous())
        self.b1 = nn.Parameter(src.fc1.bias.detach().clone())
        self.w2 = nn.Parameter(src.fc2.weight.detach().t().contiguous())
        self.b2 = nn.Parameter(src.fc2.bias.detach().clone())

    def forward(self, x):
        x = self.pool(self.relu2(self.conv2(self.relu1(self.conv1(x)))))
        x = x.reshape(-1, 200)
        x = torch.relu(torch.matmul(x, self.w1) + self.b1)
        return torch.matmul(x, self.w2) + self.b2


class LeNetFunctional(nn.Module):
    """The same function, but the activations are functional calls, invisible as submodules."""

    def __init__(self, src):
        super().__init__()
        self.conv1, self.conv2, self.pool = src.conv1, src.conv2, src.pool
        self.flatten, self.fc1, self.fc2 = src.flatten, src.fc1, src.fc2

    def forward(self, x):
        x = self.pool(nn.functional.relu(self.conv2(nn.functional.relu(self.conv1(x)))))
        return self.fc2(nn.functional.relu(self.fc1(self.flatten(x))))


def evaluate(model, images, labels):
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + 1000]) for i in range(0, len(images), 1000)])
    return logits, float((logits.argmax(1) == labels).double().mean())


def export_onnx(model, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), str(path), opset_version=OPSET,
                      input_names=["image"], output_names=["logits"], do_constant_folding=True)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    train_x, train_y, test_x, test_y, digests = load_mnist()
    model = LeNetUser()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(SEED)
    model.train()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(train_x), generator=gen)
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.4f}", file=sys.stderr)
    model.eval()

    logits, test_acc = evaluate(model, test_x, test_y)
    _, subset_acc = evaluate(model, test_x[:SUBSET], test_y[:SUBSET])
    print(f"test accuracy {test_acc:.4f} (first {SUBSET}: {subset_acc:.4f})", file=sys.stderr)

    torch.jit.script(model).save(str(HERE / "lenet-user.pt"))
    export_onnx(model, HERE / "lenet-user.onnx")
    matmul = LeNetMatMul(model)
    m_logits, _ = evaluate(matmul, test_x[:LOGIT_SAMPLES], test_y[:LOGIT_SAMPLES])
    assert torch.allclose(m_logits, logits[:LOGIT_SAMPLES], atol=1e-5)
    export_onnx(matmul, HERE / "lenet-user-matmul.onnx")

    torch.jit.script(LeNetFunctional(model)).save(str(HERE / "functional-relu.pt"))

    sig = LeNetUser(sigmoid=True)
    sig.load_state_dict(model.state_dict())
    export_onnx(sig, HERE / "unsupported-sigmoid.onnx")

    # What the tests expect the importer to name when it rejects the Sigmoid: read back from the
    # file with the onnx package, so the test does not hard-code the exporter's naming scheme.
    import onnx
    for f in ["lenet-user.onnx", "lenet-user-matmul.onnx", "unsupported-sigmoid.onnx"]:
        onnx.checker.check_model(onnx.load(str(HERE / f)))
    sig_graph = onnx.load(str(HERE / "unsupported-sigmoid.onnx")).graph
    sigmoid_node = next(n for n in sig_graph.node if n.op_type == "Sigmoid")
    op_types = {f: [n.op_type for n in onnx.load(str(HERE / f)).graph.node]
                for f in ["lenet-user.onnx", "lenet-user-matmul.onnx"]}

    first = logits[:LOGIT_SAMPLES]
    report = {
        "script": "freeml/models/import/export_fixtures.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__,
                     "numpy": np.__version__, "python": sys.version.split()[0]},
        "seed": SEED, "threads": THREADS, "epochs": EPOCHS, "batch_size": BATCH,
        "learning_rate": LR, "opset": OPSET, "input_scale": "pixel / 256",
        "dataset": {"name": "mnist", "train_count": len(train_x), "test_count": len(test_x),
                    "sha256": digests},
        "test_accuracy": test_acc,
        "test_accuracy_first_1000": subset_acc,
        "parameters": sum(p.numel() for p in model.parameters()),
        "onnx_op_types": op_types,
        "unsupported": {"file": "unsupported-sigmoid.onnx", "node": sigmoid_node.name,
                        "op_type": sigmoid_node.op_type},
        "predictions_first_1000": logits[:SUBSET].argmax(1).tolist(),
        # float32 values printed with 9 significant digits round-trip exactly.
        "logits_first_200": [[float(f"{v:.9g}") for v in row] for row in first.tolist()],
    }
    (HERE / "lenet-user.json").write_text(json.dumps(report, indent=1) + "\n")
    for f in sorted(HERE.glob("*")):
        print(f"{f.name}: {f.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
