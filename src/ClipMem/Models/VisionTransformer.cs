using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>
/// The image tower shared by every paradigm in the workbench (CLIP, DINO, supervised, BLIP): patch
/// embedding, class token, learned positional embedding, ln_pre, pre-LN blocks, ln_post on the class
/// token, linear projection (open_clip VisionTransformer).
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding, positional_embedding, proj;
    private readonly LayerNorm ln_pre, ln_post;
    private readonly ModuleList<TransformerBlock> blocks;

    public VisionConfig Config { get; }
    public int OutputDim { get; }

    public VisionTransformer(VisionConfig config, int outputDim) : base("visual")
    {
        config.Validate();
        Config = config;
        OutputDim = outputDim;
        int w = config.Width;
        double scale = Math.Pow(w, -0.5);
        conv1 = Conv2d(3, w, config.PatchSize, stride: config.PatchSize, bias: false);
        class_embedding = Parameter(ParameterInit.Normal([w], scale));
        positional_embedding = Parameter(ParameterInit.Normal([config.GridSize * config.GridSize + 1, w], scale));
        ln_pre = LayerNorm(w);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers)
            .Select(i => new TransformerBlock($"block{i}", w, config.Heads, config.MlpRatio, causal: false)).ToArray());
        ln_post = LayerNorm(w);
        proj = Parameter(ParameterInit.Normal([w, outputDim], scale));
        RegisterComponents();
    }

    public IReadOnlyList<TransformerBlock> Blocks => blocks.ToList();

    /// <summary>The pooled, unprojected class-token feature [batch, width] (what DINO and linear probes may use).</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = conv1.forward(images);                       // [B, W, g, g]
        x = x.flatten(2).transpose(1, 2);                    // [B, g*g, W]
        var cls = class_embedding.view(1, 1, -1).expand(x.shape[0], 1, -1);
        x = cat([cls, x], 1).add(PositionalEmbeddingFor((int)Math.Round(Math.Sqrt(x.shape[1]))), TorchScalars.One);
        x = ln_pre.forward(x);
        foreach (var block in blocks) x = block.forward(x);
        return ln_post.forward(x.select(1, 0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The positional embedding for a grid of this side: the learned one at the config's grid; at another (DINO's
    /// local crops, smaller than the global view) its patch part resampled bicubically to that grid, the class
    /// token's entry kept, as DINO's interpolate_pos_encoding does.
    /// </summary>
    public Tensor PositionalEmbeddingFor(int grid)
    {
        int trained = Config.GridSize;
        if (grid == trained) return positional_embedding;
        var patches = positional_embedding.narrow(0, 1, trained * trained).view(1, trained, trained, -1).permute(0, 3, 1, 2);
        var resampled = functional.interpolate(patches, size: [grid, grid], mode: InterpolationMode.Bicubic, align_corners: false);
        return cat([positional_embedding.narrow(0, 0, 1), resampled.permute(0, 2, 3, 1).reshape(grid * grid, -1)], 0);
    }

    public override Tensor forward(Tensor images)
    {
        using var features = ForwardFeatures(images);
        return features.matmul(proj);
    }

    /// <summary>Runs a forward pass and returns the token-averaged MLP activations of every block ([B, hidden] each).</summary>
    public (Tensor Output, IReadOnlyList<Tensor> BlockActivations) ForwardWithActivations(Tensor images)
    {
        var sink = new List<Tensor>();
        foreach (var block in blocks) block.ActivationSink = sink;
        try
        {
            return (forward(images), sink);
        }
        finally
        {
            foreach (var block in blocks) block.ActivationSink = null;
        }
    }
}
