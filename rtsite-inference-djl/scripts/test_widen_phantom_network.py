#!/usr/bin/python3
"""Checks widen_phantom_network.py's coarse mode on a randomly initialised UNet (no package, no data; seconds):
    /usr/bin/python3 rtsite-inference-djl/scripts/test_widen_phantom_network.py
Needs torch (Debian: python3-torch), which CI does not install: a documented script check, like the widen mode's --probe."""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_phantom_network import UNet  # noqa: E402
from widen_phantom_network import rescaled_coarse_head, with_coarse_head  # noqa: E402


class CoarseHeadTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(3)
        self.old = UNet(5)
        # BN with running statistics other than the identity, so that eval mode is not a no-op
        for m in self.old.modules():
            if isinstance(m, torch.nn.BatchNorm3d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
        self.old.eval()
        self.x = torch.randn(1, 1, 32, 48, 64) * 3

    def test_every_logit_is_unchanged(self):
        net = with_coarse_head(self.old, [2, 4], 8.0)
        with torch.no_grad():
            self.assertEqual((net(self.x) - self.old(self.x)).abs().max().item(), 0.0)

    def test_the_coarse_head_moves_only_its_rows_once_trained(self):
        net = with_coarse_head(self.old, [2, 4], 8.0)
        with torch.no_grad():
            net.coarse.weight.normal_(0, 0.1)
            net.coarse.bias.fill_(0.3)
            diff = (net(self.x) - self.old(self.x)).abs().amax((0, 2, 3, 4))
        self.assertEqual([c for c in range(5) if diff[c] > 0], [2, 4])

    def test_a_gradient_reaches_the_zero_weights_of_its_rows_only(self):
        net = with_coarse_head(self.old, [2], 8.0)
        net(self.x)[:, 2].sum().backward()
        g = net.coarse.weight.grad.abs().sum((1, 2, 3, 4))
        self.assertGreater(g[2].item(), 0)
        self.assertEqual(g.sum().item(), g[2].item())

    def test_rescaling_keeps_every_logit_and_adds_rows(self):
        net = with_coarse_head(self.old, [2], 8.0)
        with torch.no_grad():
            # as training leaves it: only the rows with a multiplier get a gradient
            net.coarse.weight[2].normal_(0, 0.1)
            net.coarse.bias[2] = 0.3
            rescaled = rescaled_coarse_head(net, 4.0, [3])
            self.assertEqual((rescaled(self.x) - net(self.x)).abs().max().item(), 0.0)
        self.assertEqual(rescaled.coarse_scale.tolist(), [0.0, 0.0, 32.0, 32.0, 0.0])
        with self.assertRaises(ValueError):
            rescaled_coarse_head(net, 4.0, [2])

    def test_the_trace_follows_the_input_size(self):
        net = with_coarse_head(self.old, [1], 8.0)
        with torch.no_grad():
            net.coarse.weight.normal_(0, 0.1)
            traced = torch.jit.trace(net, torch.zeros(1, 1, 32, 32, 32))
            self.assertLess((traced(self.x) - net(self.x)).abs().max().item(), 1e-4)


if __name__ == "__main__":
    unittest.main()
