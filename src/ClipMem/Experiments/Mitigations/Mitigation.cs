using System.Text.Json.Serialization;
using ClipMem.Experiments.Derivation;

namespace ClipMem.Experiments.Mitigations;

/// <summary>
/// One mitigation a run applies (PAPER.md section 5), as a typed record in the config's list; its "kind" names
/// it in config.json. Several captions per image, the study's other mitigation, is a data setting
/// (<see cref="DataSettings.CaptionsPerImage"/>) because it changes what the data is, not how training treats it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(TextEmbeddingNoise), TextEmbeddingNoise.KindName)]
[JsonDerivedType(typeof(Removal), Removal.KindName)]
public abstract record Mitigation
{
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>A bad value names the mitigation's field and what it allows.</summary>
    public abstract void Validate();
}

/// <summary>Gaussian noise of this standard deviation added to the text embeddings during training (PAPER.md finding 6).</summary>
public sealed record TextEmbeddingNoise(double Sigma) : Mitigation
{
    public const string KindName = "text_embedding_noise";

    [System.Text.Json.Serialization.JsonIgnore]
    public override string Kind => KindName;

    public override void Validate()
    {
        if (!(Sigma > 0) || !double.IsFinite(Sigma))
            throw new ArgumentException($"mitigations.text_embedding_noise.sigma = {Sigma}: allowed values are finite numbers > 0 (leave the mitigation out for none).");
    }
}
