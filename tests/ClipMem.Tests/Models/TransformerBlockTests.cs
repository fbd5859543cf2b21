using ClipMem.Models;
using ClipMem.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Models;

[Collection(TorchRandomStateCollection.Name)]
public class TransformerBlockTests
{
    /// <summary>libtorch's fused kernel on the same q, k, v: the reference the spelt-out attention must match.</summary>
    private static Tensor FusedReference(Tensor qkv, int heads, bool causal)
    {
        long batch = qkv.shape[0], tokens = qkv.shape[1], width = qkv.shape[2] / 3;
        using var split = qkv.view(batch, tokens, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
        using var q = split[0];
        using var k = split[1];
        using var v = split[2];
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        return attended.transpose(1, 2).reshape(batch, tokens, width);
    }

    [Theory]
    [InlineData(false, 65)]
    [InlineData(true, 32)]
    [InlineData(true, 7)]
    public void MultiHeadAttentionMatchesTheFusedKernelInValueAndGradient(bool causal, int tokens)
    {
        const int heads = 4, width = 64, batch = 3;
        using var generator = new Generator(42);
        using var qkvData = randn([batch, tokens, 3 * width], generator: generator);
        using var upstream = randn([batch, tokens, width], generator: generator);

        using var qkv = qkvData.clone().requires_grad_(true);
        using var ours = TransformerBlock.MultiHeadAttention(qkv, heads, causal);
        using var ourLoss = ours.mul(upstream).sum();
        ourLoss.backward();

        using var qkvReference = qkvData.clone().requires_grad_(true);
        using var reference = FusedReference(qkvReference, heads, causal);
        using var referenceLoss = reference.mul(upstream).sum();
        referenceLoss.backward();

        Assert.Equal(reference.shape, ours.shape);
        Assert.True(ours.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(ours - reference).abs().max().item<float>()}");
        Assert.True(qkv.grad!.allclose(qkvReference.grad!, rtol: 1e-5, atol: 1e-5),
            $"max gradient difference {(qkv.grad! - qkvReference.grad!).abs().max().item<float>()}");
    }

    [Fact]
    public void CausalAttentionIgnoresLaterTokens()
    {
        const int heads = 2, width = 16, tokens = 6;
        using var generator = new Generator(3);
        using var qkv = randn([1, tokens, 3 * width], generator: generator);
        using var changed = qkv.clone();
        // Rewrite the last token's q, k and v: every earlier position's output must stay as it was.
        using (no_grad()) changed[.., tokens - 1, ..].normal_(generator: generator);
        using var before = TransformerBlock.MultiHeadAttention(qkv, heads, causal: true);
        using var after = TransformerBlock.MultiHeadAttention(changed, heads, causal: true);
        Assert.True(before[.., ..(tokens - 1), ..].allclose(after[.., ..(tokens - 1), ..], rtol: 0, atol: 0));
        Assert.False(before[.., tokens - 1, ..].allclose(after[.., tokens - 1, ..], rtol: 0, atol: 0));
    }
}
