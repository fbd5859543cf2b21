using ClipMem.Data;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Tests.Training;

/// <summary>The supervised paradigm's multi-label task: multi-hot targets, BCE as computed by hand, and a loss that falls.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class MultiLabelTrainingTaskTests
{
    private static readonly TinyClipData Data = new(8);

    // Sample i carries class i % 3 and, for even i, class 3 too.
    private static IReadOnlyList<int> LabelsOf(SampleId id)
    {
        int i = Data.Ids.ToList().IndexOf(id);
        return i % 2 == 0 ? [i % 3, 3] : [i % 3];
    }

    [Fact]
    public void TargetsAreMultiHotAndTheLossIsBinaryCrossEntropyByHand()
    {
        manual_seed(5);
        using var model = new SupervisedClassifier(Data.Config.Vision, 4);
        var task = new MultiLabelTrainingTask(model, Data.Images, Data.Ids, LabelsOf, TinyClipData.Resolution, AugmentationOptions.Training, 1);
        using var batch = task.PrepareBatch([0, 1, 2], epoch: 0, step: 0);
        Assert.Equal(new float[] { 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1 }, batch.Labels.data<float>().ToArray());

        using var scope = NewDisposeScope();
        var logits = model.forward(batch.Images).data<float>().ToArray();
        var targets = batch.Labels.data<float>().ToArray();
        double expected = logits.Zip(targets, (z, y) => -(y * Math.Log(1 / (1 + Math.Exp(-z))) + (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-z))))).Average();
        Assert.Equal(expected, task.Losses(batch, 0)["binary_cross_entropy"].item<float>(), 5);
    }

    [Fact]
    public void TheLossFallsOnARepeatedBatch()
    {
        manual_seed(6);
        using var model = new SupervisedClassifier(Data.Config.Vision, 4);
        var task = new MultiLabelTrainingTask(model, Data.Images, Data.Ids, LabelsOf, TinyClipData.Resolution, AugmentationOptions.Training, 1);
        using var optimizer = new AdamW(WeightDecayRule.OpenClip(model, 0.0), 1e-3, 0.9, 0.98, 1e-6);
        using var batch = task.PrepareBatch(Enumerable.Range(0, 8).ToArray(), epoch: 0, step: 0);
        double first = 0, last = 0;
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = task.Losses(batch, step)["binary_cross_entropy"];
            loss.backward();
            optimizer.Step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        // Below the best loss without looking at the images: predicting each class's frequency in the batch gives the
        // mean binary entropy of those frequencies. Getting under it means the model tells the images apart.
        var frequencies = Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, 8).Count(i => LabelsOf(Data.Ids[i]).Contains(c)) / 8.0);
        double constant = frequencies.Average(q => -(q * Math.Log(q) + (1 - q) * Math.Log(1 - q)));
        Assert.True(last < first && last < constant, $"loss {first} -> {last} after 20 steps on one batch; label frequencies alone give {constant}");
    }

    [Fact]
    public void ALabelOutsideTheClassesNamesTheSample()
    {
        using var model = new SupervisedClassifier(Data.Config.Vision, 2);
        var task = new MultiLabelTrainingTask(model, Data.Images, Data.Ids, _ => [5], TinyClipData.Resolution, AugmentationOptions.Training, 1);
        var e = Assert.Throws<DataFormatException>(() => task.PrepareBatch([0], 0, 0));
        Assert.Contains(Data.Ids[0].Value, e.Message);
        Assert.Contains("label index 5 is outside the 2 classes", e.Message);
    }
}
