using System.Collections.Concurrent;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Text;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>
/// Turns sample ids into training batches: decode (cached), augment (replayable draw per visit), pick one
/// of the sample's captions per visit (the study's multi-caption protocol) and, where the sample has
/// training images in place of its own (the study's generated images), one of those, independently; swap
/// left/right when the view is flipped, tokenize (cached per caption). Pure CPU work, safe to run on a background thread.
/// </summary>
public sealed class ClipDataPipeline(
    ImageCache images,
    IReadOnlyList<SampleId> members,
    BpeTokenizer tokenizer,
    int contextLength,
    int resolution,
    AugmentationOptions augmentation,
    ulong seed,
    Device? device = null)
{
    private readonly ConcurrentDictionary<string, long[]> _tokens = new();

    public IReadOnlyList<SampleId> Members => members;
    public BpeTokenizer Tokenizer => tokenizer;
    public int ContextLength => contextLength;

    public ClipBatch TrainingBatch(IReadOnlyList<int> memberIndices, int epoch) => Batch(memberIndices, id =>
    {
        var view = augmentation.Draw(seed, id, epoch, "train");
        var captions = images.Dataset[id].Captions;
        var caption = captions[DeterministicRandom.For(seed, "caption", id.Value, epoch).NextInt(captions.Count)];
        int count = images.TrainingImageCount(id);
        // Its own stream, so drawing an image leaves the caption and crop draws as they are without generated images.
        int image = count == 1 ? 0 : DeterministicRandom.For(seed, "training-image", id.Value, epoch).NextInt(count);
        return (view, caption, images.GetTrainingImage(id, image));
    });

    /// <summary>The held-out view of these members: the full image (eval view) with its first caption; the same every time.</summary>
    public ClipBatch EvaluationBatch(IReadOnlyList<int> memberIndices) =>
        Batch(memberIndices, id => (AugmentationOptions.Eval.Draw(seed, id, 0, "eval"), images.Dataset[id].Captions[0], images.Get(id)));

    private ClipBatch Batch(IReadOnlyList<int> memberIndices, Func<SampleId, (ViewParams View, string Caption, RgbImage Image)> draw)
    {
        int n = memberIndices.Count, pixels = 3 * resolution * resolution;
        var imageBuffer = new float[n * pixels];
        var tokenBuffer = new long[n * contextLength];
        var ends = new long[n];
        for (int b = 0; b < n; b++)
        {
            var id = members[memberIndices[b]];
            var (view, caption, image) = draw(id);
            ImageTensors.Normalize(view.Apply(image, resolution), imageBuffer.AsSpan(b * pixels, pixels));
            if (view.Flip) caption = CaptionFlip.SwapLeftRight(caption);
            var row = Tokens(caption);
            row.CopyTo(tokenBuffer.AsSpan(b * contextLength, contextLength));
            ends[b] = tokenizer.EndTokenPosition(row);
        }
        return new ClipBatch(
            ToDevice(tensor(imageBuffer, [n, 3, resolution, resolution])),
            ToDevice(TrimmedTokens(tokenBuffer, ends)),
            ToDevice(tensor(ends)));
    }

    /// <summary>Drops the padding columns after the longest caption's end token (see TextTransformer.forward).</summary>
    private Tensor TrimmedTokens(long[] tokenBuffer, long[] ends)
    {
        int n = ends.Length;
        using var full = tensor(tokenBuffer, [n, contextLength]);
        long length = n == 0 ? contextLength : ends.Max() + 1;
        return full.narrow(1, 0, length).contiguous();
    }

    /// <summary>Token rows and end positions for arbitrary captions (scoring, zero-shot prompts).</summary>
    public (Tensor Tokens, Tensor EndPositions) EncodeCaptions(IReadOnlyList<string> captions)
    {
        var buffer = new long[captions.Count * contextLength];
        var ends = new long[captions.Count];
        for (int i = 0; i < captions.Count; i++)
        {
            var row = Tokens(captions[i]);
            row.CopyTo(buffer.AsSpan(i * contextLength, contextLength));
            ends[i] = tokenizer.EndTokenPosition(row);
        }
        return (ToDevice(TrimmedTokens(buffer, ends)), ToDevice(tensor(ends)));
    }

    private long[] Tokens(string caption) => _tokens.GetOrAdd(caption, c => tokenizer.EncodeForModel(c, contextLength));

    private Tensor ToDevice(Tensor t)
    {
        if (device is null || device.type == TorchSharp.DeviceType.CPU) return t;
        using (t) return t.to(device);
    }
}
