namespace ClipMem.Models;

/// <summary>The image tower: a ViT like open_clip's VisionTransformer.</summary>
public sealed record VisionConfig(int ImageSize, int PatchSize, int Width, int Layers, int Heads, double MlpRatio = 4.0)
{
    public int GridSize => ImageSize / PatchSize;

    public void Validate()
    {
        if (ImageSize % PatchSize != 0) throw new ArgumentException($"Image size {ImageSize} is not a multiple of the patch size {PatchSize}.");
        if (Width % Heads != 0) throw new ArgumentException($"Vision width {Width} is not divisible by {Heads} heads.");
    }
}

/// <summary>The text tower: a causal transformer pooled at the end token.</summary>
public sealed record TextConfig(int ContextLength, int VocabularySize, int Width, int Layers, int Heads, double MlpRatio = 4.0)
{
    public void Validate()
    {
        if (Width % Heads != 0) throw new ArgumentException($"Text width {Width} is not divisible by {Heads} heads.");
        if (ContextLength < 3) throw new ArgumentException($"Context length {ContextLength} leaves no room for a token between start and end.");
    }
}

/// <summary>A CLIP model: both towers and the shared embedding width (open_clip model_configs/*.json).</summary>
public sealed record ClipConfig(int EmbedDim, VisionConfig Vision, TextConfig Text)
{
    /// <summary>Tests: trains in seconds.</summary>
    public static ClipConfig Tiny(int vocabularySize) =>
        new(32, new VisionConfig(32, 8, 32, 1, 2), new TextConfig(32, vocabularySize, 32, 1, 2));

    /// <summary>The default main job: the prototype's model that shows the study's effects in minutes on 2 cores.</summary>
    public static ClipConfig Quick(int vocabularySize) =>
        new(64, new VisionConfig(32, 8, 64, 2, 4), new TextConfig(32, vocabularySize, 64, 2, 4));

    /// <summary>The benchmark's reference model (issue: 32x32, patch 4, width 128, 4+4 layers, heads 4, context 32, embedding 64).</summary>
    public static ClipConfig BenchReference(int vocabularySize) =>
        new(64, new VisionConfig(32, 4, 128, 4, 4), new TextConfig(32, vocabularySize, 128, 4, 4));

    /// <summary>The study's ViT-B/32 CLIP (151.3 M parameters with CLIP's 49,408-token vocabulary).</summary>
    public static ClipConfig Paper(int vocabularySize = 49_408) =>
        new(512, new VisionConfig(224, 32, 768, 12, 12), new TextConfig(77, vocabularySize, 512, 12, 8));

    public void Validate()
    {
        Vision.Validate();
        Text.Validate();
        if (EmbedDim <= 0) throw new ArgumentException($"Embedding width must be positive, got {EmbedDim}.");
    }
}
