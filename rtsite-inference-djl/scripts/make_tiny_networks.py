#!/usr/bin/python3
"""Generates the tiny test networks of rtsite-inference-djl and the logits they produce.

A 3-D U-Net in miniature: two 3x3x3 convolutions with instance norm and leaky ReLU, a skip
connection and a 1x1x1 classifier, random weights from a fixed seed. Saved as TorchScript
(model.pt) and ONNX (model.onnx, spatial axes dynamic so any window size runs), plus one
recorded input and its logits (raw little-endian float32) so the Java tests can check that both
DJL engines reproduce what PyTorch computed here.

Run with Debian's python3-torch and python3-onnx:
    /usr/bin/python3 rtsite-inference-djl/scripts/make_tiny_networks.py rtsite-inference-djl/src/test/resources/tiny
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

NUM_CLASSES = 3
RECORDED_SHAPE = (1, 1, 12, 16, 20)


class TinyUNet(nn.Module):
    def __init__(self, channels=4, classes=NUM_CLASSES):
        super().__init__()
        self.conv1 = nn.Conv3d(1, channels, 3, padding=1)
        self.norm1 = nn.InstanceNorm3d(channels, affine=True)
        self.conv2 = nn.Conv3d(channels, channels, 3, padding=1)
        self.norm2 = nn.InstanceNorm3d(channels, affine=True)
        self.act = nn.LeakyReLU(0.01)
        self.head = nn.Conv3d(channels, classes, 1)

    def forward(self, x):
        a = self.act(self.norm1(self.conv1(x)))
        b = self.act(self.norm2(self.conv2(a)))
        # the skip connection, as in a U-Net's decoder concatenating/adding encoder features
        return self.head(a + b)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(20260601)
    net = TinyUNet().eval()
    with torch.no_grad():
        # instance-norm affine parameters away from (1, 0) so the test exercises them
        for norm in (net.norm1, net.norm2):
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.3, 0.3)
        # a classifier that separates dark, middle and bright tissue, so label maps of a CT are varied
        net.head.bias.copy_(torch.tensor([0.4, 0.0, -0.4]))

    example = torch.zeros(1, 1, 16, 16, 16)
    traced = torch.jit.trace(net, example)
    traced.save(os.path.join(out_dir, "model.pt"))
    torch.onnx.export(net, example, os.path.join(out_dir, "model.onnx"),
                      input_names=["data"], output_names=["logits"], opset_version=13,
                      dynamic_axes={"data": {2: "x", 3: "y", 4: "z"}, "logits": {2: "x", 3: "y", 4: "z"}})
    import onnx
    onnx.checker.check_model(onnx.load(os.path.join(out_dir, "model.onnx")))

    g = np.random.default_rng(7)
    x = g.normal(0.0, 1.0, RECORDED_SHAPE).astype("<f4")
    with torch.no_grad():
        logits = net(torch.from_numpy(x)).numpy().astype("<f4")
    x.tofile(os.path.join(out_dir, "recorded-input.f32"))
    logits.tofile(os.path.join(out_dir, "recorded-logits.f32"))
    with open(os.path.join(out_dir, "recorded.json"), "w") as f:
        json.dump({"input_shape": list(RECORDED_SHAPE), "logits_shape": list(logits.shape),
                   "torch": torch.__version__, "byte_order": "little-endian float32, last axis fastest"}, f, indent=2)
    print("wrote", out_dir, "logits", logits.shape, "argmax counts",
          np.bincount(logits.argmax(1).ravel(), minlength=NUM_CLASSES))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tiny")
