using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>
/// The seam between the one trainer and a paradigm (CLIP, DINO, supervised, BLIP), like open_clip's loss
/// modules: the task prepares batches (CPU work the trainer overlaps with the previous step) and turns a
/// batch into named losses; the trainer sums, steps, schedules, checkpoints and reports.
/// </summary>
public interface ITrainingTask<TBatch> where TBatch : ITrainingBatch
{
    nn.Module Model { get; }

    /// <summary>Number of training samples; the trainer shuffles indices 0..SampleCount-1 each epoch.</summary>
    int SampleCount { get; }

    /// <summary>
    /// Builds the batch for these sample indices. Called on a background thread, inside a dispose scope
    /// (<see cref="ScopedBatch"/>) that frees every temporary and keeps the batch's tensors: no autograd here.
    /// </summary>
    TBatch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step);

    /// <summary>Forward pass: named loss terms whose sum is minimised.</summary>
    IReadOnlyDictionary<string, Tensor> Losses(TBatch batch, int step);

    /// <summary>After each optimiser step (clamp the logit scale, update an EMA teacher, ...).</summary>
    void AfterStep(int step);

    /// <summary>Scalars worth logging with the losses (e.g. the logit scale).</summary>
    IReadOnlyDictionary<string, double> Metrics();
}
