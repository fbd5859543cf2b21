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
    /// <summary>Tests: trains in seconds (model_configs/clip-tiny.json).</summary>
    public static ClipConfig Tiny(int vocabularySize) => ClipModelConfigs.Load("tiny", vocabularySize);

    /// <summary>The default main job: shows the study's effects in minutes on 2 cores (model_configs/clip-quick.json).</summary>
    public static ClipConfig Quick(int vocabularySize) => ClipModelConfigs.Load("quick", vocabularySize);

    /// <summary>The benchmark's reference model (model_configs/clip-bench.json).</summary>
    public static ClipConfig BenchReference(int vocabularySize) => ClipModelConfigs.Load("bench", vocabularySize);

    /// <summary>The study's ViT-B/32 CLIP, 151.3 M parameters with CLIP's 49,408-token vocabulary (model_configs/clip-paper.json).</summary>
    public static ClipConfig Paper(int? vocabularySize = null) => ClipModelConfigs.Load("paper", vocabularySize);

    public void Validate()
    {
        Vision.Validate();
        Text.Validate();
        if (EmbedDim <= 0) throw new ArgumentException($"Embedding width must be positive, got {EmbedDim}.");
    }
}
