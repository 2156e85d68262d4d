#!/usr/bin/python3
"""Gives the phantom network more classes (widen) and converts a TorchScript package of it to ONNX (onnx).

widen: loads a TorchScript package of train_phantom_network.py's UNet (models/phantom-total-pt), copies every weight
into a UNet with more output channels, and writes a TorchScript package whose rtsite-model.json lists the extra
labels after the old ones. The new rows of the last 1x1x1 convolution start untrained, as copies of the background
row (or, with --like NAME, of that class's row) with the bias lowered by --offset: a new class's logit is the background's minus OFFSET everywhere, so at the
start every voxel's argmax is what the old network says (where background wins it still wins; where an organ beats
background it beats the copies too), while the new classes start close enough to background (softmax share e^-OFFSET
of it) for `rtsite finetune` to teach them within a CPU budget (a zero row with a bias below the lowest winning logit,
-11.6 on three phantoms, would leave Adam ~10^4 steps of bias to climb). --probe checks the argmax on phantoms.

restart: gives classes of a package the output row of another class (or background) with the bias lowered by --offset,
for classes that fine-tuning has pushed so far down that they never win.
coarse: gives chosen classes a second, coarse read-out: a 1x1x1 convolution of the 24 mm decoder level, upsampled
trilinearly and added to their logits, its weights zero (every logit unchanged, checked) and multiplied by a fixed
--scale so that fine-tuning moves it faster; for a class such as vertebrae_L4 that only the coarse levels tell apart
from its neighbours (docs/finetune.md, "An eighth attempt"). coarse-rescale: multiplies that scale by --factor and
divides the weights by it (every logit unchanged), and can give further classes the coarse read-out.
onnx: loads a TorchScript package of that UNet (e.g. the fine-tuned one rtsite finetune wrote through libtorch)
into the Python module and exports it with train_phantom_network.py's exporter settings (ONNX opset 13, inputs
'data', outputs 'logits'), with the same rtsite-model.json, and checks that both give the same logits.

    /usr/bin/python3 rtsite-inference-djl/scripts/widen_phantom_network.py widen models/phantom-total-pt OUT \
        [--probe PHANTOM_DATA] --add thyroid_gland --add vertebrae_L4 ...
    /usr/bin/python3 rtsite-inference-djl/scripts/widen_phantom_network.py restart PT_PACKAGE OUT --row thyroid_gland:background
    /usr/bin/python3 rtsite-inference-djl/scripts/widen_phantom_network.py coarse PT_PACKAGE OUT --row vertebrae_L4 \
        --row other_bones [--scale 8] [--probe PHANTOM_DATA]
    /usr/bin/python3 rtsite-inference-djl/scripts/widen_phantom_network.py coarse-rescale PT_PACKAGE OUT --factor 4 \
        [--add-row femur_right]
    /usr/bin/python3 rtsite-inference-djl/scripts/widen_phantom_network.py onnx PT_PACKAGE ONNX_PACKAGE
(test_widen_phantom_network.py checks the coarse modes on a random network.)
(Debian 12: apt-get install python3-torch python3-onnx; docs/finetune.md, "New classes".)
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_phantom_network import UNet, INFER_PATCH, load, predict_whole  # noqa: E402


def read_package(pkg):
    with open(os.path.join(pkg, "rtsite-model.json")) as f:
        spec = json.load(f)
    module = torch.jit.load(os.path.join(pkg, spec["network"]), map_location="cpu")
    state = module.state_dict()
    net = UNet(spec["numClasses"], coarse_head="coarse.weight" in state)
    net.load_state_dict(state)
    net.eval()
    return spec, net


def write_package(out, network, spec, record):
    """Writes a model package: the network (a module, traced at inference's window, or a trace), its spec, and a
    training record (with the torch version that wrote it)."""
    os.makedirs(out, exist_ok=True)
    if not isinstance(network, torch.jit.ScriptModule):
        network = torch.jit.trace(network, torch.zeros(1, 1, *INFER_PATCH))
    network.save(os.path.join(out, "model.pt"))
    with open(os.path.join(out, "rtsite-model.json"), "w") as f:
        json.dump(dict(spec, network="model.pt"), f, indent=2)
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump(dict(record, torch=torch.__version__), f, indent=2)
    print("wrote", out)


def check_probe(old, net, args, what):
    """With --probe, exits unless the new network labels every voxel of the probe phantoms as the old one did."""
    if not args.probe:
        return
    header, images, _ = load(args.probe)
    changed = sum(int((predict_whole(old, im) != predict_whole(net, im)).sum()) for im in images[:args.probe_count])
    print(f"probe voxels whose label changed: {changed} (of {sum(im.size for im in images[:args.probe_count])})")
    if changed:
        sys.exit(f"{what} changes old labels")


def widen(args):
    spec, old = read_package(args.package)
    old_classes = spec["numClasses"]
    names = list(spec["labels"].values())
    for name in args.add:
        if name in names:
            sys.exit(f"--add {name}: the package already has that class")
        names.append(name)
    classes = old_classes + len(args.add)
    net = UNet(classes)
    state = old.state_dict()
    new_state = net.state_dict()
    for k, v in state.items():
        if k.startswith("head."):
            continue
        new_state[k] = v.clone()
    # the row the new classes start from: background's, or (--like) an old class's, e.g. a femur's for another bone class,
    # so that the new class starts just below the bone class that now takes its voxels instead of far below it
    like = 0 if args.like is None else names.index(args.like) + 1 if args.like in names[:old_classes - 1] else None
    if like is None:
        sys.exit(f"--like {args.like}: the package has no such class ({', '.join(names[:old_classes - 1])})")
    head_w = state["head.weight"][like:like + 1].repeat(classes, 1, 1, 1, 1)
    head_b = (state["head.bias"][like] - args.offset).repeat(classes)
    head_w[:old_classes] = state["head.weight"]
    head_b[:old_classes] = state["head.bias"]
    new_state["head.weight"], new_state["head.bias"] = head_w, head_b
    net.load_state_dict(new_state)
    net.eval()
    print(f"new classes {args.add}: {args.like or 'background'}'s row, bias lowered by {args.offset}")
    check_probe(old, net, args, "the widened network")
    out_spec = dict(spec, numClasses=classes, labels={str(i + 1): n for i, n in enumerate(names)})
    write_package(args.out, net, out_spec,
                  {"widenedFrom": args.package, "added": args.add, "newRows": (args.like or "background") + " row, bias - offset",
                   "offset": args.offset, "probe": args.probe, "probeCount": args.probe_count})


def restart(args):
    # a class that fine-tuning pushed far below the winner everywhere (its probability ~0, where cross-entropy's pull is
    # small and the Dice term's vanishes) starts again one step below the class that now takes its voxels
    spec, net = read_package(args.package)
    names = ["background"] + list(spec["labels"].values())
    state = net.state_dict()
    w, b = state["head.weight"].clone(), state["head.bias"].clone()
    for r in args.row:
        name, _, like = r.partition(":")
        if name not in names[1:] or like not in names:
            sys.exit(f"--row {r}: expected CLASS:FROM with classes of the package ({', '.join(names)})")
        c, f = names.index(name), names.index(like)
        w[c], b[c] = state["head.weight"][f], state["head.bias"][f] - args.offset
        print(f"{name}: {like}'s row, bias lowered by {args.offset}")
    state["head.weight"], state["head.bias"] = w, b
    net.load_state_dict(state)
    net.eval()
    write_package(args.out, net, spec, {"restartedFrom": args.package, "rows": args.row, "offset": args.offset})


def coarse(args):
    # L4 differs from L3 and L5 only by its height above the hips, which the 24 mm decoder level still separates (a linear
    # probe: 0.80 held-out) and the eight full-resolution channels the head reads no longer do (0.63): the chosen classes'
    # logits get a term read linearly off that level and upsampled, zero at the start (every logit unchanged);
    # --scale multiplies it so that Adam's steps of ~lr per weight move it SCALE times faster than the rest
    spec, old = read_package(args.package)
    if old.coarse is not None:
        sys.exit(f"{args.package}: the network already has a coarse head")
    names = ["background"] + list(spec["labels"].values())
    for name in args.row:
        if name not in names:
            sys.exit(f"--row {name}: the package has no such class ({', '.join(names)})")
    net = with_coarse_head(old, [names.index(n) for n in args.row], args.scale)
    diff = max_logit_difference(old, net)
    print(f"coarse head on {args.row}, scale {args.scale}: max |logit difference| to the old network {diff:.2e}")
    if diff != 0:
        sys.exit("the coarse head changes the old logits")
    check_probe(old, net, args, "the coarse head")
    traced = torch.jit.trace(net, torch.zeros(1, 1, *INFER_PATCH))
    # the trace must follow the input's size: rtsite finetune feeds patches of another shape than inference's window
    other = torch.randn(1, 1, 48, 32, 64, generator=torch.Generator().manual_seed(8))
    with torch.no_grad():
        if (traced(other) - net(other)).abs().max().item() > 1e-4:
            sys.exit("the traced network does not follow the input's size")
    write_package(args.out, traced, spec, {"coarseHeadFrom": args.package, "rows": args.row, "scale": args.scale,
                                           "maxLogitDifference": diff, "probe": args.probe, "probeCount": args.probe_count})


def with_coarse_head(old, rows, scale):
    """A copy of the UNet old with a coarse head on the classes rows (indices, 0 = background), its weights zero."""
    classes = old.head.out_channels
    net = UNet(classes, coarse_head=True)
    state = net.state_dict()
    for k, v in old.state_dict().items():
        state[k] = v.clone()
    state["coarse.weight"] = torch.zeros_like(state["coarse.weight"])
    state["coarse.bias"] = torch.zeros_like(state["coarse.bias"])
    factors = torch.zeros(classes)
    factors[rows] = scale
    state["coarse_scale"] = factors
    net.load_state_dict(state)
    return net.eval()


def rescaled_coarse_head(old, factor, rows=()):
    """A copy of old (with a coarse head) whose coarse multiplier is FACTOR times larger and coarse weights FACTOR times
    smaller, so every logit stays (exactly for a power of two) while Adam moves the term FACTOR times faster; rows (class
    indices whose coarse weights are still zero) get the head's multiplier too."""
    state = {k: v.clone() for k, v in old.state_dict().items()}
    scale = state["coarse_scale"]
    for r in rows:
        if scale[r] != 0 or state["coarse.weight"][r].abs().sum() != 0 or state["coarse.bias"][r] != 0:
            raise ValueError(f"class {r} already has a coarse row")
        scale[r] = scale.max()
    state["coarse_scale"] = scale * factor
    state["coarse.weight"] /= factor
    state["coarse.bias"] /= factor
    net = UNet(old.head.out_channels, coarse_head=True)
    net.load_state_dict(state)
    return net.eval()


def coarse_rescale(args):
    spec, old = read_package(args.package)
    if old.coarse is None:
        sys.exit(f"{args.package}: the network has no coarse head (coarse mode adds one)")
    names = ["background"] + list(spec["labels"].values())
    for name in args.add_row:
        if name not in names:
            sys.exit(f"--add-row {name}: the package has no such class ({', '.join(names)})")
    try:
        net = rescaled_coarse_head(old, args.factor, [names.index(n) for n in args.add_row])
    except ValueError as e:
        sys.exit(f"--add-row: {e}")
    diff = max_logit_difference(old, net)
    print(f"coarse multiplier x{args.factor} ({net.coarse_scale.tolist()}), rows added {args.add_row}: "
          f"max |logit difference| {diff:.2e}")
    if diff > 1e-4:
        sys.exit("the rescaled network changes the logits")
    write_package(args.out, net, spec, {"rescaledFrom": args.package, "factor": args.factor, "addedRows": args.add_row,
                                        "coarseScale": net.coarse_scale.tolist(), "maxLogitDifference": diff})


def max_logit_difference(a, b):
    x = torch.randn(1, 1, *INFER_PATCH, generator=torch.Generator().manual_seed(19)) * 4
    with torch.no_grad():
        return (a(x) - b(x)).abs().max().item()


def onnx_export(args):
    spec, net = read_package(args.package)
    os.makedirs(args.out, exist_ok=True)
    example = torch.zeros(1, 1, *spec["patchSize"])
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(net, example, path, input_names=["data"], output_names=["logits"], opset_version=13)
    import onnx
    onnx.checker.check_model(onnx.load(path))
    with open(os.path.join(args.out, "rtsite-model.json"), "w") as f:
        # a package rtsite finetune wrote names its engine (PyTorch); the ONNX file's is chosen by its extension
        json.dump({k: v for k, v in dict(spec, network="model.onnx").items() if k != "engine"}, f, indent=2)
    src = os.path.join(args.package, "training.json")
    if os.path.exists(src):
        with open(src) as f, open(os.path.join(args.out, "training.json"), "w") as g:
            g.write(f.read())
    # the Python module must compute what the TorchScript file does
    module = torch.jit.load(os.path.join(args.package, spec["network"]), map_location="cpu")
    x = torch.randn(1, 1, *spec["patchSize"], generator=torch.Generator().manual_seed(19))
    with torch.no_grad():
        diff = (module(x) - net(x)).abs().max().item()
    print(f"TorchScript vs Python module: max |logit difference| {diff:.2e}; wrote {path}")
    if diff > 1e-3:
        sys.exit("the TorchScript package is not train_phantom_network.py's UNet")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    w = sub.add_parser("widen")
    w.add_argument("package")
    w.add_argument("out")
    w.add_argument("--add", action="append", required=True, metavar="NAME")
    w.add_argument("--offset", type=float, default=3.0, help="new rows' bias = background's bias - OFFSET")
    w.add_argument("--like", metavar="NAME", help="start the new rows from this old class's row instead of background's")
    w.add_argument("--probe", help="PhantomTraining output on whose first images the argmax must stay the old one")
    w.add_argument("--probe-count", type=int, default=3)
    r = sub.add_parser("restart")
    r.add_argument("package")
    r.add_argument("out")
    r.add_argument("--row", action="append", required=True, metavar="CLASS:FROM",
                   help="CLASS's output row becomes FROM's (a class or background) with the bias lowered by OFFSET")
    r.add_argument("--offset", type=float, default=1.0)
    c = sub.add_parser("coarse")
    c.add_argument("package")
    c.add_argument("out")
    c.add_argument("--row", action="append", required=True, metavar="CLASS", help="a class whose logit gets the coarse term")
    c.add_argument("--scale", type=float, default=8.0, help="the coarse term's fixed multiplier")
    c.add_argument("--probe", help="PhantomTraining output on whose first images the argmax must stay the old one")
    c.add_argument("--probe-count", type=int, default=3)
    cr = sub.add_parser("coarse-rescale")
    cr.add_argument("package")
    cr.add_argument("out")
    cr.add_argument("--factor", type=float, required=True, help="the coarse term's multiplier times FACTOR (a power of two keeps the logits exact)")
    cr.add_argument("--add-row", action="append", default=[], metavar="CLASS", help="a class whose logit gets the coarse term from now on")
    o = sub.add_parser("onnx")
    o.add_argument("package")
    o.add_argument("out")
    args = ap.parse_args()
    torch.set_num_threads(2)
    {"widen": widen, "restart": restart, "coarse": coarse, "coarse-rescale": coarse_rescale,
     "onnx": onnx_export}[args.mode](args)


if __name__ == "__main__":
    main()
