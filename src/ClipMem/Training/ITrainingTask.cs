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

    /// <summary>
    /// The optimiser's parameter groups, each with its weight decay. Default: open_clip's rule over the whole
    /// model. A task with parameters that must not be optimised (DINO's EMA teacher) leaves them out.
    /// </summary>
    IReadOnlyList<ParameterGroup> ParameterGroups(double weightDecay) => WeightDecayRule.OpenClip(Model, weightDecay);

    /// <summary>
    /// Per-step schedules of further hyperparameters, precomputed for the whole run (DINO's teacher momentum
    /// and temperature); the task reads its own at each step, the trainer logs them each epoch. The name
    /// "weight_decay" is special: the trainer applies it to every group with a nonzero decay.
    /// </summary>
    IReadOnlyDictionary<string, double[]> Schedules(int totalSteps) => new Dictionary<string, double[]>();

    /// <summary>Between backward and the optimiser step: gradient clipping, freezing a layer for the first epochs.</summary>
    void AfterBackward(int step) { }

    /// <summary>Loss on held-out data (S_E for CLIP), logged per epoch beside the training loss; null when the task has none.</summary>
    double? HeldOutLoss() => null;

    /// <summary>State the task keeps beyond the model's parameters (DINO's centre and teacher), saved into and restored from a checkpoint folder.</summary>
    void SaveState(string checkpointDirectory) { }

    void LoadState(string checkpointDirectory) { }
}
