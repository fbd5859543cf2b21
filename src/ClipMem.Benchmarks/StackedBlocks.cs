using ClipMem.Common;
using ClipMem.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Benchmarks;

/// <summary>
/// M copies of a <see cref="TransformerBlock"/> with their weights stacked along a leading model axis, so M small
/// models run each matrix product as one batched product (bmm over [M, rows, in] x [M, in, out]) and each other
/// operation once over all of them. This is the measurement behind the stacked-ensemble question (several small
/// models trained in one forward pass, issue 12); training does not use it. Model m computes exactly what block m
/// computes, within float rounding (StackedBlocksTests).
/// </summary>
public sealed class StackedBlocks : IDisposable
{
    private readonly Tensor _ln1Weight, _ln1Bias, _ln2Weight, _ln2Bias;
    private readonly Tensor _inProj, _inBias, _outProj, _outBias, _fc, _fcBias, _proj, _projBias;
    private readonly int _heads, _width;
    private readonly bool _causal;

    /// <summary>Copies the weights of <paramref name="blocks"/> (one per model, all of one shape) into stacked leaf tensors that take gradients.</summary>
    public StackedBlocks(IReadOnlyList<TransformerBlock> blocks, int heads, bool causal)
    {
        if (blocks.Count == 0) throw new ArgumentException("stacking needs at least one block");
        _heads = heads;
        _causal = causal;
        using var _ = no_grad();
        Tensor Stack(string name, bool transpose, bool asRow)
        {
            var parts = blocks.Select(b => b.named_parameters().Single(p => p.name == name).parameter).Select(p => transpose ? p.t() : asRow ? p.unsqueeze(0) : p).ToList();
            return stack(parts).contiguous();
        }
        // LayerNorm affine as [M, 1, 1, width], broadcast over batch and tokens; biases of the products as [M, 1, out].
        Tensor Norm(string name) { using var s = Stack(name, false, false); return s.view(blocks.Count, 1, 1, -1).contiguous(); }
        _ln1Weight = Norm("ln_1.weight"); _ln1Bias = Norm("ln_1.bias");
        _ln2Weight = Norm("ln_2.weight"); _ln2Bias = Norm("ln_2.bias");
        _inProj = Stack("in_proj.weight", true, false); _inBias = Stack("in_proj.bias", false, true);
        _outProj = Stack("out_proj.weight", true, false); _outBias = Stack("out_proj.bias", false, true);
        _fc = Stack("c_fc.weight", true, false); _fcBias = Stack("c_fc.bias", false, true);
        _proj = Stack("c_proj.weight", true, false); _projBias = Stack("c_proj.bias", false, true);
        _width = (int)_inProj.shape[1];
        foreach (var p in Parameters) p.requires_grad_(true);
    }

    public int Models => (int)_inProj.shape[0];

    public IEnumerable<Tensor> Parameters => [_ln1Weight, _ln1Bias, _ln2Weight, _ln2Bias, _inProj, _inBias, _outProj, _outBias, _fc, _fcBias, _proj, _projBias];

    /// <summary>[M, batch, tokens, width] in, the same out: model m's block applied to x[m].</summary>
    public Tensor Forward(Tensor x)
    {
        long models = x.shape[0], batch = x.shape[1], tokens = x.shape[2];
        using var scope = NewDisposeScope();
        var normed = Norm(x, _ln1Weight, _ln1Bias);
        var qkv = Product(normed, _inProj, _inBias).view(models * batch, tokens, 3 * _width);
        var attended = TransformerBlock.MultiHeadAttention(qkv, _heads, _causal).view(models, batch, tokens, _width);
        var afterAttention = x.add(Product(attended, _outProj, _outBias), TorchScalars.One);
        var hidden = functional.gelu(Product(Norm(afterAttention, _ln2Weight, _ln2Bias), _fc, _fcBias));
        return afterAttention.add(Product(hidden, _proj, _projBias), TorchScalars.One).MoveToOuterDisposeScope();
    }

    private static Tensor Norm(Tensor x, Tensor weight, Tensor bias) =>
        functional.layer_norm(x, [x.shape[^1]]).mul(weight).add(bias, TorchScalars.One);

    /// <summary>x [M, batch, tokens, in] times weight [M, in, out] plus bias [M, 1, out], as one batched product.</summary>
    private static Tensor Product(Tensor x, Tensor weight, Tensor bias)
    {
        long models = x.shape[0], batch = x.shape[1], tokens = x.shape[2];
        using var rows = x.reshape(models, batch * tokens, x.shape[3]);
        using var product = rows.bmm(weight);
        using var biased = product.add(bias, TorchScalars.One);
        return biased.view(models, batch, tokens, weight.shape[2]);
    }

    public void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
    }
}
