using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>
/// A pre-LayerNorm residual block (open_clip ResidualAttentionBlock): x + attn(ln_1(x)), then
/// x + mlp(ln_2(x)). When asked, it records the token-averaged MLP hidden activations (the "units"
/// that UnitMem analyses), one [batch, hidden] tensor per forward pass.
/// </summary>
public sealed class TransformerBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1, ln_2;
    private readonly Linear in_proj, out_proj, c_fc, c_proj;
    private readonly int _heads;
    private readonly bool _causal;

    /// <summary>Set by the owner to collect MLP activations; null when not collecting.</summary>
    internal List<Tensor>? ActivationSink { get; set; }

    public TransformerBlock(string name, int width, int heads, double mlpRatio, bool causal) : base(name)
    {
        _heads = heads;
        _causal = causal;
        int hidden = (int)(width * mlpRatio);
        ln_1 = LayerNorm(width);
        in_proj = Linear(width, 3 * width);
        out_proj = Linear(width, width);
        ln_2 = LayerNorm(width);
        c_fc = Linear(width, hidden);
        c_proj = Linear(hidden, width);
        RegisterComponents();
    }

    public int HiddenUnits => (int)c_fc.weight!.shape[0];

    public override Tensor forward(Tensor x)
    {
        using var attended = Attention(ln_1.forward(x));
        var afterAttention = x.add(attended, TorchScalars.One);
        using var normed = ln_2.forward(afterAttention);
        using var pre = c_fc.forward(normed);
        using var hidden = functional.gelu(pre);
        // The caller of the tower's forward pass owns the recorded activations: move them out of the dispose
        // scope the tower opens around its blocks, or they are freed before the caller reads them.
        ActivationSink?.Add(hidden.mean([1]).detach().MoveToOuterDisposeScope());
        using var mlp = c_proj.forward(hidden);
        using (afterAttention) return afterAttention.add(mlp, TorchScalars.One);
    }

    private Tensor Attention(Tensor x)
    {
        using var normed = x;
        long batch = x.shape[0], tokens = x.shape[1], width = x.shape[2];
        long headDim = width / _heads;
        using var qkv = in_proj.forward(x);
        // [batch, tokens, 3, heads, headDim] -> [3, batch, heads, tokens, headDim]
        using var split = qkv.view(batch, tokens, 3, _heads, headDim).permute(2, 0, 3, 1, 4);
        using var q = split[0];
        using var k = split[1];
        using var v = split[2];
        using var attended = functional.scaled_dot_product_attention(q, k, v, is_casual: _causal);
        using var merged = attended.transpose(1, 2).reshape(batch, tokens, width);
        return out_proj.forward(merged);
    }
}
