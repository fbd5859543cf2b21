using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>
/// CLIP: the two towers and a learnable temperature (logit scale, initialised to ln(1/0.07) and clamped at
/// ln(100) as in OpenAI CLIP). encode_image / encode_text return L2-normalised embeddings when asked.
/// </summary>
public sealed class ClipModel : Module<Tensor, Tensor, Tensor, (Tensor ImageEmbeddings, Tensor TextEmbeddings, Tensor LogitScale)>
{
    public static readonly double InitialLogitScale = Math.Log(1 / 0.07);
    public static readonly double MaxLogitScale = Math.Log(100);

    private readonly VisionTransformer visual;
    private readonly TextTransformer text;
    private readonly Parameter logit_scale;

    public ClipConfig Config { get; }

    public ClipModel(ClipConfig config) : base("clip")
    {
        config.Validate();
        Config = config;
        visual = new VisionTransformer(config.Vision, config.EmbedDim);
        text = new TextTransformer(config.Text, config.EmbedDim);
        logit_scale = Parameter(tensor(new[] { (float)InitialLogitScale }));
        RegisterComponents();
    }

    public VisionTransformer Visual => visual;

    /// <summary>The matrix-product format of every transformer block of both towers (<see cref="MatmulPrecision"/>).</summary>
    public MatmulPrecision Precision
    {
        get => visual.Blocks.FirstOrDefault()?.Precision ?? MatmulPrecision.Fp32;
        set
        {
            foreach (var block in visual.Blocks.Concat(text.Blocks)) block.Precision = value;
        }
    }
    public TextTransformer Text => text;
    public Parameter LogitScale => logit_scale;

    public Tensor EncodeImage(Tensor images, bool normalize = true)
    {
        var features = visual.forward(images);
        if (!normalize) return features;
        using (features) return functional.normalize(features, dim: -1);
    }

    public Tensor EncodeText(Tensor tokens, Tensor endPositions, bool normalize = true)
    {
        var features = text.forward(tokens, endPositions);
        if (!normalize) return features;
        using (features) return functional.normalize(features, dim: -1);
    }

    /// <summary>The scale applied to cosine similarities: exp(logit_scale), never above 100.</summary>
    public Tensor Temperature()
    {
        using var max = MaxLogitScale.ToScalar();
        using var clamped = logit_scale.clamp_max(max);
        return clamped.exp();
    }

    public override (Tensor ImageEmbeddings, Tensor TextEmbeddings, Tensor LogitScale) forward(Tensor images, Tensor tokens, Tensor endPositions) =>
        (EncodeImage(images), EncodeText(tokens, endPositions), Temperature());

    /// <summary>Keeps the stored parameter inside [0, ln 100] after an optimiser step (open_clip does the same).</summary>
    public void ClampLogitScale()
    {
        using var _ = no_grad();
        using var max = MaxLogitScale.ToScalar();
        logit_scale.clamp_(TorchScalars.Zero, max);
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());
}
