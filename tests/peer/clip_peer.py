#!/usr/bin/python3
"""PyTorch peer of `clipmem bench`: the workbench's reference CLIP trained the PyTorch way.

Same architecture as src/ClipMem/Models (ViT with class token and pre-LN blocks, causal text
transformer pooled at the end token, projections, learnable logit scale clamped at ln 100), same
init scheme, AdamW (betas 0.9/0.98, eps 1e-6, decay 0.1 on matrices only), same batch and threads.
Measures the bare step (fixed random tensors) and the full pipeline: a torch Dataset/DataLoader
reading the same exported PNGs + captions table (open_clip CsvDataset convention) with PIL decoding,
RandomResizedCrop(scale 0.7-1), horizontal flip, ToTensor, CLIP Normalize, a word-level tokenizer.
Prints one JSON line. Plain Python 3 with Debian's python3-torch/torchvision/pil
(environment/setup-peer.sh); run it with /usr/bin/python3.
"""
import argparse
import csv
import json
import math
import os
import re
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class Block(nn.Module):
    """Pre-LN residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, width, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.ln_1 = nn.LayerNorm(width)
        self.in_proj = nn.Linear(width, 3 * width)
        self.out_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.c_fc = nn.Linear(width, 4 * width)
        self.c_proj = nn.Linear(4 * width, width)

    def attention(self, x):
        b, t, w = x.shape
        qkv = self.in_proj(x).view(b, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if hasattr(F, "scaled_dot_product_attention"):
            out = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)
        else:  # PyTorch < 2.0 (Debian 12 ships 1.13): the same computation spelt out
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if self.causal:
                mask = torch.ones(t, t, dtype=torch.bool).triu(1)
                scores = scores.masked_fill(mask, float("-inf"))
            out = scores.softmax(-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(b, t, w))

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch, width, layers, heads, embed_dim):
        super().__init__()
        scale = width ** -0.5
        grid = image_size // patch
        self.conv1 = nn.Conv2d(3, width, patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(width) * scale)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, width) * scale)
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([Block(width, heads, causal=False) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.randn(width, embed_dim) * scale)

    def forward(self, images):
        x = self.conv1(images).flatten(2).transpose(1, 2)
        cls = self.class_embedding.view(1, 1, -1).expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], 1) + self.positional_embedding)
        for block in self.blocks:
            x = block(x)
        return self.ln_post(x[:, 0]) @ self.proj


class TextTransformer(nn.Module):
    def __init__(self, context, vocab, width, layers, heads, embed_dim):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads, causal=True) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed_dim) * width ** -0.5)

    def forward(self, tokens, ends):
        x = self.token_embedding(tokens) + self.positional_embedding[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), ends] @ self.text_projection


class Clip(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.visual = VisionTransformer(a.image_size, a.patch, a.width, a.layers, a.heads, a.embed_dim)
        self.text = TextTransformer(a.context, a.vocab, a.width, a.layers, a.heads, a.embed_dim)
        self.logit_scale = nn.Parameter(torch.tensor([math.log(1 / 0.07)]))

    def forward(self, images, tokens, ends):
        image = F.normalize(self.visual(images), dim=-1)
        text = F.normalize(self.text(tokens, ends), dim=-1)
        return image, text, self.logit_scale.clamp(max=math.log(100)).exp()


def clip_loss(image, text, scale):
    logits = scale * image @ text.t()
    labels = torch.arange(image.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


class WordTokenizer:
    """Word-level vocabulary from the captions, start/end tokens, zero padding to the context."""

    def __init__(self, captions, vocab, context):
        words = sorted({w for c in captions for w in self.words(c)})[: vocab - 3]
        self.ids = {w: i + 3 for i, w in enumerate(words)}
        self.start, self.end, self.context = 1, 2, context

    @staticmethod
    def words(caption):
        return re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]", caption.lower())

    def __call__(self, caption):
        ids = [self.start] + [self.ids.get(w, 0) for w in self.words(caption)][: self.context - 2] + [self.end]
        return torch.tensor(ids + [0] * (self.context - len(ids)), dtype=torch.long), len(ids) - 1


class CsvDataset(torch.utils.data.Dataset):
    """open_clip's CsvDataset: a tab-separated table with columns filepath and title."""

    def __init__(self, table, transform, tokenizer):
        root = os.path.dirname(os.path.abspath(table))
        with open(table, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        self.paths = [os.path.join(root, r["filepath"]) for r in rows]
        self.captions = [r["title"] for r in rows]
        self.transform, self.tokenizer = transform, tokenizer

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        image = self.transform(Image.open(self.paths[i]).convert("RGB"))
        tokens, end = self.tokenizer(self.captions[i])
        return image, tokens, end


def make_step(model, optimizer):
    def step(images, tokens, ends):
        optimizer.zero_grad(set_to_none=True)
        loss = clip_loss(*model(images, tokens, ends))
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        return loss.item()
    return step


def optimizer_for(model):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                             lr=1e-3, betas=(0.9, 0.98), eps=1e-6)


def bare_step(step, a):
    g = torch.Generator().manual_seed(a.seed + 1)
    images = torch.randn(a.batch, 3, a.image_size, a.image_size, generator=g)
    tokens = torch.randint(1, a.vocab, (a.batch, a.context), generator=g)
    ends = torch.full((a.batch,), a.context - 1, dtype=torch.long)
    for _ in range(a.warmup):
        step(images, tokens, ends)
    start = time.perf_counter()
    for _ in range(a.steps):
        step(images, tokens, ends)
    return a.steps * a.batch / (time.perf_counter() - start)


def full_pipeline(step, a, workers):
    transform = transforms.Compose([
        transforms.RandomResizedCrop(a.image_size, scale=(0.7, 1.0)),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize(CLIP_MEAN, CLIP_STD),
    ])
    with open(a.table, newline="", encoding="utf-8") as f:
        captions = [r["title"] for r in csv.DictReader(f, delimiter="\t")]
    dataset = CsvDataset(a.table, transform, WordTokenizer(captions, a.vocab, a.context))
    loader = torch.utils.data.DataLoader(dataset, batch_size=a.batch, shuffle=True, drop_last=True,
                                         num_workers=workers, persistent_workers=False)
    start = time.perf_counter()
    done = 0
    for images, tokens, ends in loader:
        step(images, tokens, ends)
        done += 1
        if done == a.pipeline_steps:
            break
    return done * a.batch / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--table", required=True, help="captions table (tab-separated: filepath, title)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--pipeline-steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--workers", type=int, default=1, help="DataLoader worker processes")
    p.add_argument("--pipeline-threads", type=int, default=None,
                   help="torch threads for the full pipeline (default: --threads); with --workers, the pipeline's own setting")
    p.add_argument("--runs", type=int, default=1, help="repetitions inside this process (median reported)")
    p.add_argument("--image-size", type=int, default=32)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=32)
    p.add_argument("--embed-dim", type=int, default=64)
    p.add_argument("--vocab", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--other-threads", type=int, nargs="*", default=[1],
                   help="thread counts also tried for the bare step, so the peer's best setting is known")
    p.add_argument("--pipeline-settings", nargs="*", default=[],
                   help="THREADS:WORKERS pairs also tried for the full pipeline (e.g. 1:1 2:0 1:0), so its best setting is known")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Clip(a)
    model.train()
    step = make_step(model, optimizer_for(model))
    bare = [bare_step(step, a) for _ in range(a.runs)]
    pipeline_threads = a.pipeline_threads or a.threads
    torch.set_num_threads(pipeline_threads)
    pipeline = [full_pipeline(step, a, a.workers) for _ in range(a.runs)]
    torch.set_num_threads(a.threads)
    # OpenMP spin-waiting makes PyTorch sensitive to cores shared with other work: record other counts too.
    by_threads = {str(a.threads): statistics.median(bare)}
    for threads in a.other_threads:
        if str(threads) not in by_threads:
            torch.set_num_threads(threads)
            by_threads[str(threads)] = statistics.median([bare_step(step, a) for _ in range(a.runs)])
    # Torch threads and DataLoader workers share the cores: the pipeline's best split is measured, not assumed.
    pipeline_by_setting = {f"{pipeline_threads}:{a.workers}": statistics.median(pipeline)}
    for setting in a.pipeline_settings:
        if setting not in pipeline_by_setting:
            threads, workers = (int(v) for v in setting.split(":"))
            torch.set_num_threads(threads)
            pipeline_by_setting[setting] = statistics.median([full_pipeline(step, a, workers) for _ in range(a.runs)])
    torch.set_num_threads(a.threads)
    print(json.dumps({
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "dataloader_workers": a.workers,
        "pipeline_threads": pipeline_threads,
        "parameters": sum(p.numel() for p in model.parameters()),
        "bare_step_samples_per_second": statistics.median(bare),
        "full_pipeline_samples_per_second": statistics.median(pipeline),
        "bare_step_runs": bare,
        "bare_step_by_threads": by_threads,
        "full_pipeline_runs": pipeline,
        "full_pipeline_by_threads_and_workers": pipeline_by_setting,
    }))


if __name__ == "__main__":
    main()
