#!/usr/bin/python3
"""Trains the phantom segmentation network of rtsite (models/phantom-total-pt, -onnx).

Input: the directory written by the Java generator org.rtsite.inference.PhantomTraining
(randomized phantoms resampled to 3 mm by rtsite's own pipeline, labels rasterized on that grid).
A small 3-D U-Net (5 levels at 3, 6, 12, 24, 48 mm: 8-16-24-32-48 channels, batch norm, leaky ReLU,
strided convolutions down, transposed convolutions up, no deep supervision; the 48 mm level gives a
receptive field wider than the trunk, which left/right organs and the brain need) is trained on random patches (cross-entropy + soft Dice, Adam) for
a fixed wall-clock budget on the CPU, checked on held-out phantoms, then exported as TorchScript
(model.pt) and ONNX (model.onnx, opset 13) with an rtsite-model.json for each engine.

Run with Debian's python3-torch and python3-onnx (see docs/inference.md for the whole recipe):
    /usr/bin/python3 rtsite-inference-djl/scripts/train_phantom_network.py DATA_DIR models --minutes 8
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

TRAIN_PATCH = (96, 64, 32)
INFER_PATCH = [112, 96, 64]
CHANNELS = (8, 16, 24, 32, 48)


def conv(cin, cout, stride=1, kernel=3):
    return nn.Sequential(nn.Conv3d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
                         nn.BatchNorm3d(cout), nn.LeakyReLU(0.01))


class UNet(nn.Module):
    """A U-Net that is thin at full resolution (one 3x3x3 8-channel convolution in, a 1x1x1 merge out: the CPU time goes there)
    and works at 6 to 48 mm below: strided convolutions down, transposed convolutions up, skips concatenated. Two more
    convolutions at the coarsest level make the receptive field span the trunk: a voxel of the left lung, the spleen or
    the brain's centre is told apart from its mirror image or from liver only by context 100-200 mm away."""

    def __init__(self, classes, ch=CHANNELS, coarse_head=False):
        super().__init__()
        self.stem = conv(1, ch[0])
        self.down = nn.ModuleList([nn.Sequential(conv(ch[i - 1], ch[i], 2), conv(ch[i], ch[i]), conv(ch[i], ch[i]))
                                   if i == len(ch) - 1
                                   else conv(ch[i - 1], ch[i], 2) for i in range(1, len(ch))])
        self.up = nn.ModuleList([nn.ConvTranspose3d(ch[i], ch[i - 1], 2, stride=2) for i in range(len(ch) - 1, 0, -1)])
        # at full resolution the skip is merged by a 1x1x1 convolution: a 3x3x3 one there costs most of a CPU step
        self.dec = nn.ModuleList([conv(2 * ch[i - 1], ch[i - 1], kernel=1 if i == 1 else 3)
                                  for i in range(len(ch) - 1, 0, -1)])
        self.head = nn.Conv3d(ch[0], classes, 1)
        # optional (widen_phantom_network.py coarse): logits of chosen classes also read off the 24 mm decoder level,
        # which still tells L4 from L3 and L5 where the finer decoder levels no longer do (docs/finetune.md, "An eighth attempt")
        self.coarse = nn.Conv3d(ch[-2], classes, 1) if coarse_head else None
        if coarse_head:
            self.register_buffer("coarse_scale", torch.zeros(classes))

    def forward(self, x):
        x = self.stem(x)
        skips = [x]
        for d in self.down:
            x = d(x)
            skips.append(x)
        coarse = None
        for i, (up, dec, skip) in enumerate(zip(self.up, self.dec, reversed(skips[:-1]))):
            x = dec(torch.cat([up(x), skip], 1))
            if i == 0 and self.coarse is not None:
                coarse = self.coarse(x) * self.coarse_scale.view(1, -1, 1, 1, 1)
        out = self.head(x)
        if coarse is not None:
            out = out + F.interpolate(coarse, scale_factor=2.0 ** (len(self.up) - 1), mode="trilinear", align_corners=False)
        return out


def load(data_dir):
    with open(os.path.join(data_dir, "dataset.json")) as f:
        header = json.load(f)
    images, labels = [], []
    for s in header["samples"]:
        shape = tuple(s["shape"])
        images.append(np.fromfile(os.path.join(data_dir, s["name"] + ".img.f32"), dtype="<f4").reshape(shape))
        labels.append(np.fromfile(os.path.join(data_dir, s["name"] + ".lab.u8"), dtype=np.uint8).reshape(shape))
    return header, images, labels


def crop(image, label, centre, rng):
    """A training patch around centre, padded with 0 (normalized) / background where it leaves the image, as nnU-Net pads."""
    img = np.zeros(TRAIN_PATCH, np.float32)
    lab = np.zeros(TRAIN_PATCH, np.int64)
    src, dst = [], []
    for a in range(3):
        lo = centre[a] - TRAIN_PATCH[a] // 2 + rng.integers(-8, 9)
        s0, s1 = max(lo, 0), min(lo + TRAIN_PATCH[a], image.shape[a])
        if s1 <= s0:
            s0, s1, lo = 0, min(TRAIN_PATCH[a], image.shape[a]), 0
        src.append(slice(s0, s1))
        dst.append(slice(s0 - lo, s1 - lo))
    img[tuple(dst)] = image[tuple(src)]
    lab[tuple(dst)] = label[tuple(src)]
    return img, lab


def batch(images, labels, classes, rng, size):
    xs, ys = [], []
    for _ in range(size):
        n = rng.integers(len(images))
        image, label = images[n], labels[n]
        present = [c for c in range(1, classes) if c in presence[n]]
        if present and rng.random() < 0.7:
            w = np.array([focus.get(c, 1.0) for c in present])
            c = present[rng.choice(len(present), p=w / w.sum())]
            idx = presence[n][c]
            centre = np.unravel_index(idx[rng.integers(len(idx))], label.shape)
        else:
            centre = [rng.integers(d) for d in label.shape]
        x, y = crop(image, label, centre, rng)
        xs.append(x)
        ys.append(y)
    return torch.from_numpy(np.stack(xs)[:, None]), torch.from_numpy(np.stack(ys))


def dice_loss(logits, target, classes):
    p = torch.softmax(logits, 1)
    onehot = F.one_hot(target, classes).permute(0, 4, 1, 2, 3).float()
    inter = (p * onehot).sum((0, 2, 3, 4))
    truth = onehot.sum((0, 2, 3, 4))
    denom = p.sum((0, 2, 3, 4)) + truth
    # batch Dice over the organs in the batch only: an absent organ's soft Dice is ~0 whatever the network does
    present = truth[1:] > 0
    if not present.any():
        return logits.sum() * 0
    return 1 - ((2 * inter + 1) / (denom + 1))[1:][present].mean()


def predict_whole(net, image):
    shape = image.shape
    padded = [(-d) % 16 for d in shape]  # four stride-2 levels
    x = np.pad(image, [(0, p) for p in padded])
    with torch.no_grad():
        out = net(torch.from_numpy(x)[None, None]).argmax(1)[0].numpy()
    return out[:shape[0], :shape[1], :shape[2]]


def held_out_dice(net, header, images, labels, classes):
    net.eval()
    dice = {}
    for image, label in zip(images, labels):
        pred = predict_whole(net, image)
        for c in range(1, classes):
            a, b = pred == c, label == c
            if b.sum() > 50:
                dice.setdefault(header["labels"][str(c)], []).append(2 * (a & b).sum() / (a.sum() + b.sum()))
    return dice


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out", help="writes OUT/phantom-total-pt and OUT/phantom-total-onnx")
    ap.add_argument("--minutes", type=float, default=8.0)
    ap.add_argument("--validation", type=int, default=3, help="last samples held out for the printed Dice")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", help="continue from the weights of an earlier run's model.pt (TorchScript keeps the names)")
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--focus", action="append", default=[], metavar="NAME:WEIGHT",
                    help="centre organ patches on this class WEIGHT times as often (repeatable)")
    ap.add_argument("--checkpoint-minutes", type=float, default=10.0,
                    help="every so often: print the held-out Dice and save the weights to OUT/checkpoint.pt")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(20261123)
    rng = np.random.default_rng(20261123)

    header, images, labels = load(args.data)
    classes = len(header["labels"]) + 1
    train_images, train_labels = images[:-args.validation], labels[:-args.validation]
    global presence, focus
    by_name = {v: int(k) for k, v in header["labels"].items()}
    focus = {}
    for f in args.focus:
        name, _, weight = f.partition(":")
        if name not in by_name or not weight:
            ap.error(f"--focus {f}: expected NAME:WEIGHT with NAME one of {', '.join(by_name)}")
        focus[by_name[name]] = float(weight)
    presence = [{c: np.flatnonzero(l == c) for c in range(1, classes) if (l == c).any()} for l in train_labels]

    net = UNet(classes)
    if args.init:
        # a TorchScript export of an earlier run, or the checkpoint.pt (a plain state dict) of an unfinished one
        try:
            state = torch.jit.load(args.init).state_dict()
        except RuntimeError:
            state = torch.load(args.init)
        net.load_state_dict(state)
        print("continuing from", args.init)
    params = sum(p.numel() for p in net.parameters())
    print(f"{len(train_images)} training phantoms, {classes} classes, {params} parameters", flush=True)
    # organs fill ~0.05-3 % of the voxels: weighting the cross-entropy by 1/sqrt(frequency) keeps the network
    # from settling on all-background within a CPU budget
    counts = np.bincount(np.concatenate([l.ravel() for l in train_labels]), minlength=classes).astype(np.float64)
    class_weights = torch.tensor(np.sqrt(counts[0] / np.maximum(counts, 1)), dtype=torch.float32)
    print("cross-entropy weights", np.round(class_weights.numpy(), 1), flush=True)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    start = time.time()
    budget = args.minutes * 60
    step = 0
    next_checkpoint = args.checkpoint_minutes * 60
    best = (-1.0, 0, None)  # worst organ's held-out Dice, step, weights
    os.makedirs(args.out, exist_ok=True)
    while time.time() - start < budget:
        if time.time() - start > next_checkpoint:
            next_checkpoint += args.checkpoint_minutes * 60
            dice = held_out_dice(net, header, images[-args.validation:], labels[-args.validation:], classes)
            print(f"checkpoint at step {step}, {time.time() - start:.0f} s: held-out Dice "
                  + ", ".join(f"{k} {np.mean(v):.3f}" for k, v in dice.items()), flush=True)
            torch.save(net.state_dict(), os.path.join(args.out, "checkpoint.pt"))
            worst = min(np.mean(v) for v in dice.values())
            if worst > best[0]:
                best = (worst, step, {k: v.clone() for k, v in net.state_dict().items()})
        frac = (time.time() - start) / budget
        for g in opt.param_groups:
            g["lr"] = args.lr * (1 - frac) ** 0.9 + 1e-5
        x, y = batch(train_images, train_labels, classes, rng, 2)
        net.train()
        logits = net(x)
        loss = F.cross_entropy(logits, y, weight=class_weights) + dice_loss(logits, y, classes)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f"step {step} {time.time() - start:.0f} s loss {loss.item():.4f}", flush=True)
    train_s = time.time() - start
    net.eval()

    dice = held_out_dice(net, header, images[-args.validation:], labels[-args.validation:], classes)
    # Adam on batches of two still swings between checkpoints: keep the weights whose worst organ did best
    if best[2] is not None and best[0] > min(np.mean(v) for v in dice.values()):
        print(f"exporting the checkpoint of step {best[1]} (worst organ {best[0]:.4f}) instead of the last step")
        net.load_state_dict(best[2])
        exported_step = best[1]
        dice = held_out_dice(net, header, images[-args.validation:], labels[-args.validation:], classes)
    else:
        exported_step = step
    print(f"trained {step} steps in {train_s:.0f} s; held-out Dice on the network grid:")
    for name, d in dice.items():
        print(f"  {name:16s} {np.mean(d):.4f} (min {np.min(d):.4f}, n {len(d)})")

    example = torch.zeros(1, 1, *INFER_PATCH)
    spec = {"task": "total", "numClasses": classes, "labels": header["labels"], "auxiliaryLabels": [],
            "targetSpacing": header["targetSpacing"], "patchSize": INFER_PATCH, "axisOrder": header["axisOrder"],
            "normalization": header["normalization"], "tileStep": 0.5, "gaussian": True, "mirrorAxes": [],
            "consensus": False, "minComponentMm3": 0.0}
    for engine, file in (("pt", "model.pt"), ("onnx", "model.onnx")):
        d = os.path.join(args.out, "phantom-total-" + engine)
        os.makedirs(d, exist_ok=True)
        if engine == "pt":
            torch.jit.trace(net, example).save(os.path.join(d, file))
        else:
            torch.onnx.export(net, example, os.path.join(d, file), input_names=["data"], output_names=["logits"],
                              opset_version=13)
            import onnx
            onnx.checker.check_model(onnx.load(os.path.join(d, file)))
        with open(os.path.join(d, "rtsite-model.json"), "w") as f:
            json.dump(dict(spec, network=file), f, indent=2)
        with open(os.path.join(d, "training.json"), "w") as f:
            json.dump({"init": args.init, "lr": args.lr, "focus": args.focus, "steps": step, "exportedStep": exported_step, "trainSeconds": round(train_s), "parameters": params,
                       "trainPhantoms": len(train_images), "trainPatch": TRAIN_PATCH, "channels": CHANNELS,
                       "heldOutDice": {k: round(float(np.mean(v)), 4) for k, v in dice.items()},
                       "torch": torch.__version__}, f, indent=2)
        print("wrote", d, os.path.getsize(os.path.join(d, file)), "bytes")


if __name__ == "__main__":
    main()
