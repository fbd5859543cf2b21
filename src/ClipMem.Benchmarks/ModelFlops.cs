using ClipMem.Models;

namespace ClipMem.Benchmarks;

/// <summary>
/// Analytic floating-point operations of a CLIP model per sample, the numerator of model FLOP
/// utilisation. Counts 2 FLOPs per multiply-accumulate of every matrix product (patch convolution,
/// Linear layers, attention scores and weighted sums, the two projections). Norms, activations,
/// softmax, embeddings and the batch's N x N logits are left out: they are a small fraction here and
/// the convention (PaLM's MFU) counts matmuls only. Causal attention is counted as the full square,
/// which is what the fused kernel computes on the CPU.
/// </summary>
public static class ModelFlops
{
    /// <summary>Forward-pass FLOPs for one image-caption pair with captions of <paramref name="textLength"/> tokens (default: the full context).</summary>
    public static double ForwardPerSample(ClipConfig config, int? textLength = null)
    {
        var vision = config.Vision;
        long patches = (long)vision.GridSize * vision.GridSize;
        long patchEmbedding = patches * 3L * vision.PatchSize * vision.PatchSize * vision.Width;
        long visionMacs = patchEmbedding
            + vision.Layers * BlockMacs(patches + 1, vision.Width, vision.MlpRatio)
            + (long)vision.Width * config.EmbedDim;

        var text = config.Text;
        long tokens = textLength ?? text.ContextLength;
        long textMacs = text.Layers * BlockMacs(tokens, text.Width, text.MlpRatio)
            + (long)text.Width * config.EmbedDim;

        return 2.0 * (visionMacs + textMacs);
    }

    /// <summary>Forward + backward: the backward pass costs two forward passes (gradients for inputs and weights).</summary>
    public static double TrainingPerSample(ClipConfig config, int? textLength = null) => 3 * ForwardPerSample(config, textLength);

    /// <summary>Multiply-accumulates of one pre-LN transformer block over a sequence of <paramref name="tokens"/>.</summary>
    public static long BlockMacs(long tokens, int width, double mlpRatio)
    {
        long hidden = (long)(width * mlpRatio);
        long projections = tokens * (3L * width * width + (long)width * width);  // qkv in, attention out
        long attention = 2 * tokens * tokens * width;                            // q k^T and attn v, summed over heads
        long mlp = 2 * tokens * width * hidden;                                  // c_fc and c_proj
        return projections + attention + mlp;
    }
}
