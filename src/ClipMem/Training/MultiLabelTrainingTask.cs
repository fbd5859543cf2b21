using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Training;

/// <summary>
/// The study's supervised paradigm as a training task (PAPER.md section 5): the shared ViT with a linear head, trained
/// multi-label with binary cross-entropy on each sample's label set (synthetic scenes: every object kind and colour
/// present; COCO: its categories; one class for single-label data), one draw of the training transform per epoch.
/// </summary>
/// <param name="labelsOf">The class indices a sample trains on (a label-noise injection's flipped set for its samples).</param>
/// <param name="device">Where the model is: every batch is built there (null: the CPU).</param>
public sealed class MultiLabelTrainingTask(
    SupervisedClassifier model, ImageCache images, IReadOnlyList<SampleId> members, Func<SampleId, IReadOnlyList<int>> labelsOf,
    int resolution, AugmentationOptions augmentation, ulong seed, Device? device = null) : ITrainingTask<LabelledBatch>
{
    public const string DrawPurpose = "multi-label";

    public Module Model => model;
    public int SampleCount => members.Count;

    /// <summary>Images [B, 3, r, r] and multi-hot float targets [B, classes].</summary>
    public LabelledBatch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step)
    {
        int classes = model.Classes;
        var views = new RgbImage[sampleIndices.Count];
        var targets = new float[sampleIndices.Count * classes];
        for (int b = 0; b < sampleIndices.Count; b++)
        {
            var id = members[sampleIndices[b]];
            views[b] = augmentation.Draw(seed, id, epoch, DrawPurpose).Apply(images.Get(id), resolution);
            var labels = labelsOf(id);
            if (labels.Count == 0) throw new DataFormatException(images.Dataset.Source, id, "sample has no label for supervised training");
            foreach (int c in labels)
            {
                if (c < 0 || c >= classes) throw new DataFormatException(images.Dataset.Source, id, $"label index {c} is outside the {classes} classes");
                targets[b * classes + c] = 1;
            }
        }
        return new LabelledBatch(ImageTensors.Stack(views, device), tensor(targets, [sampleIndices.Count, classes], device: device));
    }

    public IReadOnlyDictionary<string, Tensor> Losses(LabelledBatch batch, int step) =>
        new Dictionary<string, Tensor> { ["binary_cross_entropy"] = functional.binary_cross_entropy_with_logits(model.forward(batch.Images), batch.Labels) };

    public void AfterStep(int step) { }

    public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>();
}
