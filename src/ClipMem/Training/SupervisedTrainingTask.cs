using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Training;

/// <summary>A batch of labelled images.</summary>
public sealed class LabelledBatch(Tensor images, Tensor labels) : ITrainingBatch
{
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;
    public IEnumerable<Tensor> Tensors => [Images, Labels];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>Single-label supervised training of a ViT classifier: cross-entropy on the first label of each sample.</summary>
/// <param name="device">Where the model is: every batch is built there (null: the CPU).</param>
public sealed class SupervisedTrainingTask(
    SupervisedClassifier model, ImageCache images, IReadOnlyList<SampleId> members, IReadOnlyList<string> classes,
    int resolution, AugmentationOptions augmentation, ulong seed, Device? device = null) : ITrainingTask<LabelledBatch>
{
    private readonly Dictionary<string, int> _classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

    public Module Model => model;
    public int SampleCount => members.Count;

    public LabelledBatch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step)
    {
        var views = new RgbImage[sampleIndices.Count];
        var labels = new long[sampleIndices.Count];
        for (int b = 0; b < sampleIndices.Count; b++)
        {
            var id = members[sampleIndices[b]];
            views[b] = augmentation.Draw(seed, id, epoch, "supervised").Apply(images.Get(id), resolution);
            string label = images.Dataset[id].Labels.FirstOrDefault()
                ?? throw new DataFormatException(images.Dataset.Source, id, "sample has no label for supervised training");
            labels[b] = _classIndex.TryGetValue(label, out int c) ? c
                : throw new DataFormatException(images.Dataset.Source, id, $"label '{label}' is not among the {classes.Count} classes");
        }
        return new LabelledBatch(ImageTensors.Stack(views, device), tensor(labels, device: device));
    }

    public IReadOnlyDictionary<string, Tensor> Losses(LabelledBatch batch, int step) =>
        new Dictionary<string, Tensor> { ["cross_entropy"] = functional.cross_entropy(model.forward(batch.Images), batch.Labels) };

    public void AfterStep(int step) { }

    public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>();
}
