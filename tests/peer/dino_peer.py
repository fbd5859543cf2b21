#!/usr/bin/python3
"""PyTorch reference for the workbench's DINO pieces (tests/ClipMem.Tests/Training/DinoPeerTests.cs).

Reads one JSON object on stdin and prints one JSON object: the DINO loss of given student and teacher outputs
(centring, sharpening, every teacher global crop against every other student crop, as facebookresearch/dino's
DINOLoss defines it), the updated centre, the DINO head's output for given weights (an MLP of GELU layers, L2
normalisation, and a torch.nn.utils.weight_norm linear layer with its gain fixed at 1), and the bicubic resampling
of a positional-embedding grid (DINO's interpolate_pos_encoding). Written from the paper and the reference's
semantics with plain torch calls; run with /usr/bin/python3 (Debian's python3-torch, environment/setup-peer.sh).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def tensor(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


def dino_loss(student, teacher, center, student_temp, teacher_temp, crops, center_momentum):
    student_chunks = (student / student_temp).chunk(crops)
    targets = F.softmax((teacher - center) / teacher_temp, dim=-1).detach().chunk(2)
    total, pairs = 0.0, 0
    for q, target in enumerate(targets):
        for v, logits in enumerate(student_chunks):
            if v == q:
                continue
            total = total + torch.sum(-target * F.log_softmax(logits, dim=-1), dim=-1).mean()
            pairs += 1
    new_center = center * center_momentum + teacher.mean(dim=0, keepdim=True) * (1 - center_momentum)
    return (total / pairs).item(), new_center


def head(x, layers, last_v):
    for i, (w, b) in enumerate(layers):
        x = x @ w.T + b
        if i < len(layers) - 1:
            x = F.gelu(x)
    x = F.normalize(x, dim=-1, p=2)
    last = nn.utils.weight_norm(nn.Linear(last_v.shape[1], last_v.shape[0], bias=False).double())
    with torch.no_grad():
        last.weight_v.copy_(last_v)
        last.weight_g.fill_(1)
    return last(x)


def main():
    request = json.load(sys.stdin)
    reply = {}
    if "loss" in request:
        r = request["loss"]
        k = r["prototypes"]
        student = tensor(r["student"], (-1, k))
        teacher = tensor(r["teacher"], (-1, k))
        center = tensor(r["center"], (1, k))
        loss, new_center = dino_loss(student, teacher, center, r["student_temperature"], r["teacher_temperature"], r["crops"], r["center_momentum"])
        reply["loss"] = loss
        reply["center"] = new_center.flatten().tolist()
    if "head" in request:
        r = request["head"]
        layers = [(tensor(l["weight"], (l["out"], l["in"])), tensor(l["bias"], (l["out"],))) for l in r["layers"]]
        x = tensor(r["input"], (r["rows"], layers[0][0].shape[1]))
        last_v = tensor(r["last_layer"], (r["out_dim"], layers[-1][0].shape[0]))
        reply["head"] = head(x, layers, last_v).detach().flatten().tolist()
    if "interpolate" in request:
        r = request["interpolate"]
        grid, width, target = r["grid"], r["width"], r["target"]
        patches = tensor(r["patches"], (1, grid, grid, width)).permute(0, 3, 1, 2)
        out = F.interpolate(patches, size=(target, target), mode="bicubic", align_corners=False)
        reply["interpolate"] = out.permute(0, 2, 3, 1).flatten().tolist()
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
