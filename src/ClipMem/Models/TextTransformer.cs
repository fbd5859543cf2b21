using ClipMem.Common;
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

    public IReadOnlyList<TransformerBlock> Blocks => blocks.ToList();

    public TextTransformer(TextConfig config, int outputDim) : base("text")
    {
        config.Validate();
        Config = config;
        token_embedding = Embedding(config.VocabularySize, config.Width);
        positional_embedding = Parameter(ParameterInit.Normal([config.ContextLength, config.Width], 0.01));
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers)
            .Select(i => new TransformerBlock($"block{i}", config.Width, config.Heads, config.MlpRatio, causal: true)).ToArray());
        ln_final = LayerNorm(config.Width);
        text_projection = Parameter(ParameterInit.Normal([config.Width, outputDim], Math.Pow(config.Width, -0.5)));
        RegisterComponents();
        // open_clip initialises token embeddings with std 0.02.
        using (no_grad()) token_embedding.weight!.normal_(0, 0.02);
    }

    /// <param name="tokens">
    /// [batch, length] token ids, length at most the context length. Trailing columns past every row's end
    /// token may be dropped by the caller: under the causal mask nothing before the end token reads them,
    /// so the pooled feature is the same and the work is smaller.
    /// </param>
    /// <param name="endPositions">[batch] index of the end token in each row; the causal mask makes it the only position that has read the whole caption.</param>
    public override Tensor forward(Tensor tokens, Tensor endPositions)
    {
        long length = tokens.shape[1];
        if (length > Config.ContextLength)
            throw new ArgumentException($"Captions of {length} tokens exceed the context length {Config.ContextLength}.");
        using var scope = NewDisposeScope();
        var x = token_embedding.forward(tokens).add(positional_embedding.narrow(0, 0, length), TorchScalars.One);
        foreach (var block in blocks) x = block.forward(x);
        x = ln_final.forward(x);
        var rows = TorchScalars.Indices(x.shape[0], x.device);
        var pooled = x[rows, endPositions];
        return pooled.matmul(text_projection).MoveToOuterDisposeScope();
    }
}
