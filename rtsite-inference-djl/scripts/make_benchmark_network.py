#!/usr/bin/python3
"""Generates a network of nnU-Net's real size for the rtsite-inference-djl benchmark, and times the same
sliding-window inference directly in PyTorch.

The architecture is nnU-Net v2's PlainConvUNet (dynamic_network_architectures) rebuilt from the
`architecture.arch_kwargs` of a plans.json (by default the 3 mm `total` fixture), with deep supervision
off, random weights. It is far larger than 3 MB, so it is generated, never committed.

    /usr/bin/python3 make_benchmark_network.py OUT_DIR [plans.json dataset.json]   # writes model.pt, model.onnx, rtsite-model.json
    /usr/bin/python3 make_benchmark_network.py --time OUT_DIR D0 D1 D2 [repeats]     # times windows on a D0×D1×D2 network-space image
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "src", "test", "resources", "nnunet", "Dataset297_total_3mm")


def conv_block(cin, cout, stride, kernel):
    pad = [k // 2 for k in kernel]
    return nn.Sequential(nn.Conv3d(cin, cout, kernel, stride=stride, padding=pad, bias=True),
                         nn.InstanceNorm3d(cout, eps=1e-5, affine=True), nn.LeakyReLU(0.01, inplace=True))


class PlainConvUNet(nn.Module):
    """dynamic_network_architectures' PlainConvUNet: StackedConvBlocks encoder, transposed-conv decoder, one seg head."""

    def __init__(self, features, kernels, strides, n_conv, n_conv_dec, classes):
        super().__init__()
        self.stages = nn.ModuleList()
        cin = 1
        for s, f in enumerate(features):
            blocks = [conv_block(cin, f, strides[s], kernels[s])]
            blocks += [conv_block(f, f, 1, kernels[s]) for _ in range(n_conv[s] - 1)]
            self.stages.append(nn.Sequential(*blocks))
            cin = f
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for s in range(len(features) - 1, 0, -1):
            self.up.append(nn.ConvTranspose3d(features[s], features[s - 1], strides[s], stride=strides[s], bias=True))
            blocks = [conv_block(2 * features[s - 1], features[s - 1], 1, kernels[s - 1])]
            blocks += [conv_block(features[s - 1], features[s - 1], 1, kernels[s - 1]) for _ in range(n_conv_dec[s - 1] - 1)]
            self.dec.append(nn.Sequential(*blocks))
        self.seg = nn.Conv3d(features[0], classes, 1, bias=True)

    def forward(self, x):
        skips = []
        for stage in self.stages:
            x = stage(x)
            skips.append(x)
        x = skips[-1]
        for i, (up, dec) in enumerate(zip(self.up, self.dec)):
            x = dec(torch.cat((up(x), skips[-(i + 2)]), 1))
        return self.seg(x)


def build(plans_path, dataset_path):
    plans = json.load(open(plans_path))
    cfg = plans["configurations"]["3d_fullres"]
    kw = cfg["architecture"]["arch_kwargs"]
    labels = json.load(open(dataset_path))["labels"]
    classes = max(labels.values()) + 1
    net = PlainConvUNet(kw["features_per_stage"], kw["kernel_sizes"], kw["strides"], kw["n_conv_per_stage"],
                        kw["n_conv_per_stage_decoder"], classes)
    return net.eval(), plans, cfg, labels, classes


def generate(out, plans_path, dataset_path):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1)
    net, plans, cfg, labels, classes = build(plans_path, dataset_path)
    patch = cfg["patch_size"]
    example = torch.zeros(1, 1, *patch)
    with torch.no_grad():
        torch.jit.trace(net, example).save(os.path.join(out, "model.pt"))
        torch.onnx.export(net, example, os.path.join(out, "model.onnx"), input_names=["data"], output_names=["logits"],
                          opset_version=13)
    props = plans["foreground_intensity_properties_per_channel"]["0"]
    spec = {"task": "total", "network": "model.pt", "numClasses": classes,
            "labels": {str(v): k for k, v in labels.items() if v != 0},
            "targetSpacing": cfg["spacing"], "patchSize": patch, "axisOrder": "RAS",
            "normalization": {"clipLow": props["percentile_00_5"], "clipHigh": props["percentile_99_5"],
                              "mean": props["mean"], "std": props["std"]},
            "tileStep": 0.5, "gaussian": True, "mirrorAxes": [], "consensus": False, "minComponentMm3": 0.0}
    json.dump(spec, open(os.path.join(out, "rtsite-model.json"), "w"), indent=2)
    print("wrote", out, "parameters", sum(p.numel() for p in net.parameters()))


def steps(image, tile, step):
    """nnU-Net v2 compute_steps_for_sliding_window."""
    out = []
    for i, k in zip(image, tile):
        n = int(np.ceil((i - k) / (k * step))) + 1
        a = (i - k) / (n - 1) if n > 1 else 99999999999
        out.append([int(np.round(a * s)) for s in range(n)])
    return out


def gaussian(tile):
    """nnU-Net v2 compute_gaussian(tile, 1/8, 10) without scipy: the impulse response of a truncated separable Gaussian."""
    g = np.ones(tile)
    for d, t in enumerate(tile):
        sigma, c = t / 8.0, t // 2
        r = int(4.0 * sigma + 0.5)
        x = np.arange(t) - c
        w = np.where(np.abs(x) <= r, np.exp(-0.5 * x * x / sigma ** 2), 0.0)
        shape = [1, 1, 1]
        shape[d] = t
        g = g * w.reshape(shape)
    g = g / g.max() * 10
    g[g == 0] = g[g > 0].min()
    return torch.from_numpy(g.astype(np.float32))


def time_windows(out, dims, repeats):
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    net = torch.jit.load(os.path.join(out, "model.pt")).eval()
    spec = json.load(open(os.path.join(out, "rtsite-model.json")))
    patch = spec["patchSize"]
    classes = spec["numClasses"]
    padded = [max(d, p) for d, p in zip(dims, patch)]
    data = torch.randn(1, 1, *padded)
    g = gaussian(patch)
    wins = [(a, b, c) for a in steps(padded, patch, 0.5)[0] for b in steps(padded, patch, 0.5)[1]
            for c in steps(padded, patch, 0.5)[2]]
    with torch.no_grad():
        net(data[:, :, :patch[0], :patch[1], :patch[2]])  # warm-up
        for r in range(repeats):
            forward = 0.0
            t0 = time.perf_counter()
            logits = torch.zeros(classes, *padded)
            weights = torch.zeros(*padded)
            for a, b, c in wins:
                sl = (slice(a, a + patch[0]), slice(b, b + patch[1]), slice(c, c + patch[2]))
                f0 = time.perf_counter()
                pred = net(data[(slice(None), slice(None)) + sl])[0]
                forward += time.perf_counter() - f0
                logits[(slice(None),) + sl] += pred * g
                weights[sl] += g
            labels = (logits / weights).argmax(0)
            total = time.perf_counter() - t0
            print(json.dumps({"windows": len(wins), "dims": dims, "padded": padded, "total_s": round(total, 3),
                              "forward_s": round(forward, 3), "torch": torch.__version__,
                              "threads": torch.get_num_threads(), "labels": int(labels.max())}))


if __name__ == "__main__":
    if sys.argv[1] == "--time":
        time_windows(sys.argv[2], [int(v) for v in sys.argv[3:6]], int(sys.argv[6]) if len(sys.argv) > 6 else 3)
    else:
        generate(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(FIXTURE, "plans.json"),
                 sys.argv[3] if len(sys.argv) > 3 else os.path.join(FIXTURE, "dataset.json"))
