using ClipMem.Data;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Tests.Training;
using static TorchSharp.torch;

namespace ClipMem.Tests.Memorization;

/// <summary>UnitMem against hand-computed tables, and the measured activation tables against a one-view-at-a-time loop.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class UnitMemTests
{
    // Row-major [4 samples, 4 units]. Unit 0: one sample stands out. Unit 1: median and mean of the rest differ.
    // Unit 2: GELU's small negatives clamp to 0. Unit 3: never fires (dead).
    private static readonly float[] Table =
    [
        4f, 1f, -0.1f, -0.05f,
        1f, 5f, 2f, -0.1f,
        1f, 2f, -0.17f, 0f,
        1f, 6f, 0f, -0.02f,
    ];

    [Fact]
    public void MedianRestMatchesAHandComputation()
    {
        var layer = UnitMem.Layer(3, Table, samples: 4, units: 4, UnitMemRest.Median);
        Assert.Equal(3, layer.Layer);
        // Unit 0: max 4 (sample 0), rest {1, 1, 1}: (4 - 1) / (4 + 1). Unit 1: max 6 (sample 3), rest {1, 5, 2}, median 2: 4 / 8.
        // Unit 2: clamped {0, 2, 0, 0}, max 2 (sample 1), rest median 0: 1.
        Assert.Equal(0.6, layer.Scores[0], 12);
        Assert.Equal(0.5, layer.Scores[1], 12);
        Assert.Equal(1.0, layer.Scores[2], 12);
        Assert.True(double.IsNaN(layer.Scores[3]));
        Assert.Equal([0, 3, 1, 0], layer.MaxSample);
        Assert.Equal(1, layer.DeadUnits);
        Assert.Equal((0.6 + 0.5 + 1.0) / 3, layer.Mean, 12);
    }

    [Fact]
    public void MeanRestMatchesAHandComputation()
    {
        var layer = UnitMem.Layer(0, Table, samples: 4, units: 4, UnitMemRest.Mean);
        // Unit 1: rest mean (1 + 5 + 2) / 3 = 8/3, so (6 - 8/3) / (6 + 8/3) = 10 / 26.
        Assert.Equal(0.6, layer.Scores[0], 12);
        Assert.Equal(10.0 / 26.0, layer.Scores[1], 12);
        Assert.Equal(1.0, layer.Scores[2], 12);
        Assert.Equal(1, layer.DeadUnits);
    }

    [Fact]
    public void AnEvenRestTakesTheMeanOfItsTwoMiddleValuesAndTiesGoToTheFirstSample()
    {
        // One unit, 5 samples: max 8 first reached by sample 1; rest {1, 3, 8, 2} sorted {1, 2, 3, 8}: median 2.5.
        var layer = UnitMem.Layer(0, [1f, 8f, 3f, 8f, 2f], samples: 5, units: 1, UnitMemRest.Median);
        Assert.Equal(1, layer.MaxSample[0]);
        Assert.Equal((8 - 2.5) / (8 + 2.5), layer.Scores[0], 12);
    }

    [Fact]
    public void BadTablesAreRefusedSayingWhatIsWrong()
    {
        Assert.Contains("at least 2 samples", Assert.Throws<ArgumentException>(() => UnitMem.Layer(0, [1f], 1, 1, UnitMemRest.Median)).Message);
        Assert.Contains("5 values, not 2 samples x 2 units", Assert.Throws<ArgumentException>(() => UnitMem.Layer(4, new float[5], 2, 2, UnitMemRest.Mean)).Message);
    }

    [Fact]
    public void MeasuredTablesEqualAOneViewAtATimeLoop()
    {
        var data = new TinyClipData(12);
        manual_seed(11);
        using var model = new ClipModel(data.Config);
        var tower = model.Visual;
        var ids = data.Ids.Take(7).ToList();
        const int views = 3;
        const ulong seed = 5;
        var transform = AugmentationOptions.Training;
        // A batch of 4 rows forces several batches and a partial last one.
        var tables = new UnitMemMeasurement(data.Images, TinyClipData.Resolution, views, seed, transform, batchSize: 4).Activations(tower, ids);
        Assert.Equal(tower.Blocks.Count, tables.Count);

        tower.eval();
        using var _ = no_grad();
        for (int k = 0; k < ids.Count; k++)
        {
            var sums = tower.Blocks.Select(b => new double[b.HiddenUnits]).ToArray();
            for (int v = 0; v < views; v++)
            {
                var view = transform.Draw(seed, ids[k], v, UnitMemMeasurement.DrawPurpose).Apply(data.Images.Get(ids[k]), TinyClipData.Resolution);
                using var scope = NewDisposeScope();
                var (_, perBlock) = tower.ForwardWithActivations(ImageTensors.Stack([view]));
                for (int b = 0; b < perBlock.Count; b++)
                {
                    var row = perBlock[b].data<float>().ToArray();
                    for (int u = 0; u < row.Length; u++) sums[b][u] += row[u];
                }
            }
            for (int b = 0; b < tables.Count; b++)
            {
                int hidden = tower.Blocks[b].HiddenUnits;
                for (int u = 0; u < hidden; u++)
                    Assert.True(Math.Abs(tables[b][k * hidden + u] - sums[b][u] / views) < 1e-5,
                        $"block {b}, sample {k}, unit {u}: batched {tables[b][k * hidden + u]}, one view at a time {sums[b][u] / views}");
            }
        }
        // Clamped at 0, every layer's UnitMem lies in [0, 1].
        var layers = UnitMemMeasurement.Layers(tables, tower, ids.Count, UnitMemRest.Median);
        Assert.All(layers, l => Assert.InRange(l.Mean, 0.0, 1.0));
    }
}
