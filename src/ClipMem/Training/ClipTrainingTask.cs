using ClipMem.Common;
using ClipMem.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Training;

/// <summary>
/// CLIP's objective as a training task: symmetric InfoNCE over a batch, with the study's text-embedding
/// noise mitigation (PAPER.md finding 7, DECISION: N(0, sigma^2 I) added to the projected text embedding
/// before L2 normalisation, training only, fresh every step).
/// </summary>
/// <param name="heldOut">Held-out pairs (S_E) whose loss is logged each epoch beside the training loss, in batches of <paramref name="heldOutBatchSize"/>.</param>
public sealed class ClipTrainingTask(ClipModel model, ClipDataPipeline data, ulong seed, double textNoiseSigma = 0,
    ClipDataPipeline? heldOut = null, int heldOutBatchSize = 128)
    : ITrainingTask<ClipBatch>
{
    private double _lastTextRms = double.NaN;

    public Module Model => model;
    public int SampleCount => data.Members.Count;

    public ClipBatch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step) => data.TrainingBatch(sampleIndices, epoch);

    public IReadOnlyDictionary<string, Tensor> Losses(ClipBatch batch, int step)
    {
        var images = model.EncodeImage(batch.Images);
        var rawText = model.EncodeText(batch.Tokens, batch.EndPositions, normalize: false);
        var detached = rawText.detach();
        _lastTextRms = TorchScalars.Squared(detached).mean().sqrt().item<float>();
        if (textNoiseSigma > 0)
        {
            using var sigma = textNoiseSigma.ToScalar();
            rawText = rawText.add(TextNoise(rawText.shape, seed, step, rawText.device), sigma);
        }
        var text = functional.normalize(rawText, dim: -1);
        return new Dictionary<string, Tensor> { ["contrastive"] = ClipLoss.Mean(images, text, model.Temperature()) };
    }

    /// <summary>
    /// The text-embedding noise of one step, N(0, 1) before scaling by sigma, on <paramref name="device"/>. A generator per
    /// step keyed by the run seed, so the noise replays exactly on resume. The generator is a CPU one, which libtorch refuses
    /// for a CUDA tensor, so the noise is drawn on the CPU and then moved: the same noise on every device.
    /// </summary>
    public static Tensor TextNoise(long[] shape, ulong seed, int step, Device device)
    {
        using var generator = new Generator(DeterministicRandom.For(seed, "text-noise", step).NextUInt64() >> 1);
        var noise = randn(shape, generator: generator);
        if (device.type == DeviceType.CPU) return noise;
        using (noise) return noise.to(device);
    }

    public void AfterStep(int step) => model.ClampLogitScale();

    /// <summary>
    /// The contrastive loss on the held-out pairs (eval view, first caption, no noise) at the current weights:
    /// the gap to the training loss is the generalisation gap. Batches as large as training's where the
    /// held-out set allows, since the loss's chance level ln B depends on the batch size.
    /// </summary>
    public double? HeldOutLoss()
    {
        if (heldOut is null || heldOut.Members.Count < 2) return null;
        int size = Math.Min(heldOutBatchSize, heldOut.Members.Count), batches = heldOut.Members.Count / size;
        double sum = 0;
        model.eval();
        using (no_grad())
        {
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                var indices = Enumerable.Range(b * size, size).ToArray();
                using var batch = ScopedBatch.Build(() => heldOut.EvaluationBatch(indices));
                var images = model.EncodeImage(batch.Images);
                var text = model.EncodeText(batch.Tokens, batch.EndPositions);
                sum += ClipLoss.Mean(images, text, model.Temperature()).item<float>();
            }
        }
        model.train();
        return sum / batches;
    }

    public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>
    {
        ["logit_scale"] = Math.Exp(model.LogitScale.item<float>()),
        ["text_embedding_rms"] = _lastTextRms,
        ["text_noise_sigma_over_rms"] = textNoiseSigma / _lastTextRms,
    };
}
