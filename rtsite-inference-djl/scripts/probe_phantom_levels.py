#!/usr/bin/python3
"""Linear probe of the phantom network: at which level does it lose what tells L4 from L3 and L5?

Runs a TorchScript package of train_phantom_network.py's UNet on FineTuneStudy organs cases (NIfTI CT + label map;
cases without L4 are skipped), collects every level's features (stem, encoder levels down1-4, decoder outputs dec0-3,
upsampled trilinearly to full resolution, and the logits) on the voxels of L4 (its inner slices) and of the other_bones
voxels in its column 2-10 slices above (L3) and below (L5, some S1), and fits a logistic regression L4 vs L3+L5 per
level, leaving one phantom out each time (balanced accuracy). docs/finetune.md, "An eighth attempt":
    java -cp "$cp" org.rtsite.examples.FineTuneStudy organs /tmp/fresh models/phantom-total-wide-pt 8 19900 30 110
    /usr/bin/python3 rtsite-inference-djl/scripts/probe_phantom_levels.py models/phantom-total-wide-pt /tmp/fresh
"""
import csv
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from widen_phantom_network import read_package  # noqa: E402
from phantom_nifti import network_grid  # noqa: E402


torch.set_num_threads(1)
pkg = sys.argv[1]; data = sys.argv[2]
spec, net = read_package(pkg)
names = ['background'] + list(spec['labels'].values())
L4, OB = names.index('vertebrae_L4'), names.index('other_bones')
nz = spec['normalization']

feats = {}
def hook(name):
    def f(m, i, o): feats[name] = o.detach()
    return f
net.stem.register_forward_hook(hook('stem'))
for i, d in enumerate(net.down): d.register_forward_hook(hook(f'down{i+1}'))
for i, d in enumerate(net.dec): d.register_forward_hook(hook(f'dec{i}'))

cases = [r for r in csv.DictReader(open(os.path.join(data, [f for f in os.listdir(data) if f.startswith('organs-')][0])))]
per_case = []
for r in cases:
    img = network_grid(os.path.join(data, r['ct']), False)
    lab = network_grid(os.path.join(data, r['reference']), True).astype(int)
    if not (lab == L4).any():
        print(r['case_id'], 'no L4'); continue
    x = (np.clip(img, nz['clipLow'], nz['clipHigh']) - nz['mean']) / nz['std']
    shape = x.shape
    pad = [(-d) % 16 for d in shape]
    xp = np.pad(x, [(0, p) for p in pad])
    with torch.no_grad():
        feats['logits'] = net(torch.from_numpy(xp.astype(np.float32))[None, None])
    # spine voxels: L4, and other_bones in the column of L4 above (L3) and below (L5, S1 part)
    m4 = lab == L4
    xs, ys, zs = np.nonzero(m4)
    cx, cy = xs.mean(), ys.mean()
    gx, gy, gz = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), np.arange(shape[2]), indexing='ij')
    col = (gx - cx) ** 2 + (gy - cy) ** 2 <= (20 / 3) ** 2
    top, bot = zs.max(), zs.min()
    m3 = col & (lab == OB) & (gz >= top + 2) & (gz <= top + 10)
    m5 = col & (lab == OB) & (gz <= bot - 2) & (gz >= bot - 10)
    m4i = m4 & (gz <= top - 1) & (gz >= bot + 1)
    idx = np.concatenate([np.flatnonzero(m4i), np.flatnonzero(m3), np.flatnonzero(m5)])
    y = np.concatenate([np.ones(m4i.sum()), np.zeros(m3.sum()), np.zeros(m5.sum())])
    grp = np.concatenate([np.full(m4i.sum(), 4), np.full(m3.sum(), 3), np.full(m5.sum(), 5)])
    levels = {}
    for k, v in feats.items():
        up = F.interpolate(v, size=tuple(xp.shape), mode='trilinear', align_corners=False)[0] if v.shape[2:] != xp.shape else v[0]
        up = up[:, :shape[0], :shape[1], :shape[2]].reshape(up.shape[0], -1)
        levels[k] = up[:, idx].T.numpy()
    pred = feats['logits'][0, :, :shape[0], :shape[1], :shape[2]].argmax(0).reshape(-1)[idx].numpy()
    sm = torch.softmax(feats['logits'][0, :, :shape[0], :shape[1], :shape[2]], 0)[L4].reshape(-1)[idx].numpy()
    print(r['case_id'], 'L4', int(m4i.sum()), 'L3', int(m3.sum()), 'L5', int(m5.sum()),
          'L4 softmax on L3/L4/L5 %.3f/%.3f/%.3f' % (sm[grp == 3].mean(), sm[grp == 4].mean(), sm[grp == 5].mean()),
          'argmax L4 on L4 voxels', int((pred[grp == 4] == L4).sum()), flush=True)
    per_case.append((r['case_id'], levels, y, grp))

def fit(Xtr, ytr, Xte, yte, steps=600):
    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-6
    Xtr = torch.tensor((Xtr - mu) / sd, dtype=torch.float32); Xte = torch.tensor((Xte - mu) / sd, dtype=torch.float32)
    ytr = torch.tensor(ytr, dtype=torch.float32)
    w = torch.zeros(Xtr.shape[1], requires_grad=True); b = torch.zeros(1, requires_grad=True)
    pos = ytr.mean(); wt = torch.where(ytr > 0, 0.5 / pos, 0.5 / (1 - pos))
    opt = torch.optim.LBFGS([w, b], max_iter=steps)
    def closure():
        opt.zero_grad()
        l = (F.binary_cross_entropy_with_logits(Xtr @ w + b, ytr, weight=wt)) + 1e-3 * (w * w).sum()
        l.backward(); return l
    opt.step(closure)
    with torch.no_grad():
        p = ((Xte @ w + b) > 0).numpy()
        ptr = ((Xtr @ w + b) > 0).numpy()
    bal = lambda p, y: 0.5 * ((p[y == 1] == 1).mean() + (p[y == 0] == 0).mean())
    return bal(ptr, ytr.numpy()), bal(p, yte)

n = len(per_case)
print(f'\n{n} phantoms with L4; leave-one-phantom-out balanced accuracy (L4 vs L3+L5), train / held-out')
for k in per_case[0][1]:
    tr_acc, te_acc = [], []
    for h in range(n):
        Xtr = np.concatenate([c[1][k] for i, c in enumerate(per_case) if i != h]); ytr = np.concatenate([c[2] for i, c in enumerate(per_case) if i != h])
        a, b = fit(Xtr, ytr, per_case[h][1][k], per_case[h][2])
        tr_acc.append(a); te_acc.append(b)
    print(f'{k:8s} ch {per_case[0][1][k].shape[1]:3d}  train {np.mean(tr_acc):.3f}  held-out {np.mean(te_acc):.3f} (min {np.min(te_acc):.3f})', flush=True)
