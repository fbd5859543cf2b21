using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>
/// The text tower: token and positional embeddings, causal pre-LN blocks, final LayerNorm, the feature
/// at the end-token position, linear projection (open_clip TextTransformer / CLIP.encode_text).
/// </summary>
public sealed class TextTransformer : Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Parameter positional_embedding, text_projection;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm ln_final;

    public TextConfig Config { get; }

    public TextTransformer(TextConfig config, int outputDim) : base("text")
    {
        config.Validate();
        Config = config;
        token_embedding = Embedding(config.VocabularySize, config.Width);
        positional_embedding = Parameter(randn(config.ContextLength, config.Width) * 0.01);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers)
            .Select(i => new TransformerBlock($"block{i}", config.Width, config.Heads, config.MlpRatio, causal: true)).ToArray());
        ln_final = LayerNorm(config.Width);
        text_projection = Parameter(randn(config.Width, outputDim) * Math.Pow(config.Width, -0.5));
        RegisterComponents();
        // open_clip initialises token embeddings with std 0.02.
        using (no_grad()) token_embedding.weight!.normal_(0, 0.02);
    }

    /// <param name="tokens">[batch, context] token ids.</param>
    /// <param name="endPositions">[batch] index of the end token in each row; the causal mask makes it the only position that has read the whole caption.</param>
    public override Tensor forward(Tensor tokens, Tensor endPositions)
    {
        if (tokens.shape[1] != Config.ContextLength)
            throw new ArgumentException($"Expected {Config.ContextLength} tokens per caption, got {tokens.shape[1]}.");
        using var scope = NewDisposeScope();
        var x = token_embedding.forward(tokens) + positional_embedding;
        foreach (var block in blocks) x = block.forward(x);
        x = ln_final.forward(x);
        var rows = arange(x.shape[0], dtype: int64, device: x.device);
        var pooled = x[rows, endPositions];
        return pooled.matmul(text_projection).MoveToOuterDisposeScope();
    }
}
