using ClipMem.Data;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Memorization;

[Collection(TorchRandomStateCollection.Name)]
public class ClipEmbedderTests
{
    private const ulong RunSeed = 5;
    private const int Views = 3;
    private static readonly TinyClipData Data = new(6, seed: 3);

    public ClipEmbedderTests() => torch.set_num_threads(1);

    private static ClipModel Model(long seed)
    {
        torch.manual_seed(seed);
        return new ClipModel(Data.Config);
    }

    // batchSize 8 with 4 images per sample: two samples per image batch and three caption batches.
    private static ClipEmbedder Embedder(ulong seed = RunSeed, int batchSize = 8) =>
        new(Data.Images, Data.Pipeline(seed), TinyClipData.Resolution, Views, seed, batchSize: batchSize);

    private static double Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v) sum += (double)x * x;
        return Math.Sqrt(sum);
    }

    [Fact]
    public void EmbeddingsAreUnitNormAndRepeatable()
    {
        using var model = Model(1);
        var first = Embedder().Embed(model, Data.Ids, "f");
        var second = Embedder().Embed(model, Data.Ids, "f");

        Assert.Equal(first.MeanViewImage, second.MeanViewImage);
        Assert.Equal(first.EvalImage, second.EvalImage);
        Assert.Equal(first.Captions, second.Captions);

        Assert.Equal(Data.Ids, first.Ids);
        Assert.Equal(model.Config.EmbedDim, first.Dim);
        for (int i = 0; i < first.Ids.Count; i++)
        {
            Assert.Equal(Data.Dataset[i].Captions.Count, first.CaptionCount(i));
            Assert.Equal(1.0, Norm(first.Eval(i)), 5);
            for (int j = 0; j < first.CaptionCount(i); j++) Assert.Equal(1.0, Norm(first.Caption(i, j)), 5);
            // A mean of unit vectors that are not all equal is shorter than 1.
            Assert.InRange(Norm(first.MeanView(i)), 0.5, 1 - 1e-7);
        }
    }

    [Fact]
    public void RowsEqualADirectForwardPassOfTheSamplesViewsAndCaptions()
    {
        using var model = Model(2);
        var set = Embedder().Embed(model, Data.Ids, "f");
        model.eval();
        using var _ = no_grad();
        var pipeline = Data.Pipeline(RunSeed);
        for (int i = 0; i < Data.Ids.Count; i++)
        {
            var id = Data.Ids[i];
            var source = Data.Images.Get(id);

            var views = Enumerable.Range(0, Views)
                .Select(k => AugmentationOptions.ScoringViews.Draw(RunSeed, id, k, "score").Apply(source, TinyClipData.Resolution)).ToList();
            using (var batch = ImageTensors.Stack(views))
            using (var embedded = model.EncodeImage(batch))
            using (var mean = embedded.mean([0]))
                AssertClose(mean.data<float>().ToArray(), set.MeanView(i));

            var plain = AugmentationOptions.Eval.Draw(RunSeed, id, 0, "eval").Apply(source, TinyClipData.Resolution);
            using (var batch = ImageTensors.Stack([plain]))
            using (var embedded = model.EncodeImage(batch))
                AssertClose(embedded.data<float>().ToArray(), set.Eval(i));

            var (tokens, ends) = pipeline.EncodeCaptions(Data.Dataset[id].Captions);
            using (tokens)
            using (ends)
            using (var text = model.EncodeText(tokens, ends))
            {
                var rows = text.data<float>().ToArray();
                for (int j = 0; j < set.CaptionCount(i); j++)
                    AssertClose(rows.AsSpan(j * set.Dim, set.Dim).ToArray(), set.Caption(i, j));
            }
        }
    }

    [Fact]
    public void ViewsDependOnlyOnTheSeedAndSampleId()
    {
        using var model = Model(3);
        var forward = Embedder().Embed(model, Data.Ids, "f");
        var reversedIds = Data.Ids.Reverse().ToList();
        var reversed = Embedder(batchSize: 5).Embed(model, reversedIds, "f");
        foreach (var id in Data.Ids)
        {
            int a = forward.IndexOf(id), b = reversed.IndexOf(id);
            AssertClose(forward.MeanView(a).ToArray(), reversed.MeanView(b));
            AssertClose(forward.Eval(a).ToArray(), reversed.Eval(b));
        }

        // Another run seed draws other views (the eval view is the full image either way).
        var otherSeed = Embedder(seed: RunSeed + 1).Embed(model, Data.Ids, "f");
        Assert.Contains(Enumerable.Range(0, Data.Ids.Count), i => Math.Abs(otherSeed.MeanView(i)[0] - forward.MeanView(i)[0]) > 1e-4);
        for (int i = 0; i < Data.Ids.Count; i++) AssertClose(forward.Eval(i).ToArray(), otherSeed.Eval(i));
    }

    [Fact]
    public void EndToEndScoringOfTwoUntrainedModels()
    {
        using var f = Model(4);
        using var g = Model(5);
        var setF = Embedder().Embed(f, Data.Ids, "f");
        var setG = Embedder().Embed(g, Data.Ids, "g");
        var scores = ClipMemScorer.Score(setF, setG, Data.Ids, Data.Ids, AlignmentVariant.Contrastive);
        Assert.Equal(Data.Ids.Count, scores.Count);
        Assert.All(scores, s =>
        {
            Assert.True(double.IsFinite(s.Raw));
            Assert.InRange(s.PositiveF, -1, 1);
            Assert.InRange(s.AlignF, -2, 2);
        });
        Assert.All(ClipMemScorer.Score(setF, setF, Data.Ids, Data.Ids, AlignmentVariant.Contrastive), s => Assert.Equal(0.0, s.Raw));
        double range = ClipMemScorer.Range(scores.Select(s => s.Raw));
        Assert.Equal(scores.Max(s => s.Raw) - scores.Min(s => s.Raw), range, 12);
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int d = 0; d < expected.Length; d++) Assert.Equal(expected[d], actual[d], 1e-5f);
    }
}
