using ClipMem.Data;
using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Training;

/// <summary>
/// Tensors a training step makes are made where the model is. No GPU here: the meta device (shapes, no data) stands
/// in for CUDA, so a tensor left on the CPU shows without one. (libtorch's CPU build has no meta convolution, so a
/// whole CLIP step cannot run there; the parts that build tensors are checked one by one.)
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class DevicePlacementTests
{
    private static readonly Device Meta = new(DeviceType.META);

    [Fact]
    public void SupervisedBatchesAreBuiltOnTheGivenDevice()
    {
        var data = new TinyClipData(8);
        var classes = data.Dataset.Select(s => s.Labels.First()).Distinct().ToList();
        manual_seed(3);
        using var classifier = new SupervisedClassifier(data.Config.Vision, classes.Count);
        var task = new SupervisedTrainingTask(classifier, data.Images, data.Ids, classes, TinyClipData.Resolution, AugmentationOptions.Training, 1, Meta);
        using var batch = task.PrepareBatch([0, 1, 2], epoch: 0, step: 0);
        Assert.Equal(DeviceType.META, batch.Images.device_type);
        Assert.Equal(DeviceType.META, batch.Labels.device_type);

        var onCpu = new SupervisedTrainingTask(classifier, data.Images, data.Ids, classes, TinyClipData.Resolution, AugmentationOptions.Training, 1);
        using var cpuBatch = onCpu.PrepareBatch([0, 1, 2], epoch: 0, step: 0);
        Assert.Equal(DeviceType.CPU, cpuBatch.Images.device_type);
        Assert.Equal([3L, 3, TinyClipData.Resolution, TinyClipData.Resolution], cpuBatch.Images.shape);
    }

    [Fact]
    public void TextNoiseIsDrawnOnTheCpuAndReachesTheEmbeddingsDevice()
    {
        long[] shape = [4, 16];
        using var onMeta = ClipTrainingTask.TextNoise(shape, seed: 9, step: 3, Meta);
        Assert.Equal(DeviceType.META, onMeta.device_type);
        Assert.Equal(shape, onMeta.shape);
        // On the CPU: the step's own draw, replayed exactly, and another step's draw differs.
        using var first = ClipTrainingTask.TextNoise(shape, 9, 3, CPU);
        using var again = ClipTrainingTask.TextNoise(shape, 9, 3, CPU);
        using var nextStep = ClipTrainingTask.TextNoise(shape, 9, 4, CPU);
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), nextStep.data<float>().ToArray());
    }
}
