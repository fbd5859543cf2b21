using ClipMem.Benchmarks;
using ClipMem.Models;
using ClipMem.Tests.Training;
using static TorchSharp.torch;

namespace ClipMem.Tests.Benchmarks;

/// <summary>The stacked blocks the ensemble bench times compute what the blocks they stack compute, forward and backward.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class StackedBlocksTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ModelMOfTheStackIsBlockM(bool causal)
    {
        manual_seed(11);
        var blocks = Enumerable.Range(0, 3).Select(m => new TransformerBlock($"b{m}", 16, 2, 4.0, causal)).ToList();
        using var stackedBlocks = new StackedBlocks(blocks, heads: 2, causal);
        using var x = randn(3, 4, 5, 16);
        using var stackedOut = stackedBlocks.Forward(x);
        stackedOut.mul(stackedOut).sum().backward();
        for (int m = 0; m < 3; m++)
        {
            using var own = blocks[m].forward(x[m]);
            Assert.True(own.allclose(stackedOut[m], rtol: 1e-5, atol: 1e-5), $"model {m}: outputs differ");
            own.mul(own).sum().backward();
        }
        // Gradients: the stacked in-projection's slice m is block m's weight gradient, transposed.
        var inProjGrad = stackedBlocks.Parameters.ElementAt(4).grad!;
        for (int m = 0; m < 3; m++)
        {
            var own = blocks[m].named_parameters().Single(p => p.name == "in_proj.weight").parameter.grad!;
            Assert.True(own.t().allclose(inProjGrad[m], rtol: 1e-4, atol: 1e-5), $"model {m}: gradients differ");
        }
        foreach (var b in blocks) b.Dispose();
    }

    [Fact]
    public void TheBenchPrintsBothFiguresAndTheirRatio()
    {
        var log = new StringWriter();
        var figures = EnsembleBench.Measure([1, 2], [1], steps: 1, rounds: 1, log);
        Assert.Equal([1, 2], figures.Select(f => f.Models));
        Assert.All(figures, f => Assert.True(f.SequentialModelStepsPerSecond > 0 && f.StackedModelStepsPerSecond > 0));
        Assert.Equal(figures[1].StackedModelStepsPerSecond / figures[1].SequentialModelStepsPerSecond, figures[1].Speedup, 12);
        Assert.Contains("2 model(s), 1 thread(s)", log.ToString());
    }
}
