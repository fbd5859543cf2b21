using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Common;

/// <summary>
/// How many rows an inference batch holds. Bigger batches amortise per-call overhead, but on the CPU an
/// activation larger than glibc's mmap cap (32 MB, see <see cref="NativeAllocator"/>) is mapped afresh on every
/// allocation and faulted in page by page. Scoring the bench's reference model with 506 views per batch (a
/// 67 MB MLP activation) made 2.06 M minor page faults against 0.32 M at 128 views, and ran at 279-695 views/s
/// against 814-873 (erratic, run to run). Batches are sized so the widest activation stays under the cap; a
/// CUDA device has its own caching allocator and keeps the upper bound.
/// </summary>
public static class InferenceBatch
{
    // A quarter below the cap: the allocator's own headers and alignment must fit too.
    private const long LargestActivationBytes = 24L << 20;

    /// <param name="tokensPerRow">Sequence length of one row (patches + class token, or the text context).</param>
    /// <param name="widestPerToken">The widest activation per token, in floats (MLP hidden width, the fused q/k/v, or heads x tokens of attention scores).</param>
    /// <param name="upperBound">The most rows wanted where memory is not the limit.</param>
    public static int Rows(int tokensPerRow, int widestPerToken, int upperBound, Device? device = null)
    {
        if (tokensPerRow < 1 || widestPerToken < 1 || upperBound < 1)
            throw new ArgumentOutOfRangeException(nameof(tokensPerRow), $"tokens {tokensPerRow}, width {widestPerToken}, bound {upperBound}: all must be positive");
        if (device is { type: DeviceType.CUDA }) return upperBound;
        long bytesPerRow = (long)tokensPerRow * widestPerToken * sizeof(float);
        return (int)Math.Clamp(LargestActivationBytes / bytesPerRow, 1, upperBound);
    }

    /// <summary>Rows for a pre-LN transformer of this shape: <see cref="Rows"/> over its <see cref="WidestPerToken"/>.</summary>
    public static int TransformerRows(int tokens, int width, double mlpRatio, int heads, int upperBound, Device? device = null) =>
        Rows(tokens, WidestPerToken(width, mlpRatio, heads, tokens), upperBound, device);

    /// <summary>The widest per-token activation of a pre-LN transformer block: MLP hidden, fused q/k/v, or the attention scores.</summary>
    public static int WidestPerToken(int width, double mlpRatio, int heads, int tokens) =>
        Math.Max(Math.Max((int)Math.Round(width * mlpRatio), 3 * width), heads * tokens);
}
