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

    /// <summary>The format of this block's matrix products (<see cref="MatmulPrecision"/>); its input and output are fp32 either way.</summary>
    public MatmulPrecision Precision { get; set; } = MatmulPrecision.Fp32;

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
        using var pre = Project(c_fc, normed);
        using var hidden = functional.gelu(pre);
        // The caller of the tower's forward pass owns the recorded activations: move them out of the dispose
        // scope the tower opens around its blocks, or they are freed before the caller reads them.
        if (ActivationSink is { } sink)
            using (var mean = hidden.mean([1])) sink.Add(mean.detach().to(ScalarType.Float32).MoveToOuterDisposeScope());
        using var mlp = ToFp32(Project(c_proj, hidden));
        using (afterAttention) return afterAttention.add(mlp, TorchScalars.One);
    }

    private Tensor Attention(Tensor x)
    {
        using var normed = x;
        using var qkv = Project(in_proj, x);
        using var attended = MultiHeadAttention(qkv, _heads, _causal);
        return ToFp32(Project(out_proj, attended));
    }

    /// <summary>A linear layer in the block's precision: bf16 casts the input and the fp32 master weights per call (autograd carries the gradient back through the casts).</summary>
    private Tensor Project(Linear layer, Tensor x)
    {
        if (Precision == MatmulPrecision.Fp32) return layer.forward(x);
        using var scope = NewDisposeScope();
        return functional.linear(x.to(ScalarType.BFloat16), layer.weight!.to(ScalarType.BFloat16), layer.bias!.to(ScalarType.BFloat16)).MoveToOuterDisposeScope();
    }

    // Takes ownership: an fp32 tensor is returned as it is, a bf16 one converted and disposed.
    private static Tensor ToFp32(Tensor x)
    {
        if (x.dtype == ScalarType.Float32) return x;
        using (x) return x.to(ScalarType.Float32);
    }

    /// <summary>
    /// softmax(q k^T / sqrt(d) [+ causal mask]) v per head, from the fused projection [batch, tokens, 3 * width]
    /// (q, k, v along the last axis, heads within each), merged back to [batch, tokens, width].
    /// </summary>
    /// <remarks>
    /// Spelt out with two batched matmuls rather than scaled_dot_product_attention: at this workbench's
    /// sizes (65 or 32 tokens, head width 32) libtorch 2.10's CPU flash-attention kernel, forward plus
    /// backward, took about twice as long, and attention was a quarter of the training step (measured with
    /// `clipmem bench`; README). One copy lays q, k and v out head-major; unbind (whose gradient is one
    /// stack) hands out contiguous views, so the matmuls need no further copies. Equal to the fused kernel
    /// within float rounding (TransformerBlockTests).
    /// </remarks>
    public static Tensor MultiHeadAttention(Tensor qkv, int heads, bool causal)
    {
        long batch = qkv.shape[0], tokens = qkv.shape[1], width = qkv.shape[2] / 3;
        long headDim = width / heads, rows = batch * heads;
        using var scope = NewDisposeScope();
        // [batch, tokens, 3, heads, headDim] -> [3, batch, heads, tokens, headDim], one contiguous copy.
        var headMajor = qkv.view(batch, tokens, 3, heads, headDim).permute(2, 0, 3, 1, 4).contiguous();
        var qkvParts = headMajor.unbind(0);
        var q = qkvParts[0].view(rows, tokens, headDim);
        var kT = qkvParts[1].view(rows, tokens, headDim).transpose(1, 2);
        var v = qkvParts[2].view(rows, tokens, headDim);
        // In bf16 the products run in bf16 and the softmax in fp32 (its statistics), as CPU autocast does.
        var scores = q.bmm(kT).to(ScalarType.Float32);
        using (var scale = (1.0 / Math.Sqrt(headDim)).ToScalar()) scores.mul_(scale);
        if (causal) scores.add_(CausalMask(tokens, scores.device), TorchScalars.One);
        var weights = scores.softmax(-1).to(v.dtype);
        var attended = weights.bmm(v);
        return attended.view(batch, heads, tokens, headDim).transpose(1, 2).reshape(batch, tokens, width).MoveToOuterDisposeScope();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long Tokens, string Device), Tensor> CausalMasks = new();

    /// <summary>[tokens, tokens] with -inf above the diagonal (a position may not read later ones), 0 elsewhere; one per length and device, kept for the process.</summary>
    private static Tensor CausalMask(long tokens, Device device) => CausalMasks.GetOrAdd((tokens, device.ToString()), key =>
    {
        using var _ = no_grad();
        using var negativeInfinity = float.NegativeInfinity.ToScalar();
        using var filled = full(key.Tokens, key.Tokens, negativeInfinity, device: device);
        return filled.triu(1).DetachFromDisposeScope();
    });
}
