using ClipMem.Experiments;
using ClipMem.Models;
using ClipMem.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Models;

/// <summary>bf16 matrix products: the same block within bf16's rounding, fp32 at its edges and in its master weights.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class MatmulPrecisionTests
{
    private static double RelativeError(Tensor a, Tensor b)
    {
        using var diff = a.sub(b);
        return diff.norm().item<float>() / b.norm().item<float>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ABf16BlockMatchesItsFp32SelfWithinBf16RoundingInValueAndGradient(bool causal)
    {
        torch.manual_seed(7);
        using var block = new TransformerBlock("b", 64, 4, 4.0, causal);
        using var generator = new Generator(3);
        using var input = randn(4, 17, 64, generator: generator);

        (Tensor Output, Tensor[] Grads) Run(MatmulPrecision precision)
        {
            block.Precision = precision;
            block.zero_grad();
            using var x = input.clone().requires_grad_(true);
            var output = block.forward(x);
            using var squared = ClipMem.Common.TorchScalars.Squared(output);
            using var loss = squared.sum();
            loss.backward();
            return (output.detach(), block.parameters().Select(p => p.grad!.clone()).ToArray());
        }

        var (fp32, fp32Grads) = Run(MatmulPrecision.Fp32);
        var (bf16, bf16Grads) = Run(MatmulPrecision.Bf16);
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        Assert.All(bf16Grads, g => Assert.Equal(ScalarType.Float32, g.dtype));
        // bf16 keeps 8 significant bits (relative rounding 2^-9 = 0.002 per product); a block's output and its
        // weight gradients stay within a few percent, and they must differ at all (the casts took effect).
        double valueError = RelativeError(bf16, fp32);
        Assert.InRange(valueError, 1e-5, 0.02);
        for (int i = 0; i < fp32Grads.Length; i++)
            Assert.InRange(RelativeError(bf16Grads[i], fp32Grads[i]), 0, 0.05);
    }

    [Fact]
    public void AModelsPrecisionReachesEveryBlockOfBothTowersAndTheConfigHashesIt()
    {
        torch.manual_seed(1);
        using var model = new ClipModel(ClipConfig.Quick(300)) { Precision = MatmulPrecision.Bf16 };
        Assert.All(model.Visual.Blocks.Concat(model.Text.Blocks), b => Assert.Equal(MatmulPrecision.Bf16, b.Precision));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));

        var fp32 = ExperimentPreset.Tiny;
        var bf16 = fp32 with { Recipe = fp32.Recipe with { Precision = MatmulPrecision.Bf16 } };
        Assert.NotEqual(fp32.Hash(), bf16.Hash());
    }
}
