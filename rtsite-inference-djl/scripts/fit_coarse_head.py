#!/usr/bin/python3
"""Fits the coarse read-out (widen_phantom_network.py coarse) of a package with everything else frozen.

The read-out is linear in the 24 mm decoder level's features, so with the rest of the network fixed its training is a
multinomial logistic regression: the frozen network runs once over each case (FineTuneStudy organs: NIfTI CT + label
map), the upsampled features and the logits are kept on the voxels that matter (every voxel of the coarse classes or
predicted as one, a random sample of the rest), and the read-out's rows are fitted by full-batch L-BFGS on the
class-weighted cross-entropy of the whole softmax. The last --holdout cases (by the CSV's order after the selection)
are held out for the printed accuracy. docs/finetune.md, "An eighth attempt":
    /usr/bin/python3 rtsite-inference-djl/scripts/fit_coarse_head.py PT_PACKAGE CASES.csv OUT [--holdout 6]
"""
import argparse
import csv
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from widen_phantom_network import read_package, write_package  # noqa: E402
from phantom_nifti import network_grid  # noqa: E402


def features(net, image, spec):
    nz = spec["normalization"]
    x = (np.clip(image, nz["clipLow"], nz["clipHigh"]) - nz["mean"]) / nz["std"]
    shape = x.shape
    xp = np.pad(x, [(0, (-d) % 16) for d in shape]).astype(np.float32)
    level = {}
    hook = net.dec[0].register_forward_hook(lambda m, i, o: level.__setitem__("dec0", o.detach()))
    with torch.no_grad():
        logits = net(torch.from_numpy(xp)[None, None])
    hook.remove()
    up = F.interpolate(level["dec0"], scale_factor=2.0 ** (len(net.up) - 1), mode="trilinear", align_corners=False)
    crop = (slice(None), slice(None), slice(0, shape[0]), slice(0, shape[1]), slice(0, shape[2]))
    return up[crop][0].reshape(up.shape[1], -1), logits[crop][0].reshape(logits.shape[1], -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("package")
    ap.add_argument("cases", help="CSV case_id,ct,reference (paths relative to the CSV's folder or absolute)")
    ap.add_argument("out")
    ap.add_argument("--holdout", type=int, default=6)
    ap.add_argument("--negatives-every", type=int, default=4, help="of the cases without a coarse class's voxel, keep every N-th")
    ap.add_argument("--sample", type=float, default=0.02, help="fraction of the other voxels kept")
    ap.add_argument("--l2", type=float, default=1e-3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(8)
    spec, net = read_package(args.package)
    if net.coarse is None:
        sys.exit(f"{args.package}: no coarse head (widen_phantom_network.py coarse adds one)")
    rows = [int(r) for r in torch.nonzero(net.coarse_scale).ravel()]
    names = ["background"] + list(spec["labels"].values())
    scale = float(net.coarse_scale[rows[0]])
    print("fitting the coarse rows", [names[r] for r in rows], "scale", scale, flush=True)
    focus = names.index("vertebrae_L4") if "vertebrae_L4" in names else None
    base = os.path.dirname(os.path.abspath(args.cases))
    chosen = []
    negatives = 0
    with open(args.cases) as f:
        for r in csv.DictReader(f):
            chosen.append(r)
    data = []
    for r in chosen:
        lab = network_grid(os.path.join(base, r["reference"]), True).astype(np.int64).ravel()
        has = np.isin(lab, [focus] if focus is not None else rows).any()
        if not has:
            negatives += 1
            if negatives % args.negatives_every:
                continue
        img = network_grid(os.path.join(base, r["ct"]), False)
        feat, logits = features(net, img, spec)
        pred = logits.argmax(0).numpy()
        keep = np.isin(lab, rows) | np.isin(pred, rows) | (rng.random(lab.size) < args.sample)
        idx = np.flatnonzero(keep)
        data.append((r["case_id"], feat[:, idx].T.contiguous(), logits[:, idx].T.contiguous(), torch.from_numpy(lab[idx])))
        print(f"{r['case_id']}: {idx.size} voxels" + (", L4" if has else ""), flush=True)
    train, held = data[:-args.holdout], data[-args.holdout:]
    cat = lambda part, i: torch.cat([d[i] for d in part])  # noqa: E731
    f_tr, l_tr, y_tr = cat(train, 1), cat(train, 2), cat(train, 3)
    counts = torch.bincount(y_tr, minlength=len(names)).float()
    # class-balanced over the kept voxels, as the cross-entropy's class weights balance rtsite finetune's patches
    weights = torch.where(counts > 0, counts.sum() / (len(names) * counts.clamp(min=1)), torch.zeros(1)).sqrt()
    w = torch.zeros(len(rows), f_tr.shape[1], requires_grad=True)
    b = torch.zeros(len(rows), requires_grad=True)
    rows_t = torch.tensor(rows)

    def full_logits(feat, logits):
        extra = torch.zeros_like(logits)
        extra[:, rows_t] = scale * (feat @ w.T + b)
        return logits + extra

    opt = torch.optim.LBFGS([w, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(full_logits(f_tr, l_tr), y_tr, weight=weights) + args.l2 * (w * w).sum()
        loss.backward()
        return loss

    for _ in range(2):
        print("loss", float(opt.step(closure)), flush=True)
    report = {}
    with torch.no_grad():
        for part, name in ((train, "train"), (held, "held-out")):
            f, lg, y = cat(part, 1), cat(part, 2), cat(part, 3)
            before, after = lg.argmax(1), full_logits(f, lg).argmax(1)
            for c in rows:
                t = y == c
                report[f"{name} {names[c]} recall before/after"] = [round(float((before[t] == c).float().mean()), 3),
                                                                     round(float((after[t] == c).float().mean()), 3)]
                p = after == c
                report[f"{name} {names[c]} precision after"] = round(float((y[p] == c).float().mean()), 3) if p.any() else None
            report[f"{name} voxels whose argmax changed"] = int((before != after).sum())
    for k, v in report.items():
        print(f"  {k}: {v}")
    state = {k: v.clone() for k, v in net.state_dict().items()}
    cw, cb = state["coarse.weight"], state["coarse.bias"]
    for i, r in enumerate(rows):
        cw[r] = w.detach()[i].view(-1, 1, 1, 1)
        cb[r] = b.detach()[i]
    net.load_state_dict(state)
    net.eval()
    write_package(args.out, net, spec, {"coarseFitFrom": args.package, "cases": args.cases, "train": [d[0] for d in train],
                                        "heldOut": [d[0] for d in held], "rows": [names[r] for r in rows], "l2": args.l2,
                                        "sample": args.sample, "report": report})


if __name__ == "__main__":
    main()
